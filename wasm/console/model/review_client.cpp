#include "review_client.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "statuses.h"
#include "tags.h"

namespace sealshot::console {
namespace {

using nlohmann::json;

std::optional<json> parse(const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

template <typename T>
T number(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<T>() : T{};
}

std::int64_t number_of(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

ProjectKeyItem project_key_of(const json& j) {
  ProjectKeyItem k{number_of(j, "key_number"), text(j, "public_key"), number_of(j, "created_at_ms"),
                   number_of(j, "retired_at_ms"), false};
  if (auto it = j.find("current"); it != j.end() && it->is_boolean()) k.current = it->get<bool>();
  return k;
}

Status malformed() {
  return Status(ErrorCode::invalid_argument, "The server's answer is not what the console expects.");
}

// Ids go into paths; anything but the server's own id alphabet is refused
// rather than escaped (an id with '/' or '?' would reach another route).
bool id_ok(const std::string& id) {
  if (id.empty() || id.size() > 100) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  }
  return true;
}

bool status_ok(const std::string& status) {
  for (std::string_view s : kSubmissionStatuses) {
    if (status == s) return true;
  }
  return false;
}

std::vector<std::string> texts(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const json& t : *it) {
    if (t.is_string()) out.push_back(t.get<std::string>());
  }
  return out;
}

SubmissionItem submission_of(const json& j) {
  return {text(j, "id"),
          number<std::int64_t>(j, "created_at_ms"),
          number<std::uint64_t>(j, "size_bytes"),
          text(j, "status"),
          text(j, "assignee"),
          texts(j, "tags")};
}

NoteItem note_of(const json& j) {
  return {text(j, "id"), text(j, "author"), number<std::int64_t>(j, "created_at_ms"), text(j, "sealed")};
}

bool ids_ok(const std::vector<std::string>& ids) {
  return !ids.empty() && ids.size() <= ReviewClient::kMaxBulkIds && std::all_of(ids.begin(), ids.end(), id_ok);
}

// The reply of a JSON route: the server's refusal, or `read` of the object.
template <typename T, typename Read>
std::function<void(HttpResponse)> json_reply(Reply<T> reply, Read read) {
  return [reply = std::move(reply), read = std::move(read)](HttpResponse r) {
    if (Status st = status_of(r); !st.ok()) return reply(st);
    std::optional<json> j = parse(r.body);
    if (!j) return reply(malformed());
    reply(read(*j));
  };
}

std::string submission_path(const std::string& org_id, const std::string& project_id, const std::string& id) {
  return "/v1/orgs/" + org_id + "/projects/" + project_id + "/submissions/" + id;
}

}  // namespace

Status status_of(const HttpResponse& response) {
  if (response.status >= 200 && response.status < 300) return {};
  if (response.status == 0) {
    return Status(ErrorCode::storage_error, "The server cannot be reached. Check the connection; nothing was changed.");
  }
  std::optional<json> j = parse(response.body);
  std::string message = j ? text(*j, "message") : "";
  if (message.empty()) message = "The server answered " + std::to_string(response.status) + ".";
  switch (response.status) {
    case 401:
      return Status(ErrorCode::unauthenticated, message);
    case 403:
      return Status(ErrorCode::forbidden, message);
    case 404:
      return Status(ErrorCode::not_found, message);
    case 410:
      return Status(ErrorCode::gone, message);
    case 429:
      return Status(ErrorCode::throttled, message);
    default:
      return Status(response.status >= 500 ? ErrorCode::storage_error : ErrorCode::invalid_argument, message);
  }
}

RequestId ReviewClient::call(const std::string& method, const std::string& path, std::string body,
                             std::vector<std::pair<std::string, std::string>> headers,
                             std::function<void(HttpResponse)> done) {
  HttpRequest request{method, path, std::move(headers), std::move(body)};
  request.headers.emplace_back("Accept", "application/json");
  if (method != "GET") request.headers.emplace_back("X-Sealshot-Request", "1");
  if (!request.body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  // A 401 from sign-in itself is a wrong password; anywhere else the session is gone.
  const bool signing_in = path.rfind("/v1/auth/", 0) == 0;
  return http_.start(std::move(request), [this, signing_in, done = std::move(done)](HttpResponse r) {
    if (r.status == 0)
      link_ = Link::unreachable;
    else if (r.status == 401 && !signing_in)
      link_ = Link::signed_out;
    else if (link_ == Link::unreachable)
      link_ = Link::ok;
    done(std::move(r));
  });
}

void ReviewClient::pump() {
  // Replies may queue more; run only those queued before this call.
  for (std::size_t n = deferred_.size(); n > 0 && !deferred_.empty(); --n) {
    std::function<void()> f = std::move(deferred_.front());
    deferred_.pop_front();
    f();
  }
  http_.pump();
}

void ReviewClient::prelogin(const std::string& email, Reply<KdfAnswer> reply) {
  call("POST", "/v1/auth/prelogin", json{{"email", email}}.dump(), {},
       json_reply<KdfAnswer>(std::move(reply), [](const json& j) -> Result<KdfAnswer> {
         if (!j.contains("kdf") || !j["kdf"].is_object()) return malformed();
         const json& kdf = j["kdf"];
         return KdfAnswer{text(kdf, "salt"), number<std::uint64_t>(kdf, "opslimit"),
                          number<std::uint64_t>(kdf, "memlimit")};
       }));
}

void ReviewClient::login(const std::string& email, const std::string& auth_key_text, Reply<MeAnswer> reply) {
  call("POST", "/v1/auth/login", json{{"email", email}, {"auth_key", auth_key_text}}.dump(), {},
       json_reply<MeAnswer>(std::move(reply), [](const json& j) -> Result<MeAnswer> {
         MeAnswer me{text(j, "id"),
                     text(j, "email"),
                     text(j, "display_name"),
                     text(j, "public_key"),
                     text(j, "wrapped_secret_key"),
                     {}};
         if (auto it = j.find("organisations"); it != j.end() && it->is_array()) {
           for (const json& o : *it) {
             if (o.is_object()) me.organisations.push_back({text(o, "id"), text(o, "name"), text(o, "role")});
           }
         }
         return me;
       }));
}

void ReviewClient::logout(Reply<Done> reply) {
  call("POST", "/v1/auth/logout", "", {}, json_reply<Done>(std::move(reply), [](const json&) { return Done{}; }));
}

void ReviewClient::projects(const std::string& org_id, Reply<std::vector<ProjectItem>> reply) {
  if (!id_ok(org_id)) return refuse([reply] { reply(Status(ErrorCode::invalid_argument, "Not an organisation id.")); });
  call("GET", "/v1/orgs/" + org_id + "/projects", "", {},
       json_reply<std::vector<ProjectItem>>(std::move(reply), [](const json& j) -> Result<std::vector<ProjectItem>> {
         if (!j.contains("items") || !j["items"].is_array()) return malformed();
         std::vector<ProjectItem> out;
         for (const json& p : j["items"]) {
           if (p.is_object()) out.push_back({text(p, "id"), text(p, "name"), text(p, "public_key")});
         }
         return out;
       }));
}

void ReviewClient::access(const std::string& org_id, const std::string& project_id, Reply<ProjectAccess> reply) {
  if (!id_ok(org_id) || !id_ok(project_id)) {
    return refuse([reply] { reply(Status(ErrorCode::invalid_argument, "Not a project id.")); });
  }
  call("GET", "/v1/orgs/" + org_id + "/projects/" + project_id + "/access", "", {},
       json_reply<ProjectAccess>(std::move(reply), [](const json& j) -> Result<ProjectAccess> {
         if (!j.contains("roles") || !j["roles"].is_array() || !j.contains("grants") || !j["grants"].is_array()) {
           return malformed();
         }
         ProjectAccess out;
         for (const json& r : j["roles"]) {
           if (r.is_object()) out.roles.emplace_back(text(r, "person_id"), text(r, "role"));
         }
         for (const json& g : j["grants"]) {
           if (!g.is_object()) continue;
           // A server before key rotation lists one grant a person, of key 1.
           const std::int64_t number = g.contains("key_number") ? number_of(g, "key_number") : 1;
           out.grants.push_back({text(g, "person_id"), number});
           if (std::find(out.granted.begin(), out.granted.end(), text(g, "person_id")) == out.granted.end()) {
             out.granted.push_back(text(g, "person_id"));
           }
         }
         return out;
       }));
}

void ReviewClient::set_access(const std::string& org_id, const std::string& project_id, const std::string& person_id,
                              const std::string& role, const std::string& sealed_key, Reply<Done> reply,
                              const std::vector<std::pair<std::int64_t, std::string>>& older) {
  const bool role_ok = role.empty() || role == "reviewer" || role == "viewer";
  if (!id_ok(org_id) || !id_ok(project_id) || !id_ok(person_id) || !role_ok || (role.empty() && sealed_key.empty())) {
    return refuse(
        [reply] { reply(Status(ErrorCode::invalid_argument, "Not a person id, a project role or a grant.")); });
  }
  json body = json::object();
  if (!role.empty()) body["role"] = role;
  if (!sealed_key.empty()) body["sealed_key"] = sealed_key;
  if (!older.empty()) {
    json keys = json::array();
    for (const auto& [number, sealed] : older) keys.push_back({{"key_number", number}, {"sealed_key", sealed}});
    body["keys"] = keys;
  }
  call("PUT", "/v1/orgs/" + org_id + "/projects/" + project_id + "/access/" + person_id, body.dump(), {},
       json_reply<Done>(std::move(reply), [](const json&) { return Done{}; }));
}

void ReviewClient::revoke_access(const std::string& org_id, const std::string& project_id, const std::string& person_id,
                                 Reply<Done> reply) {
  if (!id_ok(org_id) || !id_ok(project_id) || !id_ok(person_id)) {
    return refuse([reply] { reply(Status(ErrorCode::invalid_argument, "Not a person id.")); });
  }
  call("DELETE", "/v1/orgs/" + org_id + "/projects/" + project_id + "/access/" + person_id, "", {},
       json_reply<Done>(std::move(reply), [](const json&) { return Done{}; }));
}

void ReviewClient::invite(const std::string& org_id, const std::string& email, const std::string& role,
                          Reply<Invitation> reply) {
  if (!id_ok(org_id) || email.empty() || role.empty()) {
    return refuse([reply] { reply(Status(ErrorCode::invalid_argument, "Give an email address and a role.")); });
  }
  call("POST", "/v1/orgs/" + org_id + "/invitations", json{{"email", email}, {"role", role}}.dump(), {},
       json_reply<Invitation>(std::move(reply), [](const json& j) -> Result<Invitation> {
         Invitation out{text(j, "token"), text(j, "path"), number<std::int64_t>(j, "expires_at_ms"), false};
         if (auto it = j.find("mailed"); it != j.end() && it->is_boolean()) out.mailed = it->get<bool>();
         if (out.path.empty()) return malformed();
         return out;
       }));
}

void ReviewClient::create_project(const std::string& org_id, const std::string& name, const std::string& public_key,
                                  const std::vector<std::string>& allowed_origins, const std::string& sealed_key,
                                  Reply<ProjectItem> reply) {
  if (!id_ok(org_id) || name.empty() || public_key.empty() || sealed_key.empty()) {
    return refuse([reply] { reply(Status(ErrorCode::invalid_argument, "Not an organisation id, a name or keys.")); });
  }
  call(
      "POST", "/v1/orgs/" + org_id + "/projects",
      json{{"name", name}, {"public_key", public_key}, {"allowed_origins", allowed_origins}, {"sealed_key", sealed_key}}
          .dump(),
      {}, json_reply<ProjectItem>(std::move(reply), [](const json& p) -> Result<ProjectItem> {
        return ProjectItem{text(p, "id"), text(p, "name"), text(p, "public_key")};
      }));
}

void ReviewClient::members(const std::string& org_id, Reply<std::vector<MemberItem>> reply) {
  if (!id_ok(org_id)) return refuse([reply] { reply(Status(ErrorCode::invalid_argument, "Not an organisation id.")); });
  call("GET", "/v1/orgs/" + org_id + "/members", "", {},
       json_reply<std::vector<MemberItem>>(std::move(reply), [](const json& j) -> Result<std::vector<MemberItem>> {
         if (!j.contains("items") || !j["items"].is_array()) return malformed();
         std::vector<MemberItem> out;
         for (const json& m : j["items"]) {
           if (m.is_object()) {
             out.push_back({text(m, "id"), text(m, "email"), text(m, "display_name"), text(m, "role"),
                            text(m, "public_key"), number<std::int64_t>(m, "keys_changed_at_ms")});
           }
         }
         return out;
       }));
}

void ReviewClient::submissions(const std::string& org_id, const std::string& project_id, const SubmissionQuery& query,
                               const std::string& cursor, int limit, Reply<SubmissionPage> reply) {
  if (!id_ok(org_id) || !id_ok(project_id) || (!cursor.empty() && !id_ok(cursor)) ||
      (!query.status.empty() && !status_ok(query.status)) ||
      (query.assignee && !query.assignee->empty() && !id_ok(*query.assignee)) ||
      (!query.tag.empty() && !tag_from_text(query.tag).ok())) {
    return refuse([reply] {
      reply(Status(ErrorCode::invalid_argument, "Not an organisation, project, cursor, status, person id or tag."));
    });
  }
  std::string path = "/v1/orgs/" + org_id + "/projects/" + project_id + "/submissions?limit=" + std::to_string(limit);
  if (!cursor.empty()) path += "&cursor=" + cursor;
  if (!query.status.empty()) path += "&status=" + query.status;
  if (query.assignee) path += "&assignee=" + *query.assignee;
  if (query.since_ms > 0) path += "&since_ms=" + std::to_string(query.since_ms);
  if (query.until_ms > 0) path += "&until_ms=" + std::to_string(query.until_ms);
  if (!query.tag.empty()) path += "&tag=" + tag_from_text(query.tag).value();
  call("GET", path, "", {}, json_reply<SubmissionPage>(std::move(reply), [](const json& j) -> Result<SubmissionPage> {
         if (!j.contains("items") || !j["items"].is_array()) return malformed();
         SubmissionPage page;
         for (const json& s : j["items"]) {
           if (s.is_object()) page.items.push_back(submission_of(s));
         }
         page.next_cursor = text(j, "next_cursor");
         return page;
       }));
}

void ReviewClient::grant(const std::string& org_id, const std::string& project_id,
                         Reply<std::vector<HeldGrant>> reply) {
  if (!id_ok(org_id) || !id_ok(project_id)) {
    return refuse([reply] { reply(Status(ErrorCode::invalid_argument, "Not a project id.")); });
  }
  call("GET", "/v1/orgs/" + org_id + "/projects/" + project_id + "/grant", "", {},
       json_reply<std::vector<HeldGrant>>(std::move(reply), [](const json& j) -> Result<std::vector<HeldGrant>> {
         std::vector<HeldGrant> out;
         auto keys = j.find("keys");
         if (keys == j.end() || !keys->is_array() || keys->empty()) {
           // A server before key rotation: one grant, of the project's only
           // key (its public key is the project's).
           if (text(j, "sealed_key").empty()) return malformed();
           out.push_back({1, "", text(j, "sealed_key"), 0});
           return out;
         }
         for (const json& k : *keys) {
           if (!k.is_object() || number_of(k, "key_number") < 1 || text(k, "sealed_key").empty()) return malformed();
           out.push_back({number_of(k, "key_number"), text(k, "public_key"), text(k, "sealed_key"),
                          number_of(k, "retired_at_ms")});
         }
         std::sort(out.begin(), out.end(),
                   [](const HeldGrant& a, const HeldGrant& b) { return a.key_number > b.key_number; });
         return out;
       }));
}

void ReviewClient::project_keys(const std::string& org_id, const std::string& project_id,
                                Reply<std::vector<ProjectKeyItem>> reply) {
  if (!id_ok(org_id) || !id_ok(project_id)) {
    return refuse([reply] { reply(Status(ErrorCode::invalid_argument, "Not a project id.")); });
  }
  call("GET", "/v1/orgs/" + org_id + "/projects/" + project_id + "/keys", "", {},
       json_reply<std::vector<ProjectKeyItem>>(std::move(reply),
                                               [](const json& j) -> Result<std::vector<ProjectKeyItem>> {
                                                 if (!j.contains("items") || !j["items"].is_array()) return malformed();
                                                 std::vector<ProjectKeyItem> out;
                                                 for (const json& k : j["items"]) {
                                                   if (k.is_object()) out.push_back(project_key_of(k));
                                                 }
                                                 return out;
                                               }));
}

void ReviewClient::rotate_key(const std::string& org_id, const std::string& project_id, const std::string& public_key,
                              const std::vector<std::pair<std::string, std::string>>& grants, std::int64_t replaces,
                              Reply<RotatedKey> reply) {
  const bool grants_ok = !grants.empty() && std::all_of(grants.begin(), grants.end(), [](const auto& g) {
    return id_ok(g.first) && !g.second.empty();
  });
  if (!id_ok(org_id) || !id_ok(project_id) || public_key.empty() || !grants_ok || replaces < 1) {
    return refuse([reply] { reply(Status(ErrorCode::invalid_argument, "Not a project id, a key or grants.")); });
  }
  json list = json::array();
  for (const auto& [person, sealed] : grants) list.push_back({{"person_id", person}, {"sealed_key", sealed}});
  call("POST", "/v1/orgs/" + org_id + "/projects/" + project_id + "/keys",
       json{{"public_key", public_key}, {"grants", list}, {"replaces", replaces}}.dump(), {},
       json_reply<RotatedKey>(std::move(reply), [](const json& j) -> Result<RotatedKey> {
         RotatedKey out{project_key_of(j), {}, number_of(j, "grants")};
         if (auto p = j.find("project"); p != j.end() && p->is_object()) {
           out.project = {text(*p, "id"), text(*p, "name"), text(*p, "public_key")};
         }
         if (out.key.key_number < 1 || out.key.public_key.empty()) return malformed();
         return out;
       }));
}

void ReviewClient::set_member_role(const std::string& org_id, const std::string& person_id, const std::string& role,
                                   Reply<Done> reply) {
  const bool role_ok = role == "owner" || role == "admin" || role == "member" || role == "viewer";
  if (!id_ok(org_id) || !id_ok(person_id) || !role_ok) {
    return refuse([reply] { reply(Status(ErrorCode::invalid_argument, "Not a person id or an organisation role.")); });
  }
  call("PATCH", "/v1/orgs/" + org_id + "/members/" + person_id, json{{"role", role}}.dump(), {},
       json_reply<Done>(std::move(reply), [](const json&) { return Done{}; }));
}

void ReviewClient::remove_member(const std::string& org_id, const std::string& person_id, Reply<Done> reply) {
  if (!id_ok(org_id) || !id_ok(person_id)) {
    return refuse([reply] { reply(Status(ErrorCode::invalid_argument, "Not a person id.")); });
  }
  call("DELETE", "/v1/orgs/" + org_id + "/members/" + person_id, "", {},
       json_reply<Done>(std::move(reply), [](const json&) { return Done{}; }));
}

RequestId ReviewClient::envelope_prefix(const std::string& org_id, const std::string& project_id,
                                        const std::string& submission_id, std::uint64_t length,
                                        Reply<std::string> reply) {
  if (!id_ok(org_id) || !id_ok(project_id) || !id_ok(submission_id) || length == 0) {
    refuse([reply] { reply(Status(ErrorCode::invalid_argument, "Not a submission id.")); });
    return 0;
  }
  return call("GET", submission_path(org_id, project_id, submission_id) + "/envelope", "",
              {{"Range", "bytes=0-" + std::to_string(length - 1)}}, [reply = std::move(reply), length](HttpResponse r) {
                if (Status st = status_of(r); !st.ok()) return reply(st);
                // 206 with the range, or 200 with the whole (shorter) envelope.
                if (r.body.size() > length) r.body.resize(length);
                reply(std::move(r.body));
              });
}

void ReviewClient::patch_submission(const std::string& org_id, const std::string& project_id,
                                    const std::string& submission_id, std::string body, Reply<SubmissionItem> reply) {
  call("PATCH", submission_path(org_id, project_id, submission_id), std::move(body), {},
       json_reply<SubmissionItem>(std::move(reply),
                                  [](const json& j) -> Result<SubmissionItem> { return submission_of(j); }));
}

void ReviewClient::set_status(const std::string& org_id, const std::string& project_id,
                              const std::string& submission_id, const std::string& status,
                              Reply<SubmissionItem> reply) {
  if (!id_ok(org_id) || !id_ok(project_id) || !id_ok(submission_id) || !status_ok(status)) {
    return refuse([reply] { reply(Status(ErrorCode::invalid_argument, "Not a submission id or a status.")); });
  }
  patch_submission(org_id, project_id, submission_id, json{{"status", status}}.dump(), std::move(reply));
}

void ReviewClient::assign(const std::string& org_id, const std::string& project_id, const std::string& submission_id,
                          const std::string& person_id, Reply<SubmissionItem> reply) {
  if (!id_ok(org_id) || !id_ok(project_id) || !id_ok(submission_id) || (!person_id.empty() && !id_ok(person_id))) {
    return refuse([reply] { reply(Status(ErrorCode::invalid_argument, "Not a submission or person id.")); });
  }
  patch_submission(org_id, project_id, submission_id, json{{"assignee", person_id}}.dump(), std::move(reply));
}

void ReviewClient::remove(const std::string& org_id, const std::string& project_id, const std::string& submission_id,
                          Reply<Done> reply) {
  if (!id_ok(org_id) || !id_ok(project_id) || !id_ok(submission_id)) {
    return refuse([reply] { reply(Status(ErrorCode::invalid_argument, "Not a submission id.")); });
  }
  call("DELETE", submission_path(org_id, project_id, submission_id), "", {},
       json_reply<Done>(std::move(reply), [](const json&) { return Done{}; }));
}

void ReviewClient::set_tags(const std::string& org_id, const std::string& project_id, const std::string& submission_id,
                            const std::vector<std::string>& tags, Reply<SubmissionItem> reply) {
  const bool tags_ok = tags.size() <= kMaxTags && std::all_of(tags.begin(), tags.end(), [](const std::string& t) {
                         Result<std::string> tag = tag_from_text(t);
                         return tag.ok() && tag.value() == t;
                       });
  if (!id_ok(org_id) || !id_ok(project_id) || !id_ok(submission_id) || !tags_ok) {
    return refuse([reply] { reply(Status(ErrorCode::invalid_argument, "Not a submission id or a list of tags.")); });
  }
  patch_submission(org_id, project_id, submission_id, json{{"tags", tags}}.dump(), std::move(reply));
}

void ReviewClient::bulk_status(const std::string& org_id, const std::string& project_id,
                               const std::vector<std::string>& ids, const std::string& status,
                               Reply<std::vector<std::string>> reply) {
  if (!id_ok(org_id) || !id_ok(project_id) || !ids_ok(ids) || !status_ok(status)) {
    return refuse(
        [reply] { reply(Status(ErrorCode::invalid_argument, "Not a status, or not 1 to 500 submission ids.")); });
  }
  call("POST", "/v1/orgs/" + org_id + "/projects/" + project_id + "/submissions/bulk-update",
       json{{"ids", ids}, {"status", status}}.dump(), {},
       json_reply<std::vector<std::string>>(std::move(reply), [](const json& j) -> Result<std::vector<std::string>> {
         if (!j.contains("updated") || !j["updated"].is_array()) return malformed();
         return texts(j, "updated");
       }));
}

void ReviewClient::bulk_delete(const std::string& org_id, const std::string& project_id,
                               const std::vector<std::string>& ids, Reply<std::vector<std::string>> reply) {
  if (!id_ok(org_id) || !id_ok(project_id) || !ids_ok(ids)) {
    return refuse([reply] { reply(Status(ErrorCode::invalid_argument, "Not 1 to 500 submission ids.")); });
  }
  call("POST", "/v1/orgs/" + org_id + "/projects/" + project_id + "/submissions/bulk-delete", json{{"ids", ids}}.dump(),
       {},
       json_reply<std::vector<std::string>>(std::move(reply), [](const json& j) -> Result<std::vector<std::string>> {
         if (!j.contains("deleted") || !j["deleted"].is_array()) return malformed();
         return texts(j, "deleted");
       }));
}

void ReviewClient::notes(const std::string& org_id, const std::string& project_id, const std::string& submission_id,
                         Reply<std::vector<NoteItem>> reply) {
  if (!id_ok(org_id) || !id_ok(project_id) || !id_ok(submission_id)) {
    return refuse([reply] { reply(Status(ErrorCode::invalid_argument, "Not a submission id.")); });
  }
  call("GET", submission_path(org_id, project_id, submission_id) + "/notes", "", {},
       json_reply<std::vector<NoteItem>>(std::move(reply), [](const json& j) -> Result<std::vector<NoteItem>> {
         if (!j.contains("items") || !j["items"].is_array()) return malformed();
         std::vector<NoteItem> out;
         for (const json& n : j["items"]) {
           if (n.is_object()) out.push_back(note_of(n));
         }
         return out;
       }));
}

void ReviewClient::add_note(const std::string& org_id, const std::string& project_id, const std::string& submission_id,
                            const std::string& sealed, Reply<NoteItem> reply) {
  if (!id_ok(org_id) || !id_ok(project_id) || !id_ok(submission_id) || sealed.empty()) {
    return refuse([reply] { reply(Status(ErrorCode::invalid_argument, "Not a submission id or a sealed note.")); });
  }
  call("POST", submission_path(org_id, project_id, submission_id) + "/notes", json{{"sealed", sealed}}.dump(), {},
       json_reply<NoteItem>(std::move(reply), [](const json& j) -> Result<NoteItem> { return note_of(j); }));
}

void ReviewClient::delete_note(const std::string& org_id, const std::string& project_id,
                               const std::string& submission_id, const std::string& note_id, Reply<Done> reply) {
  if (!id_ok(org_id) || !id_ok(project_id) || !id_ok(submission_id) || !id_ok(note_id)) {
    return refuse([reply] { reply(Status(ErrorCode::invalid_argument, "Not a submission or note id.")); });
  }
  call("DELETE", submission_path(org_id, project_id, submission_id) + "/notes/" + note_id, "", {},
       json_reply<Done>(std::move(reply), [](const json&) { return Done{}; }));
}

}  // namespace sealshot::console
