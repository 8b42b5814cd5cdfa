// The console model's test fixture: the real in-process TLS server
// (ReviewTest), an HttpClient that answers only through pump() as the
// browser's fetch does, and helpers that set up an owner, a project with
// their sealed grant and real envelopes. Shared by the console's test files.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <nlohmann/json.hpp>
#include <thread>

#include "account_keys.h"
#include "key_wrap.h"
#include "payload.h"
#include "review_client.h"
#include "server_support/review_fixture.h"
#include "session.h"

namespace sealshot::http {
namespace {

using console::HttpRequest;
using console::HttpResponse;
using nlohmann::json;

// What the browser's fetch does for the console: same-origin requests that
// carry the session cookie the server set; counts the bytes it received.
// Each request runs when started, but its answer waits for pump(), like a
// fetch's; `reverse` hands the waiting answers over newest first, so the
// model meets answers out of order.
class TestHttpClient : public console::HttpClient {
 public:
  TestHttpClient(std::function<std::unique_ptr<httplib::SSLClient>()> make, std::string origin)
      : make_(std::move(make)), origin_(std::move(origin)) {}

  console::RequestId start(HttpRequest request, console::HttpCallback done) override {
    ++started;
    done_.emplace_back(send_now(request), std::move(done));
    return ++next_id_;
  }

  void pump() override {
    auto ready = std::move(done_);
    done_.clear();
    if (reverse) std::reverse(ready.begin(), ready.end());
    for (auto& [response, done] : ready) done(std::move(response));
  }

  console::HttpProgress progress(console::RequestId) const override { return {}; }
  std::size_t pending() const override { return done_.size(); }

  // A request outside the model (the test's own set-up calls).
  HttpResponse send_now(const HttpRequest& r) {
    httplib::Headers headers;
    for (const auto& [k, v] : r.headers) headers.emplace(k, v);
    if (!cookie_.empty()) headers.emplace("Cookie", cookie_);
    if (r.method != "GET") headers.emplace("Origin", origin_);
    auto c = make_();
    httplib::Result res = r.method == "GET"     ? c->Get(r.path, headers)
                          : r.method == "POST"  ? c->Post(r.path, headers, r.body, "application/json")
                          : r.method == "PATCH" ? c->Patch(r.path, headers, r.body, "application/json")
                          : r.method == "PUT"   ? c->Put(r.path, headers, r.body, "application/json")
                                                : c->Delete(r.path, headers, r.body, "application/json");
    if (!res) return {0, ""};
    const std::string set = res->get_header_value("Set-Cookie");
    if (!set.empty()) cookie_ = set.substr(0, set.find(';'));
    received_bytes += res->body.size();
    return {res->status, res->body};
  }

  std::uint64_t received_bytes = 0;
  std::size_t started = 0;
  bool reverse = false;

 private:
  std::function<std::unique_ptr<httplib::SSLClient>()> make_;
  std::string origin_;
  std::string cookie_;
  std::deque<std::pair<HttpResponse, console::HttpCallback>> done_;
  console::RequestId next_id_ = 0;
};

constexpr const char* kPassword = "violet harbour lantern 93";

class ConsoleModelTest : public ReviewTest {
 protected:
  void SetUp() override {
    ReviewTest::SetUp();
    start();
    http_ = std::make_unique<TestHttpClient>([this] { return client(); }, origin());
    api_ = std::make_unique<console::ReviewClient>(*http_);
  }

  // A person set up through the real link route with real keys (the
  // cheapest parameters the client accepts, to keep the test quick).
  KeyPair set_up_owner(const std::string& email, std::string& org_id) {
    const std::string token = ReviewAuth::token_generate();
    auto org =
        accounts().create_organisation("Acme Support", email, ReviewAuth::token_hash(token), now_ms_ + 3'600'000);
    EXPECT_TRUE(org.ok()) << org.message();
    org_id = org.value().id;
    return accept_with_new_keys(token, kPassword);
  }

  // Accepts a link through the real route as a client does for a new
  // account or a reset: new salt, key pair and wrapped secret key.
  KeyPair accept_with_new_keys(const std::string& token, const std::string& password) {
    AccountSalt salt = account_salt_generate().value();
    AccountKeys keys = derive_account_keys(password, salt, kKdfMinParams).value();
    KeyPair person = keypair_generate().value();
    json body = {{"auth_key", auth_key_to_text(keys)},
                 {"kdf_salt", account_salt_to_text(salt)},
                 {"kdf_opslimit", kKdfMinParams.opslimit},
                 {"kdf_memlimit", kKdfMinParams.memlimit},
                 {"public_key", key_to_text(person.public_key)},
                 {"wrapped_secret_key", wrap_secret_key(person.secret_key, keys.wrap_key).value()}};
    auto res = send("POST", "/v1/links/" + token + "/accept", body.dump(), "");
    EXPECT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
    return person;
  }

  // `email` joins `org_id` with `role` (an invitation), or, with
  // LinkKind::reset, gets new keys as after "forgot my password".
  KeyPair join_with_keys(const std::string& org_id, const std::string& email, server::OrgRole role,
                         server::LinkKind kind = server::LinkKind::invite, const std::string& password = kPassword) {
    const std::string token = ReviewAuth::token_generate();
    server::Link link;
    link.kind = kind;
    link.org_id = org_id;
    link.email = email;
    link.role = role;
    link.created_by = "cli";
    link.created_at_ms = now_ms_;
    link.expires_at_ms = now_ms_ + 3'600'000;
    EXPECT_TRUE(accounts().create_link(ReviewAuth::token_hash(token), link).ok());
    return accept_with_new_keys(token, password);
  }

  // A project made through the API, as the console will: keypair here, the
  // public key and the creator's sealed grant sent.
  std::string create_project(console::Session& session, const std::string& org_id, const KeyPair& project_keys,
                             const std::string& grant) {
    (void)session;
    HttpResponse r = http_->send_now({"POST",
                                      "/v1/orgs/" + org_id + "/projects",
                                      {{"X-Sealshot-Request", "1"}},
                                      json{{"name", "Shop"},
                                           {"public_key", key_to_text(project_keys.public_key)},
                                           {"allowed_origins", {"https://shop.example"}},
                                           {"sealed_key", grant}}
                                          .dump()});
    EXPECT_EQ(r.status, 201) << r.body;
    return json::parse(r.body)["id"];
  }

  std::vector<std::uint8_t> report(const std::string& project_id, const KeyPair& keys, const std::string& comment,
                                   const std::string& page_url, std::size_t screenshot_bytes) {
    const std::string manifest =
        json{{"schema", 1}, {"source", "widget"}, {"comment", comment}, {"page_url", page_url}}.dump();
    std::vector<std::uint8_t> png(screenshot_bytes);
    randombytes_buf(png.data(), png.size());
    const std::vector<PayloadPartView> parts = {
        {kManifestPartName,
         "application/json",
         {reinterpret_cast<const std::uint8_t*>(manifest.data()), manifest.size()}},
        {kScreenshotPartName, "image/png", png}};
    auto payload = payload_pack(parts).value();
    return envelope_seal(project_id, keys.public_key, payload).value();
  }

  server::Project project_row(const std::string& id) {
    auto p = storage_->get_project(id);
    EXPECT_TRUE(p.ok()) << p.message();
    return p.value();
  }

  // Runs answers until nothing is in flight (bounded: a model that keeps
  // asking forever fails the test instead of hanging it).
  void settle() {
    for (int i = 0; i < 1000 && api_->pending() > 0; ++i) api_->pump();
    ASSERT_EQ(api_->pending(), 0u) << "requests still in flight after 1000 pumps";
  }

  std::unique_ptr<console::Session> sign_in(const std::string& email, const std::string& password = kPassword) {
    auto session = console::wait_for<console::Session>(*api_, [&](console::Reply<console::Session> reply) {
      console::Session::sign_in(*api_, email, password, std::move(reply));
    });
    EXPECT_TRUE(session.ok()) << session.message();
    if (!session.ok()) return nullptr;
    return std::make_unique<console::Session>(std::move(session).value());
  }

  console::ProjectItem only_project(const std::string& org_id) {
    auto projects = console::wait_for<std::vector<console::ProjectItem>>(
        *api_, [&](auto reply) { api_->projects(org_id, std::move(reply)); });
    EXPECT_TRUE(projects.ok()) << projects.message();
    EXPECT_EQ(projects.value().size(), 1u);
    return projects.value().at(0);
  }

  // An owner signed in by the model, a project with their grant, and `count`
  // reports (comment "Report #i …", page URL …/i).
  struct Seeded {
    std::string org_id;
    KeyPair person, project_keys;
    std::unique_ptr<console::Session> session;
    console::ProjectItem project;
    std::vector<std::string> ids;  // oldest first
    std::uint64_t whole_bytes = 0;
  };
  Seeded seed(int count, std::size_t screenshot_bytes) {
    Seeded s;
    s.person = set_up_owner("owner@acme.example", s.org_id);
    s.session = sign_in("owner@acme.example");
    s.project_keys = keypair_generate().value();
    const std::string project_id = create_project(*s.session, s.org_id, s.project_keys,
                                                  seal_grant(s.project_keys.secret_key, s.person.public_key).value());
    const server::Project row = project_row(project_id);
    for (int i = 0; i < count; ++i) {
      auto envelope = report(project_id, s.project_keys, "Report #" + std::to_string(i) + " about the cart\nmore",
                             "https://shop.example/cart/" + std::to_string(i), screenshot_bytes);
      s.whole_bytes += envelope.size();
      s.ids.push_back(store_submission(row, envelope));
      now_ms_ += 1000;
      // The storage stamps a report with its own clock in milliseconds, and
      // the list puts reports of the same millisecond in no fixed order: on
      // a quiet machine two commits land in one. Distinct times keep
      // "newest first" the order the reports were made in.
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    s.project = only_project(s.org_id);
    return s;
  }

  std::unique_ptr<TestHttpClient> http_;
  std::unique_ptr<console::ReviewClient> api_;
};

}  // namespace
}  // namespace sealshot::http
