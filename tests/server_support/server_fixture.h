// The server tests' shared pieces: an HttpServer on an ephemeral loopback
// port with real TLS and real SQLite storage in a temp dir (ServerTest), and
// small helpers. Every wait is bounded.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <spdlog/sinks/ostream_sink.h>
#include <stdlib.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "envelope.h"
#include "http/http_server.h"
#include "http/logging.h"
#include "http/tls_setup.h"
#include "keys.h"
#include "server_support/faulty_storage.h"
#include "server_support/raw_tls_client.h"
#include "storage/storage.h"
#include "widget/widget_files.h"

namespace sealshot::http {

using namespace std::chrono_literals;
using test::RawConnection;

inline std::string make_temp_dir() {
  char pattern[] = "/tmp/sealshot-server-test-XXXXXX";
  const char* dir = ::mkdtemp(pattern);
  return dir ? dir : "";
}

inline std::string as_text(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

inline std::string error_of(const std::string& body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  return json.is_object() && json.contains("error") ? json["error"].get<std::string>() : "(not JSON: " + body + ")";
}

// Waits (bounded) until `condition` holds.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = 5000ms) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

// An HttpServer on an ephemeral loopback port, served from a thread; stopped
// (drained) and joined when it goes out of scope.
class RunningServer {
 public:
  RunningServer(const ServerConfig& config, server::Storage& storage, JsonLog& log, std::optional<TlsFiles> tls,
                widget::WidgetFiles widget_files = {})
      : http_(config, storage, log, std::move(tls), std::move(widget_files)) {
    auto port = http_.bind();
    EXPECT_TRUE(port.ok()) << port.message();
    port_ = port.ok() ? port.value() : 0;
    thread_ = std::thread([this] { served_ = http_.serve(); });
    EXPECT_TRUE(http_.wait_until_serving(5000ms));
  }
  ~RunningServer() { stop(); }
  void stop() {
    if (!thread_.joinable()) return;
    http_.shutdown();
    thread_.join();
  }
  int port() const { return port_; }
  HttpServer& http() { return http_; }
  bool served_cleanly() const { return served_; }

 private:
  HttpServer http_;
  int port_ = 0;
  bool served_ = false;
  std::thread thread_;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::signal(SIGPIPE, SIG_IGN);
    ASSERT_TRUE(crypto_init().ok());
    dir_ = make_temp_dir();
    ASSERT_FALSE(dir_.empty());
    open_storage();
    keys_a_ = keypair_generate().value();
    keys_b_ = keypair_generate().value();
    project_a_ = create_project("Shop", keys_a_, 0);
    project_b_ = create_project("Blog", keys_b_, 0);
    log_ = std::make_unique<JsonLog>("debug", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_lines_));
    auto tls = tls_prepare_files("", "", dir_, *log_);
    ASSERT_TRUE(tls.ok()) << tls.message();
    tls_ = tls.value();

    config_.listen_host = "127.0.0.1";
    config_.listen_port = 0;
    config_.data_dir = dir_;
    config_.limits.worker_threads = 4;
    config_.limits.queue_capacity = 8;
    config_.limits.overflow_threads = 1;
    config_.limits.overflow_queue_capacity = 2;
    config_.limits.read_timeout = 3s;
    config_.limits.write_timeout = 3s;
    config_.limits.keep_alive_timeout = 2s;
    config_.limits.linger_timeout = 500ms;
    config_.limits.min_free_disk_bytes = 1 << 20;  // readiness must not depend on the test machine's disk
    config_.rate_limits.per_ip_per_minute = 0;     // the 429 test turns them on
    config_.rate_limits.per_project_per_minute = 0;
  }

  void TearDown() override {
    server_.reset();
    faulty_.reset();
    storage_.reset();
    std::filesystem::remove_all(dir_);
  }

  void open_storage() {
    auto storage = server::open_sqlite_storage(dir_);
    ASSERT_TRUE(storage.ok()) << storage.message();
    storage_ = std::move(storage).value();
    faulty_ = std::make_unique<test::FaultyStorage>(*storage_);
  }

  server::Project create_project(const std::string& name, const KeyPair& keys, std::uint64_t max_body) {
    server::NewProject p;
    p.name = name;
    p.public_key = key_to_text(keys.public_key);
    p.allowed_origins = {"https://shop.example"};
    p.max_body_bytes = max_body;
    auto created = storage_->create_project(p);
    EXPECT_TRUE(created.ok()) << created.message();
    return created.value();
  }

  void start(widget::WidgetFiles widget_files = {}) {
    server_ = std::make_unique<RunningServer>(config_, *faulty_, *log_, tls_, std::move(widget_files));
  }

  std::unique_ptr<httplib::SSLClient> client() {
    auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", server_->port());
    c->set_ca_cert_path(tls_.cert_path.c_str());
    c->enable_server_certificate_verification(true);  // the generated cert has IP:127.0.0.1
    c->set_connection_timeout(3s);
    c->set_read_timeout(5s);
    c->set_write_timeout(5s);
    return c;
  }

  std::vector<std::uint8_t> seal(const server::Project& project, const KeyPair& keys, std::size_t payload = 3000) {
    std::vector<std::uint8_t> plain(payload);
    for (std::size_t i = 0; i < payload; ++i) plain[i] = std::uint8_t(i * 31 + 7);
    auto sealed = envelope_seal(project.id, keys.public_key, plain, kEnvelopeMinChunkBytes);
    EXPECT_TRUE(sealed.ok()) << sealed.message();
    return sealed.value();
  }

  static std::string ingest_path(const std::string& project_id) {
    return "/v1/projects/" + project_id + "/submissions";
  }

  httplib::Result post(const std::string& project_id, const std::string& body, httplib::Headers headers = {},
                       const std::string& content_type = "application/octet-stream") {
    return client()->Post(ingest_path(project_id), headers, body.data(), body.size(), content_type);
  }

  // The rule: after every refusal, a good request still succeeds.
  void expect_good_request_succeeds() {
    auto res = post(project_a_.id, as_text(seal(project_a_, keys_a_)));
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 201) << res->body;
  }

  std::unique_ptr<RawConnection> raw(RawConnection::Options options = {}) {
    std::string error;
    auto c = RawConnection::open(server_->port(), options, &error);
    EXPECT_NE(c, nullptr) << error;
    return c;
  }

  static std::string request_head(const std::string& project_id, std::uint64_t content_length,
                                  const std::string& extra = "") {
    return "POST " + ingest_path(project_id) +
           " HTTP/1.1\r\nHost: localhost\r\n"
           "Content-Type: application/octet-stream\r\nContent-Length: " +
           std::to_string(content_length) + "\r\n" + extra + "\r\n";
  }

  std::size_t stored_count(const server::Project& project) {
    auto page = storage_->list_submissions(project.id, server::ListQuery{});
    EXPECT_TRUE(page.ok()) << page.message();
    return page.ok() ? page.value().items.size() : 0;
  }

  std::string dir_;
  std::unique_ptr<server::Storage> storage_;
  std::unique_ptr<test::FaultyStorage> faulty_;
  KeyPair keys_a_, keys_b_;
  server::Project project_a_, project_b_;
  std::ostringstream log_lines_;
  std::unique_ptr<JsonLog> log_;
  TlsFiles tls_;
  ServerConfig config_;
  std::unique_ptr<RunningServer> server_;
};

}  // namespace sealshot::http
