#include "http/review_request.h"

#include "http/client_address.h"
#include "http/json_error.h"
#include "http/request_context.h"

namespace sealshot::http {
namespace {

bool changes_state(const httplib::Request& req) { return req.method != "GET" && req.method != "HEAD"; }

void not_found(httplib::Response& res, const char* what) {
  write_error(res, 404, "not_found", std::string("No such ") + what + ".");
}

// The organisation's IP allowlist (empty: anywhere), checked against the
// client address the server resolved (trusted proxies honoured).
bool address_allowed(const server::Organisation& org) {
  if (org.ip_allowlist.empty()) return true;
  std::optional<std::array<std::uint8_t, 16>> address = parse_ip(current_request().client_address);
  if (!address) return false;
  for (const std::string& cidr : org.ip_allowlist) {
    std::optional<AddressRange> range = AddressRange::parse(cidr);
    if (range && range->contains(*address)) return true;
  }
  return false;
}

void write_address_refused(httplib::Response& res) {
  write_error(res, 403, "address_not_allowed",
              "This organisation accepts review requests only from its allowed addresses (IP allowlist).");
}

constexpr std::string_view kBearer = "Bearer ";

// An API token instead of a session: no cookie, so no CSRF check; it reaches
// one project, for reading or also triage, and nothing else.
std::optional<ReviewCall> authorize_token(Services& s, const httplib::Request& req, httplib::Response& res,
                                          Action action, const std::string& header) {
  const std::string secret = header.substr(kBearer.size());
  Result<server::ApiToken> token = s.accounts.find_api_token(ReviewAuth::token_hash(secret));
  if (!token.ok() || token.value().expires_at_ms <= s.auth.now_ms()) {
    if (!token.ok() && token.code() != ErrorCode::not_found) {
      write_error(res, token.status());
    } else {
      write_error(res, 401, "unauthenticated", "The API token is unknown, revoked or expired.");
    }
    return std::nullopt;
  }
  ReviewCall call;
  call.caller.person_id = token.value().id;
  call.via_api_token = true;
  call.org_id = req.path_params.at("org");
  if (call.org_id != token.value().org_id) {
    not_found(res, "organisation");
    return std::nullopt;
  }
  Result<server::Organisation> org = s.accounts.get_organisation(call.org_id);
  if (!org.ok()) {
    write_error(res, org.status());
    return std::nullopt;
  }
  if (!address_allowed(org.value())) {
    write_address_refused(res);
    return std::nullopt;
  }
  auto project_param = req.path_params.find("project");
  if (project_param == req.path_params.end()) {
    write_error(res, 403, "forbidden", "An API token reaches only its own project's reports.");
    return std::nullopt;
  }
  if (project_param->second != token.value().project_id) {
    not_found(res, "project");
    return std::nullopt;
  }
  Result<server::Project> project = s.storage.get_project(token.value().project_id);
  if (!project.ok()) {
    write_error(res, project.status());
    return std::nullopt;
  }
  call.project = std::move(project).value();
  current_request().project_id = call.project->id;
  // A token acts as a member with a role on its project alone.
  call.role = server::OrgRole::member;
  call.project_role =
      token.value().scope == server::TokenScope::triage ? server::ProjectRole::reviewer : server::ProjectRole::viewer;
  const bool token_action = action == Action::read_reports || action == Action::triage;
  if (!token_action || !allowed(action, call.role, call.project_role)) {
    write_error(res, 403, "forbidden", "This API token's scope does not allow this.");
    return std::nullopt;
  }
  return call;
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
  if (const std::string header = req.get_header_value("Authorization"); header.rfind(kBearer, 0) == 0) {
    return authorize_token(s, req, res, action, header);
  }
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
  if (!address_allowed(membership.value().org)) {
    write_address_refused(res);
    return std::nullopt;
  }
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

bool may_read_project(Services& s, const ReviewCall& call, const std::string& person_id) {
  Result<server::OrgRole> role = s.accounts.role_in(call.org_id, person_id);
  if (!role.ok() || !call.project) return false;
  Result<std::optional<server::ProjectRole>> project_role = s.accounts.project_role(call.project->id, person_id);
  return project_role.ok() && allowed(Action::read_reports, role.value(), project_role.value());
}

nlohmann::json project_json(const server::Project& project) {
  return {{"id", project.id},
          {"name", project.name},
          {"public_key", project.public_key},
          {"allowed_origins", project.allowed_origins},
          {"retention_days", project.retention_days},
          {"created_at_ms", project.created_at_ms}};
}

nlohmann::json submission_json(const server::Submission& sub) {
  return {{"id", sub.id},
          {"created_at_ms", sub.created_at_ms},
          {"size_bytes", sub.size_bytes},
          {"status", server::submission_status_name(sub.status)},
          {"assignee", sub.assignee},
          {"tags", sub.tags}};
}

}  // namespace sealshot::http
