// parse_server_config (server/http/config.cpp): flags > environment > file > defaults.
#include "http/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "server_support/server_fixture.h"

namespace sealshot::http {
namespace {

namespace fs = std::filesystem;

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

}  // namespace
}  // namespace sealshot::http
