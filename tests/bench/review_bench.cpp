// Review API under 64 concurrent reviewers (docs/benchmarks.md, "Review
// API"): the real TLS server in process with real SQLite storage, one
// project holding 200 envelopes of 50 KB, 64 signed-in reviewers each on
// their own keep-alive connection. Each reviewer repeatedly lists 50
// submissions and fetches one envelope. In the same run and with the same
// 64 connections, two baselines: GET /healthz (the server's cheapest route)
// and the ingest POST of a 50 KB envelope. Also the server's side of a
// sign-in (hashing of the auth key). Prints p50/p99 and ratios.
//   build/tests/bench/review_bench [seconds per phase, default 5]
#include <httplib.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "account_keys.h"
#include "base64url.h"
#include "envelope.h"
#include "http/http_server.h"
#include "keys.h"
#include "storage/storage.h"

using namespace sealshot;
using namespace std::chrono;
using nlohmann::json;

namespace {

constexpr int kReviewers = 64;

struct Stats {
  std::vector<double> ms;
  double pct(double p) {
    if (ms.empty()) return 0;
    std::sort(ms.begin(), ms.end());
    return ms[std::min(ms.size() - 1, std::size_t(p * double(ms.size())))];
  }
};

std::unique_ptr<httplib::SSLClient> client(int port, const std::string& ca) {
  auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", port);
  c->set_ca_cert_path(ca.c_str());
  c->enable_server_certificate_verification(true);
  c->set_keep_alive(true);
  c->set_read_timeout(30s);
  return c;
}

// Runs `request` on kReviewers threads (one connection each) for `seconds`.
template <class Request>
Stats phase(const char* name, int seconds, Request request) {
  std::vector<Stats> per_thread(kReviewers);
  std::atomic<int> failures{0};
  const auto end = steady_clock::now() + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  for (int t = 0; t < kReviewers; ++t) {
    threads.emplace_back([&, t] {
      while (steady_clock::now() < end) {
        const auto start = steady_clock::now();
        if (!request(t)) ++failures;
        per_thread[std::size_t(t)].ms.push_back(duration<double, std::milli>(steady_clock::now() - start).count());
      }
    });
  }
  for (auto& th : threads) th.join();
  Stats all;
  for (auto& s : per_thread) all.ms.insert(all.ms.end(), s.ms.begin(), s.ms.end());
  const double count = double(all.ms.size());
  std::printf("%-34s %8.0f req  %7.1f req/s  p50 %7.2f ms  p99 %7.2f ms  failures %d\n", name, count, count / seconds,
              all.pct(0.5), all.pct(0.99), failures.load());
  return all;
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  const int seconds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  if (!crypto_init().ok()) return 1;
  char pattern[] = "/tmp/sealshot-review-bench-XXXXXX";
  const std::string dir = ::mkdtemp(pattern);
  auto storage = server::open_sqlite_storage(dir);
  if (!storage.ok()) return std::fprintf(stderr, "%s\n", storage.message().c_str()), 1;
  http::JsonLog log("error");
  auto tls = http::tls_prepare_files("", "", dir, log);
  if (!tls.ok()) return 1;
  http::ServerConfig config;
  config.listen_port = 0;
  config.data_dir = dir;
  config.limits.worker_threads = 128;
  config.limits.min_free_disk_bytes = 1 << 20;
  config.rate_limits.per_ip_per_minute = 0;
  config.rate_limits.per_project_per_minute = 0;
  config.quotas.daily_submissions = 1'000'000'000;  // the ingest baseline must not hit a quota
  config.quotas.daily_bytes = std::uint64_t{1} << 50;
  config.quotas.stored_bytes = std::uint64_t{1} << 50;
  config.review.login_per_minute_per_address = 0;  // 0 turns the throttle off for the set-up
  config.review.login_per_minute_per_account = 0;
  http::HttpServer server(config, *storage.value(), log, tls.value());
  const int port = server.bind().value();
  std::thread serving([&] { server.serve(); });
  (void)server.wait_until_serving(5s);
  const std::string ca = tls.value().cert_path;
  const std::string origin = "https://127.0.0.1:" + std::to_string(port);
  const httplib::Headers csrf = {{"X-Sealshot-Request", "1"}, {"Origin", origin}};

  // An organisation, its project with 200 envelopes, and 64 people.
  server::AccountStore& accounts = storage.value()->accounts();
  const std::string owner_token = server::token_generate();
  auto org = accounts.create_organisation(
      "Bench", "owner@bench.example", server::token_hash(owner_token),
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() + 3'600'000);
  KeyPair project_keys = keypair_generate().value();
  server::NewProject np{"Shop",        key_to_text(project_keys.public_key), {"https://shop.example"}, 0, 90, {},
                        org.value().id};
  server::Project project = storage.value()->create_project(np).value();
  std::vector<std::uint8_t> plain(50'000);
  randombytes_buf(plain.data(), plain.size());
  const std::vector<std::uint8_t> envelope =
      envelope_seal(project.id, project_keys.public_key, plain, kEnvelopeMinChunkBytes).value();
  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i) {
    auto w = storage.value()->begin_submission(project.id).value();
    (void)w->write(envelope);
    ids.push_back(w->commit().value().submission.id);
  }
  std::vector<std::string> cookies(kReviewers);
  Stats signin;
  for (int i = 0; i < kReviewers; ++i) {
    const std::string email = "reviewer" + std::to_string(i) + "@bench.example";
    const std::string token = server::token_generate();
    server::Link link{
        server::LinkKind::invite, org.value().id, email, server::OrgRole::viewer, "cli", 0, INT64_MAX / 2, 0};
    (void)accounts.create_link(server::token_hash(token), link);
    std::array<std::uint8_t, 32> auth{};
    randombytes_buf(auth.data(), auth.size());
    AccountSalt salt = account_salt_generate().value();
    json body = {{"auth_key", base64url_encode(auth)},
                 {"kdf_salt", account_salt_to_text(salt)},
                 {"kdf_opslimit", kKdfDefaultParams.opslimit},
                 {"kdf_memlimit", kKdfDefaultParams.memlimit},
                 {"public_key", key_to_text(keypair_generate().value().public_key)},
                 {"wrapped_secret_key", "opaque.bench"}};
    auto c = client(port, ca);
    (void)c->Post("/v1/links/" + token + "/accept", csrf, body.dump(), "application/json");
    const auto start = steady_clock::now();
    auto res = c->Post("/v1/auth/login", csrf, json{{"email", email}, {"auth_key", body["auth_key"]}}.dump(),
                       "application/json");
    signin.ms.push_back(duration<double, std::milli>(steady_clock::now() - start).count());
    if (!res || res->status != 200) return std::fprintf(stderr, "sign-in failed\n"), 1;
    const std::string set = res->get_header_value("Set-Cookie");
    cookies[std::size_t(i)] = set.substr(0, set.find(';'));
  }
  std::printf("review_bench: %d reviewers, 200 envelopes of %zu bytes, %d s per phase, %u cores\n", kReviewers,
              envelope.size(), seconds, std::thread::hardware_concurrency());
  std::printf("%-34s p50 %7.2f ms  p99 %7.2f ms  (server: verify crypto_pwhash_str of the auth key, one at a time)\n",
              "sign-in, server side", signin.pct(0.5), signin.pct(0.99));

  std::vector<std::unique_ptr<httplib::SSLClient>> clients;
  for (int i = 0; i < kReviewers; ++i) clients.push_back(client(port, ca));
  const std::string base = "/v1/orgs/" + org.value().id + "/projects/" + project.id + "/submissions";

  Stats healthz = phase("baseline: GET /healthz", seconds, [&](int t) {
    auto r = clients[std::size_t(t)]->Get("/healthz");
    return r && r->status == 200;
  });
  Stats ingest = phase("baseline: ingest POST 50 KB", seconds, [&](int t) {
    httplib::Headers h = {{"Origin", "https://shop.example"}};
    auto r = clients[std::size_t(t)]->Post("/v1/projects/" + project.id + "/submissions", h,
                                           reinterpret_cast<const char*>(envelope.data()), envelope.size(),
                                           "application/octet-stream");
    return r && r->status == 201;
  });
  Stats list = phase("review: list 50 submissions", seconds, [&](int t) {
    auto r = clients[std::size_t(t)]->Get(base + "?limit=50", {{"Cookie", cookies[std::size_t(t)]}});
    return r && r->status == 200;
  });
  Stats fetch = phase("review: fetch one envelope (50 KB)", seconds, [&](int t) {
    const std::string& id = ids[std::size_t(t) % ids.size()];
    auto r = clients[std::size_t(t)]->Get(base + "/" + id + "/envelope", {{"Cookie", cookies[std::size_t(t)]}});
    return r && r->status == 200 && r->body.size() == envelope.size();
  });
  Stats first_chunk = phase("review: first chunk (Range 0-8191)", seconds, [&](int t) {
    const std::string& id = ids[std::size_t(t) % ids.size()];
    auto r = clients[std::size_t(t)]->Get(base + "/" + id + "/envelope",
                                          {{"Cookie", cookies[std::size_t(t)]}, {"Range", "bytes=0-8191"}});
    return r && r->status == 206;
  });
  std::printf("ratios to GET /healthz (p50): list %.2fx, fetch %.2fx, first chunk %.2fx, ingest %.2fx\n",
              list.pct(0.5) / healthz.pct(0.5), fetch.pct(0.5) / healthz.pct(0.5),
              first_chunk.pct(0.5) / healthz.pct(0.5), ingest.pct(0.5) / healthz.pct(0.5));
  std::printf("ratios to ingest POST (p50): list %.2fx, fetch %.2fx\n", list.pct(0.5) / ingest.pct(0.5),
              fetch.pct(0.5) / ingest.pct(0.5));
  clients.clear();
  server.shutdown();
  serving.join();
  storage.value().reset();
  std::filesystem::remove_all(dir);
  return 0;
}
