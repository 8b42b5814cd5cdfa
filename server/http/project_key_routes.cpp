// A project's key history: listing its keys and rotating to a new one
// (docs/http-api.md, "Project keys"). The client makes the new key pair and
// seals its secret key to each person who keeps access; the server stores
// the public key and those sealed grants and never opens either. Reports
// sealed before keep needing the key they were sealed to, so nothing here
// touches old grants (revocation removes them: access_remove).
#include <nlohmann/json.hpp>
#include <set>

#include "http/json_error.h"
#include "http/review_request.h"
#include "http/review_routes.h"

namespace sealshot::http {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxGrantsPerRotation = 1000;

json key_json(const server::ProjectKey& key) {
  return {{"key_number", key.number},
          {"public_key", key.public_key},
          {"created_at_ms", key.created_at_ms},
          {"retired_at_ms", key.retired_at_ms},
          {"current", key.retired_at_ms == 0}};
}

void handle_keys_list(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::read_reports);
  if (!call) return;
  Result<std::vector<server::ProjectKey>> keys = s.accounts.list_project_keys(call->project->id);
  if (!keys.ok()) return write_error(res, keys.status());
  json items = json::array();
  for (const server::ProjectKey& key : keys.value()) items.push_back(key_json(key));
  write_json(res, 200, {{"items", items}});
}

// {"public_key": new key, "grants": [{"person_id", "sealed_key"}, …],
//  "replaces": the key number the client saw as current (optional)}.
// Everything is checked before anything is stored; the caller's own grant
// must be among the grants, so nobody rotates a project out of their reach.
void handle_key_rotate(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::manage_people);
  if (!call) return;
  std::optional<json> body = json_body(req, res);
  if (!body) return;
  const auto public_key = body->find("public_key");
  if (public_key == body->end() || !public_key->is_string()) {
    return write_error(res, 400, "invalid_argument",
                       "Send public_key (the new key, made by your client) and grants: its secret key sealed to "
                       "each person who keeps access, yours included.");
  }
  const auto grants = body->find("grants");
  if (grants == body->end() || !grants->is_array() || grants->empty() || grants->size() > kMaxGrantsPerRotation) {
    return write_error(res, 400, "invalid_argument",
                       "grants is a list of 1 to 1000 {\"person_id\", \"sealed_key\"}: the new secret key sealed to "
                       "each person who keeps access, yours included.");
  }
  std::vector<server::KeyGrant> rows;
  std::set<std::string> people;
  for (const json& g : *grants) {
    const std::string person_id = g.is_object() ? json_string(g, "person_id") : "";
    const std::string sealed_key = g.is_object() ? json_string(g, "sealed_key") : "";
    if (person_id.empty() || sealed_key.empty()) {
      return write_error(res, 400, "invalid_argument", "Each grant is {\"person_id\": …, \"sealed_key\": …}.");
    }
    if (!people.insert(person_id).second) {
      return write_error(res, 400, "invalid_argument", "Two grants for " + person_id.substr(0, 64) + ".");
    }
    if (!may_read_project(s, *call, person_id)) {
      return write_error(res, 400, "invalid_argument",
                         person_id.substr(0, 64) +
                             " may not read this project, so no key of it is sealed to them (give them a role first).");
    }
    rows.push_back(server::KeyGrant{call->project->id, person_id, sealed_key, call->caller.person_id, 0, 0});
  }
  if (!people.count(call->caller.person_id)) {
    return write_error(res, 400, "invalid_argument",
                       "Include your own grant of the new key, or you could not read the project's new reports.");
  }
  if (auto replaces = body->find("replaces"); replaces != body->end()) {
    if (!replaces->is_number_integer()) {
      return write_error(res, 400, "invalid_argument", "replaces is the number of the key being replaced (1, 2, …).");
    }
    Result<std::vector<server::ProjectKey>> keys = s.accounts.list_project_keys(call->project->id);
    if (!keys.ok()) return write_error(res, keys.status());
    if (keys.value().empty() || replaces->get<std::int64_t>() != keys.value().front().number) {
      return write_error(res, 409, "conflict",
                         "The project's key changed meanwhile (someone else rotated it); reload and try again.");
    }
  }
  Result<server::ProjectKey> key =
      s.accounts.rotate_project_key(call->project->id, public_key->get<std::string>(), rows, s.auth.now_ms());
  if (!key.ok()) return write_error(res, key.status());
  audit(s, call->org_id, call->caller.person_id, "project.key.rotate",
        call->project->id + "/key " + std::to_string(key.value().number));
  Result<server::Project> project = s.storage.get_project(call->project->id);
  if (!project.ok()) return write_error(res, project.status());
  json answer = key_json(key.value());
  answer["grants"] = rows.size();
  answer["project"] = project_json(project.value());
  write_json(res, 201, answer);
}

}  // namespace

void register_project_key_routes(Router& r, Services& s) {
  const std::string project = "/v1/orgs/:org/projects/:project";
  r.json("GET", project + "/keys", "keys_list", bound(s, handle_keys_list));
  r.json("POST", project + "/keys", "key_rotate", bound(s, handle_key_rotate));
}

}  // namespace sealshot::http
