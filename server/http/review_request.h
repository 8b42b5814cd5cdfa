// What every review route does before its own work: sign-in, CSRF, the
// caller's role in the organisation of the URL, the project of the URL
// (which must belong to that organisation), and the permission check. One
// place, so a route cannot forget a step. Denials: not a member, or a
// project the caller may not read → 404 (as if it did not exist; no
// tenant's ids are confirmed to another); may read but not do → 403.
#pragma once

#include <httplib.h>

#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "http/permissions.h"
#include "http/review_auth.h"
#include "http/services.h"

namespace sealshot::http {

struct ReviewCall {
  Caller caller;  // for an API token: person_id is the token's id ("tok_…")
  bool via_api_token = false;
  std::string org_id;
  server::OrgRole role = server::OrgRole::viewer;
  std::optional<server::Project> project;  // project routes
  std::optional<server::ProjectRole> project_role;
};

// Signed-in caller (any route of one's own account). Writes the error and
// returns nullopt when the request may not go on.
[[nodiscard]] std::optional<Caller> require_session(Services& s, const httplib::Request& req, httplib::Response& res);
// Organisation route (":org"), and project route when the URL has ":project".
// Also takes `Authorization: Bearer <API token>` instead of a session (see
// docs/permissions.md: a token reads, or also triages, its one project). The
// organisation's IP allowlist applies to both.
[[nodiscard]] std::optional<ReviewCall> authorize(Services& s, const httplib::Request& req, httplib::Response& res,
                                                  Action action);

// The request body as a JSON object; writes 400 bad_json otherwise.
[[nodiscard]] std::optional<nlohmann::json> json_body(const httplib::Request& req, httplib::Response& res);
// A string member (empty if absent or not a string).
[[nodiscard]] std::string json_string(const nlohmann::json& body, const char* name);

// Appends to the organisation's audit log (who, what, target ids, address).
void audit(Services& s, const std::string& org_id, const std::string& actor, const std::string& action,
           const std::string& target);

// The same entry in the audit log of every organisation the person belongs
// to (sign-ins, sign-outs, MFA: events of the person, not of one organisation).
void audit_in_each_org(Services& s, const std::string& person_id, const std::string& action);

// True when `person_id` is a member of the call's organisation who may read
// the call's project (their organisation role, or a role on the project):
// the only people a project key may be sealed to.
[[nodiscard]] bool may_read_project(Services& s, const ReviewCall& call, const std::string& person_id);

[[nodiscard]] nlohmann::json person_json(const server::Person& person);
[[nodiscard]] nlohmann::json project_json(const server::Project& project);
[[nodiscard]] nlohmann::json submission_json(const server::Submission& sub);

// The one sentence for a status the API does not know.
inline constexpr const char* kStatusSentence = "Send a status: new, triaged, in_progress, resolved or spam.";

}  // namespace sealshot::http
