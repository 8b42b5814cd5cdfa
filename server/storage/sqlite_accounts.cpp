#include "sqlite_accounts.h"

#include <sodium.h>

#include <chrono>

#include "account_keys.h"
#include "ids.h"
#include "keys.h"
#include "schema.h"
#include "sqlite_rows.h"

namespace sealshot::server {
namespace {

using namespace sqlite_rows;

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

constexpr std::size_t kMaxNameBytes = 200;

Status check_display_text(std::string_view text, const char* what) {
  if (text.size() > kMaxNameBytes) {
    return {ErrorCode::invalid_argument, std::string(what) + " must be at most 200 bytes long."};
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return {ErrorCode::invalid_argument, std::string(what) + " must not contain control characters."};
    }
  }
  return {};
}

Status check_keys(const PersonKeys& keys) {
  if (keys.auth_hash.empty()) return {ErrorCode::invalid_argument, "The authentication hash is missing."};
  if (!account_salt_from_text(keys.kdf_salt).ok()) {
    return {ErrorCode::bad_key, "The salt must be 16 bytes as 22 characters of URL-safe base64."};
  }
  if (!public_key_from_text(keys.public_key).ok()) {
    return {ErrorCode::bad_key, "The public key must be 43 characters of URL-safe base64."};
  }
  if (Status s = check_opaque(keys.wrapped_secret_key, "The wrapped secret key"); !s.ok()) return s;
  // The same range every client pins: a person stored with weaker
  // parameters could never sign in from a client that refuses them.
  return kdf_params_acceptable(KdfParams{keys.kdf_opslimit, std::size_t(keys.kdf_memlimit)});
}

constexpr const char* kPersonColumns =
    "SELECT person_id, email, display_name, auth_hash, kdf_salt, kdf_opslimit, kdf_memlimit, public_key, "
    "wrapped_secret_key, created_at_ms, keys_changed_at_ms FROM people";

Person person_from_row(const sqlite::Statement& row, int first = 0) {
  Person p;
  p.id = row.column_text(first + 0);
  p.email = row.column_text(first + 1);
  p.display_name = row.column_text(first + 2);
  p.keys.auth_hash = row.column_text(first + 3);
  p.keys.kdf_salt = row.column_text(first + 4);
  p.keys.kdf_opslimit = std::uint64_t(row.column_int(first + 5));
  p.keys.kdf_memlimit = std::uint64_t(row.column_int(first + 6));
  p.keys.public_key = row.column_text(first + 7);
  p.keys.wrapped_secret_key = row.column_text(first + 8);
  p.created_at_ms = row.column_int(first + 9);
  p.keys_changed_at_ms = row.column_int(first + 10);
  return p;
}

Link link_from_row(const sqlite::Statement& row) {
  Link l;
  const std::string kind = row.column_text(0);
  l.kind = kind == "setup" ? LinkKind::setup : kind == "reset" ? LinkKind::reset : LinkKind::invite;
  l.org_id = row.column_text(1);
  l.email = row.column_text(2);
  l.role = org_role_from_name(row.column_text(3)).value_or(OrgRole::viewer);
  l.created_by = row.column_text(4);
  l.created_at_ms = row.column_int(5);
  l.expires_at_ms = row.column_int(6);
  l.used_at_ms = row.column_int(7);
  return l;
}

constexpr const char* kLinkColumns =
    "SELECT kind, org_id, email, role, created_by, created_at_ms, expires_at_ms, used_at_ms FROM links "
    "WHERE token_hash = ?1";

Status check_token(const TokenHash& token) {
  if (token.size() != 32) return {ErrorCode::invalid_argument, "A token hash is 32 bytes."};
  return {};
}

Result<std::int64_t> owner_count(sqlite::Connection& db, std::string_view org_id) {
  Result<std::vector<std::int64_t>> n = rows<std::int64_t>(
      db, "SELECT count(*) FROM memberships WHERE org_id = ?1 AND role = 'owner'", "count owners",
      [&](sqlite::Statement& s) { s.bind(1, org_id); }, [](const sqlite::Statement& s) { return s.column_int(0); });
  if (!n.ok()) return n.status();
  return n.value().front();
}

// Removes a person's project roles and grants in every project of `org_id`.
Status remove_project_access(sqlite::Connection& db, std::string_view org_id, std::string_view person_id) {
  for (const char* sql :
       {"DELETE FROM project_roles WHERE person_id = ?2 AND project_id IN (SELECT project_id FROM projects WHERE "
        "org_id = ?1)",
        "DELETE FROM key_grants WHERE person_id = ?2 AND project_id IN (SELECT project_id FROM projects WHERE "
        "org_id = ?1)"}) {
    if (Status s = run(db, sql, "remove project access",
                       [&](sqlite::Statement& st) { st.bind(1, org_id).bind(2, person_id); });
        !s.ok()) {
      return s;
    }
  }
  return {};
}

}  // namespace

// --- names -------------------------------------------------------------------------

const char* org_role_name(OrgRole role) noexcept {
  switch (role) {
    case OrgRole::owner:
      return "owner";
    case OrgRole::admin:
      return "admin";
    case OrgRole::member:
      return "member";
    case OrgRole::viewer:
      return "viewer";
  }
  return "viewer";
}

std::optional<OrgRole> org_role_from_name(std::string_view name) noexcept {
  for (OrgRole r : {OrgRole::owner, OrgRole::admin, OrgRole::member, OrgRole::viewer}) {
    if (name == org_role_name(r)) return r;
  }
  return std::nullopt;
}

const char* project_role_name(ProjectRole role) noexcept {
  return role == ProjectRole::reviewer ? "reviewer" : "viewer";
}

std::optional<ProjectRole> project_role_from_name(std::string_view name) noexcept {
  if (name == "reviewer") return ProjectRole::reviewer;
  if (name == "viewer") return ProjectRole::viewer;
  return std::nullopt;
}

const char* link_kind_name(LinkKind kind) noexcept {
  return kind == LinkKind::setup ? "setup" : kind == LinkKind::reset ? "reset" : "invite";
}

Result<std::string> email_normalize(std::string_view email) {
  while (!email.empty() && (email.front() == ' ' || email.front() == '\t')) email.remove_prefix(1);
  while (!email.empty() && (email.back() == ' ' || email.back() == '\t')) email.remove_suffix(1);
  const std::size_t at = email.find('@');
  if (email.empty() || email.size() > 254 || at == 0 || at == std::string_view::npos || at + 1 == email.size() ||
      email.find('@', at + 1) != std::string_view::npos) {
    return Status(ErrorCode::invalid_argument, "That is not an email address (name@example.com).");
  }
  std::string out;
  for (char c : email) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Status(ErrorCode::invalid_argument, "An email address must not contain spaces or control characters.");
    }
    out.push_back(c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c);
  }
  return out;
}

std::int64_t SqliteAccounts::now_ms() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// --- organisations -------------------------------------------------------------------

Result<Organisation> SqliteAccounts::create_organisation(std::string_view name, std::string_view owner_email,
                                                         const TokenHash& setup_link, std::int64_t link_expires_at_ms) {
  if (name.empty()) return Status(ErrorCode::invalid_argument, "An organisation needs a name.");
  if (Status s = check_display_text(name, "An organisation name"); !s.ok()) return s;
  Result<std::string> email = email_normalize(owner_email);
  if (!email.ok()) return email.status();
  if (Status s = check_token(setup_link); !s.ok()) return s;
  Organisation org;
  org.id = org_id_generate();
  org.name = std::string(name);
  org.created_at_ms = now_ms();
  Status s = committer_.run([&](sqlite::Connection& db) -> Status {
    if (Status st = run(db, "INSERT INTO organisations (org_id, name, created_at_ms) VALUES (?1, ?2, ?3)",
                        "create an organisation",
                        [&](sqlite::Statement& q) { q.bind(1, org.id).bind(2, org.name).bind(3, org.created_at_ms); });
        !st.ok()) {
      return st;
    }
    return run(db,
               "INSERT INTO links (token_hash, kind, org_id, email, role, created_by, created_at_ms, expires_at_ms, "
               "used_at_ms) VALUES (?1, 'setup', ?2, ?3, 'owner', 'cli', ?4, ?5, 0)",
               "store the set-up link", [&](sqlite::Statement& q) {
                 q.bind(1, std::span<const std::uint8_t>(setup_link))
                     .bind(2, org.id)
                     .bind(3, email.value())
                     .bind(4, org.created_at_ms)
                     .bind(5, link_expires_at_ms);
               });
  });
  if (!s.ok()) return s;
  return org;
}

Result<Organisation> SqliteAccounts::get_organisation(std::string_view org_id) {
  if (!org_id_is_well_formed(org_id)) return not_found("organisation");
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  return one_row<Organisation>(
      *lease.value(),
      "SELECT org_id, name, created_at_ms, require_mfa, ip_allowlist FROM organisations WHERE org_id = ?1",
      "read an organisation", "organisation", [&](sqlite::Statement& q) { q.bind(1, org_id); },
      [](const sqlite::Statement& r) {
        return Organisation{r.column_text(0), r.column_text(1), r.column_int(2), r.column_int(3) != 0,
                            split_lines(r.column_text(4))};
      });
}

Status SqliteAccounts::set_require_mfa(std::string_view org_id, bool required) {
  if (!org_id_is_well_formed(org_id)) return not_found("organisation");
  return committer_.run([&](sqlite::Connection& db) -> Status {
    if (Status s = run(db, "UPDATE organisations SET require_mfa = ?2 WHERE org_id = ?1", "set the MFA policy",
                       [&](sqlite::Statement& q) { q.bind(1, org_id).bind(2, std::int64_t(required ? 1 : 0)); });
        !s.ok()) {
      return s;
    }
    return changes(db) == 0 ? not_found("organisation") : Status{};
  });
}

Status SqliteAccounts::set_ip_allowlist(std::string_view org_id, const std::vector<std::string>& cidrs) {
  if (!org_id_is_well_formed(org_id)) return not_found("organisation");
  std::string joined;
  for (const std::string& cidr : cidrs) joined += cidr + "\n";
  return committer_.run([&](sqlite::Connection& db) -> Status {
    if (Status s = run(db, "UPDATE organisations SET ip_allowlist = ?2 WHERE org_id = ?1", "set the IP allowlist",
                       [&](sqlite::Statement& q) { q.bind(1, org_id).bind(2, joined); });
        !s.ok()) {
      return s;
    }
    return changes(db) == 0 ? not_found("organisation") : Status{};
  });
}

// --- multi-factor sign-in ------------------------------------------------------------------

Status SqliteAccounts::mfa_begin(std::string_view person_id, std::span<const std::uint8_t> secret,
                                 std::int64_t now_ms) {
  return committer_.run([&](sqlite::Connection& db) -> Status {
    Result<std::vector<std::int64_t>> enabled = rows<std::int64_t>(
        db, "SELECT enabled FROM mfa WHERE person_id = ?1", "read MFA",
        [&](sqlite::Statement& q) { q.bind(1, person_id); },
        [](const sqlite::Statement& r) { return r.column_int(0); });
    if (!enabled.ok()) return enabled.status();
    if (!enabled.value().empty() && enabled.value().front() != 0) {
      return {ErrorCode::conflict, "Multi-factor sign-in is already on; turn it off first to set up another device."};
    }
    return run(db,
               "INSERT INTO mfa (person_id, secret, enabled, last_step, created_at_ms) VALUES (?1, ?2, 0, 0, ?3) "
               "ON CONFLICT (person_id) DO UPDATE SET secret = excluded.secret, created_at_ms = excluded.created_at_ms",
               "start MFA set-up", [&](sqlite::Statement& q) { q.bind(1, person_id).bind(2, secret).bind(3, now_ms); });
  });
}

Result<MfaState> SqliteAccounts::get_mfa(std::string_view person_id) {
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  return one_row<MfaState>(
      *lease.value(), "SELECT secret, enabled, last_step FROM mfa WHERE person_id = ?1", "read MFA", "MFA set-up",
      [&](sqlite::Statement& q) { q.bind(1, person_id); },
      [](const sqlite::Statement& r) {
        return MfaState{r.column_blob(0), r.column_int(1) != 0, r.column_int(2)};
      });
}

Status SqliteAccounts::mfa_enable(std::string_view person_id, std::int64_t step,
                                  const std::vector<TokenHash>& recovery_code_hashes) {
  return committer_.run([&](sqlite::Connection& db) -> Status {
    if (Status s = run(db, "UPDATE mfa SET enabled = 1, last_step = ?2 WHERE person_id = ?1 AND enabled = 0",
                       "turn MFA on", [&](sqlite::Statement& q) { q.bind(1, person_id).bind(2, step); });
        !s.ok()) {
      return s;
    }
    if (changes(db) == 0) return {ErrorCode::conflict, "Start the set-up first (or MFA is already on)."};
    if (Status s = run(db, "DELETE FROM mfa_recovery_codes WHERE person_id = ?1", "replace recovery codes",
                       [&](sqlite::Statement& q) { q.bind(1, person_id); });
        !s.ok()) {
      return s;
    }
    for (const TokenHash& hash : recovery_code_hashes) {
      if (Status s =
              run(db, "INSERT INTO mfa_recovery_codes (person_id, code_hash, used_at_ms) VALUES (?1, ?2, 0)",
                  "store a recovery code",
                  [&](sqlite::Statement& q) { q.bind(1, person_id).bind(2, std::span<const std::uint8_t>(hash)); });
          !s.ok()) {
        return s;
      }
    }
    return {};
  });
}

Status SqliteAccounts::mfa_use_step(std::string_view person_id, std::int64_t step) {
  return committer_.run([&](sqlite::Connection& db) -> Status {
    if (Status s = run(db, "UPDATE mfa SET last_step = ?2 WHERE person_id = ?1 AND enabled = 1 AND last_step < ?2",
                       "use a code", [&](sqlite::Statement& q) { q.bind(1, person_id).bind(2, step); });
        !s.ok()) {
      return s;
    }
    return changes(db) == 0 ? Status{ErrorCode::conflict, "That code was already used."} : Status{};
  });
}

Status SqliteAccounts::mfa_use_recovery_code(std::string_view person_id, const TokenHash& code_hash,
                                             std::int64_t now_ms) {
  return committer_.run([&](sqlite::Connection& db) -> Status {
    if (Status s = run(db,
                       "UPDATE mfa_recovery_codes SET used_at_ms = ?3 WHERE person_id = ?1 AND code_hash = ?2 AND "
                       "used_at_ms = 0",
                       "use a recovery code",
                       [&](sqlite::Statement& q) {
                         q.bind(1, person_id).bind(2, std::span<const std::uint8_t>(code_hash)).bind(3, now_ms);
                       });
        !s.ok()) {
      return s;
    }
    return changes(db) == 0 ? not_found("recovery code") : Status{};
  });
}

Result<std::uint64_t> SqliteAccounts::mfa_recovery_codes_left(std::string_view person_id) {
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  Result<std::vector<std::int64_t>> n = rows<std::int64_t>(
      *lease.value(), "SELECT count(*) FROM mfa_recovery_codes WHERE person_id = ?1 AND used_at_ms = 0",
      "count recovery codes", [&](sqlite::Statement& q) { q.bind(1, person_id); },
      [](const sqlite::Statement& r) { return r.column_int(0); });
  if (!n.ok()) return n.status();
  return std::uint64_t(n.value().front());
}

Status SqliteAccounts::mfa_disable(std::string_view person_id) {
  return committer_.run([&](sqlite::Connection& db) -> Status {
    for (const char* sql :
         {"DELETE FROM mfa WHERE person_id = ?1", "DELETE FROM mfa_recovery_codes WHERE person_id = ?1"}) {
      if (Status s = run(db, sql, "turn MFA off", [&](sqlite::Statement& q) { q.bind(1, person_id); }); !s.ok()) {
        return s;
      }
    }
    return {};
  });
}

// --- people ------------------------------------------------------------------------------

Result<Person> SqliteAccounts::get_person(std::string_view person_id) {
  if (!person_id_is_well_formed(person_id)) return not_found("person");
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  return one_row<Person>(
      *lease.value(), std::string(kPersonColumns) + " WHERE person_id = ?1", "read a person", "person",
      [&](sqlite::Statement& q) { q.bind(1, person_id); },
      [](const sqlite::Statement& r) { return person_from_row(r); });
}

Result<Person> SqliteAccounts::find_person_by_email(std::string_view email) {
  Result<std::string> normal = email_normalize(email);
  if (!normal.ok()) return not_found("person");
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  return one_row<Person>(
      *lease.value(), std::string(kPersonColumns) + " WHERE email = ?1", "find a person", "person",
      [&](sqlite::Statement& q) { q.bind(1, normal.value()); },
      [](const sqlite::Statement& r) { return person_from_row(r); });
}

namespace {
constexpr const char* kMembershipColumns =
    "SELECT o.org_id, o.name, o.created_at_ms, m.role, o.require_mfa, o.ip_allowlist FROM memberships m JOIN "
    "organisations o ON "
    "o.org_id = m.org_id";
Membership membership_from_row(const sqlite::Statement& r) {
  return Membership{Organisation{r.column_text(0), r.column_text(1), r.column_int(2), r.column_int(4) != 0,
                                 split_lines(r.column_text(5))},
                    org_role_from_name(r.column_text(3)).value_or(OrgRole::viewer)};
}
}  // namespace

Result<std::vector<Membership>> SqliteAccounts::memberships_of(std::string_view person_id) {
  if (!person_id_is_well_formed(person_id)) return std::vector<Membership>{};
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  return rows<Membership>(
      *lease.value(), std::string(kMembershipColumns) + " WHERE m.person_id = ?1 ORDER BY o.name, o.org_id",
      "list memberships", [&](sqlite::Statement& q) { q.bind(1, person_id); }, membership_from_row);
}

Result<Membership> SqliteAccounts::membership_in(std::string_view org_id, std::string_view person_id) {
  if (!org_id_is_well_formed(org_id) || !person_id_is_well_formed(person_id)) return not_found("membership");
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  return one_row<Membership>(
      *lease.value(), std::string(kMembershipColumns) + " WHERE m.org_id = ?1 AND m.person_id = ?2",
      "read a membership", "membership", [&](sqlite::Statement& q) { q.bind(1, org_id).bind(2, person_id); },
      membership_from_row);
}

Result<OrgRole> SqliteAccounts::role_in(std::string_view org_id, std::string_view person_id) {
  if (!org_id_is_well_formed(org_id) || !person_id_is_well_formed(person_id)) return not_found("membership");
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  return one_row<OrgRole>(
      *lease.value(), "SELECT role FROM memberships WHERE org_id = ?1 AND person_id = ?2", "read a role", "membership",
      [&](sqlite::Statement& q) { q.bind(1, org_id).bind(2, person_id); },
      [](const sqlite::Statement& r) { return org_role_from_name(r.column_text(0)).value_or(OrgRole::viewer); });
}

Result<std::vector<Member>> SqliteAccounts::list_members(std::string_view org_id) {
  if (!org_id_is_well_formed(org_id)) return not_found("organisation");
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  return rows<Member>(
      *lease.value(),
      "SELECT p.person_id, p.email, p.display_name, p.auth_hash, p.kdf_salt, p.kdf_opslimit, p.kdf_memlimit, "
      "p.public_key, p.wrapped_secret_key, p.created_at_ms, p.keys_changed_at_ms, m.role FROM memberships m JOIN "
      "people p ON p.person_id = m.person_id WHERE m.org_id = ?1 ORDER BY p.email",
      "list members", [&](sqlite::Statement& q) { q.bind(1, org_id); },
      [](const sqlite::Statement& r) {
        return Member{person_from_row(r), org_role_from_name(r.column_text(11)).value_or(OrgRole::viewer)};
      });
}

Status SqliteAccounts::set_member_role(std::string_view org_id, std::string_view person_id, OrgRole role) {
  if (!org_id_is_well_formed(org_id) || !person_id_is_well_formed(person_id)) return not_found("member");
  return committer_.run([&](sqlite::Connection& db) -> Status {
    if (Status s =
            run(db, "UPDATE memberships SET role = ?3 WHERE org_id = ?1 AND person_id = ?2", "change a role",
                [&](sqlite::Statement& q) { q.bind(1, org_id).bind(2, person_id).bind(3, org_role_name(role)); });
        !s.ok()) {
      return s;
    }
    if (changes(db) == 0) return not_found("member");
    Result<std::int64_t> owners = owner_count(db, org_id);
    if (!owners.ok()) return owners.status();
    if (owners.value() == 0) return {ErrorCode::conflict, "An organisation must keep at least one owner."};
    return {};
  });
}

Status SqliteAccounts::remove_member(std::string_view org_id, std::string_view person_id) {
  if (!org_id_is_well_formed(org_id) || !person_id_is_well_formed(person_id)) return not_found("member");
  return committer_.run([&](sqlite::Connection& db) -> Status {
    if (Status s = run(db, "DELETE FROM memberships WHERE org_id = ?1 AND person_id = ?2", "remove a member",
                       [&](sqlite::Statement& q) { q.bind(1, org_id).bind(2, person_id); });
        !s.ok()) {
      return s;
    }
    if (changes(db) == 0) return not_found("member");
    Result<std::int64_t> owners = owner_count(db, org_id);
    if (!owners.ok()) return owners.status();
    if (owners.value() == 0) return {ErrorCode::conflict, "An organisation must keep at least one owner."};
    if (Status s = remove_project_access(db, org_id, person_id); !s.ok()) return s;
    return run(db,
               "DELETE FROM sessions WHERE person_id = ?1 AND NOT EXISTS (SELECT 1 FROM memberships WHERE person_id "
               "= ?1)",
               "end the sessions of a removed person", [&](sqlite::Statement& q) { q.bind(1, person_id); });
  });
}

// --- links ---------------------------------------------------------------------------------

Status SqliteAccounts::create_link(const TokenHash& token, const Link& link) {
  if (Status s = check_token(token); !s.ok()) return s;
  Result<std::string> email = email_normalize(link.email);
  if (!email.ok()) return email.status();
  return committer_.run([&](sqlite::Connection& db) -> Status {
    return run(db,
               "INSERT INTO links (token_hash, kind, org_id, email, role, created_by, created_at_ms, expires_at_ms, "
               "used_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0)",
               "store a link", [&](sqlite::Statement& q) {
                 q.bind(1, std::span<const std::uint8_t>(token))
                     .bind(2, link_kind_name(link.kind))
                     .bind(3, link.org_id)
                     .bind(4, email.value())
                     .bind(5, org_role_name(link.role))
                     .bind(6, link.created_by)
                     .bind(7, link.created_at_ms)
                     .bind(8, link.expires_at_ms);
               });
  });
}

Result<Link> SqliteAccounts::get_link(const TokenHash& token) {
  if (!check_token(token).ok()) return not_found("link");
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  return one_row<Link>(
      *lease.value(), kLinkColumns, "read a link", "link",
      [&](sqlite::Statement& q) { q.bind(1, std::span<const std::uint8_t>(token)); }, link_from_row);
}

Result<std::string> SqliteAccounts::accept_link(const TokenHash& token, const LinkAcceptance& acceptance,
                                                std::int64_t now_ms) {
  if (!check_token(token).ok()) return not_found("link");
  if (Status s = check_keys(acceptance.keys); !s.ok()) return s;
  if (Status s = check_display_text(acceptance.display_name, "A display name"); !s.ok()) return s;
  std::string person_id;
  Status s = committer_.run([&](sqlite::Connection& db) -> Status {
    Result<Link> link = one_row<Link>(
        db, kLinkColumns, "read a link", "link",
        [&](sqlite::Statement& q) { q.bind(1, std::span<const std::uint8_t>(token)); }, link_from_row);
    if (!link.ok()) return link.status();
    if (link.value().used_at_ms != 0) return {ErrorCode::gone, "This link was already used."};
    if (now_ms >= link.value().expires_at_ms) return {ErrorCode::gone, "This link has expired."};
    const Link& l = link.value();

    Result<std::vector<std::string>> existing = rows<std::string>(
        db, "SELECT person_id FROM people WHERE email = ?1", "find a person",
        [&](sqlite::Statement& q) { q.bind(1, l.email); }, [](const sqlite::Statement& r) { return r.column_text(0); });
    if (!existing.ok()) return existing.status();
    const std::string display =
        acceptance.display_name.empty() ? l.email.substr(0, l.email.find('@')) : acceptance.display_name;
    if (existing.value().empty()) {
      if (l.kind == LinkKind::reset) return not_found("person");
      person_id = person_id_generate();
      if (Status st = run(db,
                          "INSERT INTO people (person_id, email, display_name, auth_hash, kdf_salt, kdf_opslimit, "
                          "kdf_memlimit, public_key, wrapped_secret_key, created_at_ms, keys_changed_at_ms) VALUES "
                          "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
                          "create a person",
                          [&](sqlite::Statement& q) {
                            q.bind(1, person_id)
                                .bind(2, l.email)
                                .bind(3, display)
                                .bind(4, acceptance.keys.auth_hash)
                                .bind(5, acceptance.keys.kdf_salt)
                                .bind(6, std::int64_t(acceptance.keys.kdf_opslimit))
                                .bind(7, std::int64_t(acceptance.keys.kdf_memlimit))
                                .bind(8, acceptance.keys.public_key)
                                .bind(9, acceptance.keys.wrapped_secret_key)
                                .bind(10, now_ms);
                          });
          !st.ok()) {
        return st;
      }
    } else {
      person_id = existing.value().front();
      if (l.kind == LinkKind::reset) {
        // New keys: every grant sealed to the old public key is useless now,
        // and every session of the old password ends.
        if (Status st = run(db,
                            "UPDATE people SET auth_hash = ?2, kdf_salt = ?3, kdf_opslimit = ?4, kdf_memlimit = ?5, "
                            "public_key = ?6, wrapped_secret_key = ?7, keys_changed_at_ms = ?8 WHERE person_id = ?1",
                            "reset a person's keys",
                            [&](sqlite::Statement& q) {
                              q.bind(1, person_id)
                                  .bind(2, acceptance.keys.auth_hash)
                                  .bind(3, acceptance.keys.kdf_salt)
                                  .bind(4, std::int64_t(acceptance.keys.kdf_opslimit))
                                  .bind(5, std::int64_t(acceptance.keys.kdf_memlimit))
                                  .bind(6, acceptance.keys.public_key)
                                  .bind(7, acceptance.keys.wrapped_secret_key)
                                  .bind(8, now_ms);
                            });
            !st.ok()) {
          return st;
        }
        for (const char* sql :
             {"DELETE FROM key_grants WHERE person_id = ?1", "DELETE FROM sessions WHERE person_id = ?1"}) {
          if (Status st = run(db, sql, "reset a person's access", [&](sqlite::Statement& q) { q.bind(1, person_id); });
              !st.ok()) {
            return st;
          }
        }
      }
      // An invitation for someone who already has an account: the link proves
      // the email, the existing keys stay (the acceptance's keys are unused).
    }
    if (l.kind != LinkKind::reset) {
      if (Status st = run(db,
                          "INSERT INTO memberships (org_id, person_id, role, created_at_ms) VALUES (?1, ?2, ?3, ?4) "
                          "ON CONFLICT (org_id, person_id) DO NOTHING",
                          "add a member",
                          [&](sqlite::Statement& q) {
                            q.bind(1, l.org_id).bind(2, person_id).bind(3, org_role_name(l.role)).bind(4, now_ms);
                          });
          !st.ok()) {
        return st;
      }
    }
    return run(db, "UPDATE links SET used_at_ms = ?2 WHERE token_hash = ?1", "use a link",
               [&](sqlite::Statement& q) { q.bind(1, std::span<const std::uint8_t>(token)).bind(2, now_ms); });
  });
  if (!s.ok()) return s;
  return person_id;
}

// --- sessions ------------------------------------------------------------------------------

Status SqliteAccounts::create_session(const TokenHash& token, std::string_view person_id, std::int64_t now_ms) {
  if (Status s = check_token(token); !s.ok()) return s;
  return committer_.run([&](sqlite::Connection& db) -> Status {
    return run(db, "INSERT INTO sessions (token_hash, person_id, created_at_ms, last_seen_ms) VALUES (?1, ?2, ?3, ?3)",
               "create a session", [&](sqlite::Statement& q) {
                 q.bind(1, std::span<const std::uint8_t>(token)).bind(2, person_id).bind(3, now_ms);
               });
  });
}

Result<Session> SqliteAccounts::get_session(const TokenHash& token) {
  if (!check_token(token).ok()) return not_found("session");
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  return one_row<Session>(
      *lease.value(), "SELECT person_id, created_at_ms, last_seen_ms FROM sessions WHERE token_hash = ?1",
      "read a session", "session", [&](sqlite::Statement& q) { q.bind(1, std::span<const std::uint8_t>(token)); },
      [](const sqlite::Statement& r) {
        return Session{{}, r.column_text(0), r.column_int(1), r.column_int(2)};
      });
}

Status SqliteAccounts::touch_session(const TokenHash& token, std::int64_t now_ms) {
  if (Status s = check_token(token); !s.ok()) return s;
  return committer_.run([&](sqlite::Connection& db) -> Status {
    return run(db, "UPDATE sessions SET last_seen_ms = max(last_seen_ms, ?2) WHERE token_hash = ?1",
               "refresh a session",
               [&](sqlite::Statement& q) { q.bind(1, std::span<const std::uint8_t>(token)).bind(2, now_ms); });
  });
}

Status SqliteAccounts::delete_session(const TokenHash& token) {
  if (Status s = check_token(token); !s.ok()) return s;
  return committer_.run([&](sqlite::Connection& db) -> Status {
    return run(db, "DELETE FROM sessions WHERE token_hash = ?1", "end a session",
               [&](sqlite::Statement& q) { q.bind(1, std::span<const std::uint8_t>(token)); });
  });
}

Status SqliteAccounts::delete_sessions_of(std::string_view person_id) {
  return committer_.run([&](sqlite::Connection& db) -> Status {
    return run(db, "DELETE FROM sessions WHERE person_id = ?1", "end a person's sessions",
               [&](sqlite::Statement& q) { q.bind(1, person_id); });
  });
}

Result<std::vector<Session>> SqliteAccounts::list_sessions(std::string_view person_id) {
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  return rows<Session>(
      *lease.value(),
      "SELECT token_hash, person_id, created_at_ms, last_seen_ms FROM sessions WHERE person_id = ?1 ORDER BY "
      "last_seen_ms DESC",
      "list sessions", [&](sqlite::Statement& q) { q.bind(1, person_id); },
      [](const sqlite::Statement& r) {
        return Session{r.column_blob(0), r.column_text(1), r.column_int(2), r.column_int(3)};
      });
}

// --- projects of an organisation -------------------------------------------------------------

Status SqliteAccounts::assign_project(std::string_view project_id, std::string_view org_id) {
  if (!project_id_is_well_formed(project_id)) return not_found("project");
  if (!org_id_is_well_formed(org_id)) return not_found("organisation");
  return committer_.run([&](sqlite::Connection& db) -> Status {
    Result<std::vector<std::string>> current = rows<std::string>(
        db, "SELECT org_id FROM projects WHERE project_id = ?1", "read a project",
        [&](sqlite::Statement& q) { q.bind(1, project_id); },
        [](const sqlite::Statement& r) { return r.column_text(0); });
    if (!current.ok()) return current.status();
    if (current.value().empty()) return not_found("project");
    if (!current.value().front().empty()) {
      return {ErrorCode::conflict, "This project already belongs to an organisation."};
    }
    return run(db, "UPDATE projects SET org_id = ?2 WHERE project_id = ?1", "assign a project",
               [&](sqlite::Statement& q) { q.bind(1, project_id).bind(2, org_id); });
  });
}

Result<std::vector<std::string>> SqliteAccounts::projects_of(std::string_view org_id) {
  if (!org_id_is_well_formed(org_id)) return std::vector<std::string>{};
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  return rows<std::string>(
      *lease.value(), "SELECT project_id FROM projects WHERE org_id = ?1 ORDER BY created_at_ms, project_id",
      "list an organisation's projects", [&](sqlite::Statement& q) { q.bind(1, org_id); },
      [](const sqlite::Statement& r) { return r.column_text(0); });
}

Result<std::optional<ProjectRole>> SqliteAccounts::project_role(std::string_view project_id,
                                                                std::string_view person_id) {
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  Result<std::vector<std::string>> found = rows<std::string>(
      *lease.value(), "SELECT role FROM project_roles WHERE project_id = ?1 AND person_id = ?2", "read a project role",
      [&](sqlite::Statement& q) { q.bind(1, project_id).bind(2, person_id); },
      [](const sqlite::Statement& r) { return r.column_text(0); });
  if (!found.ok()) return found.status();
  if (found.value().empty()) return std::optional<ProjectRole>{};
  return project_role_from_name(found.value().front());
}

Result<std::vector<ProjectRoleRow>> SqliteAccounts::project_roles(std::string_view project_id) {
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  return rows<ProjectRoleRow>(
      *lease.value(), "SELECT person_id, role FROM project_roles WHERE project_id = ?1 ORDER BY person_id",
      "list project roles", [&](sqlite::Statement& q) { q.bind(1, project_id); },
      [](const sqlite::Statement& r) {
        return ProjectRoleRow{r.column_text(0), project_role_from_name(r.column_text(1)).value_or(ProjectRole::viewer)};
      });
}

Status SqliteAccounts::set_project_role(std::string_view project_id, std::string_view person_id,
                                        std::optional<ProjectRole> role) {
  return committer_.run([&](sqlite::Connection& db) -> Status {
    if (!role) {
      return run(db, "DELETE FROM project_roles WHERE project_id = ?1 AND person_id = ?2", "remove a project role",
                 [&](sqlite::Statement& q) { q.bind(1, project_id).bind(2, person_id); });
    }
    return run(db,
               "INSERT INTO project_roles (project_id, person_id, role) VALUES (?1, ?2, ?3) ON CONFLICT (project_id, "
               "person_id) DO UPDATE SET role = excluded.role",
               "set a project role", [&](sqlite::Statement& q) {
                 q.bind(1, project_id).bind(2, person_id).bind(3, project_role_name(*role));
               });
  });
}

// --- installation secrets ------------------------------------------------------------------

Result<std::vector<std::uint8_t>> SqliteAccounts::server_secret(std::string_view name) {
  std::vector<std::uint8_t> fresh(32);
  randombytes_buf(fresh.data(), fresh.size());
  std::vector<std::uint8_t> value;
  Status s = committer_.run([&](sqlite::Connection& db) -> Status {
    if (Status st = run(db, "INSERT INTO server_secrets (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
                        "store a server secret",
                        [&](sqlite::Statement& q) { q.bind(1, name).bind(2, std::span<const std::uint8_t>(fresh)); });
        !st.ok()) {
      return st;
    }
    Result<std::vector<std::uint8_t>> stored = one_row<std::vector<std::uint8_t>>(
        db, "SELECT value FROM server_secrets WHERE name = ?1", "read a server secret", "secret",
        [&](sqlite::Statement& q) { q.bind(1, name); }, [](const sqlite::Statement& r) { return r.column_blob(0); });
    if (!stored.ok()) return stored.status();
    value = std::move(stored).value();
    return {};
  });
  sodium_memzero(fresh.data(), fresh.size());
  if (!s.ok()) return s;
  return value;
}

// --- audit log ---------------------------------------------------------------------------------

Status SqliteAccounts::append_audit(AuditEntry entry) {
  if (entry.at_ms == 0) entry.at_ms = now_ms();
  return committer_.run([&](sqlite::Connection& db) -> Status {
    return run(db,
               "INSERT INTO audit_log (org_id, seq, at_ms, actor, action, target, address) VALUES (?1, "
               "(SELECT coalesce(max(seq), 0) + 1 FROM audit_log WHERE org_id = ?1), ?2, ?3, ?4, ?5, ?6)",
               "append to the audit log", [&](sqlite::Statement& q) {
                 q.bind(1, entry.org_id)
                     .bind(2, entry.at_ms)
                     .bind(3, entry.actor)
                     .bind(4, entry.action)
                     .bind(5, entry.target)
                     .bind(6, entry.address);
               });
  });
}

Result<std::vector<AuditEntry>> SqliteAccounts::list_audit(std::string_view org_id, std::int64_t before_seq,
                                                           std::uint32_t limit) {
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  return rows<AuditEntry>(
      *lease.value(),
      "SELECT org_id, seq, at_ms, actor, action, target, address FROM audit_log WHERE org_id = ?1 AND (?2 = 0 OR seq "
      "< ?2) ORDER BY seq DESC LIMIT ?3",
      "read the audit log",
      [&](sqlite::Statement& q) { q.bind(1, org_id).bind(2, before_seq).bind(3, std::int64_t(limit)); },
      [](const sqlite::Statement& r) {
        return AuditEntry{r.column_text(0), r.column_int(1),  r.column_int(2), r.column_text(3),
                          r.column_text(4), r.column_text(5), r.column_text(6)};
      });
}

Result<std::uint64_t> SqliteAccounts::purge_audit(std::int64_t older_than_ms) {
  std::uint64_t removed = 0;
  Status s = committer_.run([&](sqlite::Connection& db) -> Status {
    Status st = run(db, "DELETE FROM audit_log WHERE at_ms < ?1", "purge the audit log",
                    [&](sqlite::Statement& q) { q.bind(1, older_than_ms); });
    removed = std::uint64_t(changes(db));
    return st;
  });
  if (!s.ok()) return s;
  return removed;
}

}  // namespace sealshot::server
