// The JSON log (server/http/logging.cpp): no addresses, no request data.
// In process: a real HTTPS server on an ephemeral loopback port, real SQLite
// storage in a temp dir (ServerTest: tests/server_support/server_fixture.h).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "server_support/server_fixture.h"

namespace sealshot::http {
namespace {

TEST_F(ServerTest, LogLinesAreJsonWithoutAddressesOrRequestData) {
  config_.trusted_proxies = {"127.0.0.1"};
  start();
  const std::string envelope = as_text(seal(project_a_, keys_a_));
  auto res = post(project_a_.id, envelope,
                  {{"Origin", "https://shop.example"},
                   {"X-Forwarded-For", "198.51.100.23"},
                   {"User-Agent", "SecretAgent/1.0"},
                   {"Referer", "https://shop.example/account?email=a@b.example"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201);
  auto refused = post(project_a_.id, envelope, {{"Origin", "https://evil.example"}});
  ASSERT_TRUE(refused);
  server_.reset();  // flushes; no thread writes any more

  const std::string text = log_lines_.str();
  for (const char* secret :
       {"127.0.0.1", "198.51.100.23", "SecretAgent", "a@b.example", "evil.example", "shop.example"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " leaked into the log";
  }
  std::istringstream lines(text);
  std::string line;
  int requests = 0;
  while (std::getline(lines, line)) {
    auto json = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(json.is_object()) << line;
    EXPECT_TRUE(json.contains("time") && json.contains("level") && json.contains("event")) << line;
    if (json["event"] == "request" && json["route"] == "ingest") {
      ++requests;
      EXPECT_TRUE(json.contains("status") && json.contains("duration_ms") && json.contains("bytes")) << line;
      EXPECT_EQ(json["project"], project_a_.id);
      EXPECT_EQ(json["client"].get<std::string>().size(), 16u);
    }
  }
  EXPECT_EQ(requests, 2);
}

}  // namespace
}  // namespace sealshot::http
