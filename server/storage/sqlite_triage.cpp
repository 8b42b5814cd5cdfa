// What reviewers change on the embedded backend beyond one status at a
// time: tags, bulk status and delete, sealed notes, and deleting a whole
// project. Deletes follow the storage's one ordering rule (sqlite_storage.h):
// rows are committed gone before their envelope bytes are released.
#include <limits>

#include "envelope_rows.h"
#include "ids.h"
#include "schema.h"
#include "sqlite_storage.h"

namespace sealshot::server {
namespace {

Status no_such_submission() { return {ErrorCode::not_found, "No such submission."}; }

Status check_bulk(const std::vector<std::string>& ids) {
  if (ids.empty() || ids.size() > kMaxBulkIds) {
    return {ErrorCode::invalid_argument, "Send 1 to " + std::to_string(kMaxBulkIds) + " submission ids."};
  }
  return {};
}

std::string tags_column(const std::vector<std::string>& tags) {
  std::string joined;
  for (const std::string& tag : tags) joined += (joined.empty() ? "" : ",") + tag;
  return joined;
}

Status check_sealed_note(std::string_view sealed) {
  if (sealed.empty() || sealed.size() > kMaxNoteBytes) {
    return {ErrorCode::invalid_argument, "A sealed note must be 1 to 65536 characters long."};
  }
  for (char c : sealed) {
    const bool base64url =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '=';
    if (!base64url) return {ErrorCode::invalid_argument, "A sealed note must be URL-safe base64 (the ciphertext)."};
  }
  return {};
}

}  // namespace

Status SqliteStorage::set_tags(std::string_view project_id, std::string_view id, const std::vector<std::string>& tags) {
  if (!project_id_is_well_formed(project_id) || !submission_id_is_well_formed(id)) return no_such_submission();
  return committer_->run([&](sqlite::Connection& db) -> Status {
    Result<sqlite::Statement> stmt =
        sqlite::Statement::prepare(db, "UPDATE submissions SET tags = ?3 WHERE project_id = ?1 AND submission_id = ?2");
    if (!stmt.ok()) return stmt.status();
    stmt.value().bind(1, project_id).bind(2, id).bind(3, tags_column(tags));
    if (Status s = stmt.value().run("tag a submission"); !s.ok()) return s;
    return sqlite3_changes(db.handle()) == 0 ? no_such_submission() : Status();
  });
}

Result<std::vector<std::string>> SqliteStorage::set_status_many(std::string_view project_id,
                                                                const std::vector<std::string>& ids,
                                                                SubmissionStatus status) {
  if (Status s = check_bulk(ids); !s.ok()) return s;
  std::vector<std::string> changed;
  Status s = committer_->run([&](sqlite::Connection& db) -> Status {
    changed.clear();
    Result<sqlite::Statement> stmt = sqlite::Statement::prepare(
        db, "UPDATE submissions SET status = ?3 WHERE project_id = ?1 AND submission_id = ?2");
    if (!stmt.ok()) return stmt.status();
    for (const std::string& id : ids) {
      if (!submission_id_is_well_formed(id)) continue;
      stmt.value().reset();
      stmt.value().bind(1, project_id).bind(2, id).bind(3, submission_status_name(status));
      if (Status st = stmt.value().run("change statuses"); !st.ok()) return st;
      if (sqlite3_changes(db.handle()) > 0) changed.push_back(id);
    }
    return {};
  });
  if (!s.ok()) return s;
  return changed;
}

Result<std::vector<std::string>> SqliteStorage::delete_many(std::string_view project_id,
                                                            const std::vector<std::string>& ids) {
  if (Status s = check_bulk(ids); !s.ok()) return s;
  std::vector<std::string> deleted;
  std::vector<BlobLocation> released;
  Status s = committer_->run([&](sqlite::Connection& db) -> Status {
    deleted.clear();
    released.clear();
    Result<sqlite::Statement> row =
        sqlite::Statement::prepare(db, "DELETE FROM submissions WHERE project_id = ?1 AND submission_id = ?2");
    if (!row.ok()) return row.status();
    for (const std::string& id : ids) {
      if (!submission_id_is_well_formed(id)) continue;
      Result<std::optional<BlobLocation>> location = envelope_find(db, project_id, id);
      if (!location.ok()) return location.status();
      row.value().reset();
      row.value().bind(1, project_id).bind(2, id);
      if (Status st = row.value().run("delete submissions"); !st.ok()) return st;
      if (sqlite3_changes(db.handle()) == 0) continue;
      if (Status st = schema_delete_submission_extras(db, project_id, id); !st.ok()) return st;
      deleted.push_back(id);
      if (location.value()) released.push_back(*location.value());
    }
    return {};
  });
  if (!s.ok()) return s;
  for (const BlobLocation& location : released) {
    if (Status st = blobs_->release(location); !st.ok()) return st;
  }
  return deleted;
}

Result<std::uint64_t> SqliteStorage::delete_project(std::string_view project_id) {
  if (!project_id_is_well_formed(project_id)) return Status(ErrorCode::not_found, "No such project.");
  if (Result<Project> exists = get_project(project_id); !exists.ok()) return exists.status();
  // Reports first, in short transactions (a big project must not hold the
  // writer for long); then the project's own rows in one.
  Result<std::uint64_t> deleted = delete_created_before(project_id, std::numeric_limits<std::int64_t>::max());
  if (!deleted.ok()) return deleted.status();
  Status s = committer_->run([&](sqlite::Connection& db) -> Status {
    for (const char* sql :
         {"DELETE FROM project_origins WHERE project_id = ?1", "DELETE FROM project_roles WHERE project_id = ?1",
          "DELETE FROM key_grants WHERE project_id = ?1", "DELETE FROM project_keys WHERE project_id = ?1",
          "DELETE FROM api_tokens WHERE project_id = ?1", "DELETE FROM project_daily_usage WHERE project_id = ?1",
          "DELETE FROM project_usage WHERE project_id = ?1", "DELETE FROM projects WHERE project_id = ?1"}) {
      Result<sqlite::Statement> stmt = sqlite::Statement::prepare(db, sql);
      if (!stmt.ok()) return stmt.status();
      stmt.value().bind(1, project_id);
      if (Status st = stmt.value().run("delete a project"); !st.ok()) return st;
    }
    return {};
  });
  if (!s.ok()) return s;
  return deleted;
}

// --- sealed notes ---------------------------------------------------------------------

Result<Note> SqliteStorage::add_note(std::string_view project_id, std::string_view submission_id,
                                     std::string_view author, std::string_view sealed) {
  if (!project_id_is_well_formed(project_id) || !submission_id_is_well_formed(submission_id)) {
    return no_such_submission();
  }
  if (Status s = check_sealed_note(sealed); !s.ok()) return s;
  Note note{note_id_generate(), std::string(author), now_ms(), std::string(sealed)};
  Status s = committer_->run([&](sqlite::Connection& db) -> Status {
    Result<std::optional<BlobLocation>> exists = envelope_find(db, project_id, submission_id);
    if (!exists.ok()) return exists.status();
    if (!exists.value()) return no_such_submission();
    Result<sqlite::Statement> stmt = sqlite::Statement::prepare(
        db,
        "INSERT INTO submission_notes (project_id, submission_id, note_id, author, created_at_ms, sealed) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!stmt.ok()) return stmt.status();
    stmt.value()
        .bind(1, project_id)
        .bind(2, submission_id)
        .bind(3, note.id)
        .bind(4, note.author)
        .bind(5, note.created_at_ms)
        .bind(6, note.sealed);
    return stmt.value().run("add a note");
  });
  if (!s.ok()) return s;
  return note;
}

Result<std::vector<Note>> SqliteStorage::list_notes(std::string_view project_id, std::string_view submission_id) {
  if (!project_id_is_well_formed(project_id) || !submission_id_is_well_formed(submission_id)) {
    return no_such_submission();
  }
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  Result<sqlite::Statement> stmt = sqlite::Statement::prepare(
      *lease.value(),
      "SELECT note_id, author, created_at_ms, sealed FROM submission_notes WHERE project_id = ?1 AND "
      "submission_id = ?2 ORDER BY created_at_ms, note_id");
  if (!stmt.ok()) return stmt.status();
  stmt.value().bind(1, project_id).bind(2, submission_id);
  std::vector<Note> notes;
  for (;;) {
    Result<bool> row = stmt.value().step("list notes");
    if (!row.ok()) return row.status();
    if (!row.value()) break;
    notes.push_back(Note{stmt.value().column_text(0), stmt.value().column_text(1), stmt.value().column_int(2),
                         stmt.value().column_text(3)});
  }
  return notes;
}

Status SqliteStorage::delete_note(std::string_view project_id, std::string_view submission_id, std::string_view note_id,
                                  std::string_view author) {
  if (!note_id_is_well_formed(note_id)) return {ErrorCode::not_found, "No such note."};
  return committer_->run([&](sqlite::Connection& db) -> Status {
    std::string sql = "DELETE FROM submission_notes WHERE project_id = ?1 AND submission_id = ?2 AND note_id = ?3";
    if (!author.empty()) sql += " AND author = ?4";
    Result<sqlite::Statement> stmt = sqlite::Statement::prepare(db, sql);
    if (!stmt.ok()) return stmt.status();
    stmt.value().bind(1, project_id).bind(2, submission_id).bind(3, note_id);
    if (!author.empty()) stmt.value().bind(4, author);
    if (Status s = stmt.value().run("delete a note"); !s.ok()) return s;
    return sqlite3_changes(db.handle()) == 0 ? Status(ErrorCode::not_found, "No such note.") : Status();
  });
}

}  // namespace sealshot::server
