#include "backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <vector>

#include "fs_util.h"
#include "schema.h"
#include "sqlite_storage.h"

namespace sealshot::server {
namespace {

constexpr const char* kManifestName = "manifest.json";
constexpr const char* kManifestFormat = "sealshot-backup";

struct Row {
  std::string project_id;
  std::string submission_id;
  std::uint64_t size_bytes = 0;
};

Result<std::vector<Row>> all_rows(sqlite::Connection& db) {
  Result<sqlite::Statement> stmt =
      sqlite::Statement::prepare(db, "SELECT project_id, submission_id, size_bytes FROM submissions");
  if (!stmt.ok()) return stmt.status();
  std::vector<Row> rows;
  for (;;) {
    Result<bool> row = stmt.value().step("list submissions");
    if (!row.ok()) return row.status();
    if (!row.value()) return rows;
    rows.push_back(
        {stmt.value().column_text(0), stmt.value().column_text(1), std::uint64_t(stmt.value().column_int(2))});
  }
}

Result<std::uint64_t> count_rows(sqlite::Connection& db, const char* table) {
  Result<sqlite::Statement> stmt = sqlite::Statement::prepare(db, std::string("SELECT count(*) FROM ") + table);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt.value().step("count rows");
  if (!row.ok()) return row.status();
  return std::uint64_t(stmt.value().column_int(0));
}

std::string blob_path(const std::string& root, const Row& row) {
  return root + "/blobs/" + row.project_id + "/" + row.submission_id + ".env";
}

Status fsync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error(errno, "open " + path);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  return rc == 0 ? Status() : io_error(err, "sync " + path);
}

Status write_manifest(const std::string& dir, const BackupManifest& m) {
  const nlohmann::json json = {
      {"format", kManifestFormat},
      {"format_version", m.format_version},
      {"schema_version", m.schema_version},
      {"created_at_ms", m.created_at_ms},
      {"projects", m.projects},
      {"submissions", m.submissions},
      {"blob_bytes", m.blob_bytes},
      {"deleted_during_backup", m.deleted_during_backup},
  };
  const std::string text = json.dump(2) + "\n";
  const std::string temp = dir + "/" + kManifestName + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return io_error(errno, "create " + temp);
  const bool ok = write_all(fd, text.data(), text.size()) && ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) return io_error(err, "write " + temp);
  if (::rename(temp.c_str(), (dir + "/" + kManifestName).c_str()) != 0) return io_error(errno, "rename " + temp);
  return fsync_directory(dir);
}

Result<BackupManifest> read_manifest(const std::string& dir) {
  const std::string path = dir + "/" + kManifestName;
  std::ifstream in(path);
  const Status incomplete(ErrorCode::invalid_argument,
                          "'" + dir + "' is not a complete Sealshot backup (manifest.json is missing or unreadable).");
  if (!in) return incomplete;
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || json.value("format", "") != kManifestFormat) return incomplete;
  BackupManifest m;
  try {
    m.format_version = json.at("format_version").get<int>();
    m.schema_version = json.at("schema_version").get<int>();
    m.created_at_ms = json.at("created_at_ms").get<std::int64_t>();
    m.projects = json.at("projects").get<std::uint64_t>();
    m.submissions = json.at("submissions").get<std::uint64_t>();
    m.blob_bytes = json.at("blob_bytes").get<std::uint64_t>();
    m.deleted_during_backup = json.value("deleted_during_backup", std::uint64_t{0});
  } catch (const nlohmann::json::exception&) {
    return incomplete;
  }
  if (m.format_version != kBackupFormatVersion) {
    return Status(ErrorCode::invalid_argument, "'" + dir + "' has backup format version " +
                                                   std::to_string(m.format_version) +
                                                   ", which this build cannot read.");
  }
  return m;
}

Status damaged(const std::string& dir, const std::string& why) {
  return {ErrorCode::storage_error, "The backup in '" + dir + "' is damaged: " + why + "."};
}

}  // namespace

// --- backup --------------------------------------------------------------------

Status backup_write(sqlite::Connection& source, const std::string& data_dir, const std::string& backup_dir,
                    std::int64_t now_ms, int busy_timeout_ms) {
  Result<bool> empty = directory_is_absent_or_empty(backup_dir);
  if (!empty.ok()) return empty.status();
  if (!empty.value()) {
    return {ErrorCode::already_exists, "The backup directory '" + backup_dir + "' is not empty; choose a new one."};
  }
  std::error_code ec;
  std::filesystem::create_directories(backup_dir, ec);
  if (ec) return {ErrorCode::storage_error, "Cannot create '" + backup_dir + "': " + ec.message() + "."};
  std::filesystem::permissions(backup_dir, std::filesystem::perms::owner_all, ec);  // as the data directory

  const std::string db_path = backup_dir + "/sealshot.db";
  BackupManifest manifest;
  manifest.created_at_ms = now_ms;
  std::vector<Row> rows;
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

    Result<std::vector<Row>> listed = all_rows(dest);
    if (!listed.ok()) return listed.status();
    if (Status s = make_directory(backup_dir + "/blobs"); !s.ok()) return s;
    std::set<std::string> dirs;
    std::vector<Row> gone;
    for (const Row& row : listed.value()) {
      if (dirs.insert(row.project_id).second) {
        if (Status s = make_directory(backup_dir + "/blobs/" + row.project_id); !s.ok()) return s;
      }
      const Status linked = link_or_copy(blob_path(data_dir, row), blob_path(backup_dir, row));
      if (linked.code() == ErrorCode::not_found) {
        gone.push_back(row);  // deleted after the snapshot was taken
        continue;
      }
      if (!linked.ok()) return linked;
      manifest.blob_bytes += row.size_bytes;
      rows.push_back(row);
    }
    if (!gone.empty()) {
      if (Status s = dest.exec("BEGIN", "prune the backup"); !s.ok()) return s;
      for (const Row& row : gone) {
        for (const char* sql : {"DELETE FROM submissions WHERE project_id = ?1 AND submission_id = ?2",
                                "DELETE FROM idempotency_keys WHERE project_id = ?1 AND submission_id = ?2"}) {
          Result<sqlite::Statement> stmt = sqlite::Statement::prepare(dest, sql);
          if (!stmt.ok()) return stmt.status();
          stmt.value().bind(1, row.project_id).bind(2, row.submission_id);
          if (Status s = stmt.value().run("prune the backup"); !s.ok()) return s;
        }
      }
      if (Status s = dest.exec("COMMIT", "prune the backup"); !s.ok()) return s;
      manifest.deleted_during_backup = gone.size();
    }
    Result<int> version = schema_version(dest);
    Result<std::uint64_t> projects = count_rows(dest, "projects");
    if (!version.ok()) return version.status();
    if (!projects.ok()) return projects.status();
    manifest.schema_version = version.value();
    manifest.projects = projects.value();
    manifest.submissions = rows.size();
    for (const std::string& project : dirs) {
      if (Status s = fsync_directory(backup_dir + "/blobs/" + project); !s.ok()) return s;
    }
  }  // closes the copy before it is synced
  if (Status s = fsync_file(db_path); !s.ok()) return s;
  if (Status s = fsync_directory(backup_dir + "/blobs"); !s.ok()) return s;
  if (Status s = fsync_directory(backup_dir); !s.ok()) return s;
  return write_manifest(backup_dir, manifest);
}

Status SqliteStorage::backup_to(const std::string& directory) {
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  return backup_write(*lease.value(), data_dir_, directory, now_ms(), options_.busy_timeout_ms);
}

// --- verify and restore ----------------------------------------------------------

Result<BackupManifest> backup_verify(const std::string& backup_dir) {
  Result<BackupManifest> manifest = read_manifest(backup_dir);
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
  if (version.value() < 1 || version.value() > kSchemaVersion) {
    return damaged(backup_dir,
                   "its schema version " + std::to_string(version.value()) + " is not one this build reads");
  }
  Result<std::uint64_t> projects = count_rows(db, "projects");
  Result<std::vector<Row>> rows = all_rows(db);
  if (!projects.ok()) return projects.status();
  if (!rows.ok()) return rows.status();
  if (projects.value() != manifest.value().projects || rows.value().size() != manifest.value().submissions) {
    return damaged(backup_dir, "its database does not hold the counts in manifest.json");
  }
  std::uint64_t bad = 0;
  for (const Row& row : rows.value()) {
    struct stat st {};
    if (::stat(blob_path(backup_dir, row).c_str(), &st) != 0 || std::uint64_t(st.st_size) != row.size_bytes) ++bad;
  }
  if (bad != 0) return damaged(backup_dir, std::to_string(bad) + " blob file(s) are missing or have the wrong size");
  return manifest;
}

namespace {

Status restore_into(const std::string& backup_dir, const std::string& data_dir) {
  Result<sqlite::Connection> opened = sqlite::Connection::open(backup_dir + "/sealshot.db", 1000, /*read_only=*/true);
  if (!opened.ok()) return opened.status();
  Result<std::vector<Row>> rows = all_rows(opened.value());
  if (!rows.ok()) return rows.status();
  if (Status s = make_directory(data_dir + "/staging"); !s.ok()) return s;
  if (Status s = make_directory(data_dir + "/blobs"); !s.ok()) return s;
  std::set<std::string> dirs;
  for (const Row& row : rows.value()) {
    if (dirs.insert(row.project_id).second) {
      if (Status s = make_directory(data_dir + "/blobs/" + row.project_id); !s.ok()) return s;
    }
    // Copies, not links: the restored data must not share inodes with the
    // backup it may need again.
    if (Status s = copy_file_durable(blob_path(backup_dir, row), blob_path(data_dir, row)); !s.ok()) return s;
  }
  for (const std::string& project : dirs) {
    if (Status s = fsync_directory(data_dir + "/blobs/" + project); !s.ok()) return s;
  }
  if (Status s = fsync_directory(data_dir + "/blobs"); !s.ok()) return s;
  // The database last, under a temporary name: a data directory with a
  // sealshot.db is a finished restore.
  const std::string temp = data_dir + "/sealshot.db.restoring";
  if (Status s = copy_file_durable(backup_dir + "/sealshot.db", temp); !s.ok()) return s;
  if (::rename(temp.c_str(), (data_dir + "/sealshot.db").c_str()) != 0) return io_error(errno, "rename " + temp);
  return fsync_directory(data_dir);
}

}  // namespace

Status restore_sqlite_backup(const std::string& backup_dir, const std::string& data_dir) {
  Result<bool> empty = directory_is_absent_or_empty(data_dir);
  if (!empty.ok()) return empty.status();
  if (!empty.value()) {
    return {ErrorCode::already_exists,
            "The data directory '" + data_dir + "' is not empty; restore only into a new or empty directory."};
  }
  Result<BackupManifest> manifest = backup_verify(backup_dir);
  if (!manifest.ok()) return manifest.status();

  std::error_code ec;
  const bool existed = std::filesystem::exists(data_dir, ec);
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return {ErrorCode::storage_error, "Cannot create '" + data_dir + "': " + ec.message() + "."};
  std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all, ec);

  Status restored = restore_into(backup_dir, data_dir);
  if (restored.ok()) {
    // Opening migrates an older schema and switches the copy to WAL.
    Result<std::unique_ptr<SqliteStorage>> storage = SqliteStorage::open(data_dir, {});
    restored = storage.status();
  }
  if (!restored.ok()) {
    // The directory was empty before: put it back that way.
    if (existed) {
      std::vector<std::filesystem::path> entries;
      for (auto it = std::filesystem::directory_iterator(data_dir, ec);
           !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
        entries.push_back(it->path());
      }
      for (const auto& entry : entries) std::filesystem::remove_all(entry, ec);
    } else {
      std::filesystem::remove_all(data_dir, ec);
    }
  }
  return restored;
}

}  // namespace sealshot::server
