// Token buckets per client and per project (server/http/rate_limiter.cpp), alone
// and as the server's 429.
// In process: a real HTTPS server on an ephemeral loopback port, real SQLite
// storage in a temp dir (ServerTest: tests/server_support/server_fixture.h).
#include "http/rate_limiter.h"

#include <gtest/gtest.h>

#include "server_support/server_fixture.h"

namespace sealshot::http {
namespace {

TEST(ServerRateLimiter, TokenBucketRefillsAndSaysWhenToRetry) {
  TokenBucketLimiter limiter(60, 2, 2);  // one token per second, burst 2, two keys
  const auto t0 = TokenBucketLimiter::Clock::now();
  EXPECT_TRUE(limiter.take("a", t0).allowed);
  EXPECT_TRUE(limiter.take("a", t0).allowed);
  RateDecision refused = limiter.take("a", t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 1);
  EXPECT_TRUE(limiter.take("a", t0 + 1100ms).allowed);
  // The map is bounded: a third key is refused while both buckets are in
  // use, accepted once a full bucket can be dropped.
  EXPECT_TRUE(limiter.take("b", t0 + 1100ms).allowed);
  EXPECT_FALSE(limiter.take("c", t0 + 1200ms).allowed);
  EXPECT_TRUE(limiter.take("c", t0 + 10s).allowed);
  EXPECT_LE(limiter.tracked_keys(), 2u);
  EXPECT_TRUE(TokenBucketLimiter(0, 1, 1).take("x").allowed);  // rate 0: off
}

TEST_F(ServerTest, RateLimitsAnswer429WithRetryAfter) {
  config_.rate_limits.per_ip_per_minute = 1;
  config_.rate_limits.per_ip_burst = 2;
  start();
  for (int i = 0; i < 2; ++i) expect_good_request_succeeds();
  auto res = post(project_a_.id, as_text(seal(project_a_, keys_a_)));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(error_of(res->body), "rate_limited");
  EXPECT_GE(std::stoi(res->get_header_value("Retry-After", "0")), 1);
  auto health = client()->Get("/healthz");  // the server still serves
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);

  // Per project: project A is limited, project B is not.
  server_.reset();
  config_.rate_limits.per_ip_per_minute = 0;
  config_.rate_limits.per_project_per_minute = 1;
  config_.rate_limits.per_project_burst = 1;
  start();
  expect_good_request_succeeds();
  res = post(project_a_.id, as_text(seal(project_a_, keys_a_)));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429);
  EXPECT_GE(std::stoi(res->get_header_value("Retry-After", "0")), 1);
  auto other = post(project_b_.id, as_text(seal(project_b_, keys_b_)));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 201) << other->body;
}

}  // namespace
}  // namespace sealshot::http
