// Managing a project through the review API: its settings (name, allowed
// origins, retention), deleting it with every report, and the scoped API
// tokens automation uses to read or triage it. Owners and admins only
// (docs/permissions.md).
#include <nlohmann/json.hpp>

#include "http/json_error.h"
#include "http/review_request.h"
#include "http/review_routes.h"
#include "storage/ids.h"

namespace sealshot::http {
namespace {

using nlohmann::json;

constexpr std::int64_t kMsPerDay = 86'400'000;
constexpr std::int64_t kMaxTokenDays = 366;

// {"name"?, "allowed_origins"?, "retention_days"?}: each given setting is
// checked before any is stored, so a bad one changes nothing.
void handle_project_update(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::manage_projects);
  if (!call) return;
  std::optional<json> body = json_body(req, res);
  if (!body) return;
  const std::string& id = call->project->id;
  std::optional<std::string> name;
  std::optional<std::vector<std::string>> origins;
  std::optional<std::uint32_t> retention;
  if (auto it = body->find("name"); it != body->end()) {
    if (!it->is_string()) return write_error(res, 400, "invalid_argument", "name is text.");
    name = it->get<std::string>();
  }
  if (auto it = body->find("allowed_origins"); it != body->end()) {
    if (!it->is_array()) return write_error(res, 400, "invalid_argument", "allowed_origins is a list of origins.");
    std::vector<std::string> list;
    for (const json& o : *it) list.push_back(o.is_string() ? o.get<std::string>() : "");
    Result<std::vector<std::string>> normal = server::origins_normalize(list);
    if (!normal.ok()) return write_error(res, 400, "invalid_argument", normal.message());
    origins = normal.value();
  }
  if (auto it = body->find("retention_days"); it != body->end()) {
    if (!it->is_number_unsigned() || it->get<std::uint64_t>() > 36500) {
      return write_error(res, 400, "invalid_argument", "retention_days is 0 (keep until deleted) to 36500 days.");
    }
    retention = std::uint32_t(it->get<std::uint64_t>());
  }
  if (!name && !origins && !retention) {
    return write_error(res, 400, "invalid_argument", "Send a name, allowed_origins or retention_days.");
  }
  if (name) {
    if (Status st = s.storage.set_project_name(id, *name); !st.ok()) return write_error(res, st);
    audit(s, call->org_id, call->caller.person_id, "project.rename", id);
  }
  if (origins) {
    if (Status st = s.storage.set_project_origins(id, *origins); !st.ok()) return write_error(res, st);
    audit(s, call->org_id, call->caller.person_id, "project.origins", id);
  }
  if (retention) {
    if (Status st = s.storage.set_project_retention(id, *retention); !st.ok()) return write_error(res, st);
    audit(s, call->org_id, call->caller.person_id, "project.retention." + std::to_string(*retention), id);
  }
  Result<server::Project> project = s.storage.get_project(id);
  if (!project.ok()) return write_error(res, project.status());
  write_json(res, 200, project_json(project.value()));
}

// Deletes the project and every envelope of it from disk. The request must
// repeat the project's id (?confirm=prj_…): a stray DELETE cannot destroy
// reports. (A query, not a body: DELETE routes take no body here.)
void handle_project_delete(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::manage_projects);
  if (!call) return;
  if (req.get_param_value("confirm") != call->project->id) {
    return write_error(
        res, 400, "confirmation_required",
        "Deleting a project removes all its reports; add ?confirm=" + call->project->id + " to go ahead.");
  }
  Result<std::uint64_t> deleted = s.storage.delete_project(call->project->id);
  if (!deleted.ok()) return write_error(res, deleted.status());
  audit(s, call->org_id, call->caller.person_id, "project.delete",
        call->project->id + " (" + std::to_string(deleted.value()) + " reports)");
  write_json(res, 200, {{"deleted", call->project->id}, {"submissions_deleted", deleted.value()}});
}

// --- API tokens ---------------------------------------------------------------------

json token_json(const server::ApiToken& t) {
  return {{"id", t.id},
          {"project_id", t.project_id},
          {"scope", server::token_scope_name(t.scope)},
          {"name", t.name},
          {"created_by", t.created_by},
          {"created_at_ms", t.created_at_ms},
          {"expires_at_ms", t.expires_at_ms}};
}

void handle_tokens_list(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::manage_projects);
  if (!call) return;
  Result<std::vector<server::ApiToken>> tokens = s.accounts.list_api_tokens(call->org_id);
  if (!tokens.ok()) return write_error(res, tokens.status());
  json items = json::array();
  for (const server::ApiToken& t : tokens.value()) items.push_back(token_json(t));
  write_json(res, 200, {{"items", items}});
}

// {"project": id, "scope": "read"|"triage", "expires_in_days": 1..366,
// "name"?}. The secret is in this answer only.
void handle_token_create(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::manage_projects);
  if (!call) return;
  std::optional<json> body = json_body(req, res);
  if (!body) return;
  const std::string project_id = json_string(*body, "project");
  Result<server::Project> project = s.storage.get_project(project_id);
  if (!project.ok() || project.value().org_id != call->org_id) {
    return write_error(res, 400, "invalid_argument", "Send the id of a project of this organisation as project.");
  }
  auto scope = server::token_scope_from_name(json_string(*body, "scope"));
  if (!scope) return write_error(res, 400, "invalid_argument", "Send a scope: read or triage.");
  auto days = body->find("expires_in_days");
  if (days == body->end() || !days->is_number_unsigned() || days->get<std::uint64_t>() < 1 ||
      days->get<std::uint64_t>() > kMaxTokenDays) {
    return write_error(res, 400, "invalid_argument", "expires_in_days is 1 to 366: every token expires.");
  }
  server::ApiToken token;
  token.id = server::token_id_generate();
  token.org_id = call->org_id;
  token.project_id = project_id;
  token.scope = *scope;
  token.name = json_string(*body, "name");
  token.created_by = call->caller.person_id;
  token.created_at_ms = s.auth.now_ms();
  token.expires_at_ms = token.created_at_ms + std::int64_t(days->get<std::uint64_t>()) * kMsPerDay;
  // "sst_" marks the secret so scanners (and people) recognise a leaked one.
  const std::string secret = "sst_" + ReviewAuth::token_generate();
  if (Status st = s.accounts.create_api_token(ReviewAuth::token_hash(secret), token); !st.ok()) {
    return write_error(res, st);
  }
  audit(s, call->org_id, call->caller.person_id, std::string("token.create.") + server::token_scope_name(*scope),
        token.id + " " + project_id);
  json answer = token_json(token);
  answer["token"] = secret;
  write_json(res, 201, answer);
}

void handle_token_delete(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::manage_projects);
  if (!call) return;
  const std::string& id = req.path_params.at("token");
  if (Status st = s.accounts.delete_api_token(call->org_id, id); !st.ok()) return write_error(res, st);
  audit(s, call->org_id, call->caller.person_id, "token.revoke", id);
  write_json(res, 200, {{"revoked", id}});
}

}  // namespace

void register_project_admin_routes(Router& r, Services& s) {
  const std::string org = "/v1/orgs/:org";
  const std::string project = org + "/projects/:project";
  r.json("PATCH", project, "project_update", bound(s, handle_project_update));
  r.json("DELETE", project, "project_delete", bound(s, handle_project_delete));
  r.json("GET", org + "/tokens", "tokens_list", bound(s, handle_tokens_list));
  r.json("POST", org + "/tokens", "token_create", bound(s, handle_token_create));
  r.json("DELETE", org + "/tokens/:token", "token_delete", bound(s, handle_token_delete));
}

}  // namespace sealshot::http
