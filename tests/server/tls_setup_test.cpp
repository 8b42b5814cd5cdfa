// TLS (server/http/tls_setup.cpp): the generated localhost certificate, the
// protocol floor, HSTS, plain HTTP only when asked for.
// In process: a real HTTPS server on an ephemeral loopback port, real SQLite
// storage in a temp dir (ServerTest: tests/server_support/server_fixture.h).
#include "http/tls_setup.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <spdlog/sinks/ostream_sink.h>
#include <sys/stat.h>

#include <filesystem>
#include <sstream>

#include "http/logging.h"
#include "server_support/server_fixture.h"

namespace sealshot::http {
namespace {

namespace fs = std::filesystem;

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

}  // namespace
}  // namespace sealshot::http
