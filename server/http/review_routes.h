// The review API (/v1/auth, /v1/me, /v1/links, /v1/orgs/...): registered by
// routes.cpp; docs/http-api.md documents it, docs/permissions.md says who
// may call which route.
#pragma once

#include "http/route_table.h"
#include "http/services.h"

namespace sealshot::http {

// A handler of the form handler(services, req, res) as a cpp-httplib handler.
using ReviewHandler = void (*)(Services&, const httplib::Request&, httplib::Response&);
inline auto bound(Services& s, ReviewHandler handler) {
  return [&s, handler](const httplib::Request& req, httplib::Response& res) { handler(s, req, res); };
}

void register_account_routes(Router& router, Services& services);  // account_routes.cpp
void register_org_routes(Router& router, Services& services);      // org_routes.cpp
void register_mfa_routes(Router& router, Services& services);      // mfa_routes.cpp
// Called by register_org_routes:
void register_project_admin_routes(Router& router, Services& services);  // project_admin_routes.cpp
void register_triage_routes(Router& router, Services& services);         // triage_routes.cpp
void register_org_admin_routes(Router& router, Services& services);      // org_admin_routes.cpp
void register_project_key_routes(Router& router, Services& services);    // project_key_routes.cpp

// The second factor of a person who has MFA on: nullptr when `code` is a
// right, unused TOTP code or recovery code (or MFA is off), else the error
// code ("mfa_required", "mfa_code_wrong") for write_second_factor_refusal.
[[nodiscard]] const char* second_factor_refusal(Services& services, const std::string& person_id,
                                                const std::string& code);
void write_second_factor_refusal(httplib::Response& res, const char* refusal);

}  // namespace sealshot::http
