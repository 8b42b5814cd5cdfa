// The whole of cpp-httplib, not the split header the rest of the build uses
// (cmake/httplib.cmake): this file extends the server with its internal
// socket streams, which only the whole header declares. Included first, so
// the split header that connection_server.h names is skipped (same guard).
// Its inline copies of the library's functions are the same code as the
// compiled library's, which the linker keeps.
#include SEALSHOT_HTTPLIB_WHOLE_HEADER

#include "http/connection_server.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace sealshot::http {
namespace {

// Our side is shut for writing (the client sees the end of the response),
// then whatever the client is still sending is read and dropped until it
// closes, for at most the limits: closing with unread data would send a TCP
// reset, and a client still uploading might lose our answer with it.
void linger_before_close(socket_t sock, std::chrono::milliseconds timeout, std::uint64_t max_bytes) {
  ::shutdown(sock, SHUT_WR);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::uint64_t drained = 0;
  char buffer[16384];
  while (drained < max_bytes) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd fd{sock, POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) break;
    const ssize_t n = ::recv(sock, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    drained += static_cast<std::uint64_t>(n);
  }
}

// The stream one request is read from and answered on. It adds three rules
// to cpp-httplib's parsing, which reads through it:
//  - Reads fail once `deadline` has passed while the request line and
//    headers are still being read (the pre-routing handler marks them read;
//    the ingest handler keeps its own budget for the body). A read may still
//    wait out one socket read timeout past the deadline.
//  - A request line longer than kMaxRequestUriBytes is ended right there
//    (a CR LF of our own), so cpp-httplib answers its 414 to every long
//    line: on its own it answers 414 only up to 32 KiB and closes the
//    connection without a word beyond. The rest of the line is never
//    parsed as a request: the answer closes the connection (http_server.cpp).
//  - "100 Continue" is held back until the handler reads the body. An
//    answer given from the headers alone (413, 404, 429…) is then the only
//    answer, and a client that waits for the interim response never sends a
//    body the server would refuse (RFC 9110 10.1.1).
//  - Answers are written even to a client that has ended its sending side
//    (FIN after the request, as `nc -N` and some proxies do): cpp-httplib's
//    streams refuse to write once a peek reads the end of the stream, so
//    such a client's upload was stored but never acknowledged. Writing
//    fails only when the socket does (reset, timeout).
//  - Over TLS, reads go straight to SSL_read on the blocking socket, whose
//    receive timeout cpp-httplib set to the read timeout at accept.
//    cpp-httplib's SSLSocketStream polls the socket before every record it
//    decrypts, one more system call per 16 KiB of a report; and it asks
//    SSL_pending, which does not see records OpenSSL has read ahead
//    (tls_setup.cpp turns read-ahead on, so one read takes in every record
//    that has arrived).
class RequestStream final : public httplib::Stream {
 public:
  RequestStream(httplib::Stream& inner, SSL* ssl, std::chrono::milliseconds write_timeout,
                std::chrono::steady_clock::time_point deadline)
      : inner_(inner), ssl_(ssl), write_timeout_(write_timeout), deadline_(deadline) {}
  bool expired() const { return expired_; }

  bool is_readable() const override { return (ssl_ != nullptr && SSL_has_pending(ssl_) == 1) || inner_.is_readable(); }
  bool is_writable() const override { return wait_writable(); }
  ssize_t read(char* ptr, size_t size) override {
    const RequestContext& request = current_request();
    if (!request.headers_read && std::chrono::steady_clock::now() > deadline_) {
      expired_ = true;
      return -1;
    }
    if (size == 0) return 0;
    if (in_request_line_) return read_request_line(ptr, size);
    if (request.headers_read && continue_ == Continue::held) {
      continue_ = Continue::sent;
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      if (write_through(kContinue.data(), kContinue.size()) != static_cast<ssize_t>(kContinue.size())) return -1;
    }
    return read_through(ptr, size);
  }
  ssize_t write(const char* ptr, size_t size) override {
    const RequestContext& request = current_request();
    if (request.expects_continue && continue_ == Continue::none) continue_ = Continue::held;
    // cpp-httplib writes its "100 Continue" before routing: held back.
    if (continue_ == Continue::held && !request.headers_read) return static_cast<ssize_t>(size);
    if (continue_ == Continue::held) continue_ = Continue::not_needed;  // answered without reading the body
    return write_through(ptr, size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override { inner_.get_remote_ip_and_port(ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { inner_.get_local_ip_and_port(ip, port); }
  socket_t socket() const override { return inner_.socket(); }

 private:
  enum class Continue { none, held, sent, not_needed };

  // The socket takes bytes within the write timeout; the peer's FIN does
  // not count against it, a reset or a closed socket does.
  bool wait_writable() const {
    pollfd fd{inner_.socket(), POLLOUT, 0};
    int ready = 0;
    do {
      ready = ::poll(&fd, 1, static_cast<int>(write_timeout_.count()));
    } while (ready < 0 && errno == EINTR);
    return ready > 0 && (fd.revents & (POLLERR | POLLHUP | POLLNVAL)) == 0;
  }

  // One write of at most `size` bytes, as Stream::write promises (the
  // caller loops). The socket is blocking with SO_SNDTIMEO set by
  // cpp-httplib, so a send or SSL_write cannot hang past the write timeout,
  // and one to a reset or closed socket fails by itself: no poll first.
  ssize_t write_through(const char* ptr, size_t size) {
    if (size == 0) return 0;
    if (ssl_ != nullptr) {
      const int n = SSL_write(ssl_, ptr, static_cast<int>(std::min<size_t>(size, 1 << 30)));
      return n > 0 ? n : -1;
    }
    ssize_t n = 0;
    do {
      n = ::send(inner_.socket(), ptr, size, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
  }

  // One read of at most `size` bytes: 0 at the end of the stream, -1 on an
  // error or once the socket's receive timeout has passed with nothing read.
  ssize_t read_through(char* ptr, size_t size) {
    if (ssl_ == nullptr) return inner_.read(ptr, size);
    for (;;) {
      const int n = SSL_read(ssl_, ptr, static_cast<int>(std::min<size_t>(size, 1 << 30)));
      if (n > 0) return n;
      const int err = SSL_get_error(ssl_, n);
      if (err == SSL_ERROR_ZERO_RETURN) return 0;  // close_notify
      // A signal ended the wait early; EAGAIN is the receive timeout.
      if (err == SSL_ERROR_WANT_READ && errno == EINTR) continue;
      return -1;
    }
  }

  ssize_t read_request_line(char* ptr, size_t size) {
    if (line_bytes_ > kMaxRequestUriBytes) {
      *ptr = line_end_sent_ == 0 ? '\r' : '\n';
      if (++line_end_sent_ == 2) in_request_line_ = false;
      return 1;
    }
    const ssize_t n = read_through(ptr, std::min(size, kMaxRequestUriBytes + 1 - line_bytes_));
    if (n > 0) {
      line_bytes_ += static_cast<std::size_t>(n);
      if (std::memchr(ptr, '\n', static_cast<std::size_t>(n)) != nullptr) in_request_line_ = false;
    }
    return n;
  }

  httplib::Stream& inner_;
  SSL* const ssl_;  // null on the plain server
  const std::chrono::milliseconds write_timeout_;
  const std::chrono::steady_clock::time_point deadline_;
  bool expired_ = false;
  bool in_request_line_ = true;
  std::size_t line_bytes_ = 0;
  int line_end_sent_ = 0;
  Continue continue_ = Continue::none;
};

// SSL_accept on the (non-blocking) socket until done or `timeout` has passed
// in total: cpp-httplib's own loop allows a full read timeout per step, so a
// ClientHello sent a byte at a time would hold the worker for minutes.
bool accept_within(socket_t sock, SSL* ssl, std::chrono::seconds timeout, bool& timed_out) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const int res = SSL_accept(ssl);
    if (res == 1) return true;
    const int err = SSL_get_error(ssl, res);
    if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) return false;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      return false;
    }
    pollfd fd{sock, static_cast<short>(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT), 0};
    const int ready = ::poll(&fd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) return false;
  }
}

}  // namespace

template <class Base>
bool ConnectionServer<Base>::wait_for_request(socket_t sock, SSL* ssl, bool first) const {
  if (ssl != nullptr && SSL_has_pending(ssl) == 1) return true;  // already read into OpenSSL
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(this->keep_alive_timeout_sec_);
  for (;;) {
    // Readiness first: a request that arrived before shutdown is served
    // (that is the drain); only an idle connection ends on shutdown.
    pollfd fd{sock, POLLIN, 0};
    const int ready = ::poll(&fd, 1, 10);
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
    if (this->svr_sock_ == INVALID_SOCKET) return false;
    if (!first && hooks_.others_waiting && hooks_.others_waiting()) return false;
    if (std::chrono::steady_clock::now() > deadline) return false;
  }
}

template <class Base>
bool ConnectionServer<Base>::serve_connection(socket_t sock, SSL* ssl, const std::string& remote_addr, int remote_port,
                                              bool& linger) {
  std::string local_addr;
  int local_port = 0;
  httplib::detail::get_local_ip_and_port(sock, local_addr, local_port);
  std::function<void(httplib::Request&)> setup;
  if (ssl != nullptr) setup = [ssl](httplib::Request& req) { req.ssl = ssl; };

  bool ret = false;
  for (std::size_t served = 0; served < this->keep_alive_max_count_ && wait_for_request(sock, ssl, served == 0);
       ++served) {
    const bool close_connection = served + 1 == this->keep_alive_max_count_;
    bool connection_closed = false;
    std::unique_ptr<httplib::Stream> stream;
    if (ssl != nullptr) {
      stream = std::make_unique<httplib::detail::SSLSocketStream>(sock, ssl, this->read_timeout_sec_,
                                                                  this->read_timeout_usec_, this->write_timeout_sec_,
                                                                  this->write_timeout_usec_);
    } else {
      stream = std::make_unique<httplib::detail::SocketStream>(sock, this->read_timeout_sec_, this->read_timeout_usec_,
                                                               this->write_timeout_sec_, this->write_timeout_usec_);
    }
    reset_current_request();
    const auto write_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::seconds(this->write_timeout_sec_) + std::chrono::microseconds(this->write_timeout_usec_));
    RequestStream timed(*stream, ssl, write_timeout, std::chrono::steady_clock::now() + hooks_.header_timeout);
    ret = this->process_request(timed, remote_addr, remote_port, local_addr, local_port, close_connection,
                                connection_closed, setup);
    if (timed.expired()) {
      if (hooks_.on_slow_client) hooks_.on_slow_client(SlowPhase::headers);
      break;  // nothing was answered; the connection just closes
    }
    const RequestContext& request = current_request();
    if (request.status != 0 && hooks_.on_request_done) hooks_.on_request_done(request);
    if (request.close_connection) {
      linger = true;
      break;
    }
    if (!ret || connection_closed) break;
  }
  return ret;
}

template <class Base>
bool ConnectionServer<Base>::process_and_close_socket(socket_t sock) {
  std::string remote_addr;
  int remote_port = 0;
  httplib::detail::get_remote_ip_and_port(sock, remote_addr, remote_port);
  if (hooks_.admit && !hooks_.admit(remote_addr)) {
    // Too many connections from this address: closed before any work (no
    // handshake, no response), which is all an abusive client deserves.
    httplib::detail::close_socket(sock);
    return false;
  }
  struct Release {
    const ConnectionHooks& hooks;
    const std::string& peer;
    ~Release() {
      if (hooks.release) hooks.release(peer);
    }
  } release{hooks_, remote_addr};

  bool linger = false;
  bool ret = false;
  if constexpr (std::is_same_v<Base, httplib::SSLServer>) {
    bool timed_out = false;
    SSL* ssl = httplib::detail::ssl_new(
        sock, this->ssl_context(), ssl_mutex_,
        [&](SSL* s) { return accept_within(sock, s, hooks_.handshake_timeout, timed_out); }, [](SSL*) { return true; });
    if (ssl == nullptr) {
      if (timed_out && hooks_.on_slow_client) hooks_.on_slow_client(SlowPhase::handshake);
      if (!timed_out && hooks_.on_tls_handshake_failed) hooks_.on_tls_handshake_failed();
    } else {
      ret = serve_connection(sock, ssl, remote_addr, remote_port, linger);
      // Send close_notify once and do not wait for the client's (RFC 8446
      // 6.1 allows it): cpp-httplib's ssl_delete waits up to a second for
      // it, holding a worker for every client that never sends one, and a
      // client still sending a body we refused never will.
      if (ret || linger) SSL_shutdown(ssl);
      std::lock_guard guard(ssl_mutex_);
      SSL_free(ssl);
    }
  } else {
    ret = serve_connection(sock, nullptr, remote_addr, remote_port, linger);
  }

  if (linger) linger_before_close(sock, hooks_.linger_timeout, hooks_.linger_max_bytes);
  httplib::detail::shutdown_socket(sock);
  httplib::detail::close_socket(sock);
  return ret;
}

template class ConnectionServer<httplib::Server>;
template class ConnectionServer<httplib::SSLServer>;

}  // namespace sealshot::http
