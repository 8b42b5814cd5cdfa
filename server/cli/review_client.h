// HTTPS client for the review API (docs/http-api.md) as the CLI uses it:
// the server's certificate is verified (system store, or --ca-cert), every
// request carries the CSRF header and this server's Origin, the session
// cookie is sent when there is one, and an error answer becomes one
// CommandError sentence with the server's own message.
#pragma once

#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace sealshot::cli {

struct ServerAddress {
  std::string host;
  int port = 443;
  std::string origin;  // https://host[:port], as browsers write it

  // Accepts https://host[:port][/...]; anything else throws CommandError.
  static ServerAddress parse(const std::string& url);
};

struct ApiAnswer {
  int status = 0;
  std::string body;
  std::string session_cookie;  // "name=value" from Set-Cookie, if the server set one
  nlohmann::json json() const;
};

class ReviewClient {
 public:
  // `ca_cert`: a PEM file to trust instead of the system's store (empty: system store).
  ReviewClient(const std::string& server_url, const std::string& ca_cert);

  const ServerAddress& address() const { return address_; }
  void set_session_cookie(std::string cookie) { cookie_ = std::move(cookie); }

  // Throws CommandError unless the answer is 2xx.
  ApiAnswer get(const std::string& path);
  ApiAnswer send(const std::string& method, const std::string& path, const nlohmann::json& body);
  // The raw answer, whatever its status (connection failures still throw).
  ApiAnswer request(const std::string& method, const std::string& path, const nlohmann::json* body);

 private:
  ServerAddress address_;
  std::string cookie_;
  std::unique_ptr<httplib::SSLClient> client_;
};

// `answer` if it is 2xx; else throws CommandError with the server's message.
ApiAnswer checked_answer(ApiAnswer answer);

// "/v1/orgs/" + escaped segment: ids are checked to be plain before use.
std::string path_segment(const std::string& text);

}  // namespace sealshot::cli
