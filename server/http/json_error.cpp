#include "http/json_error.h"

#include <nlohmann/json.hpp>

#include "http/request_context.h"

namespace sealshot::http {

int http_status_for(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::ok:
      return 200;
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::already_exists:
    case ErrorCode::conflict:
      return 409;
    case ErrorCode::unauthenticated:
      return 401;
    case ErrorCode::forbidden:
      return 403;
    case ErrorCode::gone:
      return 410;
    case ErrorCode::throttled:
      return 429;
    case ErrorCode::storage_full:
      return 507;
    case ErrorCode::storage_error:
    case ErrorCode::out_of_memory:
      return 500;
    default:
      return 400;  // envelope_* and argument errors: the request is wrong
  }
}

void write_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump() + "\n", "application/json");
}

void write_error(httplib::Response& res, int status, std::string_view code, std::string_view message) {
  // Code and message come from this program, never from the request; dump()
  // escapes them anyway, and invalid UTF-8 is replaced rather than thrown on.
  nlohmann::json body = {{"error", code}, {"message", message}};
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", "application/json");
  current_request().error_code = std::string(code);
}

void write_error(httplib::Response& res, const Status& status) {
  write_error(res, http_status_for(status.code()), error_code_name(status.code()), status.message());
}

}  // namespace sealshot::http
