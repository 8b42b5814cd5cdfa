// The console's model (wasm/console/model/) against the real in-process TLS
// server: a person set up through the link route with keys made by the
// core, signed in by the model (prelogin, Argon2id, login, unwrap), a
// project created through the API with the creator's sealed grant, real
// envelopes stored, and the inbox decrypting each row's comment and page
// URL from a Range request of the envelope's first chunk.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "account_keys.h"
#include "inbox_model.h"
#include "key_wrap.h"
#include "payload.h"
#include "server_support/review_fixture.h"
#include "session.h"

namespace sealshot::http {
namespace {

using console::HttpRequest;
using console::HttpResponse;
using nlohmann::json;

// What the browser's fetch does for the console: same-origin requests that
// carry the session cookie the server set; counts the bytes it received.
class TestHttpClient : public console::HttpClient {
 public:
  TestHttpClient(std::function<std::unique_ptr<httplib::SSLClient>()> make, std::string origin)
      : make_(std::move(make)), origin_(std::move(origin)) {}

  HttpResponse send(const HttpRequest& r) override {
    httplib::Headers headers;
    for (const auto& [k, v] : r.headers) headers.emplace(k, v);
    if (!cookie_.empty()) headers.emplace("Cookie", cookie_);
    if (r.method != "GET") headers.emplace("Origin", origin_);
    auto c = make_();
    httplib::Result res = r.method == "GET"     ? c->Get(r.path, headers)
                          : r.method == "POST"  ? c->Post(r.path, headers, r.body, "application/json")
                          : r.method == "PATCH" ? c->Patch(r.path, headers, r.body, "application/json")
                                                : c->Delete(r.path, headers, r.body, "application/json");
    if (!res) return {0, ""};
    const std::string set = res->get_header_value("Set-Cookie");
    if (!set.empty()) cookie_ = set.substr(0, set.find(';'));
    received_bytes += res->body.size();
    return {res->status, res->body};
  }

  std::uint64_t received_bytes = 0;

 private:
  std::function<std::unique_ptr<httplib::SSLClient>()> make_;
  std::string origin_;
  std::string cookie_;
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
    auto org = accounts().create_organisation("Acme Support", email, ReviewAuth::token_hash(token), now_ms_ + 3'600'000);
    EXPECT_TRUE(org.ok()) << org.message();
    org_id = org.value().id;
    AccountSalt salt = account_salt_generate().value();
    AccountKeys keys = derive_account_keys(kPassword, salt, kKdfMinParams).value();
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

  // A project made through the API, as the console will: keypair here, the
  // public key and the creator's sealed grant sent.
  std::string create_project(console::Session& session, const std::string& org_id, const KeyPair& project_keys,
                             const std::string& grant) {
    (void)session;
    HttpResponse r = http_->send({"POST",
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
        {kManifestPartName, "application/json", {reinterpret_cast<const std::uint8_t*>(manifest.data()), manifest.size()}},
        {kScreenshotPartName, "image/png", png}};
    auto payload = payload_pack(parts).value();
    return envelope_seal(project_id, keys.public_key, payload).value();
  }

  server::Project project_row(const std::string& id) {
    auto p = storage_->get_project(id);
    EXPECT_TRUE(p.ok()) << p.message();
    return p.value();
  }

  std::unique_ptr<TestHttpClient> http_;
  std::unique_ptr<console::ReviewClient> api_;
};

TEST_F(ConsoleModelTest, SignsInAndDecryptsEachRowsCommentFromTheFirstChunkOnly) {
  std::string org_id;
  const KeyPair person = set_up_owner("owner@acme.example", org_id);

  // A wrong password opens nothing.
  auto wrong = console::Session::sign_in(*api_, "owner@acme.example", "not the password at all 1");
  EXPECT_EQ(wrong.code(), ErrorCode::unauthenticated) << wrong.message();

  auto session = console::Session::sign_in(*api_, "owner@acme.example", kPassword);
  ASSERT_TRUE(session.ok()) << session.message();
  EXPECT_EQ(key_to_text(session.value().person_keys().public_key), key_to_text(person.public_key));
  ASSERT_EQ(session.value().me().organisations.size(), 1u);
  EXPECT_EQ(session.value().me().organisations[0].id, org_id);

  const KeyPair project_keys = keypair_generate().value();
  const std::string project_id =
      create_project(session.value(), org_id, project_keys, seal_grant(project_keys.secret_key, person.public_key).value());
  const server::Project project = project_row(project_id);
  std::uint64_t whole_bytes = 0;
  for (int i = 0; i < 3; ++i) {
    auto envelope = report(project_id, project_keys, "Checkout button #" + std::to_string(i) + " does nothing\nsecond line",
                           "https://shop.example/cart/" + std::to_string(i), 300 * 1024);
    whole_bytes += envelope.size();
    store_submission(project, envelope);
  }

  auto projects = api_->projects(org_id);
  ASSERT_TRUE(projects.ok()) << projects.message();
  ASSERT_EQ(projects.value().size(), 1u);
  console::InboxModel inbox(*api_, session.value(), org_id, projects.value()[0], /*page_size=*/2);
  ASSERT_TRUE(inbox.reload().ok());
  ASSERT_EQ(inbox.rows().size(), 2u);
  EXPECT_TRUE(inbox.has_more());
  ASSERT_TRUE(inbox.load_next_page().ok());
  ASSERT_EQ(inbox.rows().size(), 3u);
  EXPECT_FALSE(inbox.has_more());

  inbox.load_previews(0, 3);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < 3; ++i) {
    const console::InboxRow& row = inbox.rows()[i];
    ASSERT_EQ(row.preview_state, console::InboxRow::Preview::loaded) << row.preview_error;
    const std::string n = row.preview.page_url.substr(row.preview.page_url.size() - 1);
    seen.insert(n);
    EXPECT_EQ(row.preview.comment_first_line, "Checkout button #" + n + " does nothing");
    EXPECT_EQ(row.preview.page_url, "https://shop.example/cart/" + n);
    EXPECT_TRUE(row.preview.has_attachments);
    EXPECT_EQ(row.item.status, "new");
  }
  EXPECT_EQ(seen, (std::set<std::string>{"0", "1", "2"}));
  // Only the first chunk of each envelope came down, not the screenshots.
  EXPECT_LE(inbox.preview_bytes(), 3 * console::kPreviewPrefixBytes);
  EXPECT_LT(inbox.preview_bytes() * 4, whole_bytes);

  ASSERT_TRUE(inbox.set_status(0, "resolved").ok());
  EXPECT_EQ(inbox.rows()[0].item.status, "resolved");
  ASSERT_TRUE(inbox.reload().ok());
  EXPECT_EQ(inbox.rows()[0].item.status, "resolved");
  EXPECT_EQ(inbox.rows()[0].preview_state, console::InboxRow::Preview::loaded) << "previews stay cached";
}

TEST_F(ConsoleModelTest, AGrantOfAnotherKeyOrATamperedEnvelopeFailsItsRowWithASentence) {
  std::string org_id;
  const KeyPair person = set_up_owner("owner@acme.example", org_id);
  auto session = console::Session::sign_in(*api_, "owner@acme.example", kPassword);
  ASSERT_TRUE(session.ok()) << session.message();

  // The server hands out a grant of a different key than the project's
  // public key (a substituted key): refused, no row decrypts.
  const KeyPair project_keys = keypair_generate().value();
  const KeyPair substituted = keypair_generate().value();
  const std::string project_id =
      create_project(session.value(), org_id, project_keys, seal_grant(substituted.secret_key, person.public_key).value());
  store_submission(project_row(project_id), report(project_id, project_keys, "hello", "https://shop.example/", 1000));
  auto projects = api_->projects(org_id).value();
  console::InboxModel inbox(*api_, session.value(), org_id, projects[0]);
  ASSERT_TRUE(inbox.reload().ok());
  inbox.load_previews(0, 1);
  ASSERT_EQ(inbox.rows()[0].preview_state, console::InboxRow::Preview::failed);
  EXPECT_NE(inbox.rows()[0].preview_error.find("key does not open"), std::string::npos) << inbox.rows()[0].preview_error;

  // A flipped ciphertext byte in the first chunk: corrupt, said plainly.
  auto envelope = report(project_id, substituted, "tampered", "https://shop.example/", 1000);
  auto header = envelope_parse_header(envelope).value();
  envelope[header.header_size + 3] ^= 1;
  auto preview = console::preview_from_prefix(envelope, substituted.secret_key, project_id);
  EXPECT_EQ(preview.code(), ErrorCode::envelope_corrupt) << preview.message();
  // The same envelope untampered opens; cut inside the first chunk it asks for more.
  envelope[header.header_size + 3] ^= 1;
  EXPECT_EQ(console::preview_from_prefix(envelope, substituted.secret_key, project_id).value().comment_first_line,
            "tampered");
  EXPECT_EQ(console::preview_from_prefix(std::span(envelope).first(header.header_size + 10), substituted.secret_key,
                                         project_id)
                .code(),
            ErrorCode::envelope_truncated);
}

}  // namespace
}  // namespace sealshot::http
