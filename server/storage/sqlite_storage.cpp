#include "sqlite_storage.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <limits>

#include "envelope_rows.h"
#include "ids.h"
#include "keys.h"
#include "legacy_blobs.h"
#include "page_cursor.h"
#include "schema.h"
#include "storage.h"

namespace sealshot::server {
namespace {

constexpr std::size_t kMaxProjectNameBytes = 200;
constexpr std::uint32_t kMaxRetentionDays = 36500;
constexpr std::uint32_t kMaxPageSize = 500;

Status no_such_project() { return {ErrorCode::not_found, "No such project."}; }
Status no_such_submission() { return {ErrorCode::not_found, "No such submission."}; }

Status check_name(const std::string& name) {
  if (name.empty() || name.size() > kMaxProjectNameBytes) {
    return {ErrorCode::invalid_argument,
            "A project name must be 1 to " + std::to_string(kMaxProjectNameBytes) + " bytes long."};
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return {ErrorCode::invalid_argument, "A project name must not contain control characters."};
    }
  }
  return {};
}

// The project row without its origins.
Project project_from_row(const sqlite::Statement& row) {
  Project p;
  p.id = row.column_text(0);
  p.name = row.column_text(1);
  p.public_key = row.column_text(2);
  p.max_body_bytes = std::uint64_t(row.column_int(3));
  p.retention_days = std::uint32_t(row.column_int(4));
  p.created_at_ms = row.column_int(5);
  p.quotas.daily_submissions = std::uint64_t(row.column_int(6));
  p.quotas.daily_bytes = std::uint64_t(row.column_int(7));
  p.quotas.stored_bytes = std::uint64_t(row.column_int(8));
  p.org_id = row.column_text(9);
  return p;
}

constexpr const char* kProjectColumns =
    "SELECT project_id, name, public_key, max_body_bytes, retention_days, created_at_ms, "
    "quota_daily_submissions, quota_daily_bytes, quota_stored_bytes, org_id FROM projects";

Status check_quotas(const ProjectQuotas& quotas) {
  for (std::uint64_t value : {quotas.daily_submissions, quotas.daily_bytes, quotas.stored_bytes}) {
    if (value > std::uint64_t(INT64_MAX)) return {ErrorCode::invalid_argument, "A quota is out of range."};
  }
  return {};
}

Submission submission_from_row(std::string_view project_id, const sqlite::Statement& row) {
  Submission s;
  s.project_id = std::string(project_id);
  s.id = row.column_text(0);
  s.created_at_ms = row.column_int(1);
  s.size_bytes = std::uint64_t(row.column_int(2));
  s.status = submission_status_from_name(row.column_text(3)).value_or(SubmissionStatus::fresh);
  s.assignee = row.column_text(4);
  const std::string tags = row.column_text(5);
  for (std::size_t start = 0; start < tags.size();) {
    std::size_t comma = tags.find(',', start);
    if (comma == std::string::npos) comma = tags.size();
    s.tags.push_back(tags.substr(start, comma - start));
    start = comma + 1;
  }
  return s;
}

Status insert_origins(sqlite::Connection& db, std::string_view project_id, const std::vector<std::string>& origins) {
  Result<sqlite::Statement> stmt =
      sqlite::Statement::prepare(db, "INSERT INTO project_origins (project_id, position, origin) VALUES (?1, ?2, ?3)");
  if (!stmt.ok()) return stmt.status();
  for (std::size_t i = 0; i < origins.size(); ++i) {
    stmt.value().reset();
    stmt.value().bind(1, project_id).bind(2, std::int64_t(i)).bind(3, origins[i]);
    if (Status s = stmt.value().run("store an origin"); !s.ok()) return s;
  }
  return {};
}

// Runs `body` inside one read transaction so multi-statement reads see a
// single snapshot.
template <class F>
auto in_read_transaction(sqlite::Connection& db, F&& body) -> decltype(body()) {
  if (Status s = db.exec("BEGIN", "start a read"); !s.ok()) return s;
  auto result = body();
  (void)db.exec("COMMIT", "finish a read");
  return result;
}

}  // namespace

// --- opening ---------------------------------------------------------------------

SqliteStorage::SqliteStorage(std::string data_dir, SqliteStorageOptions options, std::unique_ptr<BlobLog> blobs,
                             std::unique_ptr<GroupCommitter> committer)
    : data_dir_(std::move(data_dir)),
      options_(std::move(options)),
      upload_memory_(options_.upload_memory_bytes),
      lock_(data_dir_ + "/sealshot.lock", options_.busy_timeout_ms),
      readers_(data_dir_ + "/sealshot.db", options_.busy_timeout_ms),
      blobs_(std::move(blobs)),
      committer_(std::move(committer)),
      accounts_(std::make_unique<SqliteAccounts>(*committer_, readers_, options_.clock)) {}

Result<std::unique_ptr<SqliteStorage>> SqliteStorage::open(const std::string& data_dir, SqliteStorageOptions options) {
  if (Status s = crypto_init(); !s.ok()) return s;  // ids come from libsodium's randombytes
  std::error_code ec;
  // Owner only: the blobs are ciphertext, but the metadata (ids, times,
  // origins) is nobody else's business either.
  if (std::filesystem::create_directories(data_dir, ec)) {
    std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all, ec);
  }
  if (ec) {
    return Status(ErrorCode::storage_error,
                  "Cannot create the data directory '" + data_dir + "': " + ec.message() + ".");
  }
  if (Status s = make_directory(data_dir + "/staging"); !s.ok()) return s;
  bool segments_created = false;
  if (Status s = make_directory(data_dir + "/segments", &segments_created); !s.ok()) return s;
  // The envelopes live below that name: it must be durable before the first
  // one is acknowledged (each new segment's own name is synced by the blob log).
  if (segments_created) {
    if (Status s = fsync_directory(data_dir); !s.ok()) return s;
  }

  Result<sqlite::Connection> writer = sqlite::Connection::open(data_dir + "/sealshot.db", options.busy_timeout_ms);
  if (!writer.ok()) return writer.status();
  sqlite::Connection& db = writer.value();
  // WAL: readers never block the writer nor wait for it. synchronous=FULL:
  // every COMMIT is fsynced before it returns (acknowledged means durable);
  // group commit keeps that affordable.
  if (Status s = db.exec("PRAGMA journal_mode=WAL", "switch to WAL mode"); !s.ok()) return s;
  if (Status s = db.exec("PRAGMA synchronous=FULL", "configure durability"); !s.ok()) return s;
  auto turn = std::make_unique<WriteTurn>(data_dir + "/sealshot.turn", options.busy_timeout_ms);
  if (Status s = schema_migrate(db, *turn); !s.ok()) return s;

  auto blobs = std::make_unique<BlobLog>(data_dir + "/segments", options.fault_hook);
  auto committer = std::make_unique<GroupCommitter>(std::move(writer).value(), std::move(turn), options.max_batch,
                                                    [log = blobs.get()] { return log->sync(); });
  std::unique_ptr<SqliteStorage> storage(
      new SqliteStorage(data_dir, std::move(options), std::move(blobs), std::move(committer)));
  // A version 1 directory: its envelope files move into segments now, so the
  // admin CLI reads them even before the server's start-up check has run.
  if (legacy_blobs_present(data_dir)) {
    if (Status s = storage->lock_.hold_exclusive(); s.ok()) {
      const Status imported = storage->import_version1_blobs(storage->upgraded_);
      storage->lock_.release();
      if (!imported.ok()) return imported;
    }  // else another process writes here: it is a version 2 server that imports at its own start
  }
  return storage;
}

std::int64_t SqliteStorage::now_ms() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// --- projects --------------------------------------------------------------------

Result<Project> SqliteStorage::create_project(const NewProject& input) {
  if (Status s = check_name(input.name); !s.ok()) return s;
  Result<PublicKey> key = public_key_from_text(input.public_key);
  if (!key.ok()) return key.status();
  Result<std::vector<std::string>> origins = origins_normalize(input.allowed_origins);
  if (!origins.ok()) return origins.status();
  if (input.retention_days > kMaxRetentionDays) {
    return Status(ErrorCode::invalid_argument, "Retention must be at most " + std::to_string(kMaxRetentionDays) +
                                                   " days (0 keeps reports until deleted).");
  }
  if (input.max_body_bytes > std::uint64_t(INT64_MAX)) {
    return Status(ErrorCode::invalid_argument, "The body size limit is out of range.");
  }
  if (Status s = check_quotas(input.quotas); !s.ok()) return s;

  Project project;
  project.id = project_id_generate();
  project.name = input.name;
  project.public_key = key_to_text(key.value());  // canonical text, whitespace dropped
  project.allowed_origins = std::move(origins).value();
  project.max_body_bytes = input.max_body_bytes;
  project.retention_days = input.retention_days;
  project.quotas = input.quotas;
  project.created_at_ms = now_ms();
  project.org_id = input.org_id;

  Status s = committer_->run([&](sqlite::Connection& db) -> Status {
    Result<sqlite::Statement> insert = sqlite::Statement::prepare(
        db,
        "INSERT INTO projects (project_id, name, public_key, max_body_bytes, retention_days, created_at_ms, "
        "quota_daily_submissions, quota_daily_bytes, quota_stored_bytes, org_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
        "?8, "
        "?9, ?10)");
    if (!insert.ok()) return insert.status();
    insert.value()
        .bind(1, project.id)
        .bind(2, project.name)
        .bind(3, project.public_key)
        .bind(4, std::int64_t(project.max_body_bytes))
        .bind(5, std::int64_t(project.retention_days))
        .bind(6, project.created_at_ms)
        .bind(7, std::int64_t(project.quotas.daily_submissions))
        .bind(8, std::int64_t(project.quotas.daily_bytes))
        .bind(9, std::int64_t(project.quotas.stored_bytes))
        .bind(10, project.org_id);
    if (!project.org_id.empty()) {
      Result<sqlite::Statement> org = sqlite::Statement::prepare(db, "SELECT 1 FROM organisations WHERE org_id = ?1");
      if (!org.ok()) return org.status();
      org.value().bind(1, project.org_id);
      Result<bool> found = org.value().step("find the organisation");
      if (!found.ok()) return found.status();
      if (!found.value()) return Status(ErrorCode::not_found, "No such organisation.");
    }
    if (Status st = insert.value().run("create a project"); !st.ok()) return st;
    // Key 1 of the project's key history (AccountStore::rotate_project_key).
    Result<sqlite::Statement> key_row = sqlite::Statement::prepare(
        db,
        "INSERT INTO project_keys (project_id, key_number, public_key, created_at_ms, retired_at_ms) VALUES (?1, 1, "
        "?2, ?3, 0)");
    if (!key_row.ok()) return key_row.status();
    key_row.value().bind(1, project.id).bind(2, project.public_key).bind(3, project.created_at_ms);
    if (Status st = key_row.value().run("record the project's first key"); !st.ok()) return st;
    return insert_origins(db, project.id, project.allowed_origins);
  });
  if (!s.ok()) return s;
  return project;
}

Result<Project> SqliteStorage::get_project(std::string_view project_id) {
  if (!project_id_is_well_formed(project_id)) return no_such_project();
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  sqlite::Connection& db = *lease.value();
  return in_read_transaction(db, [&]() -> Result<Project> {
    Result<sqlite::Statement> stmt =
        sqlite::Statement::prepare(db, std::string(kProjectColumns) + " WHERE project_id = ?1");
    if (!stmt.ok()) return stmt.status();
    stmt.value().bind(1, project_id);
    Result<bool> row = stmt.value().step("read a project");
    if (!row.ok()) return row.status();
    if (!row.value()) return no_such_project();
    Project project = project_from_row(stmt.value());
    Result<sqlite::Statement> origins =
        sqlite::Statement::prepare(db, "SELECT origin FROM project_origins WHERE project_id = ?1 ORDER BY position");
    if (!origins.ok()) return origins.status();
    origins.value().bind(1, project_id);
    for (;;) {
      Result<bool> more = origins.value().step("read a project's origins");
      if (!more.ok()) return more.status();
      if (!more.value()) break;
      project.allowed_origins.push_back(origins.value().column_text(0));
    }
    return project;
  });
}

Result<std::vector<Project>> SqliteStorage::list_projects() {
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  sqlite::Connection& db = *lease.value();
  return in_read_transaction(db, [&]() -> Result<std::vector<Project>> {
    std::vector<Project> projects;
    Result<sqlite::Statement> stmt =
        sqlite::Statement::prepare(db, std::string(kProjectColumns) + " ORDER BY created_at_ms, project_id");
    if (!stmt.ok()) return stmt.status();
    for (;;) {
      Result<bool> row = stmt.value().step("list projects");
      if (!row.ok()) return row.status();
      if (!row.value()) break;
      projects.push_back(project_from_row(stmt.value()));
    }
    Result<sqlite::Statement> origins =
        sqlite::Statement::prepare(db, "SELECT project_id, origin FROM project_origins ORDER BY project_id, position");
    if (!origins.ok()) return origins.status();
    for (;;) {
      Result<bool> row = origins.value().step("list origins");
      if (!row.ok()) return row.status();
      if (!row.value()) break;
      const std::string id = origins.value().column_text(0);
      for (Project& p : projects) {
        if (p.id == id) p.allowed_origins.push_back(origins.value().column_text(1));
      }
    }
    return projects;
  });
}

Status SqliteStorage::set_project_origins(std::string_view project_id, const std::vector<std::string>& input) {
  if (!project_id_is_well_formed(project_id)) return no_such_project();
  Result<std::vector<std::string>> origins = origins_normalize(input);
  if (!origins.ok()) return origins.status();
  return committer_->run([&](sqlite::Connection& db) -> Status {
    if (Status s = schema_require_project(db, project_id); !s.ok()) return s;
    Result<sqlite::Statement> clear =
        sqlite::Statement::prepare(db, "DELETE FROM project_origins WHERE project_id = ?1");
    if (!clear.ok()) return clear.status();
    clear.value().bind(1, project_id);
    if (Status s = clear.value().run("replace origins"); !s.ok()) return s;
    return insert_origins(db, project_id, origins.value());
  });
}

Status SqliteStorage::set_project_quotas(std::string_view project_id, const ProjectQuotas& quotas) {
  if (!project_id_is_well_formed(project_id)) return no_such_project();
  if (Status s = check_quotas(quotas); !s.ok()) return s;
  return committer_->run([&](sqlite::Connection& db) -> Status {
    Result<sqlite::Statement> stmt = sqlite::Statement::prepare(
        db,
        "UPDATE projects SET quota_daily_submissions = ?2, quota_daily_bytes = ?3, quota_stored_bytes = ?4 "
        "WHERE project_id = ?1");
    if (!stmt.ok()) return stmt.status();
    stmt.value()
        .bind(1, project_id)
        .bind(2, std::int64_t(quotas.daily_submissions))
        .bind(3, std::int64_t(quotas.daily_bytes))
        .bind(4, std::int64_t(quotas.stored_bytes));
    if (Status s = stmt.value().run("set a project's quotas"); !s.ok()) return s;
    return sqlite3_changes(db.handle()) == 0 ? no_such_project() : Status();
  });
}

// Runs one UPDATE of the project's row; not_found when there is no row.
Status SqliteStorage::update_project_row(std::string_view project_id, const char* sql, const char* what,
                                         const std::function<void(sqlite::Statement&)>& bind) {
  if (!project_id_is_well_formed(project_id)) return no_such_project();
  return committer_->run([&](sqlite::Connection& db) -> Status {
    Result<sqlite::Statement> stmt = sqlite::Statement::prepare(db, sql);
    if (!stmt.ok()) return stmt.status();
    stmt.value().bind(1, project_id);
    bind(stmt.value());
    if (Status s = stmt.value().run(what); !s.ok()) return s;
    return sqlite3_changes(db.handle()) == 0 ? no_such_project() : Status();
  });
}

Status SqliteStorage::set_project_name(std::string_view project_id, const std::string& name) {
  if (Status s = check_name(name); !s.ok()) return s;
  return update_project_row(project_id, "UPDATE projects SET name = ?2 WHERE project_id = ?1", "rename a project",
                            [&](sqlite::Statement& q) { q.bind(2, name); });
}

Status SqliteStorage::set_project_retention(std::string_view project_id, std::uint32_t retention_days) {
  if (retention_days > kMaxRetentionDays) {
    return {ErrorCode::invalid_argument, "Retention must be at most " + std::to_string(kMaxRetentionDays) +
                                             " days (0 keeps reports until deleted)."};
  }
  return update_project_row(project_id, "UPDATE projects SET retention_days = ?2 WHERE project_id = ?1",
                            "set a project's retention",
                            [&](sqlite::Statement& q) { q.bind(2, std::int64_t(retention_days)); });
}

Result<ProjectUsage> SqliteStorage::get_project_usage(std::string_view project_id, std::int64_t now_ms) {
  if (!project_id_is_well_formed(project_id)) return no_such_project();
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  // Two primary-key lookups in one statement (the tables are kept by
  // triggers, schema.cpp): cheap enough for every upload.
  Result<sqlite::Statement> stmt = sqlite::Statement::prepare(
      *lease.value(),
      "SELECT (SELECT stored_submissions FROM project_usage WHERE project_id = ?1), "
      "       (SELECT stored_bytes FROM project_usage WHERE project_id = ?1), "
      "       (SELECT submissions FROM project_daily_usage WHERE project_id = ?1 AND day = ?2), "
      "       (SELECT bytes FROM project_daily_usage WHERE project_id = ?1 AND day = ?2)");
  if (!stmt.ok()) return stmt.status();
  stmt.value().bind(1, project_id).bind(2, now_ms / kMillisPerDay);
  Result<bool> row = stmt.value().step("read a project's usage");
  if (!row.ok()) return row.status();
  ProjectUsage usage;  // NULL (no row yet) reads as 0
  usage.stored_submissions = std::uint64_t(std::max<std::int64_t>(0, stmt.value().column_int(0)));
  usage.stored_bytes = std::uint64_t(std::max<std::int64_t>(0, stmt.value().column_int(1)));
  usage.day_submissions = std::uint64_t(std::max<std::int64_t>(0, stmt.value().column_int(2)));
  usage.day_bytes = std::uint64_t(std::max<std::int64_t>(0, stmt.value().column_int(3)));
  return usage;
}

// --- read side -------------------------------------------------------------------

Result<SubmissionPage> SqliteStorage::list_submissions(std::string_view project_id, const ListQuery& query) {
  if (query.limit < 1 || query.limit > kMaxPageSize) {
    return Status(ErrorCode::invalid_argument, "The page size must be from 1 to " + std::to_string(kMaxPageSize) + ".");
  }
  std::optional<PageCursor> cursor;
  if (!query.cursor.empty()) {
    cursor = page_cursor_decode(query.cursor);
    if (!cursor) return Status(ErrorCode::invalid_argument, "The cursor is not one this server handed out.");
  }
  if (!project_id_is_well_formed(project_id)) return no_such_project();
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  sqlite::Connection& db = *lease.value();
  return in_read_transaction(db, [&]() -> Result<SubmissionPage> {
    if (Status s = schema_require_project(db, project_id); !s.ok()) return s;

    // Keyset pagination on (created_at_ms, submission_id), matching the
    // DESC indexes, so page N costs the same as page 1.
    std::string sql =
        "SELECT submission_id, created_at_ms, size_bytes, status, assignee, tags FROM submissions WHERE project_id = "
        "?1";
    if (query.status) sql += " AND status = ?2";
    if (query.assignee) sql += " AND assignee = ?6";
    if (query.since_ms) sql += " AND created_at_ms >= ?7";
    if (query.until_ms) sql += " AND created_at_ms < ?8";
    // Tags are a short sorted list in one column: exact match of one word.
    if (query.tag) sql += " AND instr(',' || tags || ',', ',' || ?9 || ',') > 0";
    if (cursor) sql += " AND (created_at_ms, submission_id) < (?3, ?4)";
    sql += " ORDER BY created_at_ms DESC, submission_id DESC LIMIT ?5";
    Result<sqlite::Statement> stmt = sqlite::Statement::prepare(db, sql);
    if (!stmt.ok()) return stmt.status();
    stmt.value().bind(1, project_id);
    if (query.status) stmt.value().bind(2, submission_status_name(*query.status));
    if (cursor) stmt.value().bind(3, cursor->created_at_ms).bind(4, cursor->submission_id);
    if (query.assignee) stmt.value().bind(6, *query.assignee);
    if (query.since_ms) stmt.value().bind(7, *query.since_ms);
    if (query.until_ms) stmt.value().bind(8, *query.until_ms);
    if (query.tag) stmt.value().bind(9, *query.tag);
    stmt.value().bind(5, std::int64_t(query.limit) + 1);  // one extra tells whether a next page exists

    SubmissionPage page;
    for (;;) {
      Result<bool> row = stmt.value().step("list submissions");
      if (!row.ok()) return row.status();
      if (!row.value()) break;
      page.items.push_back(submission_from_row(project_id, stmt.value()));
    }
    if (page.items.size() > query.limit) {
      page.items.pop_back();
      page.next_cursor = page_cursor_encode({page.items.back().created_at_ms, page.items.back().id});
    }
    return page;
  });
}

Result<Submission> SqliteStorage::get_submission(std::string_view project_id, std::string_view id) {
  if (!project_id_is_well_formed(project_id) || !submission_id_is_well_formed(id)) return no_such_submission();
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  Result<sqlite::Statement> stmt = sqlite::Statement::prepare(
      *lease.value(),
      "SELECT submission_id, created_at_ms, size_bytes, status, assignee, tags FROM submissions "
      "WHERE project_id = ?1 AND submission_id = ?2");
  if (!stmt.ok()) return stmt.status();
  stmt.value().bind(1, project_id).bind(2, id);
  Result<bool> row = stmt.value().step("read a submission");
  if (!row.ok()) return row.status();
  if (!row.value()) return no_such_submission();
  return submission_from_row(project_id, stmt.value());
}

Result<std::vector<std::uint8_t>> SqliteStorage::read_envelope(std::string_view project_id, std::string_view id) {
  return read_envelope_part(project_id, id, 0, std::numeric_limits<std::uint64_t>::max());
}

Result<std::vector<std::uint8_t>> SqliteStorage::read_envelope_part(std::string_view project_id, std::string_view id,
                                                                    std::uint64_t offset, std::uint64_t length) {
  if (!project_id_is_well_formed(project_id) || !submission_id_is_well_formed(id)) return no_such_submission();
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  Result<std::optional<BlobLocation>> location = envelope_find(*lease.value(), project_id, id);
  if (!location.ok()) return location.status();
  if (!location.value()) return no_such_submission();
  BlobLocation part = *location.value();
  if (offset > part.length || (offset == part.length && part.length > 0)) {
    return Status(ErrorCode::invalid_argument, "The range starts after the end of the envelope.");
  }
  part.offset += offset;
  part.length = std::min(length, part.length - offset);
  Result<std::vector<std::uint8_t>> bytes = blobs_->read(part);
  if (!bytes.ok()) {
    // Deleted (and punched out) between the lookup and the read: that is
    // not found, not damage.
    Result<std::optional<BlobLocation>> again = envelope_find(*lease.value(), project_id, id);
    if (again.ok() && !again.value()) return no_such_submission();
  }
  return bytes;
}

// --- status and deletion ---------------------------------------------------------

Status SqliteStorage::set_status(std::string_view project_id, std::string_view id, SubmissionStatus status) {
  if (!project_id_is_well_formed(project_id) || !submission_id_is_well_formed(id)) return no_such_submission();
  return committer_->run([&](sqlite::Connection& db) -> Status {
    Result<sqlite::Statement> stmt = sqlite::Statement::prepare(
        db, "UPDATE submissions SET status = ?3 WHERE project_id = ?1 AND submission_id = ?2");
    if (!stmt.ok()) return stmt.status();
    stmt.value().bind(1, project_id).bind(2, id).bind(3, submission_status_name(status));
    if (Status s = stmt.value().run("change a submission's status"); !s.ok()) return s;
    return sqlite3_changes(db.handle()) == 0 ? no_such_submission() : Status();
  });
}

Status SqliteStorage::set_assignee(std::string_view project_id, std::string_view id, std::string_view person_id) {
  if (!project_id_is_well_formed(project_id) || !submission_id_is_well_formed(id)) return no_such_submission();
  return committer_->run([&](sqlite::Connection& db) -> Status {
    Result<sqlite::Statement> stmt = sqlite::Statement::prepare(
        db, "UPDATE submissions SET assignee = ?3 WHERE project_id = ?1 AND submission_id = ?2");
    if (!stmt.ok()) return stmt.status();
    stmt.value().bind(1, project_id).bind(2, id).bind(3, person_id);
    if (Status s = stmt.value().run("assign a submission"); !s.ok()) return s;
    return sqlite3_changes(db.handle()) == 0 ? no_such_submission() : Status();
  });
}

Status SqliteStorage::delete_submission(std::string_view project_id, std::string_view id) {
  if (!project_id_is_well_formed(project_id) || !submission_id_is_well_formed(id)) return no_such_submission();
  // Row first, then bytes: a crash in between leaves bytes no row points at
  // (released by repair), never a row pointing at nothing.
  std::optional<BlobLocation> location;
  Status s = committer_->run([&](sqlite::Connection& db) -> Status {
    Result<std::optional<BlobLocation>> found = envelope_find(db, project_id, id);
    if (!found.ok()) return found.status();
    location = found.value();
    Result<sqlite::Statement> row =
        sqlite::Statement::prepare(db, "DELETE FROM submissions WHERE project_id = ?1 AND submission_id = ?2");
    if (!row.ok()) return row.status();
    row.value().bind(1, project_id).bind(2, id);
    if (Status st = row.value().run("delete a submission"); !st.ok()) return st;
    if (sqlite3_changes(db.handle()) == 0) return no_such_submission();
    return schema_delete_submission_extras(db, project_id, id);
  });
  if (!s.ok() || !location) return s;
  return blobs_->release(*location);
}

Status SqliteStorage::ping() {
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  Result<sqlite::Statement> stmt = sqlite::Statement::prepare(*lease.value(), "SELECT count(*) FROM projects");
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt.value().step("check the database");
  if (!row.ok()) return row.status();
  return {};
}

Result<std::uint64_t> SqliteStorage::available_bytes() {
  struct statvfs fs {};
  if (::statvfs(data_dir_.c_str(), &fs) != 0) {
    return Status(ErrorCode::storage_error, "Cannot read the free space of " + data_dir_ + ".");
  }
  return std::uint64_t{fs.f_bavail} * fs.f_frsize;  // f_bavail: without the blocks reserved for root
}

}  // namespace sealshot::server
