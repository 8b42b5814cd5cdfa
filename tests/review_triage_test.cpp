// The review API beyond one report at a time, against the real TLS server:
// the triage statuses, tags, bulk status and delete, sealed reviewer notes,
// project settings and deletion, the organisation's IP allowlist and scoped
// API tokens.
#include <sodium.h>

#include "server_support/review_fixture.h"

namespace sealshot::http {
namespace {

using nlohmann::json;

json body_of(const httplib::Result& res) { return json::parse(res->body, nullptr, false); }

std::vector<std::string> ids_of(const json& page) {
  std::vector<std::string> out;
  for (const json& item : page["items"]) out.push_back(item["id"]);
  return out;
}

class ReviewTriageTest : public ReviewTest {
 protected:
  void SetUp() override {
    ReviewTest::SetUp();
    config_.trusted_proxies = {"127.0.0.1"};  // so a test can speak from other addresses
  }

  void make_org() {
    start();
    auto [o, own] = create_org("Acme", "owner@acme.example");
    org = o;
    owner = own;
    keys = keypair_generate().value();
    project = create_org_project(org.id, "Shop", keys);
    base = "/v1/orgs/" + org.id + "/projects/" + project.id;
  }

  httplib::Result send_from(const std::string& address, const std::string& method, const std::string& path,
                            const std::string& body, const std::string& cookie) {
    httplib::Headers headers{
        {"Cookie", cookie}, {std::string(kCsrfHeader), "1"}, {"Origin", origin()}, {"X-Forwarded-For", address}};
    auto c = client();
    if (method == "GET") return c->Get(path, headers);
    return c->Patch(path, headers, body, "application/json");
  }

  httplib::Result with_token(const std::string& token, const std::string& method, const std::string& path,
                             const std::string& body = "") {
    httplib::Headers headers{{"Authorization", "Bearer " + token}};
    auto c = client();
    if (method == "GET") return c->Get(path, headers);
    if (method == "POST") return c->Post(path, headers, body, "application/json");
    return c->Patch(path, headers, body, "application/json");
  }

  server::Organisation org;
  Reviewer owner;
  KeyPair keys;
  server::Project project;
  std::string base;
};

TEST_F(ReviewTriageTest, StatusesTagsAndBulkTriage) {
  make_org();
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(store_submission(project, seal(project, keys)));
  const std::string subs = base + "/submissions";

  for (const char* status : {"new", "triaged", "in_progress", "resolved", "spam"}) {
    auto res = send("PATCH", subs + "/" + ids[0], json{{"status", status}}.dump(), owner.cookie);
    ASSERT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(body_of(res)["status"], status);
  }
  auto old_name = send("PATCH", subs + "/" + ids[0], json{{"status", "in_review"}}.dump(), owner.cookie);
  EXPECT_EQ(old_name->status, 400);
  EXPECT_NE(old_name->body.find("triaged"), std::string::npos) << old_name->body;

  // Tags: lowercased, sorted, deduplicated; a bad one changes nothing.
  auto tagged = send("PATCH", subs + "/" + ids[1], json{{"tags", {"Checkout", "ui", "checkout"}}}.dump(), owner.cookie);
  ASSERT_EQ(tagged->status, 200) << tagged->body;
  EXPECT_EQ(body_of(tagged)["tags"], (json{"checkout", "ui"}));
  EXPECT_EQ(send("PATCH", subs + "/" + ids[2], json{{"tags", {"has space"}}}.dump(), owner.cookie)->status, 400);
  EXPECT_EQ(send("PATCH", subs + "/" + ids[2], json{{"tags", std::vector<std::string>(11, "x")}}.dump(), owner.cookie)
                ->status,
            200);  // duplicates collapse to one
  std::vector<std::string> eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back("t" + std::to_string(i));
  EXPECT_EQ(send("PATCH", subs + "/" + ids[2], json{{"tags", eleven}}.dump(), owner.cookie)->status, 400);
  EXPECT_EQ(ids_of(body_of(get(subs + "?tag=checkout", owner))), std::vector<std::string>{ids[1]});
  EXPECT_EQ(ids_of(body_of(get(subs + "?tag=check", owner))).size(), 0u);  // whole words only
  EXPECT_EQ(ids_of(body_of(get(subs + "?tag=x", owner))), std::vector<std::string>{ids[2]});

  // Bulk status: ids of another project (or none at all) are skipped.
  server::Project other = create_org_project(org.id, "Other", keys);
  const std::string foreign = store_submission(other, seal(other, keys));
  auto bulk =
      send("POST", subs + "/bulk-update",
           json{{"ids", {ids[1], ids[2], foreign, "sub_nonsense"}}, {"status", "resolved"}}.dump(), owner.cookie);
  ASSERT_EQ(bulk->status, 200) << bulk->body;
  EXPECT_EQ(body_of(bulk)["updated"], (json{ids[1], ids[2]}));
  EXPECT_EQ(ids_of(body_of(get(subs + "?status=resolved", owner))).size(), 2u);
  EXPECT_EQ(storage_->get_submission(other.id, foreign).value().status, server::SubmissionStatus::fresh);
  EXPECT_EQ(send("POST", subs + "/bulk-update", json{{"ids", json::array()}, {"status", "spam"}}.dump(), owner.cookie)
                ->status,
            400);

  // Bulk delete: rows and envelopes go; the foreign one stays.
  auto gone = send("POST", subs + "/bulk-delete", json{{"ids", {ids[0], ids[3], foreign}}}.dump(), owner.cookie);
  ASSERT_EQ(gone->status, 200) << gone->body;
  EXPECT_EQ(body_of(gone)["deleted"].size(), 2u);
  EXPECT_EQ(storage_->read_envelope(project.id, ids[0]).code(), ErrorCode::not_found);
  EXPECT_TRUE(storage_->read_envelope(other.id, foreign).ok());
  EXPECT_EQ(ids_of(body_of(get(subs, owner))).size(), 2u);

  // A project reviewer triages in bulk but does not delete.
  Reviewer reviewer = enroll(org.id, "reviewer@acme.example", server::OrgRole::member);
  ASSERT_TRUE(accounts().set_project_role(project.id, reviewer.id, server::ProjectRole::reviewer).ok());
  EXPECT_EQ(
      send("POST", subs + "/bulk-update", json{{"ids", {ids[1]}}, {"status", "spam"}}.dump(), reviewer.cookie)->status,
      200);
  EXPECT_EQ(send("POST", subs + "/bulk-delete", json{{"ids", {ids[1]}}}.dump(), reviewer.cookie)->status, 403);
}

TEST_F(ReviewTriageTest, NotesAreSealedToTheProjectKeyAndOnlyTheirAuthorDeletesThem) {
  make_org();
  const std::string sub = store_submission(project, seal(project, keys));
  const std::string notes = base + "/submissions/" + sub + "/notes";
  Reviewer reviewer = enroll(org.id, "reviewer@acme.example", server::OrgRole::member);
  Reviewer second = enroll(org.id, "second@acme.example", server::OrgRole::member);
  Reviewer viewer = enroll(org.id, "viewer@acme.example", server::OrgRole::viewer);
  for (const Reviewer* r : {&reviewer, &second}) {
    ASSERT_TRUE(accounts().set_project_role(project.id, r->id, server::ProjectRole::reviewer).ok());
  }

  // The reviewer's client seals the note to the project's public key.
  const std::string plain = "Customer 4711 says the coupon field eats the code";
  std::vector<std::uint8_t> sealed(crypto_box_SEALBYTES + plain.size());
  ASSERT_EQ(crypto_box_seal(sealed.data(), reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
                            keys.public_key.bytes.data()),
            0);
  auto created = send("POST", notes, json{{"sealed", b64url(sealed)}}.dump(), reviewer.cookie);
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string note_id = body_of(created)["id"];
  EXPECT_EQ(send("POST", notes, json{{"sealed", "not base64!"}}.dump(), reviewer.cookie)->status, 400);
  EXPECT_EQ(send("POST", notes, json{{"sealed", std::string(70'000, 'A')}}.dump(), reviewer.cookie)->status, 413);
  EXPECT_EQ(send("POST", notes, json{{"sealed", b64url(sealed)}}.dump(), viewer.cookie)->status, 403);

  // Anyone who reads the project gets the ciphertext; the project key opens it.
  auto listed = get(notes, viewer);
  ASSERT_EQ(listed->status, 200) << listed->body;
  ASSERT_EQ(body_of(listed)["items"].size(), 1u);
  EXPECT_EQ(body_of(listed)["items"][0]["author"], reviewer.id);
  const std::string text = body_of(listed)["items"][0]["sealed"];
  std::vector<std::uint8_t> ciphertext = base64url_decode(text, sealed.size()).value();
  std::string opened(ciphertext.size() - crypto_box_SEALBYTES, '\0');
  ASSERT_EQ(crypto_box_seal_open(reinterpret_cast<unsigned char*>(opened.data()), ciphertext.data(), ciphertext.size(),
                                 keys.public_key.bytes.data(), keys.secret_key.bytes.data()),
            0);
  EXPECT_EQ(opened, plain);
  // The server's database holds the ciphertext only.
  EXPECT_EQ(file_text(dir_ + "/sealshot.db").find("coupon"), std::string::npos);

  // Another reviewer cannot delete it; its author and admins can.
  EXPECT_EQ(send("DELETE", notes + "/" + note_id, "", second.cookie)->status, 404);
  EXPECT_EQ(send("DELETE", notes + "/" + note_id, "", reviewer.cookie)->status, 200);
  auto again = send("POST", notes, json{{"sealed", b64url(sealed)}}.dump(), reviewer.cookie);
  EXPECT_EQ(send("DELETE", notes + "/" + std::string(body_of(again)["id"]), "", owner.cookie)->status, 200);
  EXPECT_EQ(body_of(get(notes, owner))["items"].size(), 0u);

  // Notes go with their report.
  ASSERT_EQ(send("POST", notes, json{{"sealed", b64url(sealed)}}.dump(), reviewer.cookie)->status, 201);
  ASSERT_EQ(send("DELETE", base + "/submissions/" + sub, "", owner.cookie)->status, 200);
  EXPECT_EQ(get(notes, owner)->status, 404);
  EXPECT_EQ(storage_->list_notes(project.id, sub).value().size(), 0u);
}

TEST_F(ReviewTriageTest, ProjectSettingsChangeTogetherAndDeletingRemovesEveryEnvelope) {
  make_org();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(store_submission(project, seal(project, keys)));
  Reviewer member = enroll(org.id, "member@acme.example", server::OrgRole::member);
  ASSERT_TRUE(accounts().set_project_role(project.id, member.id, server::ProjectRole::reviewer).ok());

  auto renamed = send("PATCH", base,
                      json{{"name", "Shop (EU)"},
                           {"allowed_origins", {"HTTPS://Shop.example:443", "https://eu.shop.example"}},
                           {"retention_days", 30}}
                          .dump(),
                      owner.cookie);
  ASSERT_EQ(renamed->status, 200) << renamed->body;
  EXPECT_EQ(body_of(renamed)["name"], "Shop (EU)");
  EXPECT_EQ(body_of(renamed)["allowed_origins"], (json{"https://shop.example", "https://eu.shop.example"}));
  EXPECT_EQ(body_of(renamed)["retention_days"], 30);
  // One bad setting: nothing changes.
  auto bad =
      send("PATCH", base, json{{"name", "Other"}, {"allowed_origins", {"shop.example/path"}}}.dump(), owner.cookie);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(storage_->get_project(project.id).value().name, "Shop (EU)");
  EXPECT_EQ(send("PATCH", base, json{{"retention_days", -1}}.dump(), owner.cookie)->status, 400);
  EXPECT_EQ(send("PATCH", base, json{{"name", "Mine"}}.dump(), member.cookie)->status, 403);

  // The widget's origin check follows at once.
  auto posted = [&](const std::string& from) {
    httplib::Headers headers{{"Origin", from}};
    return post(project.id, as_text(seal(project, keys)), headers);
  };
  EXPECT_EQ(posted("https://eu.shop.example")->status, 201);

  // Deleting wants the id repeated, then takes every report and envelope.
  auto unconfirmed = send("DELETE", base + "?confirm=prj_other", "", owner.cookie);
  EXPECT_EQ(unconfirmed->status, 400);
  EXPECT_EQ(error_of(unconfirmed->body), "confirmation_required");
  EXPECT_EQ(storage_->list_submissions(project.id, server::ListQuery{}).value().items.size(), 4u);
  auto deleted = send("DELETE", base + "?confirm=" + project.id, "", owner.cookie);
  ASSERT_EQ(deleted->status, 200) << deleted->body;
  EXPECT_EQ(body_of(deleted)["submissions_deleted"], 4);
  EXPECT_EQ(storage_->get_project(project.id).code(), ErrorCode::not_found);
  for (const std::string& id : ids) EXPECT_EQ(storage_->read_envelope(project.id, id).code(), ErrorCode::not_found);
  EXPECT_FALSE(accounts().get_grant(project.id, owner.id).ok());
  EXPECT_EQ(get(base + "/submissions", owner)->status, 404);
  EXPECT_EQ(posted("https://eu.shop.example")->status, 404);
  EXPECT_EQ(body_of(get("/v1/orgs/" + org.id + "/projects", owner))["items"].size(), 0u);
}

TEST_F(ReviewTriageTest, TheIpAllowlistLimitsTheReviewApiButNotIngest) {
  make_org();
  const std::string org_path = "/v1/orgs/" + org.id;
  // A list that leaves out the owner's own address would lock them out.
  auto locked = send("PATCH", org_path, json{{"ip_allowlist", {"198.51.100.0/24"}}}.dump(), owner.cookie);
  EXPECT_EQ(locked->status, 409) << locked->body;
  EXPECT_EQ(send("PATCH", org_path, json{{"ip_allowlist", {"not-an-address"}}}.dump(), owner.cookie)->status, 400);
  auto set = send("PATCH", org_path, json{{"ip_allowlist", {"198.51.100.0/24", "127.0.0.1"}}}.dump(), owner.cookie);
  ASSERT_EQ(set->status, 200) << set->body;
  EXPECT_EQ(body_of(get(org_path, owner))["ip_allowlist"], (json{"198.51.100.0/24", "127.0.0.1"}));

  // Behind the trusted proxy: the forwarded client address decides.
  auto inside = send_from("198.51.100.7", "GET", base + "/submissions", "", owner.cookie);
  EXPECT_EQ(inside->status, 200) << inside->body;
  auto outside = send_from("203.0.113.9", "GET", base + "/submissions", "", owner.cookie);
  EXPECT_EQ(outside->status, 403);
  EXPECT_EQ(error_of(outside->body), "address_not_allowed");
  EXPECT_EQ(send_from("203.0.113.9", "GET", org_path + "/members", "", owner.cookie)->status, 403);
  // Visitors' reports still arrive from anywhere.
  httplib::Headers visitor{{"Origin", "https://shop.example"}, {"X-Forwarded-For", "203.0.113.9"}};
  EXPECT_EQ(post(project.id, as_text(seal(project, keys)), visitor)->status, 201);
  // Admins cannot change it (owners only), and clearing it opens it again.
  Reviewer admin = enroll(org.id, "admin@acme.example", server::OrgRole::admin);
  EXPECT_EQ(send("PATCH", org_path, json{{"ip_allowlist", json::array()}}.dump(), admin.cookie)->status, 403);
  ASSERT_EQ(send("PATCH", org_path, json{{"ip_allowlist", json::array()}}.dump(), owner.cookie)->status, 200);
  EXPECT_EQ(send_from("203.0.113.9", "GET", base + "/submissions", "", owner.cookie)->status, 200);
}

TEST_F(ReviewTriageTest, ApiTokensReachOneProjectWithinTheirScopeUntilTheyExpire) {
  make_org();
  const std::string sub = store_submission(project, seal(project, keys));
  server::Project other = create_org_project(org.id, "Other", keys);
  const std::string tokens = "/v1/orgs/" + org.id + "/tokens";
  const auto create = [&](const std::string& scope, int days) {
    auto res =
        send("POST", tokens,
             json{{"project", project.id}, {"scope", scope}, {"expires_in_days", days}, {"name", "CI bot"}}.dump(),
             owner.cookie);
    EXPECT_EQ(res->status, 201) << res->body;
    return body_of(res);
  };
  const json read = create("read", 30);
  const std::string read_token = read["token"];
  EXPECT_EQ(read_token.rfind("sst_", 0), 0u);
  EXPECT_EQ(send("POST", tokens, json{{"project", project.id}, {"scope", "read"}}.dump(), owner.cookie)->status, 400);
  EXPECT_EQ(send("POST", tokens, json{{"project", project.id}, {"scope", "admin"}, {"expires_in_days", 1}}.dump(),
                 owner.cookie)
                ->status,
            400);

  // Read scope: list and fetch; no triage; nothing outside its project.
  EXPECT_EQ(with_token(read_token, "GET", base + "/submissions")->status, 200);
  auto envelope = with_token(read_token, "GET", base + "/submissions/" + sub + "/envelope");
  EXPECT_EQ(envelope->status, 200);
  EXPECT_EQ(with_token(read_token, "PATCH", base + "/submissions/" + sub, json{{"status", "spam"}}.dump())->status,
            403);
  EXPECT_EQ(with_token(read_token, "GET", "/v1/orgs/" + org.id + "/projects/" + other.id + "/submissions")->status,
            404);
  EXPECT_EQ(with_token(read_token, "GET", "/v1/orgs/" + org.id + "/members")->status, 403);
  EXPECT_EQ(with_token(read_token, "GET", tokens)->status, 403);
  EXPECT_EQ(with_token(read_token, "POST", base + "/submissions/bulk-delete", json{{"ids", {sub}}}.dump())->status,
            403);

  // Triage scope: also status.
  const std::string triage_token = create("triage", 1)["token"];
  auto triaged = with_token(triage_token, "PATCH", base + "/submissions/" + sub, json{{"status", "triaged"}}.dump());
  EXPECT_EQ(triaged->status, 200) << triaged->body;

  // Listed without the secret; the audit log names the token.
  auto listed = get(tokens, owner);
  ASSERT_EQ(body_of(listed)["items"].size(), 2u);
  EXPECT_EQ(listed->body.find(read_token), std::string::npos);
  EXPECT_EQ(file_text(dir_ + "/sealshot.db").find(read_token), std::string::npos);
  const std::string audit_log = get("/v1/orgs/" + org.id + "/audit", owner)->body;
  EXPECT_NE(audit_log.find(std::string(read["id"])), std::string::npos);

  // Revoked at once; expired after its days.
  ASSERT_EQ(send("DELETE", tokens + "/" + std::string(read["id"]), "", owner.cookie)->status, 200);
  EXPECT_EQ(with_token(read_token, "GET", base + "/submissions")->status, 401);
  const std::string month_token = create("read", 30)["token"];
  now_ms_ += 2 * server::kMillisPerDay;
  EXPECT_EQ(with_token(triage_token, "GET", base + "/submissions")->status, 401);
  EXPECT_EQ(with_token(month_token, "GET", base + "/submissions")->status, 200);
  EXPECT_EQ(with_token("sst_" + ReviewAuth::token_generate(), "GET", base + "/submissions")->status, 401);
}

TEST_F(ReviewTriageTest, OwnershipIsHandedOverAndAnOrganisationIsDeletedWithEverything) {
  make_org();
  const std::string sub = store_submission(project, seal(project, keys));
  Reviewer admin = enroll(org.id, "admin@acme.example", server::OrgRole::admin);
  Reviewer member = enroll(org.id, "member@acme.example", server::OrgRole::member);
  const std::string org_path = "/v1/orgs/" + org.id;
  auto [other_org, other_owner] = create_org("Globex", "owner@globex.example");

  // Handing over: the admin becomes owner, the old owner an admin.
  EXPECT_EQ(send("POST", org_path + "/transfer", json{{"to", member.id}}.dump(), admin.cookie)->status, 403);
  EXPECT_EQ(send("POST", org_path + "/transfer", json{{"to", other_owner.id}}.dump(), owner.cookie)->status, 404);
  auto handed = send("POST", org_path + "/transfer", json{{"to", admin.id}}.dump(), owner.cookie);
  ASSERT_EQ(handed->status, 200) << handed->body;
  EXPECT_EQ(accounts().role_in(org.id, admin.id).value(), server::OrgRole::owner);
  EXPECT_EQ(accounts().role_in(org.id, owner.id).value(), server::OrgRole::admin);

  // Deleting: only an owner, only with the id repeated; every project,
  // report and envelope goes; the members who belong nowhere else are out.
  EXPECT_EQ(send("DELETE", org_path + "?confirm=" + org.id, "", owner.cookie)->status, 403);
  EXPECT_EQ(error_of(send("DELETE", org_path, "", admin.cookie)->body), "confirmation_required");
  auto deleted = send("DELETE", org_path + "?confirm=" + org.id, "", admin.cookie);
  ASSERT_EQ(deleted->status, 200) << deleted->body;
  EXPECT_EQ(body_of(deleted)["projects_deleted"], 1);
  EXPECT_EQ(body_of(deleted)["submissions_deleted"], 1);
  EXPECT_EQ(storage_->read_envelope(project.id, sub).code(), ErrorCode::not_found);
  EXPECT_EQ(storage_->get_project(project.id).code(), ErrorCode::not_found);
  EXPECT_EQ(accounts().get_organisation(org.id).code(), ErrorCode::not_found);
  EXPECT_EQ(get("/v1/me", member)->status, 401);  // signed out: in no organisation now
  EXPECT_EQ(get(org_path, admin)->status, 401);
  // The other organisation is untouched.
  EXPECT_EQ(get("/v1/orgs/" + other_org.id, other_owner)->status, 200);
}

}  // namespace
}  // namespace sealshot::http
