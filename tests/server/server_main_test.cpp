// The sealshot-server binary (server/server_main.cpp): start-up from flags,
// SIGTERM drains and exits 0, a bad --widget-dir fails the start-up.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "server_support/server_fixture.h"
#include "server_support/widget_dir.h"
#include "widget/widget_files.h"

extern char** environ;

namespace sealshot::http {
namespace {

namespace fs = std::filesystem;

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
