// A deliberately low-level HTTPS client for the server tests: it sends
// exactly the bytes it is given (no Content-Length of its own, chunked or
// cut-off bodies, stalls) and can pin the TLS protocol range, which
// httplib::SSLClient cannot. Loopback only; every wait has a timeout.
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sealshot::test {

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
};

class RawConnection {
 public:
  struct Options {
    bool tls = true;
    int min_version = 0;  // 0: OpenSSL's default
    int max_version = 0;
    int security_level = -1;  // -1: OpenSSL's default; 0 lets an old protocol be offered at all
    std::chrono::milliseconds timeout{5000};
    std::string source_address{};    // bind to this loopback address first (e.g. 127.0.0.2); empty: any
    std::string host = "127.0.0.1";  // or "::1"
    std::string cipher_list{};       // TLS 1.2 suites the client offers (OpenSSL names); empty: OpenSSL's default
  };

  // TCP connect to host:port (loopback), then (with tls) the handshake, with no
  // certificate check: these tests look at HTTP behaviour; the httplib
  // client tests verify the certificate.
  static std::unique_ptr<RawConnection> open(int port, const Options& options, std::string* error = nullptr,
                                             unsigned long* ssl_error = nullptr);
  ~RawConnection();

  bool send(std::string_view bytes);
  // One response (Content-Length framed), or nullopt on timeout/close.
  std::optional<RawResponse> read_response();
  // Ends our sending direction (TCP FIN, no TLS close_notify) and keeps
  // reading: a half-closed client, as `nc -N` or some proxies are.
  bool shutdown_write();
  // True if the server closed the connection (EOF) within the timeout.
  bool wait_closed();
  int fd() const { return fd_; }

 private:
  RawConnection() = default;
  int read_some(char* buffer, int size);

  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::chrono::milliseconds timeout_{5000};
  std::string pending_;
};

}  // namespace sealshot::test
