// The envelope upload (server/http/ingest_service.cpp, handlers.cpp): header
// checks, bodies, quotas, the disk floor, idempotent retries, durability.
// In process: a real HTTPS server on an ephemeral loopback port, real SQLite
// storage in a temp dir (ServerTest: tests/server_support/server_fixture.h).
#include "http/ingest_service.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "envelope.h"
#include "server_support/server_fixture.h"

namespace sealshot::http {
namespace {

TEST(ServerIngest, IdempotencyKeyFormat) {
  EXPECT_TRUE(server::idempotency_key_is_valid("a"));
  EXPECT_TRUE(server::idempotency_key_is_valid("retry:2024-01-01T00.00_x-y"));
  EXPECT_TRUE(server::idempotency_key_is_valid(std::string(128, 'k')));
  EXPECT_FALSE(server::idempotency_key_is_valid(""));
  EXPECT_FALSE(server::idempotency_key_is_valid(std::string(129, 'k')));
  EXPECT_FALSE(server::idempotency_key_is_valid("has space"));
  EXPECT_FALSE(server::idempotency_key_is_valid("crlf\r\nX-Injected: 1"));
}

TEST_F(ServerTest, AcceptedEnvelopeIsDurableAndSurvivesARestart) {
  start();
  const std::vector<std::uint8_t> envelope = seal(project_a_, keys_a_, 200000);
  auto res = post(project_a_.id, as_text(envelope));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  const std::string id = nlohmann::json::parse(res->body)["id"];
  EXPECT_EQ(id.rfind("sub_", 0), 0u);

  // Stop the server and close the storage, then reopen both on the same
  // data directory: the envelope is there, byte for byte.
  server_.reset();
  faulty_.reset();
  storage_.reset();
  open_storage();
  auto stored = storage_->read_envelope(project_a_.id, id);
  ASSERT_TRUE(stored.ok()) << stored.message();
  EXPECT_EQ(stored.value(), envelope);
  EXPECT_EQ(stored_count(project_a_), 1u);

  start();
  expect_good_request_succeeds();
  EXPECT_EQ(stored_count(project_a_), 2u);
}

TEST_F(ServerTest, EachEnvelopeHeaderCheckIsRefusedWithItsOwnCode) {
  start();
  struct Case {
    const char* name;
    std::function<std::vector<std::uint8_t>()> body;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"magic",
       [&] {
         auto e = seal(project_a_, keys_a_);
         e[0] = 'X';
         return e;
       },
       "envelope_bad_magic"},
      {"version",
       [&] {
         auto e = seal(project_a_, keys_a_);
         e[8] = 2;
         return e;
       },
       "envelope_bad_version"},
      {"flags",
       [&] {
         auto e = seal(project_a_, keys_a_);
         e[9] = 1;
         return e;
       },
       "envelope_bad_header"},
      {"chunk size",
       [&] {
         auto e = seal(project_a_, keys_a_);
         e[12] = 3;
         return e;
       },
       "envelope_bad_header"},
      // Payload size edited: the header now describes another length than
      // the Content-Length (envelope_check_declared_length).
      {"declared size",
       [&] {
         auto e = seal(project_a_, keys_a_);
         e[16] ^= 1;
         return e;
       },
       "envelope_size_mismatch"},
      {"cut in the header",
       [&] {
         auto e = seal(project_a_, keys_a_);
         e.resize(40);
         return e;
       },
       "envelope_truncated"},
      {"empty", [&] { return std::vector<std::uint8_t>{}; }, "envelope_truncated"},
      // A blob sealed for project B posted to project A's URL.
      {"other project", [&] { return seal(project_b_, keys_b_); }, "envelope_wrong_project"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto res = post(project_a_.id, as_text(c.body()));
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 400);
    EXPECT_EQ(error_of(res->body), c.code);
    expect_good_request_succeeds();
  }
  EXPECT_EQ(stored_count(project_a_), cases.size());  // only the good ones
  EXPECT_EQ(stored_count(project_b_), 0u);
}

TEST_F(ServerTest, BodyShorterOrLongerThanContentLengthIsRefused) {
  config_.limits.read_timeout = 1s;
  start();
  const std::string envelope = as_text(seal(project_a_, keys_a_, 20000));

  // Ends early: half the body, then silence until the server's read timeout.
  auto conn = raw();
  ASSERT_TRUE(conn->send(request_head(project_a_.id, envelope.size()) + envelope.substr(0, envelope.size() / 2)));
  auto res = conn->read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(error_of(res->body), "envelope_truncated");
  EXPECT_EQ(res->headers["connection"], "close");
  expect_good_request_succeeds();

  // Content-Length larger or smaller than the envelope: refused from the
  // header, before the body is read.
  for (const long delta : {10L, -10L}) {
    SCOPED_TRACE(delta);
    conn = raw();
    const std::string body = delta > 0 ? envelope + std::string(10, 'x') : envelope.substr(0, envelope.size() - 10);
    ASSERT_TRUE(conn->send(request_head(project_a_.id, body.size()) + body));
    res = conn->read_response();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400);
    EXPECT_EQ(error_of(res->body), "envelope_size_mismatch");
    expect_good_request_succeeds();
  }

  // Bytes after a complete body are not part of it: they are the next
  // request on the connection, and garbage there gets a JSON 400.
  conn = raw();
  ASSERT_TRUE(conn->send(request_head(project_a_.id, envelope.size()) + envelope + "GARBAGE\r\n\r\n"));
  res = conn->read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201);
  res = conn->read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(error_of(res->body), "bad_request");
  expect_good_request_succeeds();
}

TEST_F(ServerTest, BodyOverTheProjectLimitIsRefusedFromContentLength) {
  const server::Project small = create_project("Small", keys_a_, 2048);
  start();
  auto res = post(small.id, as_text(seal(small, keys_a_, 4000)));
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(error_of(res->body), "body_too_large");
  auto fits = post(small.id, as_text(seal(small, keys_a_, 1000)));
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->status, 201) << fits->body;

  // 10 GB announced, nothing sent: the answer comes at once, from the header.
  auto conn = raw();
  ASSERT_TRUE(conn->send(request_head(project_a_.id, 10'000'000'000ULL)));
  auto raw_res = conn->read_response();
  ASSERT_TRUE(raw_res);
  EXPECT_EQ(raw_res->status, 413);
  EXPECT_TRUE(conn->wait_closed());
  expect_good_request_succeeds();

  // Bodies on routes that take none are refused before anything buffers them.
  auto conn2 = raw();
  ASSERT_TRUE(conn2->send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000000\r\n\r\n"));
  raw_res = conn2->read_response();
  ASSERT_TRUE(raw_res);
  EXPECT_EQ(raw_res->status, 413);
  EXPECT_EQ(error_of(raw_res->body), "body_not_allowed");
  expect_good_request_succeeds();
}

TEST_F(ServerTest, WrongContentTypeIs415) {
  start();
  auto res = post(project_a_.id, as_text(seal(project_a_, keys_a_)), {}, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 415);
  EXPECT_EQ(error_of(res->body), "unsupported_media_type");
  expect_good_request_succeeds();
}

TEST_F(ServerTest, DiskFullIs507AndNothingIsStored) {
  start();
  faulty_->write_fault = ErrorCode::storage_full;
  auto res = post(project_a_.id, as_text(seal(project_a_, keys_a_, 50000)));
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 507);
  EXPECT_EQ(error_of(res->body), "storage_full");
  faulty_->write_fault = ErrorCode::ok;
  EXPECT_EQ(stored_count(project_a_), 0u);
  expect_good_request_succeeds();
  auto metrics = client()->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("sealshot_storage_errors_total 1"), std::string::npos);
}

// Valid reports sent in bulk: anyone can make them (the project id and public
// key are public). Quotas refuse them from the headers alone, before a byte
// of the body is read, with a JSON 429 (daily) or 507 (stored).
TEST_F(ServerTest, ProjectQuotasRefuseFromTheHeaders) {
  server::ProjectQuotas quotas;
  quotas.daily_submissions = 2;
  ASSERT_TRUE(storage_->set_project_quotas(project_a_.id, quotas).ok());
  start();
  for (int i = 0; i < 2; ++i) expect_good_request_succeeds();
  auto res = post(project_a_.id, as_text(seal(project_a_, keys_a_)));
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(error_of(res->body), "daily_submission_quota_exceeded");
  const int retry_after = std::stoi(res->get_header_value("Retry-After", "0"));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 86'400);  // the next UTC midnight
  EXPECT_EQ(stored_count(project_a_), 2u);
  // Another project is not affected.
  auto other = post(project_b_.id, as_text(seal(project_b_, keys_b_)));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 201) << other->body;

  // The answer comes from the headers: a body never sent is not waited for.
  auto conn = raw();
  ASSERT_TRUE(conn->send(request_head(project_a_.id, 5000)));
  auto early = conn->read_response();
  ASSERT_TRUE(early);
  EXPECT_EQ(early->status, 429);
  EXPECT_TRUE(conn->wait_closed());

  // Daily bytes: what a day accepted, counted from Content-Length.
  quotas = {};
  quotas.daily_bytes = 10'000;
  ASSERT_TRUE(storage_->set_project_quotas(project_b_.id, quotas).ok());
  auto big = post(project_b_.id, as_text(seal(project_b_, keys_b_, 12'000)));
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 429);
  EXPECT_EQ(error_of(big->body), "daily_byte_quota_exceeded");

  // Stored bytes: 507 until the team deletes reports.
  quotas = {};
  quotas.stored_bytes = 8'000;
  ASSERT_TRUE(storage_->set_project_quotas(project_b_.id, quotas).ok());
  auto full = post(project_b_.id, as_text(seal(project_b_, keys_b_, 6'000)));
  ASSERT_TRUE(full);
  EXPECT_EQ(full->status, 507);
  EXPECT_EQ(error_of(full->body), "stored_quota_exceeded");
  EXPECT_EQ(stored_count(project_b_), 1u);

  auto metrics = client()->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("sealshot_quota_refusals_total{limit=\"daily_submission_quota_exceeded\"} 2"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("sealshot_quota_refusals_total{limit=\"stored_quota_exceeded\"} 1"), std::string::npos);
  // The operator's log names the project and the limit, once a day each.
  const std::string log = log_lines_.str();
  std::size_t warnings = 0;
  for (std::size_t at = log.find("quota_reached"); at != std::string::npos; at = log.find("quota_reached", at + 1)) {
    ++warnings;
  }
  EXPECT_EQ(warnings, 3u);
  EXPECT_NE(log.find(project_a_.id), std::string::npos);
}

// The server's default quotas apply to projects without their own, and an
// upload still streaming holds its place: a parallel one cannot slip past.
TEST_F(ServerTest, DefaultQuotasCountUploadsInFlight) {
  config_.quotas.daily_submissions = 1;
  start();
  const std::string envelope = as_text(seal(project_a_, keys_a_, 20000));
  auto upload = raw();
  ASSERT_TRUE(upload->send(request_head(project_a_.id, envelope.size()) + envelope.substr(0, 1000)));
  ASSERT_TRUE(eventually([&] { return server_->http().ingest().uploads_in_flight(project_a_.id) == 1; }));
  auto second = post(project_a_.id, as_text(seal(project_a_, keys_a_)));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 429) << second->body;
  ASSERT_TRUE(upload->send(envelope.substr(1000)));
  auto done = upload->read_response();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 201) << done->body;
  auto third = post(project_a_.id, as_text(seal(project_a_, keys_a_)));
  ASSERT_TRUE(third);
  EXPECT_EQ(third->status, 429);
  EXPECT_EQ(stored_count(project_a_), 1u);
  // A project's own quota wins over the default.
  server::ProjectQuotas own;
  own.daily_submissions = 5;
  ASSERT_TRUE(storage_->set_project_quotas(project_a_.id, own).ok());
  expect_good_request_succeeds();
}

// The disk is shared with SQLite and the OS: below the floor, new reports
// are refused (507) and nothing is written.
TEST_F(ServerTest, FreeDiskFloorRefusesNewReportsWith507) {
  const std::uint64_t free_now = storage_->available_bytes().value();
  config_.limits.min_free_disk_bytes = free_now + (std::uint64_t{1} << 40);
  start();
  auto res = post(project_a_.id, as_text(seal(project_a_, keys_a_)));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 507);
  EXPECT_EQ(error_of(res->body), "server_storage_low");
  EXPECT_EQ(stored_count(project_a_), 0u);
  auto ready = client()->Get("/readyz");  // a load balancer sends traffic elsewhere
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  EXPECT_EQ(error_of(ready->body), "storage_full");
  server_.reset();
  config_.limits.min_free_disk_bytes = 0;
  start();
  expect_good_request_succeeds();
}

TEST_F(ServerTest, IdempotentRetryReturnsTheFirstSubmission) {
  start();
  const std::string envelope = as_text(seal(project_a_, keys_a_));
  auto first = post(project_a_.id, envelope, {{"Idempotency-Key", "report-42"}});
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 201) << first->body;
  auto retry = post(project_a_.id, envelope, {{"Idempotency-Key", "report-42"}});
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->status, 200) << retry->body;
  EXPECT_EQ(retry->get_header_value("Idempotent-Replayed"), "true");
  EXPECT_EQ(nlohmann::json::parse(retry->body)["id"], nlohmann::json::parse(first->body)["id"]);
  EXPECT_EQ(stored_count(project_a_), 1u);

  // The same key with another report is a client bug, not a retry.
  auto other = post(project_a_.id, as_text(seal(project_a_, keys_a_, 5000)), {{"Idempotency-Key", "report-42"}});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 409);
  EXPECT_EQ(error_of(other->body), "conflict");
  EXPECT_EQ(stored_count(project_a_), 1u);

  auto bad = post(project_a_.id, envelope, {{"Idempotency-Key", "no spaces allowed"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(error_of(bad->body), "bad_idempotency_key");
  expect_good_request_succeeds();
}

}  // namespace
}  // namespace sealshot::http
