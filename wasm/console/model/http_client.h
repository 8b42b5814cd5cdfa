// The one way the console's model talks to the server. In the browser it is
// fetch() (same origin: the session cookie and Range come for free); in the
// native tests a TLS client against the real in-process server. The model
// never sees a socket, so both run the same code.
#pragma once

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

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Blocking here; the browser's implementation runs it off the frame loop.
  virtual HttpResponse send(const HttpRequest& request) = 0;
};

}  // namespace sealshot::console
