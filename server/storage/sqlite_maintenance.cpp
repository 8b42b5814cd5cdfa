// SqliteStorage's housekeeping: the start-up consistency check and the
// retention purge. Both rely on the ordering in sqlite_storage.h (blob
// durable before its row; row deleted before its blob).
#include <dirent.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <set>

#include "ids.h"
#include "sqlite_storage.h"

namespace sealshot::server {
namespace {

constexpr std::int64_t kMsPerDay = 24LL * 60 * 60 * 1000;
constexpr std::int64_t kPurgeBatch = 500;  // rows per transaction: keeps each commit short

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Names in a directory (no "." or ".."). A missing directory is empty.
Result<std::vector<std::string>> list_directory(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(path.c_str());
  if (!dir) {
    if (errno == ENOENT) return names;
    return io_error(errno, "list " + path);
  }
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(dir);
  return names;
}

}  // namespace

// --- check_and_repair --------------------------------------------------------------

Result<ConsistencyReport> SqliteStorage::check_and_repair() {
  // Exclusive: another process's blob between rename and row commit would
  // look exactly like a crash leftover.
  if (Status s = lock_.hold_exclusive(); !s.ok()) return s;
  struct BackToShared {
    DataDirLock& lock;
    ~BackToShared() { (void)lock.downgrade(); }
  } back_to_shared{lock_};

  ConsistencyReport report;

  // 1. Staging files are uploads that never reached commit().
  Result<std::vector<std::string>> staged = list_directory(blobs_.staging_dir());
  if (!staged.ok()) return staged.status();
  for (const std::string& name : staged.value()) {
    if (!ends_with(name, kStagingSuffix)) continue;
    if (in_flight_contains(name.substr(0, name.size() - kStagingSuffix.size()))) continue;
    const std::string path = blobs_.staging_dir() + "/" + name;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return io_error(errno, "remove staging/" + name);
    ++report.staging_files_removed;
  }

  // 2. Per project (every project that has rows or a blob directory):
  //    blobs without rows are orphans, rows without blobs are dangling.
  std::map<std::string, std::set<std::string>> rows;  // project -> submission ids
  {
    Result<ReadPool::Lease> lease = readers_.acquire();
    if (!lease.ok()) return lease.status();
    Result<sqlite::Statement> stmt =
        sqlite::Statement::prepare(*lease.value(), "SELECT project_id, submission_id FROM submissions");
    if (!stmt.ok()) return stmt.status();
    for (;;) {
      Result<bool> row = stmt.value().step("list submissions for the consistency check");
      if (!row.ok()) return row.status();
      if (!row.value()) break;
      rows[stmt.value().column_text(0)].insert(stmt.value().column_text(1));
    }
  }
  Result<std::vector<std::string>> project_dirs = list_directory(blobs_.blobs_dir());
  if (!project_dirs.ok()) return project_dirs.status();
  for (const std::string& name : project_dirs.value()) {
    if (project_id_is_well_formed(name)) rows[name];  // a directory with no rows at all
  }

  for (const auto& [project_id, ids] : rows) {
    std::set<std::string> blobs;
    Result<std::vector<std::string>> files = list_directory(blobs_.project_dir(project_id));
    if (!files.ok()) return files.status();
    for (const std::string& name : files.value()) {
      if (!ends_with(name, kBlobSuffix)) continue;  // not ours: left alone
      const std::string id = name.substr(0, name.size() - kBlobSuffix.size());
      if (!submission_id_is_well_formed(id)) continue;
      if (ids.count(id) != 0 || in_flight_contains(id)) {
        blobs.insert(id);
        continue;
      }
      if (Status s = blobs_.remove(project_id, id); !s.ok()) return s;
      ++report.orphan_blobs_removed;
    }
    std::vector<std::string> dangling;
    for (const std::string& id : ids) {
      if (blobs.count(id) == 0) dangling.push_back(id);
    }
    if (!dangling.empty()) {
      if (Status s = remove_dangling_rows(project_id, dangling); !s.ok()) return s;
      report.dangling_rows_removed += dangling.size();
    }
    report.submissions += ids.size() - dangling.size();
  }
  return report;
}

Status SqliteStorage::remove_dangling_rows(const std::string& project_id, const std::vector<std::string>& ids) {
  return committer_->run([&](sqlite::Connection& db) -> Status {
    Result<sqlite::Statement> row =
        sqlite::Statement::prepare(db, "DELETE FROM submissions WHERE project_id = ?1 AND submission_id = ?2");
    Result<sqlite::Statement> key =
        sqlite::Statement::prepare(db, "DELETE FROM idempotency_keys WHERE project_id = ?1 AND submission_id = ?2");
    if (!row.ok()) return row.status();
    if (!key.ok()) return key.status();
    for (const std::string& id : ids) {
      row.value().reset();
      key.value().reset();
      row.value().bind(1, project_id).bind(2, id);
      key.value().bind(1, project_id).bind(2, id);
      if (Status s = row.value().run("remove a dangling row"); !s.ok()) return s;
      if (Status s = key.value().run("remove a dangling row's key"); !s.ok()) return s;
    }
    return {};
  });
}

// --- purge_expired -----------------------------------------------------------------

Result<std::uint64_t> SqliteStorage::purge_expired(std::int64_t now_ms) {
  Result<std::vector<Project>> projects = list_projects();
  if (!projects.ok()) return projects.status();
  std::uint64_t purged = 0;
  for (const Project& project : projects.value()) {
    if (project.retention_days == 0) continue;  // kept until deleted by hand
    const std::int64_t cutoff = now_ms - std::int64_t(project.retention_days) * kMsPerDay;
    for (;;) {
      std::vector<std::string> deleted;
      Status s = committer_->run([&](sqlite::Connection& db) -> Status {
        Result<sqlite::Statement> rows = sqlite::Statement::prepare(
            db,
            "DELETE FROM submissions WHERE project_id = ?1 AND submission_id IN ("
            "  SELECT submission_id FROM submissions WHERE project_id = ?1 AND created_at_ms < ?2"
            "  ORDER BY created_at_ms LIMIT ?3) "
            "RETURNING submission_id");
        if (!rows.ok()) return rows.status();
        rows.value().bind(1, project.id).bind(2, cutoff).bind(3, kPurgeBatch);
        for (;;) {
          Result<bool> row = rows.value().step("purge expired submissions");
          if (!row.ok()) return row.status();
          if (!row.value()) break;
          deleted.push_back(rows.value().column_text(0));
        }
        Result<sqlite::Statement> keys =
            sqlite::Statement::prepare(db, "DELETE FROM idempotency_keys WHERE project_id = ?1 AND submission_id = ?2");
        if (!keys.ok()) return keys.status();
        for (const std::string& id : deleted) {
          keys.value().reset();
          keys.value().bind(1, project.id).bind(2, id);
          if (Status st = keys.value().run("purge idempotency keys"); !st.ok()) return st;
        }
        return {};
      });
      if (!s.ok()) return s;
      // Rows are gone (committed); now the blobs. A crash here leaves
      // orphans that the next repair removes.
      for (const std::string& id : deleted) {
        if (Status st = blobs_.remove(project.id, id); !st.ok()) return st;
      }
      purged += deleted.size();
      if (deleted.size() < std::size_t(kPurgeBatch)) break;
    }
  }
  return purged;
}

}  // namespace sealshot::server
