// The cap on connections per client address (server/http/connection_limit.cpp),
// alone and in the server.
// In process: a real HTTPS server on an ephemeral loopback port, real SQLite
// storage in a temp dir (ServerTest: tests/server_support/server_fixture.h).
#include "http/connection_limit.h"

#include <gtest/gtest.h>

#include "http/client_address.h"
#include "server_support/server_fixture.h"

namespace sealshot::http {
namespace {

TEST_F(ServerTest, ConnectionsPerClientAddressAreCapped) {
  config_.limits.max_connections_per_ip = 2;
  config_.limits.connection_cap_exempts_loopback = false;  // 127.0.0.x stands in for two remote clients
  start();
  // Two connections from 127.0.0.1 in the middle of a request each.
  auto a = raw(), b = raw();
  ASSERT_TRUE(a->send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n"));
  ASSERT_TRUE(b->send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n"));
  ASSERT_TRUE(eventually([&] { return server_->http().queue_stats().busy_workers.load() == 2; }));
  // A third from the same address is closed before the handshake...
  std::string error;
  EXPECT_EQ(RawConnection::open(server_->port(), {.timeout = 2000ms}, &error), nullptr);
  // ...while another address is served.
  auto other = RawConnection::open(server_->port(), {.source_address = "127.0.0.2"}, &error);
  ASSERT_NE(other, nullptr) << error;
  ASSERT_TRUE(other->send("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  auto metrics = other->read_response();
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("sealshot_http_connections_refused_total 1"), std::string::npos);
  // Once the first two are done, 127.0.0.1 may connect again.
  ASSERT_TRUE(a->send("\r\n"));
  ASSERT_TRUE(b->send("\r\n"));
  EXPECT_EQ(a->read_response()->status, 200);
  EXPECT_EQ(b->read_response()->status, 200);
  a.reset();
  b.reset();
  EXPECT_TRUE(eventually([&] {
    auto again = RawConnection::open(server_->port(), {.timeout = 2000ms});
    return again && again->send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n") &&
           again->read_response().has_value();
  }));
}

TEST(ServerConnectionLimit, CountsPerAddressAndExemptsProxiesAndLoopback) {
  ClientAddressResolver proxies({"10.0.0.0/8"});
  ConnectionLimit limit(2, proxies, /*exempt_loopback=*/true);
  EXPECT_TRUE(limit.try_acquire("203.0.113.5"));
  EXPECT_TRUE(limit.try_acquire("203.0.113.5"));
  EXPECT_FALSE(limit.try_acquire("203.0.113.5"));
  EXPECT_TRUE(limit.try_acquire("203.0.113.6"));
  limit.release("203.0.113.5");
  EXPECT_TRUE(limit.try_acquire("203.0.113.5"));
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limit.try_acquire("10.1.2.3"));  // a trusted proxy
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limit.try_acquire("127.0.0.1"));
  ConnectionLimit off(0, proxies, true);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(off.try_acquire("203.0.113.5"));
}

}  // namespace
}  // namespace sealshot::http
