// What the server knows about the request being served on this thread: the
// route name (for metrics and logs), timing, byte counts, the error code,
// and whether the connection must close after the response. cpp-httplib
// serves a whole request on one thread and gives hooks no per-request slot,
// so it lives in a thread_local that connection_server.cpp resets before
// each request and reads after the response is written.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace sealshot::http {

struct RequestContext {
  std::chrono::steady_clock::time_point start{};
  std::string route = "unmatched";  // a name from routes.cpp, never the raw path
  std::string method;
  std::string project_id;      // ingest only, once the id is well formed
  std::string client_address;  // resolved (client_address.h); for rate limits, NEVER logged
  std::string client_tag;      // keyed hash of the client address (logging.h): what logs show
  std::string submission_id;
  std::string error_code;
  std::uint64_t content_length = 0;  // parsed once by pre-routing (0 when absent)
  std::uint64_t bytes_in = 0;        // body bytes received
  int status = 0;                    // 0: no request was read (idle connection closed)
  bool close_connection = false;     // answered before the body was read: close, lingering
  bool headers_read = false;         // the request line and headers are in (set by pre-routing)
  bool expects_continue = false;     // "Expect: 100-continue": sent once the body is read (connection_server.cpp)
};

[[nodiscard]] RequestContext& current_request() noexcept;
void reset_current_request();

// Marks the response as the last on its connection (Connection: close) and
// makes the server close it after writing, draining what the client still
// sends for a short, bounded time. Needed whenever a request body was not
// read to its end: its bytes would otherwise be parsed as the next request.
void close_connection_after(httplib::Response& res);

}  // namespace sealshot::http
