#include "server_support/raw_tls_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace sealshot::test {

std::unique_ptr<RawConnection> RawConnection::open(int port, const Options& options, std::string* error,
                                                   unsigned long* ssl_error) {
  std::unique_ptr<RawConnection> c(new RawConnection());
  c->timeout_ = options.timeout;
  const bool v6 = options.host.find(':') != std::string::npos;
  c->fd_ = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{static_cast<time_t>(options.timeout.count() / 1000),
             static_cast<suseconds_t>((options.timeout.count() % 1000) * 1000)};
  setsockopt(c->fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(c->fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  setsockopt(c->fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (!options.source_address.empty()) {
    sockaddr_in source{};
    source.sin_family = AF_INET;
    if (v6 || ::inet_pton(AF_INET, options.source_address.c_str(), &source.sin_addr) != 1 ||
        ::bind(c->fd_, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0) {
      if (error) *error = "bind " + options.source_address + ": " + std::strerror(errno);
      return nullptr;
    }
  }
  sockaddr_storage address{};
  socklen_t address_size = 0;
  if (v6) {
    auto& a = reinterpret_cast<sockaddr_in6&>(address);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET6, options.host.c_str(), &a.sin6_addr);
    address_size = sizeof a;
  } else {
    auto& a = reinterpret_cast<sockaddr_in&>(address);
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, options.host.c_str(), &a.sin_addr);
    address_size = sizeof a;
  }
  if (::connect(c->fd_, reinterpret_cast<sockaddr*>(&address), address_size) != 0) {
    if (error) *error = std::string("connect: ") + std::strerror(errno);
    return nullptr;
  }
  if (!options.tls) return c;

  c->ctx_ = SSL_CTX_new(TLS_client_method());
  if (options.security_level >= 0) SSL_CTX_set_security_level(c->ctx_, options.security_level);
  if (options.min_version) SSL_CTX_set_min_proto_version(c->ctx_, options.min_version);
  if (options.max_version) SSL_CTX_set_max_proto_version(c->ctx_, options.max_version);
  if (!options.cipher_list.empty() && SSL_CTX_set_cipher_list(c->ctx_, options.cipher_list.c_str()) != 1) {
    if (error) *error = "cipher list " + options.cipher_list + " not known to OpenSSL";
    return nullptr;
  }
  c->ssl_ = SSL_new(c->ctx_);
  SSL_set_fd(c->ssl_, c->fd_);
  SSL_set_tlsext_host_name(c->ssl_, "localhost");
  ERR_clear_error();
  if (SSL_connect(c->ssl_) != 1) {
    const unsigned long code = ERR_peek_error();
    if (ssl_error) *ssl_error = code;
    if (error) {
      char text[256];
      ERR_error_string_n(code, text, sizeof text);
      *error = text;
    }
    ERR_clear_error();
    return nullptr;
  }
  return c;
}

RawConnection::~RawConnection() {
  if (ssl_) SSL_free(ssl_);
  if (ctx_) SSL_CTX_free(ctx_);
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::shutdown_write() { return ::shutdown(fd_, SHUT_WR) == 0; }

bool RawConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const int chunk = static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 20));
    const int n =
        ssl_ ? SSL_write(ssl_, bytes.data(), chunk) : static_cast<int>(::send(fd_, bytes.data(), chunk, MSG_NOSIGNAL));
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

int RawConnection::read_some(char* buffer, int size) {
  if (ssl_) return SSL_read(ssl_, buffer, size);
  return static_cast<int>(::recv(fd_, buffer, static_cast<std::size_t>(size), 0));
}

std::optional<RawResponse> RawConnection::read_response() {
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  char buffer[16384];
  std::size_t header_end;
  while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    const int n = read_some(buffer, sizeof buffer);
    if (n <= 0) return std::nullopt;
    pending_.append(buffer, static_cast<std::size_t>(n));
  }
  RawResponse response;
  const std::string head = pending_.substr(0, header_end);
  pending_.erase(0, header_end + 4);
  std::size_t line_end = head.find("\r\n");
  const std::string status_line = head.substr(0, line_end);
  if (status_line.size() < 12) return std::nullopt;
  response.status = std::stoi(status_line.substr(9, 3));
  while (line_end != std::string::npos) {
    const std::size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
    response.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
  }
  const std::size_t length =
      response.headers.count("content-length") ? std::stoul(response.headers["content-length"]) : 0;
  while (pending_.size() < length) {
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    const int n = read_some(buffer, sizeof buffer);
    if (n <= 0) return std::nullopt;
    pending_.append(buffer, static_cast<std::size_t>(n));
  }
  response.body = pending_.substr(0, length);
  pending_.erase(0, length);
  return response;
}

bool RawConnection::wait_closed() {
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  char buffer[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd fd{fd_, POLLIN, 0};
    if (::poll(&fd, 1, 50) <= 0) continue;
    const int n = read_some(buffer, sizeof buffer);
    if (n > 0) continue;
    // Readable but no application data (a TLS 1.3 session ticket): still open.
    if (ssl_ && SSL_get_error(ssl_, n) == SSL_ERROR_WANT_READ) continue;
    return true;
  }
  return false;
}

}  // namespace sealshot::test
