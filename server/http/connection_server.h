// cpp-httplib's Server / SSLServer with one change: the per-connection loop.
// cpp-httplib offers handlers no way to close a connection, yet a refusal
// sent before the request body was read must close it (the unread body
// would be parsed as the next request). So this class owns the loop that
// cpp-httplib's process_and_close_socket runs, built from the same
// httplib::detail pieces (pinned version 0.18.7), and adds:
//  - the per-request context (request_context.h): reset before each request,
//    reported to `on_request_done` (logs, metrics) after the response;
//  - close after a response marked with close_connection_after(), with a
//    bounded lingering close so the client reads the answer, not a reset;
//  - a keep-alive wait that yields the worker when a queued connection has
//    no idle worker to take it (an idle keep-alive connection would otherwise
//    hold a worker for the whole keep-alive timeout while new clients wait)
//    and that sees
//    requests already buffered inside OpenSSL (cpp-httplib's own wait only
//    polls the socket, so a pipelined request over TLS stalls);
//  - a count of failed TLS handshakes;
//  - wall-clock deadlines for the TLS handshake and for a request's line and
//    headers (slow clients), and a cap on connections per client;
//  - a 414 for a request line of any length, and "100 Continue" sent only
//    when the body is read (RequestStream in the .cpp).
#pragma once

#include <httplib.h>

#include <functional>
#include <mutex>
#include <utility>

#include "http/limits.h"
#include "http/request_context.h"

namespace sealshot::http {

enum class SlowPhase { handshake, headers };

struct ConnectionHooks {
  std::function<void(const RequestContext&)> on_request_done;
  std::function<void()> on_tls_handshake_failed;
  std::function<bool()> others_waiting;  // true: a queued connection has no idle worker; close idle keep-alives
  // A connection from this peer address opens / closes; false from admit:
  // close it at once (ConnectionLimit).
  std::function<bool(const std::string&)> admit;
  std::function<void(const std::string&)> release;
  std::function<void(SlowPhase)> on_slow_client;  // a deadline below ran out
  std::chrono::milliseconds linger_timeout{2000};
  std::uint64_t linger_max_bytes = 0;
  std::chrono::seconds handshake_timeout{10};
  std::chrono::seconds header_timeout{10};
};

template <class Base>  // httplib::Server or httplib::SSLServer
class ConnectionServer final : public Base {
 public:
  template <class... BaseArgs>
  explicit ConnectionServer(ConnectionHooks hooks, BaseArgs&&... args)
      : Base(std::forward<BaseArgs>(args)...), hooks_(std::move(hooks)) {}

 private:
  bool process_and_close_socket(socket_t sock) override;
  // The keep-alive loop for one connection (cpp-httplib's
  // process_server_socket_core, with our wait and close rules).
  bool serve_connection(socket_t sock, SSL* ssl, const std::string& remote_addr, int remote_port, bool& linger);
  bool wait_for_request(socket_t sock, SSL* ssl, bool first) const;

  ConnectionHooks hooks_;
  std::mutex ssl_mutex_;  // SSLServer's own is private; guards SSL_new/SSL_free as it does
};

using PlainServer = ConnectionServer<httplib::Server>;
using TlsServer = ConnectionServer<httplib::SSLServer>;

}  // namespace sealshot::http
