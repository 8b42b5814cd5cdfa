// sealshot-server, in process: a real HTTPS server on an ephemeral loopback
// port, real SQLite storage in a temp dir, real envelopes sealed with
// shared/envelope.h, and httplib::SSLClient verifying the generated
// certificate. Low-level cases (cut bodies, chunked, old TLS) use
// server_support/raw_tls_client.h. Every wait is bounded.
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/sinks/ostream_sink.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "envelope.h"
#include "http/client_address.h"
#include "http/config.h"
#include "http/connection_limit.h"
#include "http/http_server.h"
#include "http/ingest_service.h"
#include "http/logging.h"
#include "http/rate_limiter.h"
#include "http/tls_setup.h"
#include "keys.h"
#include "server_support/faulty_storage.h"
#include "server_support/raw_tls_client.h"
#include "server_support/server_fixture.h"
#include "storage/storage.h"
#include "widget/widget_files.h"

extern char** environ;

namespace sealshot::http {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// Pieces without a server

TEST(ServerConfig, PrecedenceIsFlagsThenEnvironmentThenFileThenDefaults) {
  const std::string dir = make_temp_dir();
  const std::string file = dir + "/server.toml";
  std::ofstream(file) << "threads = 3\nqueue = 7\nread-timeout = 9\ntrusted-proxy = [\"10.0.0.1\", \"10.1.0.0/16\"]\n"
                         "insecure-http = true\nlisten = \"127.0.0.1:9000\"\nwidget-dir = \"/srv/sealshot/widget\"\n";
  ::setenv("SEALSHOT_QUEUE", "11", 1);
  ::setenv("SEALSHOT_READ_TIMEOUT", "12", 1);
  const char* argv[] = {"sealshot-server", "--config", file.c_str(), "--read-timeout", "13"};
  ConfigOutcome outcome = parse_server_config(5, argv);
  ::unsetenv("SEALSHOT_QUEUE");
  ::unsetenv("SEALSHOT_READ_TIMEOUT");
  ASSERT_TRUE(outcome.run) << outcome.message;
  const ServerConfig& c = outcome.config;
  EXPECT_EQ(c.limits.worker_threads, 3u);         // file
  EXPECT_EQ(c.limits.queue_capacity, 11u);        // environment beats file
  EXPECT_EQ(c.limits.read_timeout, 13s);          // flag beats environment
  EXPECT_EQ(c.limits.write_timeout, 5s);          // default
  EXPECT_EQ(c.limits.max_body_bytes, 16u << 20);  // default
  EXPECT_TRUE(c.insecure_http);
  EXPECT_EQ(c.listen_port, 9000);
  EXPECT_EQ(c.trusted_proxies, (std::vector<std::string>{"10.0.0.1", "10.1.0.0/16"}));
  EXPECT_EQ(c.widget_dir, "/srv/sealshot/widget");

  std::ofstream(file) << "no-such-setting = 1\n";
  const char* bad_file[] = {"sealshot-server", "--config", file.c_str()};
  outcome = parse_server_config(3, bad_file);
  EXPECT_FALSE(outcome.run);
  EXPECT_NE(outcome.message.find("no-such-setting"), std::string::npos);

  const char* half_tls[] = {"sealshot-server", "--tls-cert", "x.pem"};
  EXPECT_FALSE(parse_server_config(3, half_tls).run);
  const char* bad_proxy[] = {"sealshot-server", "--trusted-proxy", "not-an-ip"};
  EXPECT_FALSE(parse_server_config(3, bad_proxy).run);
  ::setenv("SEALSHOT_TRUSTED_PROXY", "10.0.0.1,10.0.0.2", 1);
  const char* none[] = {"sealshot-server"};
  outcome = parse_server_config(1, none);
  ::unsetenv("SEALSHOT_TRUSTED_PROXY");
  ASSERT_TRUE(outcome.run) << outcome.message;
  EXPECT_EQ(outcome.config.trusted_proxies, (std::vector<std::string>{"10.0.0.1", "10.0.0.2"}));
  EXPECT_EQ(outcome.config.listen_host, "127.0.0.1");  // loopback unless asked
  EXPECT_EQ(outcome.config.listen_port, 8443);
  EXPECT_FALSE(outcome.config.insecure_http);  // HTTPS by default
  EXPECT_TRUE(outcome.config.limits.connection_cap_exempts_loopback);
  EXPECT_EQ(outcome.config.limits.min_free_disk_bytes, 1u << 30);
  const char* capacity[] = {"sealshot-server", "--cap-loopback-connections", "--min-free-disk-bytes", "0"};
  outcome = parse_server_config(4, capacity);
  ASSERT_TRUE(outcome.run) << outcome.message;
  EXPECT_FALSE(outcome.config.limits.connection_cap_exempts_loopback);
  EXPECT_EQ(outcome.config.limits.min_free_disk_bytes, 0u);
  const char* v6[] = {"sealshot-server", "--listen", "[::1]:8443"};
  outcome = parse_server_config(3, v6);
  ASSERT_TRUE(outcome.run) << outcome.message;
  EXPECT_EQ(outcome.config.listen_host, "::1");
  fs::remove_all(dir);
}

// A widget build as widget-js/build.mjs lays it out, plus files that must
// never be served.
std::string make_widget_dir(const std::string& parent) {
  const std::string dir = parent + "/widget";
  fs::create_directories(dir + "/esm");
  std::ofstream(dir + "/widget.js") << "abc";  // SHA-384 test vector
  std::ofstream(dir + "/widget-app.0123456789abcdef.js") << "window.app = 1;";
  std::ofstream(dir + "/core.fedcba9876543210.wasm", std::ios::binary) << std::string("\0asm\1\0\0\0", 8);
  std::ofstream(dir + "/widget-app.js") << "an unhashed leftover";
  std::ofstream(dir + "/sizes.json") << "{}";
  std::ofstream(dir + "/notes.0123456789abcdef.txt") << "x";
  std::ofstream(dir + "/esm/sealshot.mjs") << "export {};";
  fs::create_directories(dir + "/nested.0123456789abcdef.js");  // a directory with an allowed name
  return dir;
}

TEST(ServerWidgetFiles, OnlyTheAllowlistIsReadAndHashedOnce) {
  EXPECT_TRUE(widget::is_widget_file_name("widget.js"));
  EXPECT_TRUE(widget::is_widget_file_name("widget-app.0123456789abcdef.js"));
  EXPECT_TRUE(widget::is_widget_file_name("core.fedcba98.wasm"));
  for (const char* name :
       {"widget-app.js", "core.wasm", "sizes.json", "../widget.js", "a/b.01234567.js", ".01234567.js", "x.0123456.js",
        "X.01234567.js", "x.0123456G.js", "x.01234567.JS", "widget.js.map", ""}) {
    EXPECT_FALSE(widget::is_widget_file_name(name)) << name;
  }
  EXPECT_EQ(widget::sri_sha384("abc"), "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn");

  const std::string dir = make_temp_dir();
  const std::string widget_dir = make_widget_dir(dir);
  auto loaded = widget::load_widget_files(widget_dir);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  std::vector<std::string> names;
  for (const auto& f : loaded.value().files) names.push_back(f.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"core.fedcba9876543210.wasm", "widget-app.0123456789abcdef.js", "widget.js"}));
  const widget::WidgetFile& loader = *loaded.value().loader();
  EXPECT_EQ(loader.body, "abc");
  EXPECT_EQ(loader.integrity, widget::sri_sha384("abc"));
  EXPECT_EQ(loader.etag, "\"cb00753f45a35e8bb5a03d699ac65007\"");
  EXPECT_FALSE(loader.immutable);
  EXPECT_TRUE(loaded.value().find("core.fedcba9876543210.wasm")->immutable);
  EXPECT_EQ(loaded.value().find("core.fedcba9876543210.wasm")->content_type, "application/wasm");
  EXPECT_EQ(loaded.value().find("core.fedcba9876543210.wasm")->body.size(), 8u);

  EXPECT_FALSE(widget::load_widget_files(dir + "/missing").ok());
  fs::remove(widget_dir + "/widget.js");
  auto no_loader = widget::load_widget_files(widget_dir);
  ASSERT_FALSE(no_loader.ok());
  EXPECT_NE(no_loader.message().find("no widget.js"), std::string::npos);
  fs::remove_all(dir);
}

TEST(ServerClientAddress, ForwardedForIsBelievedOnlyFromTrustedProxies) {
  ClientAddressResolver resolver({"10.0.0.1", "192.168.0.0/16"});
  EXPECT_EQ(resolver.resolve("203.0.113.9", {"198.51.100.1"}), "203.0.113.9");  // not a proxy: header ignored
  EXPECT_EQ(resolver.resolve("10.0.0.1", {"198.51.100.1"}), "198.51.100.1");
  EXPECT_EQ(resolver.resolve("10.0.0.1", {"6.6.6.6, 198.51.100.1, 192.168.3.4"}),
            "198.51.100.1");  // rightmost untrusted
  EXPECT_EQ(resolver.resolve("10.0.0.1", {"garbage\r\nX: y"}), "10.0.0.1");
  EXPECT_EQ(resolver.resolve("10.0.0.1", {}), "10.0.0.1");
  EXPECT_EQ(client_group_key("2001:db8:1:2:3:4:5:6"), "2001:0db8:0001:0002::/64");
  EXPECT_EQ(client_group_key("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_TRUE(is_loopback("127.0.0.1"));
  EXPECT_TRUE(is_loopback("::1"));
  EXPECT_FALSE(is_loopback("10.0.0.1"));
}

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

TEST(ServerIngest, IdempotencyKeyFormat) {
  EXPECT_TRUE(server::idempotency_key_is_valid("a"));
  EXPECT_TRUE(server::idempotency_key_is_valid("retry:2024-01-01T00.00_x-y"));
  EXPECT_TRUE(server::idempotency_key_is_valid(std::string(128, 'k')));
  EXPECT_FALSE(server::idempotency_key_is_valid(""));
  EXPECT_FALSE(server::idempotency_key_is_valid(std::string(129, 'k')));
  EXPECT_FALSE(server::idempotency_key_is_valid("has space"));
  EXPECT_FALSE(server::idempotency_key_is_valid("crlf\r\nX-Injected: 1"));
}

TEST(ServerTlsSetup, GeneratesALocalhostCertificateOnceAndReusesIt) {
  const std::string dir = make_temp_dir();
  std::ostringstream lines;
  JsonLog log("info", std::make_shared<spdlog::sinks::ostream_sink_mt>(lines));
  auto first = tls_prepare_files("", "", dir, log);
  ASSERT_TRUE(first.ok()) << first.message();
  struct stat key_stat {};
  ASSERT_EQ(::stat(first.value().key_path.c_str(), &key_stat), 0);
  EXPECT_EQ(key_stat.st_mode & 0777, 0600u);
  const std::string fingerprint = tls_certificate_fingerprint(first.value().cert_path);
  EXPECT_EQ(fingerprint.size(), 32u * 3 - 1);

  FILE* file = std::fopen(first.value().cert_path.c_str(), "r");
  ASSERT_NE(file, nullptr);
  X509* cert = PEM_read_X509(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  ASSERT_NE(cert, nullptr);
  EVP_PKEY* key = X509_get0_pubkey(cert);
  char group[64] = {};
  EVP_PKEY_get_group_name(key, group, sizeof group, nullptr);
  EXPECT_STREQ(group, "prime256v1");
  EXPECT_EQ(X509_check_host(cert, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "::1", 0), 1);
  EXPECT_NE(X509_check_host(cert, "example.com", 0, 0, nullptr), 1);
  X509_free(cert);

  auto second = tls_prepare_files("", "", dir, log);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(tls_certificate_fingerprint(second.value().cert_path), fingerprint);  // reused, not regenerated
  const std::string text = lines.str();
  EXPECT_NE(text.find("self_signed_generated"), std::string::npos);
  EXPECT_NE(text.find("self_signed_reused"), std::string::npos);

  SSL_CTX* ctx = SSL_CTX_new(TLS_method());
  EXPECT_TRUE(tls_configure_context(*ctx, second.value(), log));
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
  SSL_CTX_free(ctx);
  fs::remove_all(dir);
}

// ---------------------------------------------------------------------------
// The server (ServerTest: server_support/server_fixture.h)

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
  EXPECT_NE(metrics->body.find("sealshot_quota_refusals_total{limit=\"stored_quota_exceeded\"} 1"),
            std::string::npos);
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

TEST_F(ServerTest, TlsBelow12IsRefusedAnd12Works) {
  start();
  unsigned long ssl_error = 0;
  std::string error;
  // Security level 0 so the client can offer TLS 1.1 at all (OpenSSL 3
  // refuses to otherwise, which would make this test pass for nothing).
  auto old =
      RawConnection::open(server_->port(), {.max_version = TLS1_1_VERSION, .security_level = 0}, &error, &ssl_error);
  EXPECT_EQ(old, nullptr);
  EXPECT_EQ(ERR_GET_REASON(ssl_error), SSL_R_TLSV1_ALERT_PROTOCOL_VERSION) << error;

  auto modern =
      RawConnection::open(server_->port(), {.min_version = TLS1_2_VERSION, .max_version = TLS1_2_VERSION}, &error);
  ASSERT_NE(modern, nullptr) << error;
  ASSERT_TRUE(modern->send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  auto res = modern->read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);

  auto metrics = client()->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("sealshot_tls_handshake_failures_total 1"), std::string::npos);
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
      if (!sent || conn.wait_closed()) return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
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

TEST_F(ServerTest, HstsOnlyWithAConfiguredCertificate) {
  start();  // the generated localhost certificate: no HSTS
  auto res = client()->Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_FALSE(res->has_header("Strict-Transport-Security"));
  server_.reset();
  config_.tls_cert = tls_.cert_path;  // as if given with --tls-cert / --tls-key
  config_.tls_key = tls_.key_path;
  start();
  res = client()->Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("Strict-Transport-Security"), "max-age=31536000");
  res = post(project_b_.id, as_text(seal(project_a_, keys_a_)));  // refusals carry it too
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(res->get_header_value("Strict-Transport-Security"), "max-age=31536000");
}

TEST_F(ServerTest, PlainHttpOnlyWhenAskedFor) {
  config_.insecure_http = true;
  server_ = std::make_unique<RunningServer>(config_, *faulty_, *log_, std::nullopt);
  httplib::Client plain("127.0.0.1", server_->port());
  plain.set_connection_timeout(3s);
  plain.set_read_timeout(5s);
  const std::string envelope = as_text(seal(project_a_, keys_a_));
  auto res = plain.Post(ingest_path(project_a_.id), envelope.data(), envelope.size(), "application/octet-stream");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201) << res->body;
}

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

TEST_F(ServerTest, WidgetFilesAreServedWithCacheTypesCorsAndValidators) {
  start(widget::load_widget_files(make_widget_dir(dir_)).value());
  struct Case {
    std::string path, type, cache, body;
  };
  const std::vector<Case> cases = {
      {"/widget.js", "text/javascript; charset=utf-8", "public, max-age=300", "abc"},
      {"/widget-app.0123456789abcdef.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable",
       "window.app = 1;"},
      {"/core.fedcba9876543210.wasm", "application/wasm", "public, max-age=31536000, immutable",
       std::string("\0asm\1\0\0\0", 8)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    auto res = client()->Get(c.path, {{"Origin", "https://anywhere.example"}});
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, c.body);
    EXPECT_EQ(res->get_header_value("Content-Type"), c.type);
    EXPECT_EQ(res->get_header_value_count("Cache-Control"), 1u);  // not also the API's no-store
    EXPECT_EQ(res->get_header_value("Cache-Control"), c.cache);
    EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "*");
    EXPECT_EQ(res->get_header_value("Cross-Origin-Resource-Policy"), "cross-origin");
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_FALSE(res->has_header("Access-Control-Allow-Credentials"));
    EXPECT_NE(res->get_header_value("Last-Modified").find(" GMT"), std::string::npos);
    const std::string etag = res->get_header_value("ETag");
    ASSERT_EQ(etag.size(), 34u);

    // HEAD: the same headers and length, no body.
    auto head = client()->Head(c.path);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
    EXPECT_EQ(head->get_header_value("Content-Length"), std::to_string(c.body.size()));
    EXPECT_EQ(head->get_header_value("Cache-Control"), c.cache);
    EXPECT_EQ(head->get_header_value("Accept-Ranges"), "none");
    EXPECT_TRUE(head->body.empty());
    auto ranged = client()->Get(c.path, {{"Range", "bytes=0-0"}});  // the whole file: no ranges here
    ASSERT_TRUE(ranged);
    EXPECT_EQ(ranged->status, 200);
    EXPECT_EQ(ranged->body, c.body);

    // Revalidation: the ETag (also weak, also in a list) → 304 without a body.
    for (const std::string& given : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
      auto cached = client()->Get(c.path, {{"If-None-Match", given}});
      ASSERT_TRUE(cached);
      EXPECT_EQ(cached->status, 304) << given;
      EXPECT_TRUE(cached->body.empty());
      EXPECT_EQ(cached->get_header_value("ETag"), etag);
      EXPECT_EQ(cached->get_header_value("Cache-Control"), c.cache);
    }
    auto changed = client()->Get(c.path, {{"If-None-Match", "\"0123\""}});
    ASSERT_TRUE(changed);
    EXPECT_EQ(changed->status, 200);
  }

  // Only the allowlisted files at their exact paths: no listing, no
  // leftovers, nothing in subdirectories, no way out of the directory.
  for (const char* path : {"/", "/widget", "/widget-app.js", "/sizes.json", "/esm/sealshot.mjs",
                           "/notes.0123456789abcdef.txt", "/nested.0123456789abcdef.js", "/widgetXjs", "/widget.js/",
                           "//widget.js", "/widget/widget.js", "/../widget.js", "/%2e%2e/widget.js", "/..%2fwidget.js",
                           "/v1/widget.js", "/widget.js%00", "/etc/passwd", "/../../../etc/passwd"}) {
    SCOPED_TRACE(path);
    auto conn = raw();
    ASSERT_TRUE(conn->send(std::string("GET ") + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    auto res = conn->read_response();
    ASSERT_TRUE(res);
    EXPECT_TRUE(res->status == 404 || res->status == 400) << res->status;
    EXPECT_EQ(res->body.find("abc"), std::string::npos);
    EXPECT_EQ(res->headers["cache-control"], "no-store");
  }
  auto post = client()->Post("/widget.js", "x", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->get_header_value("Allow"), "GET, HEAD");

  // The API keeps its own caching: never.
  auto health = client()->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->get_header_value_count("Cache-Control"), 1u);
  EXPECT_EQ(health->get_header_value("Cache-Control"), "no-store");
  EXPECT_FALSE(health->has_header("Access-Control-Allow-Origin"));
  auto metrics = client()->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("sealshot_http_requests_total{route=\"widget\",status=\"200\"}"), std::string::npos);
  EXPECT_NE(metrics->body.find("sealshot_http_requests_total{route=\"widget\",status=\"304\"}"), std::string::npos);
  expect_good_request_succeeds();
}

TEST_F(ServerTest, WithoutAWidgetDirNothingIsServed) {
  start();
  for (const char* path : {"/widget.js", "/widget-app.0123456789abcdef.js"}) {
    auto res = client()->Get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(error_of(res->body), "not_found");
  }
}

// sealshot-server with `args`, standard output to `out`.
pid_t spawn_server(std::vector<std::string> args, const std::string& out) {
  args.insert(args.begin(), SEALSHOT_SERVER_BINARY);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return spawned == 0 ? pid : 0;
}

// The JSON log line with this event, or null.
nlohmann::json log_event(const std::string& file, const std::string& event) {
  std::ifstream log(file);
  std::string line;
  while (std::getline(log, line)) {
    auto json = nlohmann::json::parse(line, nullptr, false);
    if (json.is_object() && json["event"] == event) return json;
  }
  return nullptr;
}

// The real binary: config from flags, the self-signed certificate, the
// widget's files with the loader's hash logged, and SIGTERM → drain → exit 0.
TEST(ServerBinary, ServesAndExitsZeroOnSigterm) {
  const std::string dir = make_temp_dir();
  const std::string out = dir + "/stdout.log";
  const std::string data = dir + "/data";
  const pid_t pid = spawn_server(
      {"--listen", "127.0.0.1:0", "--data-dir", data, "--threads", "2", "--widget-dir", make_widget_dir(dir)}, out);
  ASSERT_NE(pid, 0);

  int port = 0;
  eventually(
      [&] {
        const nlohmann::json listening = log_event(out, "listening");
        if (listening.is_object()) port = listening["port"];
        return port != 0;
      },
      10000ms);
  ASSERT_NE(port, 0) << "no 'listening' line";
  const nlohmann::json widget = log_event(out, "widget_served");
  ASSERT_TRUE(widget.is_object()) << "no 'widget_served' line";
  EXPECT_EQ(widget["loader_integrity"], widget::sri_sha384("abc"));
  EXPECT_EQ(widget["files"].size(), 3u);
  httplib::SSLClient client("127.0.0.1", port);
  client.set_ca_cert_path((data + "/tls/localhost.crt").c_str());
  client.enable_server_certificate_verification(true);
  client.set_connection_timeout(3s);
  auto res = client.Get("/healthz");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  res = client.Get("/widget.js");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->body, "abc");

  ::kill(pid, SIGTERM);
  int status = -1;
  ASSERT_TRUE(eventually([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, 10000ms));
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::ifstream log(out);
  std::stringstream text;
  text << log.rdbuf();
  EXPECT_NE(text.str().find("\"event\":\"stopped\""), std::string::npos);
  fs::remove_all(dir);
}

// A --widget-dir without a build is a configuration error, not a server
// that answers 404 for the widget.
TEST(ServerBinary, AWidgetDirWithoutWidgetJsFailsTheStartUp) {
  const std::string dir = make_temp_dir();
  const std::string out = dir + "/stdout.log";
  fs::create_directories(dir + "/empty");
  const pid_t pid =
      spawn_server({"--listen", "127.0.0.1:0", "--data-dir", dir + "/data", "--widget-dir", dir + "/empty"}, out);
  ASSERT_NE(pid, 0);
  int status = -1;
  ASSERT_TRUE(eventually([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, 10000ms));
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_TRUE(log_event(out, "widget_dir_failed").is_object());
  EXPECT_FALSE(log_event(out, "listening").is_object());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sealshot::http
