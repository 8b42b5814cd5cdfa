// The review API tests' shared pieces: the in-process TLS server of
// ServerTest with a steppable clock, people enrolled through the real
// single-use link route, and requests carrying their session cookie and the
// CSRF header. Key material the server only stores (wrapped secret keys,
// sealed grants) is opaque to it; tests that open it use the core's
// account crypto.
#pragma once

#include <sodium.h>

#include <atomic>
#include <fstream>
#include <iterator>

#include "base64url.h"
#include "server_support/server_fixture.h"

namespace sealshot::http {

struct Reviewer {
  std::string id;
  std::string email;
  std::vector<std::uint8_t> auth_key;  // 32 bytes
  std::string cookie;                  // "name=value" for the Cookie header
};

inline std::string b64url(std::span<const std::uint8_t> bytes) { return base64url_encode(bytes); }

class ReviewTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    config_.review.clock = [this] { return now_ms_.load(); };
  }

  std::atomic<std::int64_t> now_ms_{1'800'000'000'000};

  server::AccountStore& accounts() { return storage_->accounts(); }

  // A new organisation and its owner, signed in through the set-up link.
  std::pair<server::Organisation, Reviewer> create_org(const std::string& name, const std::string& owner_email) {
    const std::string token = ReviewAuth::token_generate();
    auto org = accounts().create_organisation(name, owner_email, ReviewAuth::token_hash(token), now_ms_ + 3'600'000);
    EXPECT_TRUE(org.ok()) << org.message();
    return {org.value(), accept(token, owner_email)};
  }

  // Invites `email` into `org_id` with `role` (store-level, as the CLI does)
  // and accepts through the real route.
  Reviewer enroll(const std::string& org_id, const std::string& email, server::OrgRole role) {
    const std::string token = ReviewAuth::token_generate();
    server::Link link;
    link.kind = server::LinkKind::invite;
    link.org_id = org_id;
    link.email = email;
    link.role = role;
    link.created_by = "cli";
    link.created_at_ms = now_ms_;
    link.expires_at_ms = now_ms_ + 3'600'000;
    EXPECT_TRUE(accounts().create_link(ReviewAuth::token_hash(token), link).ok());
    return accept(token, email);
  }

  static nlohmann::json new_account_body(const Reviewer& r) {
    std::array<std::uint8_t, 16> salt{};
    randombytes_buf(salt.data(), salt.size());
    KeyPair keys = keypair_generate().value();
    return {{"auth_key", b64url(r.auth_key)},
            {"kdf_salt", b64url(salt)},
            {"kdf_opslimit", kKdfDefaultParams.opslimit},
            {"kdf_memlimit", kKdfDefaultParams.memlimit},
            {"public_key", key_to_text(keys.public_key)},
            {"wrapped_secret_key", "opaque-to-the-server." + b64url(salt)}};
  }

  Reviewer accept(const std::string& token, const std::string& email) {
    Reviewer r;
    r.email = email;
    r.auth_key.resize(32);
    randombytes_buf(r.auth_key.data(), r.auth_key.size());
    auto res = send("POST", "/v1/links/" + token + "/accept", new_account_body(r).dump(), "");
    EXPECT_TRUE(res && res->status == 200) << (res ? res->body : httplib::to_string(res.error()));
    if (!res || res->status != 200) return r;
    r.cookie = session_cookie_of(*res);
    r.id = nlohmann::json::parse(res->body)["id"];
    return r;
  }

  static std::string session_cookie_of(const httplib::Response& res) {
    const std::string set = res.get_header_value("Set-Cookie");
    return set.substr(0, set.find(';'));
  }

  std::string origin() const { return "https://127.0.0.1:" + std::to_string(server_->port()); }

  // A review request: session cookie, CSRF header and same-site Origin.
  httplib::Result send(const std::string& method, const std::string& path, const std::string& body,
                       const std::string& cookie, bool with_csrf = true) {
    httplib::Headers headers;
    if (!cookie.empty()) headers.emplace("Cookie", cookie);
    if (with_csrf) {
      headers.emplace(std::string(kCsrfHeader), "1");
      headers.emplace("Origin", origin());
    }
    std::unique_ptr<httplib::SSLClient> own = reused_client_ ? nullptr : client();
    httplib::SSLClient* c = reused_client_ ? reused_client_.get() : own.get();
    if (method == "GET") return c->Get(path, headers);
    if (method == "POST") return c->Post(path, headers, body, "application/json");
    if (method == "PUT") return c->Put(path, headers, body, "application/json");
    if (method == "PATCH") return c->Patch(path, headers, body, "application/json");
    return c->Delete(path, headers, body, "application/json");
  }

  // Many requests in a row (the permission matrix): one kept-alive TLS
  // connection instead of a handshake per request.
  void reuse_one_connection() {
    reused_client_ = client();
    reused_client_->set_keep_alive(true);
  }
  std::unique_ptr<httplib::SSLClient> reused_client_;

  httplib::Result get(const std::string& path, const Reviewer& r) { return send("GET", path, "", r.cookie); }

  server::Project create_org_project(const std::string& org_id, const std::string& name, const KeyPair& keys) {
    server::NewProject p;
    p.name = name;
    p.public_key = key_to_text(keys.public_key);
    p.allowed_origins = {"https://shop.example"};
    p.org_id = org_id;
    auto created = storage_->create_project(p);
    EXPECT_TRUE(created.ok()) << created.message();
    return created.value();
  }

  std::string store_submission(const server::Project& project, const std::vector<std::uint8_t>& envelope) {
    auto writer = storage_->begin_submission(project.id);
    EXPECT_TRUE(writer.ok());
    EXPECT_TRUE(writer.value()->write(envelope).ok());
    auto committed = writer.value()->commit();
    EXPECT_TRUE(committed.ok()) << committed.message();
    return committed.value().submission.id;
  }

  static std::string file_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
};

}  // namespace sealshot::http
