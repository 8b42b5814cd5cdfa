// Scoped API tokens on the embedded backend: rows keyed by the SHA-256 of
// the bearer secret (the secret itself is never stored), listed and revoked
// by organisation.
#include "ids.h"
#include "sqlite_accounts.h"
#include "sqlite_rows.h"

namespace sealshot::server {
namespace {

using namespace sqlite_rows;

constexpr const char* kTokenColumns =
    "SELECT token_id, org_id, project_id, scope, name, created_by, created_at_ms, expires_at_ms FROM api_tokens";

ApiToken token_from_row(const sqlite::Statement& r) {
  ApiToken t;
  t.id = r.column_text(0);
  t.org_id = r.column_text(1);
  t.project_id = r.column_text(2);
  t.scope = token_scope_from_name(r.column_text(3)).value_or(TokenScope::read);
  t.name = r.column_text(4);
  t.created_by = r.column_text(5);
  t.created_at_ms = r.column_int(6);
  t.expires_at_ms = r.column_int(7);
  return t;
}

}  // namespace

const char* token_scope_name(TokenScope scope) noexcept { return scope == TokenScope::triage ? "triage" : "read"; }

std::optional<TokenScope> token_scope_from_name(std::string_view name) noexcept {
  if (name == "read") return TokenScope::read;
  if (name == "triage") return TokenScope::triage;
  return std::nullopt;
}

Status SqliteAccounts::create_api_token(const TokenHash& token, const ApiToken& row) {
  if (token.size() != 32) return {ErrorCode::invalid_argument, "A token hash is 32 bytes."};
  if (row.name.size() > 200) return {ErrorCode::invalid_argument, "A token name must be at most 200 bytes long."};
  for (char c : row.name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return {ErrorCode::invalid_argument, "A token name must not contain control characters."};
    }
  }
  return committer_.run([&](sqlite::Connection& db) -> Status {
    return run(db,
               "INSERT INTO api_tokens (token_hash, token_id, org_id, project_id, scope, name, created_by, "
               "created_at_ms, expires_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
               "store an API token", [&](sqlite::Statement& q) {
                 q.bind(1, std::span<const std::uint8_t>(token))
                     .bind(2, row.id)
                     .bind(3, row.org_id)
                     .bind(4, row.project_id)
                     .bind(5, token_scope_name(row.scope))
                     .bind(6, row.name)
                     .bind(7, row.created_by)
                     .bind(8, row.created_at_ms)
                     .bind(9, row.expires_at_ms);
               });
  });
}

Result<ApiToken> SqliteAccounts::find_api_token(const TokenHash& token) {
  if (token.size() != 32) return not_found("API token");
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  return one_row<ApiToken>(
      *lease.value(), std::string(kTokenColumns) + " WHERE token_hash = ?1", "read an API token", "API token",
      [&](sqlite::Statement& q) { q.bind(1, std::span<const std::uint8_t>(token)); }, token_from_row);
}

Result<std::vector<ApiToken>> SqliteAccounts::list_api_tokens(std::string_view org_id) {
  if (!org_id_is_well_formed(org_id)) return std::vector<ApiToken>{};
  Result<ReadPool::Lease> lease = readers_.acquire();
  if (!lease.ok()) return lease.status();
  return rows<ApiToken>(
      *lease.value(), std::string(kTokenColumns) + " WHERE org_id = ?1 ORDER BY created_at_ms, token_id",
      "list API tokens", [&](sqlite::Statement& q) { q.bind(1, org_id); }, token_from_row);
}

Status SqliteAccounts::delete_api_token(std::string_view org_id, std::string_view token_id) {
  if (!token_id_is_well_formed(token_id)) return not_found("API token");
  return committer_.run([&](sqlite::Connection& db) -> Status {
    if (Status s = run(db, "DELETE FROM api_tokens WHERE org_id = ?1 AND token_id = ?2", "revoke an API token",
                       [&](sqlite::Statement& q) { q.bind(1, org_id).bind(2, token_id); });
        !s.ok()) {
      return s;
    }
    return changes(db) == 0 ? not_found("API token") : Status{};
  });
}

}  // namespace sealshot::server
