// SqliteStorage's housekeeping: the start-up consistency check and the
// retention purge.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "envelope_rows.h"
#include "ids.h"
#include "legacy_blobs.h"
#include "schema.h"
#include "sqlite_storage.h"

namespace sealshot::server {
namespace {

constexpr std::int64_t kMsPerDay = 24LL * 60 * 60 * 1000;
constexpr std::int64_t kPurgeBatch = 500;  // rows per transaction: keeps each commit short

}  // namespace

// --- check_and_repair --------------------------------------------------------------

Result<ConsistencyReport> SqliteStorage::check_and_repair() {
  // Exclusive: another process's append between write and commit would look
  // exactly like a crash leftover.
  if (Status s = lock_.hold_exclusive(); !s.ok()) return s;
  struct BackToShared {
    DataDirLock& lock;
    ~BackToShared() { (void)lock.downgrade(); }
  } back_to_shared{lock_};

  ConsistencyReport report;

  // 1. Every name in staging/ is a leftover: live spill files have none
  //    (upload_buffer.h), and no other process is writing.
  Result<std::vector<std::string>> staged = list_directory(staging_dir());
  if (!staged.ok()) return staged.status();
  for (const std::string& name : staged.value()) {
    const std::string path = staging_dir() + "/" + name;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return io_error(errno, "remove staging/" + name);
    ++report.staging_files_removed;
  }

  // 2. Envelope files of a version 1 data directory move into the blob log
  //    (usually already done by open(): its counts are reported here, once).
  report.legacy_blobs_imported = std::exchange(upgraded_.legacy_blobs_imported, 0);
  report.orphan_envelopes_removed = std::exchange(upgraded_.orphan_envelopes_removed, 0);
  if (Status s = import_version1_blobs(report); !s.ok()) return s;

  // 3. Rows and envelope locations are written and deleted together, and
  //    bytes are durable before their row, so what this finds can only come
  //    from outside damage (a segment deleted or cut short by hand) or an
  //    incomplete version 1 directory. Removed in one transaction.
  Status s = committer_->run([&](sqlite::Connection& db) -> Status {
    Result<std::vector<EnvelopeRow>> envelopes = envelope_all(db);
    if (!envelopes.ok()) return envelopes.status();
    std::map<std::int64_t, std::int64_t> segment_sizes;  // -1: missing
    std::vector<std::pair<std::string, std::string>> damaged;
    for (const EnvelopeRow& e : envelopes.value()) {
      auto [it, first] = segment_sizes.try_emplace(e.location.segment, -1);
      struct stat st {};
      if (first && ::stat(blobs_->segment_path(e.location.segment).c_str(), &st) == 0) it->second = st.st_size;
      if (it->second < 0 || std::uint64_t(it->second) < e.location.offset + e.location.length) {
        damaged.emplace_back(e.project_id, e.submission_id);
      }
    }
    // Rows without an envelope row, and rows whose bytes are gone.
    Result<sqlite::Statement> without = sqlite::Statement::prepare(
        db,
        "SELECT project_id, submission_id FROM submissions s WHERE NOT EXISTS (SELECT 1 FROM envelopes e "
        "  WHERE e.project_id = s.project_id AND e.submission_id = s.submission_id)");
    if (!without.ok()) return without.status();
    for (;;) {
      Result<bool> row = without.value().step("find rows without an envelope");
      if (!row.ok()) return row.status();
      if (!row.value()) break;
      damaged.emplace_back(without.value().column_text(0), without.value().column_text(1));
    }
    Result<sqlite::Statement> remove =
        sqlite::Statement::prepare(db, "DELETE FROM submissions WHERE project_id = ?1 AND submission_id = ?2");
    if (!remove.ok()) return remove.status();
    for (const auto& [project_id, id] : damaged) {
      remove.value().reset();
      remove.value().bind(1, project_id).bind(2, id);
      if (Status st = remove.value().run("remove a row without its envelope"); !st.ok()) return st;
      if (Status st = schema_delete_submission_extras(db, project_id, id); !st.ok()) return st;
    }
    report.dangling_rows_removed = damaged.size();
    // Envelope rows without a submission row: their bytes are released below.
    Result<sqlite::Statement> orphans = sqlite::Statement::prepare(
        db,
        "DELETE FROM envelopes WHERE NOT EXISTS (SELECT 1 FROM submissions s "
        "  WHERE s.project_id = envelopes.project_id AND s.submission_id = envelopes.submission_id)");
    if (!orphans.ok()) return orphans.status();
    if (Status st = orphans.value().run("remove envelopes without a row"); !st.ok()) return st;
    report.orphan_envelopes_removed += std::uint64_t(sqlite3_changes(db.handle()));
    return {};
  });
  if (!s.ok()) return s;

  // 4. Bytes no committed row points at go back to the file system. A job of
  //    its own, after the deletions committed, and on the committer thread so
  //    no append of this process runs meanwhile.
  s = committer_->run([&](sqlite::Connection& db) -> Status {
    Result<std::vector<EnvelopeRow>> envelopes = envelope_all(db);
    if (!envelopes.ok()) return envelopes.status();
    std::vector<BlobLocation> committed;
    committed.reserve(envelopes.value().size());
    for (const EnvelopeRow& e : envelopes.value()) committed.push_back(e.location);
    Result<std::uint64_t> released = blobs_->tidy(committed);
    if (!released.ok()) return released.status();
    report.blob_bytes_released = released.value();
    report.submissions = committed.size();
    return {};
  });
  if (!s.ok()) return s;
  return report;
}

Status SqliteStorage::import_version1_blobs(ConsistencyReport& into) {
  Result<LegacyImport> legacy = legacy_blobs_import(data_dir_, staging_dir(), *committer_, *blobs_);
  if (!legacy.ok()) return legacy.status();
  into.legacy_blobs_imported += legacy.value().imported;
  into.orphan_envelopes_removed += legacy.value().orphans_removed;
  return {};
}

// --- purge_expired -----------------------------------------------------------------

Result<std::uint64_t> SqliteStorage::delete_created_before(std::string_view project_id, std::int64_t cutoff_ms) {
  std::uint64_t total = 0;
  for (;;) {
    std::vector<std::string> deleted;
    std::vector<BlobLocation> released;
    Status s = committer_->run([&](sqlite::Connection& db) -> Status {
      deleted.clear();
      released.clear();
      Result<sqlite::Statement> rows = sqlite::Statement::prepare(
          db,
          "DELETE FROM submissions WHERE project_id = ?1 AND submission_id IN ("
          "  SELECT submission_id FROM submissions WHERE project_id = ?1 AND created_at_ms < ?2"
          "  ORDER BY created_at_ms LIMIT ?3) "
          "RETURNING submission_id");
      if (!rows.ok()) return rows.status();
      rows.value().bind(1, project_id).bind(2, cutoff_ms).bind(3, kPurgeBatch);
      for (;;) {
        Result<bool> row = rows.value().step("delete old submissions");
        if (!row.ok()) return row.status();
        if (!row.value()) break;
        deleted.push_back(rows.value().column_text(0));
      }
      for (const std::string& id : deleted) {
        Result<std::optional<BlobLocation>> location = envelope_find(db, project_id, id);
        if (!location.ok()) return location.status();
        if (location.value()) released.push_back(*location.value());
        if (Status st = schema_delete_submission_extras(db, project_id, id); !st.ok()) return st;
      }
      return {};
    });
    if (!s.ok()) return s;
    // Rows are gone (committed); now their bytes. A crash here leaves
    // bytes no row points at, which the next repair releases.
    for (const BlobLocation& location : released) {
      if (Status st = blobs_->release(location); !st.ok()) return st;
    }
    total += deleted.size();
    if (deleted.size() < std::size_t(kPurgeBatch)) return total;
  }
}

Result<std::uint64_t> SqliteStorage::purge_expired(std::int64_t now_ms) {
  Result<std::vector<Project>> projects = list_projects();
  if (!projects.ok()) return projects.status();
  std::uint64_t purged = 0;
  for (const Project& project : projects.value()) {
    if (project.retention_days == 0) continue;  // kept until deleted by hand
    const std::int64_t cutoff = now_ms - std::int64_t(project.retention_days) * kMsPerDay;
    Result<std::uint64_t> deleted = delete_created_before(project.id, cutoff);
    if (!deleted.ok()) return deleted.status();
    purged += deleted.value();
  }
  return purged;
}

}  // namespace sealshot::server
