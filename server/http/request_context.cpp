#include "http/request_context.h"

namespace sealshot::http {
namespace {
thread_local RequestContext t_request;
}

RequestContext& current_request() noexcept { return t_request; }

void reset_current_request() {
  t_request = RequestContext{};
  t_request.start = std::chrono::steady_clock::now();
}

void close_connection_after(httplib::Response& res) {
  res.set_header("Connection", "close");
  t_request.close_connection = true;
}

}  // namespace sealshot::http
