#include "http/connection_server.h"

#include <poll.h>
#include <sys/socket.h>

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
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd fd{sock, POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) break;
    const ssize_t n = ::recv(sock, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    drained += static_cast<std::uint64_t>(n);
  }
}

}  // namespace

template <class Base>
bool ConnectionServer<Base>::serve_one(httplib::Stream& strm, bool close_connection, bool& connection_closed,
                                       bool& linger, const std::string& remote_addr, int remote_port,
                                       const std::string& local_addr, int local_port,
                                       const std::function<void(httplib::Request&)>& setup) {
  reset_current_request();
  const bool ok = this->process_request(strm, remote_addr, remote_port, local_addr, local_port, close_connection,
                                        connection_closed, setup);
  const RequestContext& request = current_request();
  if (request.status != 0 && hooks_.on_request_done) hooks_.on_request_done(request);
  if (request.close_connection) {
    connection_closed = true;
    linger = true;
  }
  return ok;
}

template <class Base>
bool ConnectionServer<Base>::process_and_close_socket(socket_t sock) {
  std::string remote_addr, local_addr;
  int remote_port = 0, local_port = 0;
  httplib::detail::get_remote_ip_and_port(sock, remote_addr, remote_port);
  httplib::detail::get_local_ip_and_port(sock, local_addr, local_port);
  bool linger = false;
  bool ret = false;

  if constexpr (std::is_same_v<Base, httplib::SSLServer>) {
    SSL* ssl = httplib::detail::ssl_new(
        sock, this->ssl_context(), ssl_mutex_,
        [&](SSL* s) {
          return httplib::detail::ssl_connect_or_accept_nonblocking(sock, s, SSL_accept, this->read_timeout_sec_,
                                                                     this->read_timeout_usec_);
        },
        [](SSL*) { return true; });
    if (ssl == nullptr) {
      if (hooks_.on_tls_handshake_failed) hooks_.on_tls_handshake_failed();
    } else {
      ret = httplib::detail::process_server_socket_ssl(
          this->svr_sock_, ssl, sock, this->keep_alive_max_count_, this->keep_alive_timeout_sec_,
          this->read_timeout_sec_, this->read_timeout_usec_, this->write_timeout_sec_, this->write_timeout_usec_,
          [&](httplib::Stream& strm, bool close_connection, bool& connection_closed) {
            return serve_one(strm, close_connection, connection_closed, linger, remote_addr, remote_port,
                             local_addr, local_port, [&](httplib::Request& req) { req.ssl = ssl; });
          });
      if (linger) {
        // Send close_notify but do not wait for the client's: it may still
        // be sending a body we will not read.
        SSL_shutdown(ssl);
        std::lock_guard guard(ssl_mutex_);
        SSL_free(ssl);
      } else {
        httplib::detail::ssl_delete(ssl_mutex_, ssl, sock, ret);
      }
    }
  } else {
    ret = httplib::detail::process_server_socket(
        this->svr_sock_, sock, this->keep_alive_max_count_, this->keep_alive_timeout_sec_, this->read_timeout_sec_,
        this->read_timeout_usec_, this->write_timeout_sec_, this->write_timeout_usec_,
        [&](httplib::Stream& strm, bool close_connection, bool& connection_closed) {
          return serve_one(strm, close_connection, connection_closed, linger, remote_addr, remote_port, local_addr,
                           local_port, nullptr);
        });
  }

  if (linger) linger_before_close(sock, hooks_.linger_timeout, hooks_.linger_max_bytes);
  httplib::detail::shutdown_socket(sock);
  httplib::detail::close_socket(sock);
  return ret;
}

template class ConnectionServer<httplib::Server>;
template class ConnectionServer<httplib::SSLServer>;

}  // namespace sealshot::http
