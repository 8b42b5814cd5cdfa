#pragma once

#include "http/route_table.h"
#include "http/services.h"

namespace sealshot::http {

// The whole HTTP surface, in one function (routes.cpp).
void register_routes(Router& router, Services& services);

}  // namespace sealshot::http
