// The one way the console's model talks to the server. In the browser it is
// fetch() (same origin: the session cookie and Range come for free); in the
// native tests a TLS client against the real in-process server. The model
// never sees a socket, so both run the same code.
//
// Requests never block: start() returns at once and the answer arrives
// later, through pump(), which the app calls once a frame (and the tests in
// a loop). Callbacks therefore run on the caller's thread, between frames,
// never inside start().
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace sealshot::console {

struct HttpRequest {
  std::string method;  // GET, POST, PATCH, …
  std::string path;    // "/v1/…", with its query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // JSON for POST/PATCH, empty otherwise
};

struct HttpResponse {
  int status = 0;  // 0: no answer (network error)
  std::string body;
};

using HttpCallback = std::function<void(HttpResponse)>;
using RequestId = std::uint64_t;

struct HttpProgress {
  std::uint64_t received = 0;  // body bytes so far
  std::uint64_t total = 0;     // from Content-Length; 0: not known yet
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Starts `request`; `done` runs from a later pump(), exactly once.
  virtual RequestId start(HttpRequest request, HttpCallback done) = 0;
  // Runs the callbacks of the requests that finished since the last call.
  virtual void pump() = 0;
  // Body bytes received so far by a request still running ({0, 0} otherwise).
  virtual HttpProgress progress(RequestId id) const = 0;
  // Requests started whose callback has not run yet.
  virtual std::size_t pending() const = 0;
};

}  // namespace sealshot::console
