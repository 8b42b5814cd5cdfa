// Slow clients on a connection (server/http/connection_server.cpp): header and
// handshake deadlines.
// In process: a real HTTPS server on an ephemeral loopback port, real SQLite
// storage in a temp dir (ServerTest: tests/server_support/server_fixture.h).
#include <gtest/gtest.h>

#include "server_support/server_fixture.h"

namespace sealshot::http {
namespace {

// Slowloris: bytes that each arrive within the socket read timeout must
// still not hold a worker past the wall-clock deadlines.
TEST_F(ServerTest, SlowHeadersAndSlowHandshakesAreCutOff) {
  config_.limits.read_timeout = 1s;
  config_.limits.header_timeout = 2s;
  config_.limits.handshake_timeout = 2s;
  start();
  // Trickles `bytes` one at a time every 200 ms; returns how long until the
  // server closed the connection, or 0 when it never did within 10 s.
  auto trickle_until_closed = [](RawConnection& conn, const std::string& bytes, bool raw_socket) {
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; std::chrono::steady_clock::now() - t0 < 10s; ++i) {
      const char byte = bytes[i % bytes.size()];
      const bool sent = raw_socket ? ::send(conn.fd(), &byte, 1, MSG_NOSIGNAL) == 1 : conn.send({&byte, 1});
      if (!sent || conn.wait_closed())
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    return 0.0;
  };

  // Headers, over TLS: a request line, then a header that never ends.
  auto slow_headers = raw({.timeout = 200ms});
  ASSERT_TRUE(slow_headers->send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: "));
  const double headers_closed = trickle_until_closed(*slow_headers, "a", false);
  EXPECT_GT(headers_closed, 1.0);
  EXPECT_LT(headers_closed, 4.5) << "header_timeout 2 s + one read timeout";

  // The handshake: a real ClientHello, sent a byte at a time.
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL* hello_maker = SSL_new(ctx);
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_bio(hello_maker, in, out);
  SSL_set_connect_state(hello_maker);
  (void)SSL_do_handshake(hello_maker);  // wants the server's answer; the ClientHello is in `out`
  char* data = nullptr;
  const long length = BIO_get_mem_data(out, &data);
  ASSERT_GT(length, 100);
  const std::string client_hello(data, std::size_t(length));
  SSL_free(hello_maker);
  SSL_CTX_free(ctx);
  auto slow_handshake = raw({.tls = false, .timeout = 200ms});
  const double handshake_closed = trickle_until_closed(*slow_handshake, client_hello, true);
  EXPECT_GT(handshake_closed, 1.0);
  EXPECT_LT(handshake_closed, 4.0) << "handshake_timeout 2 s";

  auto metrics = client()->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("sealshot_http_slow_clients_total{phase=\"headers\"} 1"), std::string::npos);
  EXPECT_NE(metrics->body.find("sealshot_http_slow_clients_total{phase=\"handshake\"} 1"), std::string::npos);
  expect_good_request_succeeds();
}

}  // namespace
}  // namespace sealshot::http
