// Every refusal is one JSON shape: {"error": code, "message": sentence}.
// Codes are stable (clients branch on them); docs/http-api.md lists them.
#pragma once

#include <httplib.h>

#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "result.h"

namespace sealshot::http {

// The HTTP status for an error from the core or the storage layer.
[[nodiscard]] int http_status_for(ErrorCode code) noexcept;

void write_json(httplib::Response& res, int status, const nlohmann::json& body);
void write_error(httplib::Response& res, int status, std::string_view code, std::string_view message);
// Status and code from a core/storage Status (e.g. envelope_bad_magic → 400).
void write_error(httplib::Response& res, const Status& status);

}  // namespace sealshot::http
