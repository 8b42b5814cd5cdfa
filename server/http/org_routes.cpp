// The organisation side of the review API: projects, submissions (envelope
// bytes with HTTP Range), members, invitations, project access and sealed
// key grants, the audit log. Every handler starts with authorize() and its
// route's Action (docs/permissions.md); the server stores what clients
// seal and never opens it.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "http/client_address.h"
#include "http/json_error.h"
#include "http/mailer.h"
#include "http/request_context.h"
#include "http/review_request.h"
#include "http/review_routes.h"

namespace sealshot::http {
namespace {

using nlohmann::json;
using server::OrgRole;

std::uint32_t query_number(const httplib::Request& req, const char* name, std::uint32_t fallback, std::uint32_t max) {
  if (!req.has_param(name)) return fallback;
  const std::string text = req.get_param_value(name);
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::min<std::uint32_t>(std::uint32_t(std::stoul(text)), max);
}

// --- organisation and projects --------------------------------------------------

void handle_org_show(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::read_org);
  if (!call) return;
  Result<server::Organisation> org = s.accounts.get_organisation(call->org_id);
  if (!org.ok()) return write_error(res, org.status());
  write_json(res, 200,
             {{"id", org.value().id},
              {"name", org.value().name},
              {"role", server::org_role_name(call->role)},
              {"require_mfa", org.value().require_mfa},
              {"ip_allowlist", org.value().ip_allowlist}});
}

// The IP allowlist from {"ip_allowlist": ["203.0.113.0/24", …]}: each entry
// an address or CIDR block; refused if the caller's own address is outside
// it (an owner must not lock themselves out by a typo).
void set_ip_allowlist(Services& s, const ReviewCall& call, const json& list, httplib::Response& res) {
  if (!list.is_array() || list.size() > 100) {
    return write_error(res, 400, "invalid_argument", "ip_allowlist is a list of at most 100 addresses or CIDR blocks.");
  }
  std::vector<std::string> cidrs;
  bool covers_caller = list.empty();
  const std::optional<std::array<std::uint8_t, 16>> caller = parse_ip(current_request().client_address);
  for (const json& entry : list) {
    const std::string text = entry.is_string() ? entry.get<std::string>() : "";
    std::optional<AddressRange> range = AddressRange::parse(text);
    if (text.empty() || text.size() > 64 || !range) {
      return write_error(res, 400, "invalid_argument",
                         "'" + text.substr(0, 64) + "' is not an IP address or CIDR block (e.g. 203.0.113.0/24).");
    }
    if (caller && range->contains(*caller)) covers_caller = true;
    cidrs.push_back(text);
  }
  if (!covers_caller) {
    return write_error(res, 409, "conflict",
                       "Your own address is not in this list, so it would lock you out; add it first.");
  }
  if (Status st = s.accounts.set_ip_allowlist(call.org_id, cidrs); !st.ok()) return write_error(res, st);
  audit(s, call.org_id, call.caller.person_id, "org.ip_allowlist", std::to_string(cidrs.size()) + " entries");
  write_json(res, 200, {{"id", call.org_id}, {"ip_allowlist", cidrs}});
}

// Organisation security settings: the MFA policy ({"require_mfa": bool})
// or the IP allowlist ({"ip_allowlist": [...]}).
void handle_org_update(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::manage_org_security);
  if (!call) return;
  std::optional<json> body = json_body(req, res);
  if (!body) return;
  if (auto list = body->find("ip_allowlist"); list != body->end()) return set_ip_allowlist(s, *call, *list, res);
  auto it = body->find("require_mfa");
  if (it == body->end() || !it->is_boolean()) {
    return write_error(res, 400, "invalid_argument",
                       "Send {\"require_mfa\": true or false} or {\"ip_allowlist\": [addresses or CIDR blocks]}.");
  }
  const bool required = it->get<bool>();
  if (required) {
    // The owner turning it on must have it, or they would lock themselves out.
    Result<server::MfaState> mfa = s.accounts.get_mfa(call->caller.person_id);
    if (!mfa.ok() || !mfa.value().enabled) {
      return write_error(res, 409, "conflict", "Turn on multi-factor sign-in for your own account first.");
    }
  }
  if (Status st = s.accounts.set_require_mfa(call->org_id, required); !st.ok()) return write_error(res, st);
  audit(s, call->org_id, call->caller.person_id, required ? "org.require_mfa.on" : "org.require_mfa.off", call->org_id);
  write_json(res, 200, {{"id", call->org_id}, {"require_mfa", required}});
}

void handle_projects_list(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::read_org);
  if (!call) return;
  Result<std::vector<std::string>> ids = s.accounts.projects_of(call->org_id);
  if (!ids.ok()) return write_error(res, ids.status());
  json items = json::array();
  for (const std::string& id : ids.value()) {
    Result<std::optional<server::ProjectRole>> role = s.accounts.project_role(id, call->caller.person_id);
    if (!role.ok()) return write_error(res, role.status());
    if (!allowed(Action::read_reports, call->role, role.value())) continue;  // members: granted projects only
    Result<server::Project> project = s.storage.get_project(id);
    if (!project.ok()) continue;  // deleted meanwhile
    json item = project_json(project.value());
    item["my_role"] = role.value() ? server::project_role_name(*role.value()) : server::org_role_name(call->role);
    item["has_key"] = s.accounts.get_grant(id, call->caller.person_id).ok();
    items.push_back(std::move(item));
  }
  write_json(res, 200, {{"items", items}});
}

void handle_project_create(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::manage_projects);
  if (!call) return;
  std::optional<json> body = json_body(req, res);
  if (!body) return;
  server::NewProject input;
  input.name = json_string(*body, "name");
  input.public_key = json_string(*body, "public_key");
  input.org_id = call->org_id;
  if (auto it = body->find("allowed_origins"); it != body->end() && it->is_array()) {
    for (const json& origin : *it) {
      if (origin.is_string()) input.allowed_origins.push_back(origin.get<std::string>());
    }
  }
  const std::string sealed_key = json_string(*body, "sealed_key");
  if (sealed_key.empty()) {
    return write_error(res, 400, "invalid_argument",
                       "Send sealed_key: the project's secret key sealed to your own public key, so you can read "
                       "its reports.");
  }
  Result<server::Project> project = s.storage.create_project(input);
  if (!project.ok()) return write_error(res, project.status());
  server::KeyGrant grant{project.value().id, call->caller.person_id, sealed_key, call->caller.person_id,
                         s.auth.now_ms()};
  if (Status st = s.accounts.put_grant(grant); !st.ok()) return write_error(res, st);
  audit(s, call->org_id, call->caller.person_id, "project.create", project.value().id);
  write_json(res, 201, project_json(project.value()));
}

void handle_project_show(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::read_reports);
  if (!call) return;
  write_json(res, 200, project_json(*call->project));
}

// Every key grant the caller holds on the project, newest key first, in
// "keys"; the top-level fields are the current key's grant (what clients
// before key rotation read). Holding only older keys: no top-level grant.
void handle_my_grant(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::read_reports);
  if (!call) return;
  Result<std::vector<server::KeyGrant>> grants = s.accounts.grants_of(call->project->id, call->caller.person_id);
  if (!grants.ok()) return write_error(res, grants.status());
  if (grants.value().empty()) {
    return write_error(res, 404, "waiting_for_access",
                       "Nobody has given you this project's key yet (or your password was reset); an owner or "
                       "admin grants it from their console.");
  }
  Result<std::vector<server::ProjectKey>> keys = s.accounts.list_project_keys(call->project->id);
  if (!keys.ok()) return write_error(res, keys.status());
  json answer = json::object();
  json items = json::array();
  for (const server::KeyGrant& g : grants.value()) {
    json item = {{"key_number", g.key_number},
                 {"sealed_key", g.sealed_key},
                 {"granted_by", g.granted_by},
                 {"created_at_ms", g.created_at_ms}};
    for (const server::ProjectKey& k : keys.value()) {
      if (k.number != g.key_number) continue;
      item["public_key"] = k.public_key;
      item["retired_at_ms"] = k.retired_at_ms;
      if (k.retired_at_ms == 0) {
        answer["sealed_key"] = g.sealed_key;
        answer["granted_by"] = g.granted_by;
        answer["created_at_ms"] = g.created_at_ms;
        answer["key_number"] = g.key_number;
      }
    }
    items.push_back(std::move(item));
  }
  answer["keys"] = std::move(items);
  write_json(res, 200, answer);
}

// --- submissions ------------------------------------------------------------------

void handle_submissions_list(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::read_reports);
  if (!call) return;
  server::ListQuery query;
  if (req.has_param("status")) {
    auto status = server::submission_status_from_name(req.get_param_value("status"));
    if (!status) return write_error(res, 400, "invalid_argument", kStatusSentence);
    query.status = status;
  }
  if (req.has_param("assignee")) query.assignee = req.get_param_value("assignee");
  if (req.has_param("tag")) query.tag = req.get_param_value("tag");
  for (const auto& [name, field] : {std::pair{"since_ms", &query.since_ms}, std::pair{"until_ms", &query.until_ms}}) {
    if (!req.has_param(name)) continue;
    const std::string text = req.get_param_value(name);
    if (text.empty() || text.size() > 15 || text.find_first_not_of("0123456789") != std::string::npos) {
      return write_error(res, 400, "invalid_argument", std::string(name) + " must be milliseconds since 1970.");
    }
    *field = std::stoll(text);
  }
  query.limit = query_number(req, "limit", 50, 500);
  if (query.limit == 0) return write_error(res, 400, "invalid_argument", "limit must be 1 to 500.");
  query.cursor = req.has_param("cursor") ? req.get_param_value("cursor") : "";
  Result<server::SubmissionPage> page = s.storage.list_submissions(call->project->id, query);
  if (!page.ok()) return write_error(res, page.status());
  json items = json::array();
  for (const server::Submission& sub : page.value().items) items.push_back(submission_json(sub));
  write_json(res, 200, {{"items", items}, {"next_cursor", page.value().next_cursor}});
}

// The envelope's bytes, read from storage as they are sent, a piece at a
// time: cpp-httplib answers a Range header itself (206 with Content-Range;
// 416 for a range outside the envelope) and asks only for the range's bytes,
// so a console that decrypts just the first chunk (the manifest) of each
// report reads that chunk, not the whole envelope, and a whole 16 MiB
// envelope never sits in memory at once. The size is the submission's, which
// equals the stored envelope's (backup_verify checks it). An envelope deleted
// or damaged after the headers went out cuts the connection: the client sees
// a short body, never wrong bytes.
constexpr std::size_t kEnvelopeReadPiece = 1 << 20;

void handle_envelope_fetch(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::read_reports);
  if (!call) return;
  const std::string& id = req.path_params.at("submission");
  Result<server::Submission> submission = s.storage.get_submission(call->project->id, id);
  if (!submission.ok()) return write_error(res, submission.status());
  current_request().submission_id = id;
  audit(s, call->org_id, call->caller.person_id, "envelope.fetch", call->project->id + "/" + id);
  // Status left unset: cpp-httplib makes it 200, or 206 for a Range.
  res.set_header("Cache-Control", "private, no-store");
  res.set_content_provider(submission.value().size_bytes, "application/vnd.sealshot.envelope",
                           [&storage = s.storage, project = call->project->id, id](
                               std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             const std::size_t piece = std::min(length, kEnvelopeReadPiece);
                             Result<std::vector<std::uint8_t>> bytes =
                                 storage.read_envelope_part(project, id, offset, piece);
                             if (!bytes.ok() || bytes.value().size() != piece) return false;
                             return sink.write(reinterpret_cast<const char*>(bytes.value().data()), piece);
                           });
}

// {"status": …}, {"assignee": person id or ""} and/or {"tags": [words]}.
// An assignee must be someone who may read the project.
void handle_submission_update(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::triage);
  if (!call) return;
  std::optional<json> body = json_body(req, res);
  if (!body) return;
  const std::string& id = req.path_params.at("submission");
  const bool has_status = body->contains("status");
  const bool has_assignee = body->contains("assignee");
  const bool has_tags = body->contains("tags");
  if (!has_status && !has_assignee && !has_tags) {
    return write_error(res, 400, "invalid_argument", "Send a status, an assignee, tags, or several of them.");
  }
  std::optional<server::SubmissionStatus> status;
  if (has_status) {
    status = server::submission_status_from_name(json_string(*body, "status"));
    if (!status) return write_error(res, 400, "invalid_argument", kStatusSentence);
  }
  std::vector<std::string> tags;
  if (has_tags) {
    const json& list = (*body)["tags"];
    if (!list.is_array()) return write_error(res, 400, "invalid_argument", "tags is a list of words.");
    for (const json& tag : list) tags.push_back(tag.is_string() ? tag.get<std::string>() : "");
    Result<std::vector<std::string>> normal = server::tags_normalize(tags);
    if (!normal.ok()) return write_error(res, 400, "invalid_argument", normal.message());
    tags = normal.value();
  }
  const std::string assignee = json_string(*body, "assignee");
  if (has_assignee && !assignee.empty()) {
    Result<OrgRole> role = s.accounts.role_in(call->org_id, assignee);
    Result<std::optional<server::ProjectRole>> project_role = s.accounts.project_role(call->project->id, assignee);
    if (!role.ok() || !project_role.ok() || !allowed(Action::read_reports, role.value(), project_role.value())) {
      return write_error(res, 400, "invalid_argument", "The assignee must be a member who may read this project.");
    }
  }
  if (status) {
    if (Status st = s.storage.set_status(call->project->id, id, *status); !st.ok()) return write_error(res, st);
    audit(s, call->org_id, call->caller.person_id,
          std::string("submission.status.") + server::submission_status_name(*status), call->project->id + "/" + id);
  }
  if (has_assignee) {
    if (Status st = s.storage.set_assignee(call->project->id, id, assignee); !st.ok()) return write_error(res, st);
    audit(s, call->org_id, call->caller.person_id, "submission.assign",
          call->project->id + "/" + id + (assignee.empty() ? "" : " → " + assignee));
  }
  if (has_tags) {
    if (Status st = s.storage.set_tags(call->project->id, id, tags); !st.ok()) return write_error(res, st);
    audit(s, call->org_id, call->caller.person_id, "submission.tags", call->project->id + "/" + id);
  }
  Result<server::Submission> sub = s.storage.get_submission(call->project->id, id);
  if (!sub.ok()) return write_error(res, sub.status());
  write_json(res, 200, submission_json(sub.value()));
}

void handle_submission_delete(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::delete_reports);
  if (!call) return;
  const std::string& id = req.path_params.at("submission");
  if (Status st = s.storage.delete_submission(call->project->id, id); !st.ok()) return write_error(res, st);
  audit(s, call->org_id, call->caller.person_id, "submission.delete", call->project->id + "/" + id);
  write_json(res, 200, {{"deleted", id}});
}

// --- people --------------------------------------------------------------------------

// Admins manage people but not owners: they can neither touch an owner nor
// make one.
bool may_manage(const ReviewCall& call, std::optional<OrgRole> target_role, std::optional<OrgRole> new_role) {
  if (call.role == OrgRole::owner) return true;
  return target_role != OrgRole::owner && new_role != OrgRole::owner;
}

void handle_members_list(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::read_org);
  if (!call) return;
  Result<std::vector<server::Member>> members = s.accounts.list_members(call->org_id);
  if (!members.ok()) return write_error(res, members.status());
  json items = json::array();
  for (const server::Member& m : members.value()) {
    json item = person_json(m.person);
    item["role"] = server::org_role_name(m.role);
    items.push_back(std::move(item));
  }
  write_json(res, 200, {{"items", items}});
}

void handle_member_update(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::manage_people);
  if (!call) return;
  std::optional<json> body = json_body(req, res);
  if (!body) return;
  auto role = server::org_role_from_name(json_string(*body, "role"));
  if (!role) return write_error(res, 400, "invalid_argument", "Send a role: owner, admin, member or viewer.");
  const std::string& person_id = req.path_params.at("person");
  Result<OrgRole> current = s.accounts.role_in(call->org_id, person_id);
  if (!current.ok()) return write_error(res, current.status());
  if (!may_manage(*call, current.value(), *role)) {
    return write_error(res, 403, "forbidden", "Only an owner can change an owner or make someone an owner.");
  }
  if (Status st = s.accounts.set_member_role(call->org_id, person_id, *role); !st.ok()) return write_error(res, st);
  audit(s, call->org_id, call->caller.person_id, std::string("member.role.") + server::org_role_name(*role), person_id);
  write_json(res, 200, {{"id", person_id}, {"role", server::org_role_name(*role)}});
}

void handle_member_remove(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::manage_people);
  if (!call) return;
  const std::string& person_id = req.path_params.at("person");
  Result<OrgRole> current = s.accounts.role_in(call->org_id, person_id);
  if (!current.ok()) return write_error(res, current.status());
  if (!may_manage(*call, current.value(), std::nullopt)) {
    return write_error(res, 403, "forbidden", "Only an owner can remove an owner.");
  }
  if (Status st = s.accounts.remove_member(call->org_id, person_id); !st.ok()) return write_error(res, st);
  audit(s, call->org_id, call->caller.person_id, "member.remove", person_id);
  write_json(res, 200, {{"removed", person_id}});
}

// Admin revocation: ends every session of a member (e.g. a lost laptop).
void handle_member_signout(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::manage_people);
  if (!call) return;
  const std::string& person_id = req.path_params.at("person");
  Result<OrgRole> current = s.accounts.role_in(call->org_id, person_id);
  if (!current.ok()) return write_error(res, current.status());
  if (!may_manage(*call, current.value(), std::nullopt)) {
    return write_error(res, 403, "forbidden", "Only an owner can sign an owner out.");
  }
  if (Status st = s.accounts.delete_sessions_of(person_id); !st.ok()) return write_error(res, st);
  audit(s, call->org_id, call->caller.person_id, "member.signout", person_id);
  write_json(res, 200, {{"signed_out", person_id}});
}

void handle_invitation_create(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::manage_people);
  if (!call) return;
  std::optional<json> body = json_body(req, res);
  if (!body) return;
  Result<std::string> email = server::email_normalize(json_string(*body, "email"));
  if (!email.ok()) return write_error(res, 400, "invalid_argument", email.message());
  auto role = server::org_role_from_name(json_string(*body, "role"));
  if (!role) return write_error(res, 400, "invalid_argument", "Send a role: owner, admin, member or viewer.");
  if (!may_manage(*call, std::nullopt, *role)) {
    return write_error(res, 403, "forbidden", "Only an owner can invite an owner.");
  }
  const std::string token = ReviewAuth::token_generate();
  server::Link link;
  link.kind = server::LinkKind::invite;
  link.org_id = call->org_id;
  link.email = email.value();
  link.role = *role;
  link.created_by = call->caller.person_id;
  link.created_at_ms = s.auth.now_ms();
  link.expires_at_ms = link.created_at_ms +
                       std::chrono::duration_cast<std::chrono::milliseconds>(s.auth.settings().link_lifetime).count();
  if (Status st = s.accounts.create_link(ReviewAuth::token_hash(token), link); !st.ok()) return write_error(res, st);
  audit(s, call->org_id, call->caller.person_id, std::string("member.invite.") + server::org_role_name(*role), "");
  // The token is shown once, to the inviter, and mailed when SMTP is set up.
  const bool mailed = s.mailer && s.mailer->enabled();
  if (mailed) {
    Result<server::Organisation> org = s.accounts.get_organisation(call->org_id);
    s.mailer->send({link.email, "Your invitation to " + (org.ok() ? org.value().name : "a team") + " on Sealshot",
                    "You are invited to review feedback reports of " + (org.ok() ? org.value().name : "a team") +
                        " as " + server::org_role_name(*role) +
                        ".\n\nOpen this link to choose your password (it works once, for 7 days):\n\n" +
                        s.mailer->link_url(token) + "\n\nIf you did not expect this, ignore this mail.\n"});
  }
  write_json(res, 201,
             {{"token", token},
              {"path", "/console/link#" + token},
              {"expires_at_ms", link.expires_at_ms},
              {"mailed", mailed}});
}

// --- project access: roles and sealed keys -------------------------------------------

void handle_access_list(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::manage_people);
  if (!call) return;
  Result<std::vector<server::ProjectRoleRow>> roles = s.accounts.project_roles(call->project->id);
  Result<std::vector<server::KeyGrant>> grants = s.accounts.list_grants(call->project->id);
  if (!roles.ok()) return write_error(res, roles.status());
  if (!grants.ok()) return write_error(res, grants.status());
  json role_items = json::array();
  for (const auto& r : roles.value()) {
    role_items.push_back({{"person_id", r.person_id}, {"role", server::project_role_name(r.role)}});
  }
  json grant_items = json::array();
  for (const auto& g : grants.value()) {
    grant_items.push_back({{"person_id", g.person_id},
                           {"key_number", g.key_number},
                           {"granted_by", g.granted_by},
                           {"created_at_ms", g.created_at_ms}});
  }
  write_json(res, 200, {{"roles", role_items}, {"grants", grant_items}});
}

// The older keys of {"keys": [{"key_number": n, "sealed_key": …}, …]} in
// access_set: each number one the project has, each once. Writes the error
// and returns nullopt when the list is wrong.
std::optional<std::vector<server::KeyGrant>> older_key_grants(Services& s, const ReviewCall& call,
                                                              const std::string& person_id, const json& body,
                                                              httplib::Response& res) {
  std::vector<server::KeyGrant> out;
  const auto list = body.find("keys");
  if (list == body.end()) return out;
  const char* shape = "keys is a list of {\"key_number\": 1, 2, …, \"sealed_key\": …}.";
  if (!list->is_array() || list->size() > 1000) {
    write_error(res, 400, "invalid_argument", shape);
    return std::nullopt;
  }
  Result<std::vector<server::ProjectKey>> keys = s.accounts.list_project_keys(call.project->id);
  if (!keys.ok()) {
    write_error(res, keys.status());
    return std::nullopt;
  }
  std::set<std::int64_t> seen;
  for (const json& k : *list) {
    const auto number = k.is_object() ? k.find("key_number") : k.end();
    const std::string sealed_key = k.is_object() ? json_string(k, "sealed_key") : "";
    if (!k.is_object() || number == k.end() || !number->is_number_integer() || sealed_key.empty()) {
      write_error(res, 400, "invalid_argument", shape);
      return std::nullopt;
    }
    const std::int64_t n = number->get<std::int64_t>();
    const bool known = std::any_of(keys.value().begin(), keys.value().end(),
                                   [&](const server::ProjectKey& key) { return key.number == n; });
    if (!known) {
      write_error(res, 400, "invalid_argument", "The project has no key number " + std::to_string(n) + ".");
      return std::nullopt;
    }
    if (!seen.insert(n).second) {
      write_error(res, 400, "invalid_argument", "Key number " + std::to_string(n) + " is sealed twice.");
      return std::nullopt;
    }
    out.push_back(server::KeyGrant{call.project->id, person_id, sealed_key, call.caller.person_id, s.auth.now_ms(), n});
  }
  return out;
}

// Gives a member a role on the project and/or the project's keys sealed to
// their public key (made by the granting client; never opened here):
// "sealed_key" the current key, "keys" older ones (so a newcomer can read
// reports sent before a rotation). Keys go only to someone who may read
// the project (with the role of this same request, if any).
void handle_access_set(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::manage_people);
  if (!call) return;
  std::optional<json> body = json_body(req, res);
  if (!body) return;
  const std::string& person_id = req.path_params.at("person");
  const std::string role_name = json_string(*body, "role");
  const std::string sealed_key = json_string(*body, "sealed_key");
  auto role = server::project_role_from_name(role_name);
  if ((!role_name.empty() && !role) || (role_name.empty() && sealed_key.empty() && !body->contains("keys"))) {
    return write_error(res, 400, "invalid_argument",
                       "Send a role (reviewer or viewer), a sealed_key, keys (older keys), or several of them.");
  }
  std::optional<std::vector<server::KeyGrant>> older = older_key_grants(s, *call, person_id, *body, res);
  if (!older) return;
  Result<OrgRole> member = s.accounts.role_in(call->org_id, person_id);
  if (!member.ok()) return write_error(res, member.status());
  const bool sends_keys = !sealed_key.empty() || !older->empty();
  if (sends_keys && !role) {
    Result<std::optional<server::ProjectRole>> current = s.accounts.project_role(call->project->id, person_id);
    if (!current.ok()) return write_error(res, current.status());
    if (!allowed(Action::read_reports, member.value(), current.value())) {
      return write_error(res, 400, "invalid_argument",
                         "This member may not read the project, so no key of it is sealed to them: send a role "
                         "(reviewer or viewer) with the keys.");
    }
  }
  if (role) {
    if (Status st = s.accounts.set_project_role(call->project->id, person_id, role); !st.ok()) {
      return write_error(res, st);
    }
    audit(s, call->org_id, call->caller.person_id, std::string("project.role.") + server::project_role_name(*role),
          call->project->id + "/" + person_id);
  }
  if (!sealed_key.empty()) {
    server::KeyGrant grant{call->project->id, person_id, sealed_key, call->caller.person_id, s.auth.now_ms()};
    if (Status st = s.accounts.put_grant(grant); !st.ok()) return write_error(res, st);
    audit(s, call->org_id, call->caller.person_id, "project.grant", call->project->id + "/" + person_id);
  }
  for (const server::KeyGrant& grant : *older) {
    if (Status st = s.accounts.put_grant(grant); !st.ok()) return write_error(res, st);
    audit(s, call->org_id, call->caller.person_id, "project.grant",
          call->project->id + "/" + person_id + " key " + std::to_string(grant.key_number));
  }
  write_json(res, 200, {{"person_id", person_id}});
}

void handle_access_remove(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::manage_people);
  if (!call) return;
  const std::string& person_id = req.path_params.at("person");
  if (Status st = s.accounts.set_project_role(call->project->id, person_id, std::nullopt); !st.ok()) {
    return write_error(res, st);
  }
  Status grant = s.accounts.delete_grant(call->project->id, person_id);
  if (!grant.ok() && grant.code() != ErrorCode::not_found) return write_error(res, grant);
  audit(s, call->org_id, call->caller.person_id, "project.revoke", call->project->id + "/" + person_id);
  write_json(res, 200, {{"revoked", person_id}});
}

// --- audit log -------------------------------------------------------------------------

void handle_audit_list(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::read_audit);
  if (!call) return;
  const std::uint32_t limit = query_number(req, "limit", 100, 1000);
  if (limit == 0) return write_error(res, 400, "invalid_argument", "limit must be 1 to 1000.");
  const std::uint32_t before = req.has_param("before") ? query_number(req, "before", 0, UINT32_MAX) : 0;
  Result<std::vector<server::AuditEntry>> entries = s.accounts.list_audit(call->org_id, before, limit);
  if (!entries.ok()) return write_error(res, entries.status());
  json items = json::array();
  for (const server::AuditEntry& e : entries.value()) {
    items.push_back({{"seq", e.seq},
                     {"at_ms", e.at_ms},
                     {"actor", e.actor},
                     {"action", e.action},
                     {"target", e.target},
                     {"address", e.address}});
  }
  write_json(res, 200, {{"items", items}});
}

}  // namespace

void register_org_routes(Router& r, Services& s) {
  const std::string org = "/v1/orgs/:org";
  const std::string project = org + "/projects/:project";
  const std::string submission = project + "/submissions/:submission";
  r.json("GET", org, "org_show", bound(s, handle_org_show));
  r.json("PATCH", org, "org_update", bound(s, handle_org_update));
  r.json("GET", org + "/projects", "projects_list", bound(s, handle_projects_list));
  r.json("POST", org + "/projects", "project_create", bound(s, handle_project_create));
  r.json("GET", project, "project_show", bound(s, handle_project_show));
  r.json("GET", project + "/grant", "grant_mine", bound(s, handle_my_grant));
  r.json("GET", project + "/submissions", "submissions_list", bound(s, handle_submissions_list));
  r.json("GET", submission + "/envelope", "envelope_fetch", bound(s, handle_envelope_fetch));
  r.json("PATCH", submission, "submission_update", bound(s, handle_submission_update));
  r.json("DELETE", submission, "submission_delete", bound(s, handle_submission_delete));
  r.json("GET", project + "/access", "access_list", bound(s, handle_access_list));
  r.json("PUT", project + "/access/:person", "access_set", bound(s, handle_access_set));
  r.json("DELETE", project + "/access/:person", "access_remove", bound(s, handle_access_remove));
  r.json("GET", org + "/members", "members_list", bound(s, handle_members_list));
  r.json("PATCH", org + "/members/:person", "member_update", bound(s, handle_member_update));
  r.json("DELETE", org + "/members/:person", "member_remove", bound(s, handle_member_remove));
  r.json("POST", org + "/members/:person/signout", "member_signout", bound(s, handle_member_signout));
  r.json("POST", org + "/invitations", "invitation_create", bound(s, handle_invitation_create));
  r.json("GET", org + "/audit", "audit_list", bound(s, handle_audit_list));
  register_project_admin_routes(r, s);
  register_triage_routes(r, s);
  register_org_admin_routes(r, s);
  register_project_key_routes(r, s);
}

}  // namespace sealshot::http
