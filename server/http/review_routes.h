// The review API (/v1/auth, /v1/me, /v1/links, /v1/orgs/...): registered by
// routes.cpp; docs/http-api.md documents it, docs/permissions.md says who
// may call which route.
#pragma once

#include "http/route_table.h"
#include "http/services.h"

namespace sealshot::http {

void register_account_routes(Router& router, Services& services);  // account_routes.cpp
void register_org_routes(Router& router, Services& services);      // org_routes.cpp

}  // namespace sealshot::http
