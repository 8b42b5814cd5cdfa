// The review API (docs/http-api.md) as the console's model calls it: typed
// answers, one clear error per failure, and the same-site header every
// state-changing request needs. Holds no key.
//
// Every call returns at once; its reply runs from a later pump() (never
// inside the call, even for an argument refused on the spot), so callers
// handle one order of events only.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "http_client.h"
#include "result.h"

namespace sealshot::console {

struct KdfAnswer {
  std::string salt;
  std::uint64_t opslimit = 0;
  std::uint64_t memlimit = 0;
};

struct OrganisationItem {
  std::string id, name, role;
};

struct MeAnswer {
  std::string id, email, display_name, public_key, wrapped_secret_key;
  std::vector<OrganisationItem> organisations;
};

struct ProjectItem {
  std::string id, name, public_key;
};

struct MemberItem {
  std::string id, email, display_name, role;  // role: in the organisation
  std::string public_key;                     // empty until they set up their account
  std::int64_t keys_changed_at_ms = 0;        // a password reset made new keys then
};

// Who holds what in one project: project roles (reviewer, viewer) and the
// grants (a project key sealed to a person's public key), one per person
// and key number, newest key first.
struct KeyGrantRow {
  std::string person_id;
  std::int64_t key_number = 0;
};
struct ProjectAccess {
  std::vector<std::pair<std::string, std::string>> roles;  // person id, role
  std::vector<KeyGrantRow> grants;
  std::vector<std::string> granted;  // person ids holding any key, once each
};

// One key grant the signed-in person holds (GET …/grant, "keys").
struct HeldGrant {
  std::int64_t key_number = 0;
  std::string public_key;          // the server's word; the session pins it per number
  std::string sealed_key;          // "ssgr1.…"
  std::int64_t retired_at_ms = 0;  // 0: the current key
};

// One key of a project's history (GET …/keys), newest first.
struct ProjectKeyItem {
  std::int64_t key_number = 0;
  std::string public_key;
  std::int64_t created_at_ms = 0, retired_at_ms = 0;
  bool current = false;
};

// The answer to a rotation: the new key, and the project as it is now.
struct RotatedKey {
  ProjectKeyItem key;
  ProjectItem project;
  std::int64_t grants = 0;
};

struct Invitation {
  std::string token, path;  // path: "/console/link#TOKEN", shown once
  std::int64_t expires_at_ms = 0;
  bool mailed = false;
};

struct SubmissionItem {
  std::string id;
  std::int64_t created_at_ms = 0;
  std::uint64_t size_bytes = 0;
  std::string status;
  std::string assignee;           // person id; empty: nobody
  std::vector<std::string> tags;  // sorted (the server's order)
};

// A reviewer note as the server keeps it: who wrote it and when, and the
// text sealed to the project key (note_seal.h), which only readers open.
struct NoteItem {
  std::string id, author;  // author: person id
  std::int64_t created_at_ms = 0;
  std::string sealed;
};

struct SubmissionPage {
  std::vector<SubmissionItem> items;
  std::string next_cursor;  // empty: no more
};

// The list route's server-side filters; empty fields filter nothing.
struct SubmissionQuery {
  std::string status;
  std::optional<std::string> assignee;  // "" = unassigned
  std::int64_t since_ms = 0, until_ms = 0;
  std::string tag;  // carrying this tag (tags.h)
  bool operator==(const SubmissionQuery&) const = default;
};

struct Done {};

template <typename T>
using Reply = std::function<void(Result<T>)>;

// What the last answers say about the connection, for the app's banner and
// the way back to sign-in.
enum class Link {
  ok,
  unreachable,  // no answer at all: the server is down or the network is
  signed_out,   // 401 outside sign-in: the session expired or was ended
};

class ReviewClient {
 public:
  explicit ReviewClient(HttpClient& http) : http_(http) {}

  void prelogin(const std::string& email, Reply<KdfAnswer> reply);
  void login(const std::string& email, const std::string& auth_key_text, Reply<MeAnswer> reply);
  void logout(Reply<Done> reply);
  void projects(const std::string& org_id, Reply<std::vector<ProjectItem>> reply);
  void members(const std::string& org_id, Reply<std::vector<MemberItem>> reply);
  // Project roles and grants; set_access's role "" keeps the role, its
  // sealed_key "" sends no grant.
  void access(const std::string& org_id, const std::string& project_id, Reply<ProjectAccess> reply);
  // `older`: key number and grant of older keys, for reports sent before a rotation.
  void set_access(const std::string& org_id, const std::string& project_id, const std::string& person_id,
                  const std::string& role, const std::string& sealed_key, Reply<Done> reply,
                  const std::vector<std::pair<std::int64_t, std::string>>& older = {});
  void revoke_access(const std::string& org_id, const std::string& project_id, const std::string& person_id,
                     Reply<Done> reply);
  void invite(const std::string& org_id, const std::string& email, const std::string& role, Reply<Invitation> reply);
  // POST …/projects: the public key and the creator's grant ("ssgr1.…") made by the client.
  void create_project(const std::string& org_id, const std::string& name, const std::string& public_key,
                      const std::vector<std::string>& allowed_origins, const std::string& sealed_key,
                      Reply<ProjectItem> reply);
  void submissions(const std::string& org_id, const std::string& project_id, const SubmissionQuery& query,
                   const std::string& cursor, int limit, Reply<SubmissionPage> reply);
  // Every key grant the signed-in person holds, newest key first.
  void grant(const std::string& org_id, const std::string& project_id, Reply<std::vector<HeldGrant>> reply);
  // The project's key history, newest first.
  void project_keys(const std::string& org_id, const std::string& project_id, Reply<std::vector<ProjectKeyItem>> reply);
  // Rotation: the new public key and its secret key sealed to each person
  // who keeps access (person id, grant), the caller included; `replaces` is
  // the key number the client saw as current (409 if someone rotated since).
  void rotate_key(const std::string& org_id, const std::string& project_id, const std::string& public_key,
                  const std::vector<std::pair<std::string, std::string>>& grants, std::int64_t replaces,
                  Reply<RotatedKey> reply);
  // PATCH/DELETE …/members/{person}: an organisation role ("owner", "admin",
  // "member", "viewer"), or the person removed from the organisation.
  void set_member_role(const std::string& org_id, const std::string& person_id, const std::string& role,
                       Reply<Done> reply);
  void remove_member(const std::string& org_id, const std::string& person_id, Reply<Done> reply);
  // Bytes [0, length) of the envelope (HTTP Range); fewer when it is shorter.
  // The id tells progress() how far the download is.
  RequestId envelope_prefix(const std::string& org_id, const std::string& project_id, const std::string& submission_id,
                            std::uint64_t length, Reply<std::string> reply);
  void set_status(const std::string& org_id, const std::string& project_id, const std::string& submission_id,
                  const std::string& status, Reply<SubmissionItem> reply);
  // person_id "" unassigns.
  void assign(const std::string& org_id, const std::string& project_id, const std::string& submission_id,
              const std::string& person_id, Reply<SubmissionItem> reply);
  void remove(const std::string& org_id, const std::string& project_id, const std::string& submission_id,
              Reply<Done> reply);
  // Replaces the report's tags (already checked by tags_from_text).
  void set_tags(const std::string& org_id, const std::string& project_id, const std::string& submission_id,
                const std::vector<std::string>& tags, Reply<SubmissionItem> reply);
  // At most kMaxBulkIds ids a call; the reply lists the ids changed (ids no
  // longer in the project are left out, not refused).
  static constexpr std::size_t kMaxBulkIds = 500;
  void bulk_status(const std::string& org_id, const std::string& project_id, const std::vector<std::string>& ids,
                   const std::string& status, Reply<std::vector<std::string>> reply);
  void bulk_delete(const std::string& org_id, const std::string& project_id, const std::vector<std::string>& ids,
                   Reply<std::vector<std::string>> reply);
  // Reviewer notes of one report, oldest first.
  void notes(const std::string& org_id, const std::string& project_id, const std::string& submission_id,
             Reply<std::vector<NoteItem>> reply);
  void add_note(const std::string& org_id, const std::string& project_id, const std::string& submission_id,
                const std::string& sealed, Reply<NoteItem> reply);
  void delete_note(const std::string& org_id, const std::string& project_id, const std::string& submission_id,
                   const std::string& note_id, Reply<Done> reply);

  // Runs `f` from the next pump(), like an answer: for refusals the model
  // decides itself, so callers meet one order of events.
  void defer(std::function<void()> f) { deferred_.push_back(std::move(f)); }

  // Runs the replies of finished requests (the app: once a frame).
  void pump();
  std::size_t pending() const { return http_.pending() + deferred_.size(); }
  HttpProgress progress(RequestId id) const { return http_.progress(id); }

  Link link() const { return link_; }
  // After signing in again.
  void reset_link() { link_ = Link::ok; }

 private:
  RequestId call(const std::string& method, const std::string& path, std::string body,
                 std::vector<std::pair<std::string, std::string>> headers, std::function<void(HttpResponse)> done);
  // A refusal decided here still answers from pump(), like the server's.
  void refuse(std::function<void()> reply) { deferred_.push_back(std::move(reply)); }
  void patch_submission(const std::string& org_id, const std::string& project_id, const std::string& submission_id,
                        std::string body, Reply<SubmissionItem> reply);

  HttpClient& http_;
  std::deque<std::function<void()>> deferred_;
  Link link_ = Link::ok;
};

// The server's error answer as a Status: 401 → unauthenticated (back to
// sign-in), 404 → not_found, 0 → "cannot be reached", and so on.
[[nodiscard]] Status status_of(const HttpResponse& response);

// Lets a test (or the CLI) drive the asynchronous client to one answer.
template <typename T>
Result<T> wait_for(ReviewClient& api, const std::function<void(Reply<T>)>& start) {
  std::optional<Result<T>> out;
  start([&out](Result<T> r) { out.emplace(std::move(r)); });
  while (!out) api.pump();
  return std::move(*out);
}

}  // namespace sealshot::console
