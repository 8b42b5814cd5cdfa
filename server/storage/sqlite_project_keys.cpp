// A project's key history and the grants of each key (schema version 7):
// rotation adds a key, grants are per (project, key number, person).
// Envelopes are anonymous sealed boxes that do not say which key sealed them,
// so readers hold every key they were given and try them, newest first.
#include "keys.h"
#include "schema.h"
#include "sqlite_accounts.h"
#include "sqlite_rows.h"

namespace sealshot::server {
namespace {

using namespace sqlite_rows;

constexpr const char* kGrantColumns =
    "SELECT g.project_id, g.person_id, g.sealed_key, g.granted_by, g.created_at_ms, g.key_number FROM key_grants g";

KeyGrant grant_from_row(const sqlite::Statement& r) {
  return KeyGrant{r.column_text(0), r.column_text(1), r.column_text(2),
                  r.column_text(3), r.column_int(4),  r.column_int(5)};
}

Status insert_grant(sqlite::Connection& db, const KeyGrant& grant, std::int64_t key_number) {
  return run(db,
             "INSERT INTO key_grants (project_id, key_number, person_id, sealed_key, granted_by, created_at_ms) VALUES "
             "(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (project_id, key_number, person_id) DO UPDATE SET sealed_key = "
             "excluded.sealed_key, granted_by = excluded.granted_by, created_at_ms = excluded.created_at_ms",
             "store a grant", [&](sqlite::Statement& q) {
               q.bind(1, grant.project_id)
                   .bind(2, key_number)
                   .bind(3, grant.person_id)
                   .bind(4, grant.sealed_key)
                   .bind(5, grant.granted_by)
                   .bind(6, grant.created_at_ms);
             });
}

// The number of key `wanted` (0: the current key), or invalid_argument for a
// number the project does not have.
Result<std::int64_t> key_number_of(sqlite::Connection& db, std::string_view project_id, std::int64_t wanted) {
  Result<std::vector<std::int64_t>> found = rows<std::int64_t>(
      db,
      "SELECT key_number FROM project_keys WHERE project_id = ?1 AND (CASE WHEN ?2 = 0 THEN retired_at_ms = 0 ELSE "
      "key_number = ?2 END)",
      "find a project key", [&](sqlite::Statement& q) { q.bind(1, project_id).bind(2, wanted); },
      [](const sqlite::Statement& r) { return r.column_int(0); });
  if (!found.ok()) return found.status();
  if (found.value().empty()) {
    if (wanted == 0) return not_found("project");
    return Status{ErrorCode::invalid_argument, "The project has no key number " + std::to_string(wanted) + "."};
  }
  return found.value().front();
}

}  // namespace

Status SqliteAccounts::put_grant(const KeyGrant& grant) {
  if (Status s = check_opaque(grant.sealed_key, "A sealed key"); !s.ok()) return s;
  if (grant.key_number < 0) return {ErrorCode::invalid_argument, "Key numbers start at 1."};
  return committer_.run([&](sqlite::Connection& db) -> Status {
    Result<std::int64_t> number = key_number_of(db, grant.project_id, grant.key_number);
    if (!number.ok()) return number.status();
    return insert_grant(db, grant, number.value());
  });
}

Result<KeyGrant> SqliteAccounts::get_grant(std::string_view project_id, std::string_view person_id) {
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  return one_row<KeyGrant>(
      *lease.value(),
      std::string(kGrantColumns) +
          " JOIN project_keys k ON k.project_id = g.project_id AND k.key_number = g.key_number WHERE g.project_id = ?1 "
          "AND g.person_id = ?2 AND k.retired_at_ms = 0",
      "read a grant", "grant", [&](sqlite::Statement& q) { q.bind(1, project_id).bind(2, person_id); }, grant_from_row);
}

Result<std::vector<KeyGrant>> SqliteAccounts::grants_of(std::string_view project_id, std::string_view person_id) {
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  return rows<KeyGrant>(
      *lease.value(),
      std::string(kGrantColumns) + " WHERE g.project_id = ?1 AND g.person_id = ?2 ORDER BY g.key_number DESC",
      "read grants", [&](sqlite::Statement& q) { q.bind(1, project_id).bind(2, person_id); }, grant_from_row);
}

Result<std::vector<KeyGrant>> SqliteAccounts::list_grants(std::string_view project_id) {
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  return rows<KeyGrant>(
      *lease.value(), std::string(kGrantColumns) + " WHERE g.project_id = ?1 ORDER BY g.key_number DESC, g.person_id",
      "list grants", [&](sqlite::Statement& q) { q.bind(1, project_id); }, grant_from_row);
}

Status SqliteAccounts::delete_grant(std::string_view project_id, std::string_view person_id) {
  return committer_.run([&](sqlite::Connection& db) -> Status {
    if (Status s = run(db, "DELETE FROM key_grants WHERE project_id = ?1 AND person_id = ?2", "remove a grant",
                       [&](sqlite::Statement& q) { q.bind(1, project_id).bind(2, person_id); });
        !s.ok()) {
      return s;
    }
    return changes(db) == 0 ? not_found("grant") : Status{};
  });
}

Result<std::vector<ProjectKey>> SqliteAccounts::list_project_keys(std::string_view project_id) {
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  if (Status s = schema_require_project(*lease.value(), project_id); !s.ok()) return s;
  return rows<ProjectKey>(
      *lease.value(),
      "SELECT key_number, public_key, created_at_ms, retired_at_ms FROM project_keys WHERE project_id = ?1 ORDER BY "
      "key_number DESC",
      "list project keys", [&](sqlite::Statement& q) { q.bind(1, project_id); },
      [](const sqlite::Statement& r) {
        return ProjectKey{r.column_int(0), r.column_text(1), r.column_int(2), r.column_int(3)};
      });
}

Result<ProjectKey> SqliteAccounts::rotate_project_key(std::string_view project_id, std::string_view public_key,
                                                      const std::vector<KeyGrant>& grants, std::int64_t now_ms) {
  Result<PublicKey> parsed = public_key_from_text(public_key);
  if (!parsed.ok()) return Status{ErrorCode::bad_key, "The public key must be 43 characters of URL-safe base64."};
  for (const KeyGrant& g : grants) {
    if (Status s = check_opaque(g.sealed_key, "A sealed key"); !s.ok()) return s;
  }
  ProjectKey key;
  key.public_key = key_to_text(parsed.value());  // canonical text, as create_project stores it
  key.created_at_ms = now_ms;
  Status s = committer_.run([&](sqlite::Connection& db) -> Status {
    if (Status st = schema_require_project(db, project_id); !st.ok()) return st;
    Result<std::vector<std::int64_t>> used = rows<std::int64_t>(
        db, "SELECT key_number FROM project_keys WHERE project_id = ?1 AND public_key = ?2", "check a new key",
        [&](sqlite::Statement& q) { q.bind(1, project_id).bind(2, key.public_key); },
        [](const sqlite::Statement& r) { return r.column_int(0); });
    if (!used.ok()) return used.status();
    if (!used.value().empty()) {
      return {ErrorCode::conflict, "This public key is the project's key " + std::to_string(used.value().front()) +
                                       " already; make a new key pair."};
    }
    Result<std::int64_t> last = one_row<std::int64_t>(
        db, "SELECT coalesce(max(key_number), 0) FROM project_keys WHERE project_id = ?1", "number a new key", "key",
        [&](sqlite::Statement& q) { q.bind(1, project_id); },
        [](const sqlite::Statement& r) { return r.column_int(0); });
    if (!last.ok()) return last.status();
    key.number = last.value() + 1;
    if (Status st = run(db, "UPDATE project_keys SET retired_at_ms = ?2 WHERE project_id = ?1 AND retired_at_ms = 0",
                        "retire the current key", [&](sqlite::Statement& q) { q.bind(1, project_id).bind(2, now_ms); });
        !st.ok()) {
      return st;
    }
    if (Status st = run(db,
                        "INSERT INTO project_keys (project_id, key_number, public_key, created_at_ms, retired_at_ms) "
                        "VALUES (?1, ?2, ?3, ?4, 0)",
                        "add a project key",
                        [&](sqlite::Statement& q) {
                          q.bind(1, project_id).bind(2, key.number).bind(3, key.public_key).bind(4, now_ms);
                        });
        !st.ok()) {
      return st;
    }
    if (Status st = run(db, "UPDATE projects SET public_key = ?2 WHERE project_id = ?1", "make the new key current",
                        [&](sqlite::Statement& q) { q.bind(1, project_id).bind(2, key.public_key); });
        !st.ok()) {
      return st;
    }
    for (KeyGrant g : grants) {
      g.project_id = std::string(project_id);
      if (g.created_at_ms == 0) g.created_at_ms = now_ms;
      if (Status st = insert_grant(db, g, key.number); !st.ok()) return st;
    }
    return {};
  });
  if (!s.ok()) return s;
  return key;
}

}  // namespace sealshot::server
