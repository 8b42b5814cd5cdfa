// The bounded worker pool (server/http/task_queue.cpp): a full pool answers
// 503 with Retry-After, not a reset.
// In process: a real HTTPS server on an ephemeral loopback port, real SQLite
// storage in a temp dir (ServerTest: tests/server_support/server_fixture.h).
#include <gtest/gtest.h>
#include <httplib.h>

#include "server_support/server_fixture.h"

namespace sealshot::http {
namespace {

// Slow uploads hold both workers and a silent connection fills the queue;
// the next client lands in the overflow pool and gets 503 + Retry-After
// (not a closed socket). Once the uploads finish, everything succeeds.
TEST_F(ServerTest, FullPoolAnswers503WithRetryAfter) {
  config_.limits.worker_threads = 2;
  config_.limits.queue_capacity = 1;
  start();
  const HttpServer& http = server_->http();
  const std::string envelope = as_text(seal(project_a_, keys_a_, 20000));
  const std::string head = request_head(project_a_.id, envelope.size());
  const std::size_t half = envelope.size() / 2;

  std::vector<std::unique_ptr<RawConnection>> uploads;
  for (int i = 0; i < 2; ++i) {
    uploads.push_back(raw());
    ASSERT_TRUE(uploads.back()->send(head + envelope.substr(0, half)));
  }
  ASSERT_TRUE(eventually([&] { return http.queue_stats().busy_workers.load() == 2; }));
  auto waiting = raw({.tls = false});  // accepted, queued, never speaks
  ASSERT_TRUE(eventually([&] { return http.queue_stats().queued.load() == 1; }));

  auto res = post(project_a_.id, envelope);
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(error_of(res->body), "overloaded");
  EXPECT_EQ(res->get_header_value("Retry-After"), "5");

  for (auto& upload : uploads) {
    ASSERT_TRUE(upload->send(envelope.substr(half)));
    auto done = upload->read_response();
    ASSERT_TRUE(done);
    EXPECT_EQ(done->status, 201) << done->body;
  }
  // The finished uploads stay open (keep-alive), yet give their workers to
  // the queued connection instead of idling on them.
  ASSERT_TRUE(eventually([&] { return http.queue_stats().queued.load() == 0; }, 1000ms));
  waiting.reset();
  ASSERT_TRUE(eventually([&] { return http.queue_stats().busy_workers.load() < 2; }));
  expect_good_request_succeeds();
  EXPECT_EQ(stored_count(project_a_), 3u);
}

}  // namespace
}  // namespace sealshot::http
