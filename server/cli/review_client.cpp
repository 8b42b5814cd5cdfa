#include "review_client.h"

#include <csignal>

#include "cli_error.h"

namespace sealshot::cli {

ServerAddress ServerAddress::parse(const std::string& url) {
  const std::string scheme = "https://";
  if (url.rfind(scheme, 0) != 0) {
    throw CommandError("--server must be an https:// address (the review API is served over TLS only).");
  }
  std::string rest = url.substr(scheme.size());
  rest = rest.substr(0, rest.find_first_of("/?#"));
  ServerAddress out;
  const std::size_t colon = rest.rfind(':');
  out.host = rest.substr(0, colon);
  if (colon != std::string::npos) {
    const std::string port = rest.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(port) < 1 || std::stoi(port) > 65535) {
      throw CommandError("The server address '" + url + "' has no valid port.");
    }
    out.port = std::stoi(port);
  }
  const bool plain_host = !out.host.empty() && out.host.find_first_not_of(
                                                   "abcdefghijklmnopqrstuvwxyz"
                                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == std::string::npos;
  if (!plain_host) throw CommandError("The server address '" + url + "' has no valid host name.");
  out.origin = scheme + out.host + (out.port == 443 ? "" : ":" + std::to_string(out.port));
  return out;
}

nlohmann::json ApiAnswer::json() const {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    throw CommandError("The server answered with something that is not a JSON object (HTTP " + std::to_string(status) +
                       ").");
  }
  return parsed;
}

ReviewClient::ReviewClient(const std::string& server_url, const std::string& ca_cert)
    : address_(ServerAddress::parse(server_url)),
      client_(std::make_unique<httplib::SSLClient>(address_.host, address_.port)) {
  // A server that closes the connection while the request is still being
  // written must give an error sentence, not kill the CLI with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  if (!ca_cert.empty()) client_->set_ca_cert_path(ca_cert);
  client_->enable_server_certificate_verification(true);
  client_->enable_server_hostname_verification(true);
  client_->set_connection_timeout(10);
  client_->set_read_timeout(60);
  client_->set_write_timeout(60);
}

ApiAnswer ReviewClient::request(const std::string& method, const std::string& path, const nlohmann::json* body) {
  httplib::Headers headers = {{"X-Sealshot-Request", "1"}, {"Origin", address_.origin}, {"Accept", "application/json"}};
  if (!cookie_.empty()) headers.emplace("Cookie", cookie_);
  httplib::Request req;
  req.method = method;
  req.path = path;
  req.headers = std::move(headers);
  if (body != nullptr) {
    req.body = body->dump();
    req.set_header("Content-Type", "application/json");
  }
  httplib::Result result = client_->send(req);
  if (!result) {
    const httplib::Error error = result.error();
    if (error == httplib::Error::SSLServerVerification || error == httplib::Error::SSLServerHostnameVerification) {
      throw CommandError("The server's TLS certificate is not trusted for " + address_.host +
                         " (give --ca-cert FILE; a development server's own is <data-dir>/tls/localhost.crt).");
    }
    throw CommandError("Cannot reach " + address_.origin + ": " + httplib::to_string(error) + ".");
  }
  ApiAnswer answer;
  answer.status = result->status;
  answer.body = std::move(result->body);
  for (auto [it, end] = result->headers.equal_range("Set-Cookie"); it != end; ++it) {
    const std::string pair = it->second.substr(0, it->second.find(';'));
    if (pair.find('=') != std::string::npos && pair.find('=') + 1 < pair.size()) answer.session_cookie = pair;
  }
  return answer;
}

ApiAnswer checked_answer(ApiAnswer answer) {
  if (answer.status >= 200 && answer.status < 300) return answer;
  nlohmann::json parsed = nlohmann::json::parse(answer.body, nullptr, false);
  std::string message;
  if (parsed.is_object() && parsed.contains("message") && parsed["message"].is_string()) {
    message = parsed["message"].get<std::string>();
  }
  if (answer.status == 401 && message.empty()) message = "Not signed in.";
  if (message.empty()) message = "The server refused the request (HTTP " + std::to_string(answer.status) + ").";
  const std::string code = parsed.is_object() && parsed.contains("error") && parsed["error"].is_string()
                               ? parsed["error"].get<std::string>()
                               : "";
  if (answer.status == 401 && code == "unauthenticated" && message.find("password") == std::string::npos) {
    message += " Sign in with `sealshot login`.";
  }
  throw CommandError(message);
}

ApiAnswer ReviewClient::get(const std::string& path) { return checked_answer(request("GET", path, nullptr)); }

ApiAnswer ReviewClient::send(const std::string& method, const std::string& path, const nlohmann::json& body) {
  return checked_answer(request(method, path, &body));
}

std::string path_segment(const std::string& text) {
  const bool plain =
      !text.empty() && text.size() <= 128 &&
      text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == std::string::npos;
  if (!plain) throw CommandError("'" + text + "' is not an id (letters, digits, '_' and '-').");
  return text;
}

}  // namespace sealshot::cli
