// The end of an organisation's life on the embedded backend: handing
// ownership to another member, and deleting the organisation once its
// projects (and their envelopes) are gone.
#include "ids.h"
#include "sqlite_accounts.h"
#include "sqlite_rows.h"

namespace sealshot::server {
namespace {

using namespace sqlite_rows;

}  // namespace

Status SqliteAccounts::transfer_ownership(std::string_view org_id, std::string_view from_person,
                                          std::string_view to_person) {
  if (!org_id_is_well_formed(org_id) || !person_id_is_well_formed(to_person)) return not_found("member");
  if (from_person == to_person) return {ErrorCode::invalid_argument, "Choose another member to hand ownership to."};
  return committer_.run([&](sqlite::Connection& db) -> Status {
    // The new owner first (they must be a member), then the old one steps
    // down to admin: the organisation never has no owner.
    if (Status s = run(db, "UPDATE memberships SET role = 'owner' WHERE org_id = ?1 AND person_id = ?2",
                       "hand over ownership", [&](sqlite::Statement& q) { q.bind(1, org_id).bind(2, to_person); });
        !s.ok()) {
      return s;
    }
    if (changes(db) == 0) return not_found("member");
    return run(db, "UPDATE memberships SET role = 'admin' WHERE org_id = ?1 AND person_id = ?2", "step down as owner",
               [&](sqlite::Statement& q) { q.bind(1, org_id).bind(2, from_person); });
  });
}

Status SqliteAccounts::delete_organisation(std::string_view org_id) {
  if (!org_id_is_well_formed(org_id)) return not_found("organisation");
  return committer_.run([&](sqlite::Connection& db) -> Status {
    Result<std::vector<std::string>> projects = rows<std::string>(
        db, "SELECT project_id FROM projects WHERE org_id = ?1", "find an organisation's projects",
        [&](sqlite::Statement& q) { q.bind(1, org_id); }, [](const sqlite::Statement& r) { return r.column_text(0); });
    if (!projects.ok()) return projects.status();
    if (!projects.value().empty()) {
      return {ErrorCode::conflict, "The organisation still has projects; delete them first."};
    }
    Result<std::vector<std::string>> people = rows<std::string>(
        db, "SELECT person_id FROM memberships WHERE org_id = ?1", "find an organisation's members",
        [&](sqlite::Statement& q) { q.bind(1, org_id); }, [](const sqlite::Statement& r) { return r.column_text(0); });
    if (!people.ok()) return people.status();
    for (const char* sql : {"DELETE FROM memberships WHERE org_id = ?1", "DELETE FROM links WHERE org_id = ?1",
                            "DELETE FROM api_tokens WHERE org_id = ?1", "DELETE FROM audit_log WHERE org_id = ?1"}) {
      if (Status s = run(db, sql, "delete an organisation", [&](sqlite::Statement& q) { q.bind(1, org_id); });
          !s.ok()) {
        return s;
      }
    }
    if (Status s = run(db, "DELETE FROM organisations WHERE org_id = ?1", "delete an organisation",
                       [&](sqlite::Statement& q) { q.bind(1, org_id); });
        !s.ok()) {
      return s;
    }
    if (changes(db) == 0) return not_found("organisation");
    // People who belong nowhere now are signed out everywhere.
    for (const std::string& person : people.value()) {
      if (Status s = run(db,
                         "DELETE FROM sessions WHERE person_id = ?1 AND NOT EXISTS (SELECT 1 FROM memberships "
                         "WHERE person_id = ?1)",
                         "end sessions", [&](sqlite::Statement& q) { q.bind(1, person); });
          !s.ok()) {
        return s;
      }
    }
    return {};
  });
}

}  // namespace sealshot::server
