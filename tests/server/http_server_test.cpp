// The server's pre-routing and limits (server/http/http_server.cpp): health,
// readiness and metrics, unknown routes, 411, header limits, draining on
// shutdown.
// In process: a real HTTPS server on an ephemeral loopback port, real SQLite
// storage in a temp dir (ServerTest: tests/server_support/server_fixture.h).
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include "server_support/server_fixture.h"

namespace sealshot::http {
namespace {

TEST_F(ServerTest, HealthReadinessAndMetrics) {
  start();
  auto health = client()->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto ready = client()->Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);

  faulty_->ping_fails = true;
  ready = client()->Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  EXPECT_EQ(error_of(ready->body), "storage_unavailable");
  faulty_->ping_fails = false;

  expect_good_request_succeeds();
  auto metrics = client()->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("sealshot_http_requests_total{route=\"ingest\",status=\"201\"} 1"), std::string::npos);
  EXPECT_NE(metrics->body.find("sealshot_http_requests_total{route=\"readyz\",status=\"503\"} 1"), std::string::npos);
  EXPECT_NE(metrics->body.find("sealshot_http_request_duration_seconds_bucket{route=\"ingest\",le=\"+Inf\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics->body.find("sealshot_http_queue_depth"), std::string::npos);
  EXPECT_NE(metrics->body.find("sealshot_http_in_flight"), std::string::npos);
  EXPECT_NE(metrics->body.find("sealshot_storage_errors_total 1"), std::string::npos);  // the failed ping
}

TEST_F(ServerTest, UnknownProjectsRoutesAndMethods) {
  start();
  const std::string envelope = as_text(seal(project_a_, keys_a_));
  auto res = post("prj_aaaaaaaaaaaaaaaaaaaaaaaaaa", envelope);  // well formed, unknown
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(error_of(res->body), "project_not_found");
  res = post(std::string(70, 'p'), envelope);  // malformed: refused without a lookup
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(error_of(res->body), "project_not_found");
  expect_good_request_succeeds();

  auto get = client()->Get("/v1/projects/" + project_a_.id + "/submissions");  // no route reads reports
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 405);
  EXPECT_EQ(error_of(get->body), "method_not_allowed");
  EXPECT_NE(get->get_header_value("Allow").find("POST"), std::string::npos);
  auto del = client()->Delete("/healthz");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 405);
  auto missing = client()->Get("/v1/projects/" + project_a_.id + "/submissions/sub_x");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(error_of(missing->body), "not_found");
  expect_good_request_succeeds();
}

TEST_F(ServerTest, ChunkedAndLengthlessBodiesAreRefusedWith411) {
  start();
  const std::string envelope = as_text(seal(project_a_, keys_a_));
  auto res = client()->Post(
      ingest_path(project_a_.id),
      [&](std::size_t offset, httplib::DataSink& sink) {
        if (offset < envelope.size()) {
          sink.write(envelope.data() + offset, envelope.size() - offset);
        } else {
          sink.done();
        }
        return true;
      },
      "application/octet-stream");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 411);
  EXPECT_EQ(error_of(res->body), "length_required");
  expect_good_request_succeeds();

  auto conn = raw();
  ASSERT_TRUE(conn->send("POST " + ingest_path(project_a_.id) +
                         " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n\r\n" + envelope));
  auto raw_res = conn->read_response();
  ASSERT_TRUE(raw_res);
  EXPECT_EQ(raw_res->status, 411);
  expect_good_request_succeeds();
}

TEST_F(ServerTest, RequestInFlightDuringShutdownCompletes) {
  start();
  const std::string envelope = as_text(seal(project_a_, keys_a_, 20000));
  auto upload = raw();
  ASSERT_TRUE(upload->send(request_head(project_a_.id, envelope.size()) + envelope.substr(0, 1000)));
  ASSERT_TRUE(eventually([&] { return server_->http().queue_stats().busy_workers.load() == 1; }));

  server_->http().shutdown();  // what SIGTERM does: stop accepting, drain
  std::string error;
  EXPECT_EQ(RawConnection::open(server_->port(), {}, &error), nullptr);  // no longer accepting

  ASSERT_TRUE(upload->send(envelope.substr(1000)));
  auto res = upload->read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201) << res->body;
  server_->stop();
  EXPECT_TRUE(server_->served_cleanly());
  EXPECT_EQ(stored_count(project_a_), 1u);
}

TEST_F(ServerTest, HeaderCountAndSizeLimits) {
  start();
  std::string many = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n";
  for (std::size_t i = 0; i < kMaxHeaderCount + 5; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  auto conn = raw();
  ASSERT_TRUE(conn->send(many + "\r\n"));
  auto res = conn->read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(error_of(res->body), "bad_request");

  conn = raw();
  ASSERT_TRUE(conn->send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: " + std::string(kMaxHeaderLineBytes, 'a') +
                         "\r\n\r\n"));
  res = conn->read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  expect_good_request_succeeds();
}

}  // namespace
}  // namespace sealshot::http
