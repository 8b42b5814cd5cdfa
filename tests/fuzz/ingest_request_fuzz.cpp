// The ingest path in process: each input is the raw bytes of one HTTP
// connection (request line, headers, body; pipelined requests too), sent to a
// real HttpServer (plain HTTP, real SQLite storage in a temp dir, rate
// limits off) on a loopback port, and the whole answer read back. Like
// cpp-httplib's own server fuzzer, but through our connection loop
// (connection_server.cpp), pre-routing checks, CORS, admission and the
// streaming envelope upload, not httplib's alone.
//
// The project id is random per run, so inputs name it by a placeholder of
// the same length (kPlaceholder) that is replaced before sending; seeds with
// an envelope sealed for the placeholder id then pass the server's header
// checks (the server never decrypts).
#include <netinet/in.h>
#include <signal.h>
#include <spdlog/sinks/null_sink.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "http/http_server.h"
#include "http/logging.h"
#include "keys.h"
#include "storage/storage.h"

namespace {
using namespace std::chrono_literals;

constexpr std::string_view kPlaceholder = "prj_FUZZPROJECTFUZZPROJECTFUZZ";

struct Fixture {
  std::string dir;
  std::string project_id;
  int port = 0;
  std::unique_ptr<sealshot::server::Storage> storage;
  std::unique_ptr<sealshot::http::JsonLog> log;
  std::unique_ptr<sealshot::http::HttpServer> server;
  std::thread thread;
};

void remove_dir_at_exit();

// Built once, never destroyed: libFuzzer leaves by exit() with the server's
// threads still running, so it lives on the heap until the process ends.
Fixture& fixture() {
  static Fixture* f = [] {
    ::signal(SIGPIPE, SIG_IGN);
    if (!sealshot::crypto_init().ok()) std::abort();
    auto* fx = new Fixture;
    char pattern[] = "/tmp/sealshot-fuzz-ingest-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) std::abort();
    fx->dir = pattern;
    auto storage = sealshot::server::open_sqlite_storage(fx->dir);
    if (!storage.ok()) std::abort();
    fx->storage = std::move(storage).value();
    auto keys = sealshot::keypair_generate();
    if (!keys.ok()) std::abort();
    sealshot::server::NewProject p;
    p.name = "Fuzz";
    p.public_key = sealshot::key_to_text(keys.value().public_key);
    p.allowed_origins = {"https://shop.example"};
    auto project = fx->storage->create_project(p);
    if (!project.ok() || project.value().id.size() != kPlaceholder.size()) std::abort();
    fx->project_id = project.value().id;

    fx->log = std::make_unique<sealshot::http::JsonLog>("info", std::make_shared<spdlog::sinks::null_sink_mt>());
    sealshot::http::ServerConfig config;
    config.listen_host = "127.0.0.1";
    config.listen_port = 0;
    config.data_dir = fx->dir;
    config.insecure_http = true;
    config.limits.worker_threads = 2;
    config.limits.queue_capacity = 4;
    config.limits.read_timeout = 2s;
    config.limits.write_timeout = 2s;
    config.limits.keep_alive_timeout = 1s;
    config.limits.linger_timeout = 200ms;
    config.limits.min_free_disk_bytes = 1 << 20;
    config.rate_limits.per_ip_per_minute = 0;
    config.rate_limits.per_project_per_minute = 0;
    fx->server = std::make_unique<sealshot::http::HttpServer>(config, *fx->storage, *fx->log, std::nullopt);
    auto port = fx->server->bind();
    if (!port.ok()) std::abort();
    fx->port = port.value();
    fx->thread = std::thread([fx] { (void)fx->server->serve(); });
    if (!fx->server->wait_until_serving(5000ms)) std::abort();
    std::atexit(remove_dir_at_exit);
    return fx;
  }();
  return *f;
}

void remove_dir_at_exit() {
  std::error_code ignored;
  std::filesystem::remove_all(fixture().dir, ignored);
}

// One connection: send everything, half-close, read until the server closes
// (every wait bounded by socket timeouts).
void send_and_drain(int port, const std::string& bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) std::abort();
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::abort();
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may refuse and close before reading it all
    sent += std::size_t(n);
  }
  ::shutdown(fd, SHUT_WR);
  // SEALSHOT_FUZZ_VERBOSE=1: each answer's status lines on stderr (to see
  // which inputs reach which handler when replaying seeds).
  static const bool verbose = std::getenv("SEALSHOT_FUZZ_VERBOSE") != nullptr;
  std::string answer;
  char buffer[16384];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) {
    if (verbose) answer.append(buffer, std::size_t(n));
  }
  ::close(fd);
  for (std::size_t at = answer.find("HTTP/1.1 "); at != std::string::npos; at = answer.find("HTTP/1.1 ", at + 1)) {
    std::fprintf(stderr, "answer: %s\n", answer.substr(at, answer.find('\r', at) - at).c_str());
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 128 * 1024) return -1;
  Fixture& f = fixture();
  std::string bytes(reinterpret_cast<const char*>(data), size);
  for (std::size_t at = bytes.find(kPlaceholder); at != std::string::npos; at = bytes.find(kPlaceholder, at)) {
    bytes.replace(at, kPlaceholder.size(), f.project_id);
    at += f.project_id.size();
  }
  // cpp-httplib writes no answer to a client it sees as gone, and a client
  // that half-closed with nothing left unread looks gone (is_socket_alive
  // peeks EOF), so the last request's answer would be dropped. Blank lines
  // after the input, more than the server's 4 KiB read buffer, keep unread
  // bytes in the socket until every real request is answered (they end an
  // unfinished header block, or make one last 400).
  bytes.append(8192, '\n');
  send_and_drain(f.port, bytes);
  return 0;
}
