// CORS on the public ingest route only (server/http/cors.cpp).
// In process: a real HTTPS server on an ephemeral loopback port, real SQLite
// storage in a temp dir (ServerTest: tests/server_support/server_fixture.h).
#include <gtest/gtest.h>
#include <httplib.h>

#include "server_support/server_fixture.h"

namespace sealshot::http {
namespace {

TEST_F(ServerTest, CorsPreflightAndOriginAllowlist) {
  start();
  httplib::Headers preflight = {{"Origin", "https://shop.example"},
                                {"Access-Control-Request-Method", "POST"},
                                {"Access-Control-Request-Headers", "content-type, idempotency-key"}};
  auto ok = client()->Options(ingest_path(project_a_.id), preflight);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 204);
  EXPECT_EQ(ok->get_header_value("Access-Control-Allow-Origin"), "https://shop.example");
  EXPECT_NE(ok->get_header_value("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_NE(ok->get_header_value("Access-Control-Allow-Headers").find("Idempotency-Key"), std::string::npos);
  EXPECT_NE(ok->get_header_value("Access-Control-Allow-Headers").find("Content-Type"), std::string::npos);
  EXPECT_EQ(ok->get_header_value("Access-Control-Max-Age"), "600");
  EXPECT_EQ(ok->get_header_value("Vary"), "Origin");
  EXPECT_FALSE(ok->has_header("Access-Control-Allow-Credentials"));

  for (const char* origin : {"https://evil.example", "https://shop.example.evil.example", "null",
                             "https://SHOP.example", "https://shop.example:443/"}) {
    SCOPED_TRACE(origin);
    httplib::Headers refused = preflight;
    refused.erase("Origin");
    refused.emplace("Origin", origin);
    auto no = client()->Options(ingest_path(project_a_.id), refused);
    ASSERT_TRUE(no);
    EXPECT_EQ(no->status, 403);
    EXPECT_EQ(error_of(no->body), "origin_not_allowed");
    EXPECT_FALSE(no->has_header("Access-Control-Allow-Origin"));
  }

  const std::string envelope = as_text(seal(project_a_, keys_a_));
  auto allowed = post(project_a_.id, envelope, {{"Origin", "https://shop.example"}});
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, 201);
  EXPECT_EQ(allowed->get_header_value("Access-Control-Allow-Origin"), "https://shop.example");
  EXPECT_FALSE(allowed->has_header("Access-Control-Allow-Credentials"));
  auto refused = post(project_a_.id, envelope, {{"Origin", "https://evil.example"}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(error_of(refused->body), "origin_not_allowed");
  EXPECT_FALSE(refused->has_header("Access-Control-Allow-Origin"));
  auto health = client()->Options("/healthz");  // CORS only on the ingest route
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 405);
  expect_good_request_succeeds();
}

}  // namespace
}  // namespace sealshot::http
