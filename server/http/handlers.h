// Thin handlers: parse, authorize, call a service, map errors to a status
// and a JSON body (json_error.h). routes.cpp says which route runs which.
#pragma once

#include <httplib.h>

#include "http/services.h"

namespace sealshot::http {

void handle_healthz(const httplib::Request& req, httplib::Response& res);
void handle_readyz(Services& services, const httplib::Request& req, httplib::Response& res);
void handle_metrics(Services& services, const httplib::Request& req, httplib::Response& res);
void handle_ingest_preflight(Services& services, const httplib::Request& req, httplib::Response& res);
void handle_ingest(Services& services, const httplib::Request& req, httplib::Response& res,
                   const httplib::ContentReader& read_body);

}  // namespace sealshot::http
