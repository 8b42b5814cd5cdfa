#include "backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <memory>
#include <vector>

#include "backup_manifest.h"
#include "envelope_rows.h"
#include "fs_util.h"
#include "schema.h"
#include "sqlite_storage.h"

namespace sealshot::server {
namespace {

constexpr std::int64_t kBackupSegment = 1;

Status damaged(const std::string& dir, const std::string& why) {
  return {ErrorCode::storage_error, "The backup in '" + dir + "' is damaged: " + why + "."};
}

// Copies `length` bytes from `in` at `from` to `out` at `to`. not_found when
// the source is shorter than that (its bytes were released meanwhile).
Status copy_range(int in, std::uint64_t from, int out, std::uint64_t to, std::uint64_t length) {
  constexpr std::size_t kChunk = 256 * 1024;
  const auto buffer = std::make_unique_for_overwrite<std::uint8_t[]>(kChunk);
  while (length > 0) {
    const ssize_t n = ::pread(in, buffer.get(), std::size_t(std::min<std::uint64_t>(length, kChunk)), off_t(from));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error(errno, "read a segment");
    if (n == 0) return {ErrorCode::not_found, "An envelope is cut short."};
    std::size_t done = 0;
    while (done < std::size_t(n)) {
      const ssize_t w = ::pwrite(out, buffer.get() + done, std::size_t(n) - done, off_t(to + done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return io_error(w < 0 ? errno : EIO, "write the backup's segment");
      done += std::size_t(w);
    }
    from += std::uint64_t(n);
    to += std::uint64_t(n);
    length -= std::uint64_t(n);
  }
  return {};
}

Status forget_in_backup(sqlite::Connection& dest, const EnvelopeRow& row) {
  Result<sqlite::Statement> stmt =
      sqlite::Statement::prepare(dest, "DELETE FROM submissions WHERE project_id = ?1 AND submission_id = ?2");
  if (!stmt.ok()) return stmt.status();
  stmt.value().bind(1, row.project_id).bind(2, row.submission_id);
  if (Status s = stmt.value().run("prune the backup"); !s.ok()) return s;
  return schema_delete_submission_extras(dest, row.project_id, row.submission_id);
}

// Copies every envelope the snapshot in `dest` points at into one compacted
// segment of the backup and points the snapshot's rows at it. Rows deleted
// from the live database meanwhile are dropped: their bytes may have been
// punched out before the copy read them. (A row still live after the copy
// was never deleted, so its bytes were intact when they were read.)
Status copy_envelopes(sqlite::Connection& dest, sqlite::Connection& live, const BlobLog& live_blobs,
                      const std::string& segment_path, BackupManifest& manifest) {
  Result<std::vector<EnvelopeRow>> rows = envelope_all(dest);
  if (!rows.ok()) return rows.status();
  const int out = ::open(segment_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) return io_error(errno, "create " + segment_path);
  struct Closer {
    int fd;
    ~Closer() {
      if (fd >= 0) ::close(fd);
    }
  } out_closer{out}, in_closer{-1};

  Result<sqlite::Statement> move = sqlite::Statement::prepare(
      dest, "UPDATE envelopes SET segment = ?3, byte_offset = ?4 WHERE project_id = ?1 AND submission_id = ?2");
  Result<sqlite::Statement> live_row =
      sqlite::Statement::prepare(live, "SELECT 1 FROM submissions WHERE project_id = ?1 AND submission_id = ?2");
  if (!move.ok()) return move.status();
  if (!live_row.ok()) return live_row.status();

  std::int64_t open_segment = 0;
  std::uint64_t out_offset = 0;
  std::vector<bool> missing(rows.value().size(), false);  // could not be read: deleted, or damage
  if (Status s = dest.exec("BEGIN", "rewrite the backup's envelope locations"); !s.ok()) return s;
  for (std::size_t i = 0; i < rows.value().size(); ++i) {
    const EnvelopeRow& row = rows.value()[i];
    if (row.location.segment != open_segment) {
      if (in_closer.fd >= 0) ::close(in_closer.fd);
      in_closer.fd = ::open(live_blobs.segment_path(row.location.segment).c_str(), O_RDONLY | O_CLOEXEC);
      open_segment = row.location.segment;
      if (in_closer.fd < 0 && errno != ENOENT) return io_error(errno, "open a segment");
    }
    Status copied = in_closer.fd < 0
                        ? Status(ErrorCode::not_found, "segment gone")
                        : copy_range(in_closer.fd, row.location.offset, out, out_offset, row.location.length);
    if (copied.code() == ErrorCode::not_found) {
      missing[i] = true;
      continue;
    }
    if (!copied.ok()) return copied;
    move.value().reset();
    move.value()
        .bind(1, row.project_id)
        .bind(2, row.submission_id)
        .bind(3, kBackupSegment)
        .bind(4, std::int64_t(out_offset));
    if (Status s = move.value().run("rewrite an envelope location"); !s.ok()) return s;
    out_offset += row.location.length;
  }
  for (std::size_t i = 0; i < rows.value().size(); ++i) {
    const EnvelopeRow& row = rows.value()[i];
    live_row.value().reset();
    live_row.value().bind(1, row.project_id).bind(2, row.submission_id);
    Result<bool> live_now = live_row.value().step("check a submission during the backup");
    if (!live_now.ok()) return live_now.status();
    if (live_now.value() && missing[i]) {
      return {ErrorCode::storage_error, "The envelope of submission " + row.submission_id +
                                            " cannot be read from the data directory (damaged?); no backup was made."};
    }
    if (live_now.value()) continue;
    if (Status s = forget_in_backup(dest, row); !s.ok()) return s;
    ++manifest.deleted_during_backup;
  }
  if (Status s = dest.exec("COMMIT", "rewrite the backup's envelope locations"); !s.ok()) return s;
  if (::fsync(out) != 0) return io_error(errno, "sync " + segment_path);
  // Bytes of rows dropped above stay in the copy as unreferenced ranges; a
  // restore's start-up check punches them out.
  return {};
}

}  // namespace

// --- backup --------------------------------------------------------------------

Status backup_write(sqlite::Connection& source, sqlite::Connection& live, const BlobLog& live_blobs,
                    const std::string& backup_dir, std::int64_t now_ms, int busy_timeout_ms) {
  Result<bool> empty = directory_is_absent_or_empty(backup_dir);
  if (!empty.ok()) return empty.status();
  if (!empty.value()) {
    return {ErrorCode::already_exists, "The backup directory '" + backup_dir + "' is not empty; choose a new one."};
  }
  std::error_code ec;
  std::filesystem::create_directories(backup_dir, ec);
  if (ec) return {ErrorCode::storage_error, "Cannot create '" + backup_dir + "': " + ec.message() + "."};
  std::filesystem::permissions(backup_dir, std::filesystem::perms::owner_all, ec);  // as the data directory
  if (Status s = make_directory(backup_dir + "/segments"); !s.ok()) return s;

  const std::string db_path = backup_dir + "/sealshot.db";
  BackupManifest manifest;
  manifest.created_at_ms = now_ms;
  {
    Result<sqlite::Connection> opened = sqlite::Connection::open(db_path, busy_timeout_ms);
    if (!opened.ok()) return opened.status();
    sqlite::Connection& dest = opened.value();
    // One step over all pages: the source read transaction spans the whole
    // copy, so the copy is one snapshot. In WAL mode the server's writes go
    // on meanwhile; they just are not in it.
    sqlite3_backup* backup = sqlite3_backup_init(dest.handle(), "main", source.handle(), "main");
    if (!backup) return sqlite::db_error(sqlite3_extended_errcode(dest.handle()), "start the backup");
    const int step = sqlite3_backup_step(backup, -1);
    const int finish = sqlite3_backup_finish(backup);
    if (step != SQLITE_DONE) return sqlite::db_error(step, "copy the database");
    if (finish != SQLITE_OK) return sqlite::db_error(finish, "finish the database copy");
    // A backup is one self-contained file, not a WAL pair.
    if (Status s = dest.exec("PRAGMA journal_mode=DELETE", "finish the database copy"); !s.ok()) return s;

    const std::string segment = backup_dir + "/segments/00000001.seg";
    if (Status s = copy_envelopes(dest, live, live_blobs, segment, manifest); !s.ok()) return s;

    Result<int> version = schema_version(dest);
    Result<std::uint64_t> projects = backup_count_rows(dest, "projects");
    Result<std::uint64_t> submissions = backup_count_rows(dest, "submissions");
    Result<sqlite::Statement> bytes =
        sqlite::Statement::prepare(dest, "SELECT coalesce(sum(byte_length), 0) FROM envelopes");
    if (!version.ok()) return version.status();
    if (!projects.ok()) return projects.status();
    if (!submissions.ok()) return submissions.status();
    if (!bytes.ok()) return bytes.status();
    if (Result<bool> row = bytes.value().step("sum envelope sizes"); !row.ok()) return row.status();
    manifest.schema_version = version.value();
    manifest.projects = projects.value();
    manifest.submissions = submissions.value();
    manifest.blob_bytes = std::uint64_t(bytes.value().column_int(0));
  }  // closes the copy before it is synced
  if (Status s = backup_fsync_file(db_path); !s.ok()) return s;
  if (Status s = fsync_directory(backup_dir + "/segments"); !s.ok()) return s;
  if (Status s = fsync_directory(backup_dir); !s.ok()) return s;
  return manifest_write(backup_dir, manifest);
}

Status SqliteStorage::backup_to(const std::string& directory) {
  Result<ReadPool::Lease> snapshot = readers_.acquire();
  if (!snapshot.ok()) return snapshot.status();
  Result<ReadPool::Lease> live = readers_.acquire();
  if (!live.ok()) return live.status();
  return backup_write(*snapshot.value(), *live.value(), *blobs_, directory, now_ms(), options_.busy_timeout_ms);
}

// --- verify ------------------------------------------------------------------------

namespace {

// Format 1: one file per envelope, blobs/<project>/<id>.env.
Status verify_blob_files(sqlite::Connection& db, const std::string& backup_dir) {
  Result<sqlite::Statement> rows =
      sqlite::Statement::prepare(db, "SELECT project_id, submission_id, size_bytes FROM submissions");
  if (!rows.ok()) return rows.status();
  std::uint64_t bad = 0;
  for (;;) {
    Result<bool> row = rows.value().step("list the backup's submissions");
    if (!row.ok()) return row.status();
    if (!row.value()) break;
    const std::string path =
        backup_dir + "/blobs/" + rows.value().column_text(0) + "/" + rows.value().column_text(1) + ".env";
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || std::int64_t(st.st_size) != rows.value().column_int(2)) ++bad;
  }
  if (bad != 0) return damaged(backup_dir, std::to_string(bad) + " blob file(s) are missing or have the wrong size");
  return {};
}

// Format 2: every submission has an envelope of its size inside the segment.
Status verify_segment(sqlite::Connection& db, const std::string& backup_dir) {
  struct stat st {};
  const std::string segment = backup_dir + "/segments/00000001.seg";
  const std::int64_t size = ::stat(segment.c_str(), &st) == 0 ? std::int64_t(st.st_size) : -1;
  Result<sqlite::Statement> bad =
      sqlite::Statement::prepare(db,
                                 "SELECT count(*) FROM submissions s LEFT JOIN envelopes e "
                                 "  ON e.project_id = s.project_id AND e.submission_id = s.submission_id "
                                 "WHERE e.segment IS NULL OR e.segment != ?1 OR e.byte_length != s.size_bytes "
                                 "   OR e.byte_offset + e.byte_length > ?2");
  if (!bad.ok()) return damaged(backup_dir, "sealshot.db has no envelope locations");
  bad.value().bind(1, kBackupSegment).bind(2, size);
  Result<bool> counted = bad.value().step("check the backup's envelopes");
  if (!counted.ok()) return counted.status();
  if (const std::int64_t n = bad.value().column_int(0); n != 0) {
    return damaged(backup_dir, std::to_string(n) + " envelope(s) are missing or have the wrong size");
  }
  return {};
}

}  // namespace

Result<BackupManifest> backup_verify(const std::string& backup_dir) {
  Result<BackupManifest> manifest = manifest_read(backup_dir);
  if (!manifest.ok()) return manifest;
  const std::string db_path = backup_dir + "/sealshot.db";
  if (::access(db_path.c_str(), R_OK) != 0) return damaged(backup_dir, "sealshot.db is missing");
  Result<sqlite::Connection> opened = sqlite::Connection::open(db_path, 1000, /*read_only=*/true);
  if (!opened.ok()) return damaged(backup_dir, "sealshot.db cannot be opened");
  sqlite::Connection& db = opened.value();

  Result<sqlite::Statement> check = sqlite::Statement::prepare(db, "PRAGMA integrity_check");
  if (!check.ok()) return damaged(backup_dir, "sealshot.db is not a database");
  Result<bool> first = check.value().step("check the backup database");
  if (!first.ok() || !first.value() || check.value().column_text(0) != "ok") {
    return damaged(backup_dir, "sealshot.db fails SQLite's integrity check");
  }
  Result<int> version = schema_version(db);
  if (!version.ok()) return version.status();
  // Format 2 backups hold a database of schema 2 or later; opening the
  // restored directory migrates it like any older data directory.
  const bool version_fits = manifest.value().format_version == 1
                                ? version.value() == 1
                                : version.value() >= 2 && version.value() <= kSchemaVersion;
  if (!version_fits) {
    return damaged(backup_dir, "its schema version " + std::to_string(version.value()) +
                                   " does not match backup format " + std::to_string(manifest.value().format_version));
  }
  Result<std::uint64_t> projects = backup_count_rows(db, "projects");
  Result<std::uint64_t> submissions = backup_count_rows(db, "submissions");
  if (!projects.ok()) return projects.status();
  if (!submissions.ok()) return submissions.status();
  if (projects.value() != manifest.value().projects || submissions.value() != manifest.value().submissions) {
    return damaged(backup_dir, "its database does not hold the counts in manifest.json");
  }
  const Status envelopes =
      manifest.value().format_version == 1 ? verify_blob_files(db, backup_dir) : verify_segment(db, backup_dir);
  if (!envelopes.ok()) return envelopes;
  return manifest;
}

}  // namespace sealshot::server
