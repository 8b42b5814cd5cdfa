// The review side's rows: organisations, people, roles, sessions, single-use
// links, sealed project keys and the audit log (docs/permissions.md,
// docs/security.md). Reached through Storage::accounts(); storage.h is still
// the only header users include.
//
// What is stored is what the server may know: who belongs where, hashes of
// tokens and of each person's authentication key, public keys, and blobs
// only a person's own browser can open (wrapped secret keys, grants).
//
// Tenant isolation: every call that reads or changes organisation data takes
// the organisation (or a project, whose organisation the caller checked);
// an id from another organisation is simply not found.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace sealshot::server {

enum class OrgRole { owner, admin, member, viewer };
enum class ProjectRole { reviewer, viewer };
[[nodiscard]] const char* org_role_name(OrgRole role) noexcept;
[[nodiscard]] std::optional<OrgRole> org_role_from_name(std::string_view name) noexcept;
[[nodiscard]] const char* project_role_name(ProjectRole role) noexcept;
[[nodiscard]] std::optional<ProjectRole> project_role_from_name(std::string_view name) noexcept;

enum class LinkKind { setup, invite, reset };
[[nodiscard]] const char* link_kind_name(LinkKind kind) noexcept;

// 32 bytes: SHA-256 of a token the client holds (session cookie, link).
using TokenHash = std::vector<std::uint8_t>;

struct Organisation {
  std::string id;  // "org_" + 26 base32 characters
  std::string name;
  std::int64_t created_at_ms = 0;
  bool require_mfa = false;  // members without MFA are refused its routes
  // CIDR blocks (normalised text) the review API of this organisation may
  // be called from; empty: from anywhere. The ingest route is never limited.
  std::vector<std::string> ip_allowlist;
};

enum class TokenScope { read, triage };
[[nodiscard]] const char* token_scope_name(TokenScope scope) noexcept;
[[nodiscard]] std::optional<TokenScope> token_scope_from_name(std::string_view name) noexcept;

// A scoped API token for automation: one project, read (list and fetch) or
// triage (also status, assignee, tags), until it expires. The bearer secret
// is shown once; only its hash is kept.
struct ApiToken {
  std::string id;  // "tok_" + 26 base32 characters (public, names it in lists and the audit log)
  std::string org_id;
  std::string project_id;
  TokenScope scope = TokenScope::read;
  std::string name;
  std::string created_by;
  std::int64_t created_at_ms = 0;
  std::int64_t expires_at_ms = 0;
};

struct MfaState {
  std::vector<std::uint8_t> secret;  // TOTP key
  bool enabled = false;
  std::int64_t last_step = 0;
};

// The key material the person's browser derived and made (docs/security.md).
struct PersonKeys {
  std::string auth_hash;  // crypto_pwhash_str of the authentication key (made by the server)
  std::string kdf_salt;   // base64url of 16 bytes
  std::uint64_t kdf_opslimit = 0;
  std::uint64_t kdf_memlimit = 0;
  std::string public_key;          // key text
  std::string wrapped_secret_key;  // opaque
};

struct Person {
  std::string id;  // "per_" + 26 base32 characters
  std::string email;
  std::string display_name;
  PersonKeys keys;  // auth_hash empty: invited, not set up yet
  std::int64_t created_at_ms = 0;
  std::int64_t keys_changed_at_ms = 0;
};

struct Member {
  Person person;
  OrgRole role = OrgRole::member;
};

struct Membership {
  Organisation org;
  OrgRole role = OrgRole::member;
};

struct ProjectRoleRow {
  std::string person_id;
  ProjectRole role = ProjectRole::viewer;
};

struct KeyGrant {
  std::string project_id;
  std::string person_id;
  std::string sealed_key;  // opaque: crypto_box_seal of the project secret key
  std::string granted_by;
  std::int64_t created_at_ms = 0;
  // Which of the project's keys (ProjectKey::number) is sealed. put_grant:
  // 0 means the current key; read grants always carry the real number.
  std::int64_t key_number = 0;
};

// One key of a project's history. Rotation retires the current key and adds
// the next number; ingest and the snippet use the current (unretired) one,
// reports sealed before keep needing the key they were sealed to.
struct ProjectKey {
  std::int64_t number = 0;  // 1, 2, …
  std::string public_key;   // key text
  std::int64_t created_at_ms = 0;
  std::int64_t retired_at_ms = 0;  // 0: current
};

struct Session {
  TokenHash token_hash;  // filled by list_sessions
  std::string person_id;
  std::int64_t created_at_ms = 0;
  std::int64_t last_seen_ms = 0;
};

struct Link {
  LinkKind kind = LinkKind::invite;
  std::string org_id;
  std::string email;
  OrgRole role = OrgRole::member;
  std::string created_by;
  std::int64_t created_at_ms = 0;
  std::int64_t expires_at_ms = 0;
  std::int64_t used_at_ms = 0;  // 0: not used
};

struct AuditEntry {
  std::string org_id;
  std::int64_t seq = 0;  // per organisation, increasing; set by the store
  std::int64_t at_ms = 0;
  std::string actor;   // person id, "cli", or "" (sign-in with an unknown email)
  std::string action;  // e.g. "signin.success", "envelope.fetch"
  std::string target;  // ids only
  std::string address;
};

// What accept_link stores for the person (new or, for a reset, existing).
struct LinkAcceptance {
  std::string display_name;  // empty: keep / use the email's local part
  PersonKeys keys;
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // Organisations. create_organisation also stores the owner's set-up link.
  [[nodiscard]] virtual Result<Organisation> create_organisation(std::string_view name, std::string_view owner_email,
                                                                 const TokenHash& setup_link,
                                                                 std::int64_t link_expires_at_ms) = 0;
  [[nodiscard]] virtual Result<Organisation> get_organisation(std::string_view org_id) = 0;
  [[nodiscard]] virtual Status set_require_mfa(std::string_view org_id, bool required) = 0;
  // The new owner must be a member; the old one becomes an admin (one
  // transaction: never no owner).
  [[nodiscard]] virtual Status transfer_ownership(std::string_view org_id, std::string_view from_person,
                                                  std::string_view to_person) = 0;
  // Refused (conflict) while the organisation has projects (Storage::
  // delete_project removes them with their envelopes). Removes memberships,
  // links, API tokens and the audit log; people left in no organisation are
  // signed out.
  [[nodiscard]] virtual Status delete_organisation(std::string_view org_id) = 0;
  // `cidrs` already parsed and normalised by the caller.
  [[nodiscard]] virtual Status set_ip_allowlist(std::string_view org_id, const std::vector<std::string>& cidrs) = 0;

  // API tokens
  [[nodiscard]] virtual Status create_api_token(const TokenHash& token, const ApiToken& row) = 0;
  [[nodiscard]] virtual Result<ApiToken> find_api_token(const TokenHash& token) = 0;  // not_found
  [[nodiscard]] virtual Result<std::vector<ApiToken>> list_api_tokens(std::string_view org_id) = 0;
  [[nodiscard]] virtual Status delete_api_token(std::string_view org_id, std::string_view token_id) = 0;

  // Multi-factor sign-in. mfa_begin stores a new, not yet enabled secret
  // (conflict if MFA is already on); mfa_enable turns it on with the step of
  // the confirming code and the hashes of the recovery codes.
  [[nodiscard]] virtual Status mfa_begin(std::string_view person_id, std::span<const std::uint8_t> secret,
                                         std::int64_t now_ms) = 0;
  [[nodiscard]] virtual Result<MfaState> get_mfa(std::string_view person_id) = 0;  // not_found: none
  [[nodiscard]] virtual Status mfa_enable(std::string_view person_id, std::int64_t step,
                                          const std::vector<TokenHash>& recovery_code_hashes) = 0;
  // Records `step` as used; conflict if it (or a later one) already was.
  [[nodiscard]] virtual Status mfa_use_step(std::string_view person_id, std::int64_t step) = 0;
  // Marks an unused recovery code used; not_found if there is none.
  [[nodiscard]] virtual Status mfa_use_recovery_code(std::string_view person_id, const TokenHash& code_hash,
                                                     std::int64_t now_ms) = 0;
  [[nodiscard]] virtual Result<std::uint64_t> mfa_recovery_codes_left(std::string_view person_id) = 0;
  [[nodiscard]] virtual Status mfa_disable(std::string_view person_id) = 0;

  // People
  [[nodiscard]] virtual Result<Person> get_person(std::string_view person_id) = 0;
  [[nodiscard]] virtual Result<Person> find_person_by_email(std::string_view email) = 0;  // not_found
  [[nodiscard]] virtual Result<std::vector<Membership>> memberships_of(std::string_view person_id) = 0;
  [[nodiscard]] virtual Result<OrgRole> role_in(std::string_view org_id, std::string_view person_id) = 0;
  // The role and the organisation (with its policy) in one read: what every
  // review request checks first. not_found: not a member.
  [[nodiscard]] virtual Result<Membership> membership_in(std::string_view org_id, std::string_view person_id) = 0;
  [[nodiscard]] virtual Result<std::vector<Member>> list_members(std::string_view org_id) = 0;
  // Refuses to leave an organisation without an owner (conflict).
  [[nodiscard]] virtual Status set_member_role(std::string_view org_id, std::string_view person_id, OrgRole role) = 0;
  // Also removes the person's project roles and grants in the organisation,
  // and signs them out everywhere if they belong to no organisation any more.
  [[nodiscard]] virtual Status remove_member(std::string_view org_id, std::string_view person_id) = 0;

  // Links (single use; expiry checked by the caller's clock)
  [[nodiscard]] virtual Status create_link(const TokenHash& token, const Link& link) = 0;
  [[nodiscard]] virtual Result<Link> get_link(const TokenHash& token) = 0;
  // In one transaction: checks the link is unused and unexpired at `now_ms`,
  // creates the person (or, for a reset, replaces their keys and removes
  // their grants and sessions), adds the membership with the link's role,
  // and marks the link used. Returns the person id.
  [[nodiscard]] virtual Result<std::string> accept_link(const TokenHash& token, const LinkAcceptance& acceptance,
                                                        std::int64_t now_ms) = 0;

  // Sessions
  [[nodiscard]] virtual Status create_session(const TokenHash& token, std::string_view person_id,
                                              std::int64_t now_ms) = 0;
  [[nodiscard]] virtual Result<Session> get_session(const TokenHash& token) = 0;
  [[nodiscard]] virtual Status touch_session(const TokenHash& token, std::int64_t now_ms) = 0;
  [[nodiscard]] virtual Status delete_session(const TokenHash& token) = 0;
  [[nodiscard]] virtual Status delete_sessions_of(std::string_view person_id) = 0;
  [[nodiscard]] virtual Result<std::vector<Session>> list_sessions(std::string_view person_id) = 0;

  // Projects of an organisation (the Project rows live in Storage, with
  // their org_id; these say whose they are and who may do what)
  // Moves a project made before organisations (org_id '') into one; a
  // project already in an organisation is refused (conflict).
  [[nodiscard]] virtual Status assign_project(std::string_view project_id, std::string_view org_id) = 0;
  [[nodiscard]] virtual Result<std::vector<std::string>> projects_of(std::string_view org_id) = 0;
  [[nodiscard]] virtual Result<std::optional<ProjectRole>> project_role(std::string_view project_id,
                                                                        std::string_view person_id) = 0;
  [[nodiscard]] virtual Result<std::vector<ProjectRoleRow>> project_roles(std::string_view project_id) = 0;
  // nullopt removes the role.
  [[nodiscard]] virtual Status set_project_role(std::string_view project_id, std::string_view person_id,
                                                std::optional<ProjectRole> role) = 0;

  // Sealed project keys. put_grant refuses a key number the project does
  // not have (invalid_argument). get_grant: the grant of the current key
  // (not_found if the person holds none of it).
  [[nodiscard]] virtual Status put_grant(const KeyGrant& grant) = 0;
  [[nodiscard]] virtual Result<KeyGrant> get_grant(std::string_view project_id, std::string_view person_id) = 0;
  // Every key's grant the person holds on the project, newest key first.
  [[nodiscard]] virtual Result<std::vector<KeyGrant>> grants_of(std::string_view project_id,
                                                                std::string_view person_id) = 0;
  // Every grant of the project, by key number (newest first), then person.
  [[nodiscard]] virtual Result<std::vector<KeyGrant>> list_grants(std::string_view project_id) = 0;
  // Removes the person's grants of every key of the project (revocation).
  [[nodiscard]] virtual Status delete_grant(std::string_view project_id, std::string_view person_id) = 0;

  // The project's keys, newest first (not_found: no such project).
  [[nodiscard]] virtual Result<std::vector<ProjectKey>> list_project_keys(std::string_view project_id) = 0;
  // In one transaction: retires the current key, adds `public_key` as the
  // next number, makes it the project's public_key and stores `grants` (their
  // key_number is ignored: they seal the new key). conflict if the key was
  // used by this project before; bad_key if it is not a public key.
  [[nodiscard]] virtual Result<ProjectKey> rotate_project_key(std::string_view project_id, std::string_view public_key,
                                                              const std::vector<KeyGrant>& grants,
                                                              std::int64_t now_ms) = 0;

  // A random 32-byte secret of this installation named `name`, made and
  // stored on first use.
  [[nodiscard]] virtual Result<std::vector<std::uint8_t>> server_secret(std::string_view name) = 0;

  // Audit log
  [[nodiscard]] virtual Status append_audit(AuditEntry entry) = 0;
  // Newest first, entries with seq < before_seq (0: from the newest).
  [[nodiscard]] virtual Result<std::vector<AuditEntry>> list_audit(std::string_view org_id, std::int64_t before_seq,
                                                                   std::uint32_t limit) = 0;
  [[nodiscard]] virtual Result<std::uint64_t> purge_audit(std::int64_t older_than_ms) = 0;
};

// Secret tokens (session cookies, single-use links): 32 random bytes as
// base64url (43 characters). Only token_hash() of one is ever stored.
[[nodiscard]] std::string token_generate();
[[nodiscard]] TokenHash token_hash(std::string_view token);

// Emails are compared and stored lowercase, trimmed; at most 254 bytes, one
// '@' with text on both sides, no spaces or control characters.
[[nodiscard]] Result<std::string> email_normalize(std::string_view email);

}  // namespace sealshot::server
