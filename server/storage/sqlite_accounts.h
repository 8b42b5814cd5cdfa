// AccountStore on the embedded backend: the same database, writes through
// the storage's group committer (durable before they return), reads on its
// pooled connections.
#pragma once

#include <functional>

#include "accounts.h"
#include "group_commit.h"
#include "read_pool.h"

namespace sealshot::server {

class SqliteAccounts final : public AccountStore {
 public:
  SqliteAccounts(GroupCommitter& committer, ReadPool& readers, std::function<std::int64_t()> clock)
      : committer_(committer), readers_(readers), clock_(std::move(clock)) {}

  Result<Organisation> create_organisation(std::string_view name, std::string_view owner_email,
                                           const TokenHash& setup_link, std::int64_t link_expires_at_ms) override;
  Result<Organisation> get_organisation(std::string_view org_id) override;
  Status set_require_mfa(std::string_view org_id, bool required) override;
  Status set_ip_allowlist(std::string_view org_id, const std::vector<std::string>& cidrs) override;

  // sqlite_org_lifecycle.cpp
  Status transfer_ownership(std::string_view org_id, std::string_view from_person, std::string_view to_person) override;
  Status delete_organisation(std::string_view org_id) override;

  // sqlite_api_tokens.cpp
  Status create_api_token(const TokenHash& token, const ApiToken& row) override;
  Result<ApiToken> find_api_token(const TokenHash& token) override;
  Result<std::vector<ApiToken>> list_api_tokens(std::string_view org_id) override;
  Status delete_api_token(std::string_view org_id, std::string_view token_id) override;

  Status mfa_begin(std::string_view person_id, std::span<const std::uint8_t> secret, std::int64_t now_ms) override;
  Result<MfaState> get_mfa(std::string_view person_id) override;
  Status mfa_enable(std::string_view person_id, std::int64_t step,
                    const std::vector<TokenHash>& recovery_code_hashes) override;
  Status mfa_use_step(std::string_view person_id, std::int64_t step) override;
  Status mfa_use_recovery_code(std::string_view person_id, const TokenHash& code_hash, std::int64_t now_ms) override;
  Result<std::uint64_t> mfa_recovery_codes_left(std::string_view person_id) override;
  Status mfa_disable(std::string_view person_id) override;

  Result<Person> get_person(std::string_view person_id) override;
  Result<Person> find_person_by_email(std::string_view email) override;
  Result<std::vector<Membership>> memberships_of(std::string_view person_id) override;
  Result<OrgRole> role_in(std::string_view org_id, std::string_view person_id) override;
  Result<Membership> membership_in(std::string_view org_id, std::string_view person_id) override;
  Result<std::vector<Member>> list_members(std::string_view org_id) override;
  Status set_member_role(std::string_view org_id, std::string_view person_id, OrgRole role) override;
  Status remove_member(std::string_view org_id, std::string_view person_id) override;

  Status create_link(const TokenHash& token, const Link& link) override;
  Result<Link> get_link(const TokenHash& token) override;
  Result<std::string> accept_link(const TokenHash& token, const LinkAcceptance& acceptance,
                                  std::int64_t now_ms) override;

  Status create_session(const TokenHash& token, std::string_view person_id, std::int64_t now_ms) override;
  Result<Session> get_session(const TokenHash& token) override;
  Status touch_session(const TokenHash& token, std::int64_t now_ms) override;
  Status delete_session(const TokenHash& token) override;
  Status delete_sessions_of(std::string_view person_id) override;
  Result<std::vector<Session>> list_sessions(std::string_view person_id) override;

  Status assign_project(std::string_view project_id, std::string_view org_id) override;
  Result<std::vector<std::string>> projects_of(std::string_view org_id) override;
  Result<std::optional<ProjectRole>> project_role(std::string_view project_id, std::string_view person_id) override;
  Result<std::vector<ProjectRoleRow>> project_roles(std::string_view project_id) override;
  Status set_project_role(std::string_view project_id, std::string_view person_id,
                          std::optional<ProjectRole> role) override;

  Status put_grant(const KeyGrant& grant) override;
  Result<KeyGrant> get_grant(std::string_view project_id, std::string_view person_id) override;
  Result<std::vector<KeyGrant>> list_grants(std::string_view project_id) override;
  Status delete_grant(std::string_view project_id, std::string_view person_id) override;
  Result<std::vector<KeyGrant>> grants_of(std::string_view project_id, std::string_view person_id) override;
  // sqlite_project_keys.cpp
  Result<std::vector<ProjectKey>> list_project_keys(std::string_view project_id) override;
  Result<ProjectKey> rotate_project_key(std::string_view project_id, std::string_view public_key,
                                        const std::vector<KeyGrant>& grants, std::int64_t now_ms) override;

  Result<std::vector<std::uint8_t>> server_secret(std::string_view name) override;

  Status append_audit(AuditEntry entry) override;
  Result<std::vector<AuditEntry>> list_audit(std::string_view org_id, std::int64_t before_seq,
                                             std::uint32_t limit) override;
  Result<std::uint64_t> purge_audit(std::int64_t older_than_ms) override;

 private:
  std::int64_t now_ms() const;

  GroupCommitter& committer_;
  ReadPool& readers_;
  const std::function<std::int64_t()> clock_;
};

}  // namespace sealshot::server
