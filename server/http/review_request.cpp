#include "http/review_request.h"

#include "http/json_error.h"
#include "http/request_context.h"

namespace sealshot::http {
namespace {

bool changes_state(const httplib::Request& req) { return req.method != "GET" && req.method != "HEAD"; }

void not_found(httplib::Response& res, const char* what) {
  write_error(res, 404, "not_found", std::string("No such ") + what + ".");
}

}  // namespace

std::optional<Caller> require_session(Services& s, const httplib::Request& req, httplib::Response& res) {
  if (changes_state(req)) {
    if (Status csrf = s.auth.check_csrf(req); !csrf.ok()) {
      write_error(res, csrf);
      return std::nullopt;
    }
  }
  Result<Caller> caller = s.auth.authenticate(req);
  if (!caller.ok()) {
    write_error(res, caller.status());
    return std::nullopt;
  }
  return std::move(caller).value();
}

std::optional<ReviewCall> authorize(Services& s, const httplib::Request& req, httplib::Response& res, Action action) {
  std::optional<Caller> caller = require_session(s, req, res);
  if (!caller) return std::nullopt;
  ReviewCall call;
  call.caller = std::move(*caller);
  call.org_id = req.path_params.at("org");
  Result<server::Membership> membership = s.accounts.membership_in(call.org_id, call.caller.person_id);
  if (!membership.ok()) {
    if (membership.code() == ErrorCode::not_found) {
      not_found(res, "organisation");
    } else {
      write_error(res, membership.status());
    }
    return std::nullopt;
  }
  call.role = membership.value().role;
  // An organisation that requires MFA refuses members who have not turned it
  // on (they still reach /v1/me/mfa/… to do so).
  if (membership.value().org.require_mfa) {
    Result<server::MfaState> mfa = s.accounts.get_mfa(call.caller.person_id);
    if (!mfa.ok() || !mfa.value().enabled) {
      write_error(res, 403, "mfa_required_by_organisation",
                  "This organisation requires multi-factor sign-in: turn it on for your account first.");
      return std::nullopt;
    }
  }

  if (auto it = req.path_params.find("project"); it != req.path_params.end()) {
    Result<server::Project> project = s.storage.get_project(it->second);
    if (!project.ok() || project.value().org_id != call.org_id) {
      if (project.ok() || project.code() == ErrorCode::not_found) {
        not_found(res, "project");
      } else {
        write_error(res, project.status());
      }
      return std::nullopt;
    }
    Result<std::optional<server::ProjectRole>> project_role =
        s.accounts.project_role(project.value().id, call.caller.person_id);
    if (!project_role.ok()) {
      write_error(res, project_role.status());
      return std::nullopt;
    }
    call.project = std::move(project).value();
    call.project_role = project_role.value();
    current_request().project_id = call.project->id;
    if (!allowed(Action::read_reports, call.role, call.project_role)) {
      not_found(res, "project");
      return std::nullopt;
    }
  }
  if (!allowed(action, call.role, call.project_role)) {
    write_error(res, 403, "forbidden", "Your role does not allow this.");
    return std::nullopt;
  }
  return call;
}

std::optional<nlohmann::json> json_body(const httplib::Request& req, httplib::Response& res) {
  nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    write_error(res, 400, "bad_json", "The request body must be one JSON object.");
    return std::nullopt;
  }
  return body;
}

std::string json_string(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void audit(Services& s, const std::string& org_id, const std::string& actor, const std::string& action,
           const std::string& target) {
  server::AuditEntry entry;
  entry.org_id = org_id;
  entry.at_ms = s.auth.now_ms();
  entry.actor = actor;
  entry.action = action;
  entry.target = target;
  entry.address = current_request().client_address;
  if (Status st = s.accounts.append_audit(std::move(entry)); !st.ok()) {
    s.log.error("audit_append_failed", {{"action", action}, {"error", error_code_name(st.code())}});
  }
}

void audit_in_each_org(Services& s, const std::string& person_id, const std::string& action) {
  Result<std::vector<server::Membership>> memberships = s.accounts.memberships_of(person_id);
  if (!memberships.ok()) return;
  for (const server::Membership& m : memberships.value()) audit(s, m.org.id, person_id, action, person_id);
}

nlohmann::json person_json(const server::Person& person) {
  return {{"id", person.id},
          {"email", person.email},
          {"display_name", person.display_name},
          {"public_key", person.keys.public_key},
          {"set_up", !person.keys.auth_hash.empty()},
          {"keys_changed_at_ms", person.keys_changed_at_ms}};
}

nlohmann::json project_json(const server::Project& project) {
  return {{"id", project.id},
          {"name", project.name},
          {"public_key", project.public_key},
          {"allowed_origins", project.allowed_origins},
          {"retention_days", project.retention_days},
          {"created_at_ms", project.created_at_ms}};
}

}  // namespace sealshot::http
