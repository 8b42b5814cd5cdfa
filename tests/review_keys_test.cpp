// Project key rotation through the review API against the real in-process
// TLS server: the key history, grants per key, reports that keep needing the
// key they were sealed to, revocation, newcomers given older keys, and the
// refusals of bad input. Grants here are real crypto_box_seal boxes to key
// pairs the test holds, opened the way a client opens them.
#include "key_wrap.h"
#include "server_support/review_fixture.h"

namespace sealshot::http {
namespace {

using nlohmann::json;

json body_of(const httplib::Result& res) { return json::parse(res->body, nullptr, false); }

class ReviewKeysTest : public ReviewTest {
 protected:
  // A person of the organisation plus the key pair their client holds
  // (grants for them are sealed to `box`).
  struct Reader {
    Reviewer who;
    KeyPair box = keypair_generate().value();
  };

  std::string sealed_for(const KeyPair& project_key, const Reader& r) {
    return seal_grant(project_key.secret_key, r.box.public_key).value();
  }

  // Posts a report through the public ingest route, sealed to `key` as a
  // visitor's browser seals it to the project key of the snippet.
  std::string ingest(const server::Project& project, const KeyPair& key) {
    auto posted = post(project.id, as_text(seal(project, key)), {{"Origin", "https://shop.example"}});
    EXPECT_TRUE(posted && posted->status == 201) << (posted ? posted->body : "no answer");
    return posted ? json::parse(posted->body).value("id", "") : "";
  }

  // Every project secret key `r` can open from GET …/grant, newest first.
  std::vector<std::pair<std::int64_t, SecretKey>> held_keys(const std::string& base, const Reader& r) {
    std::vector<std::pair<std::int64_t, SecretKey>> out;
    auto grant = get(base + "/grant", r.who);
    EXPECT_EQ(grant->status, 200) << grant->body;
    if (grant->status != 200) return out;
    const json answer = body_of(grant);
    for (const json& k : answer["keys"]) {
      const PublicKey expected = public_key_from_text(k["public_key"].get<std::string>()).value();
      Result<SecretKey> secret = open_grant(k["sealed_key"].get<std::string>(), r.box, expected);
      EXPECT_TRUE(secret.ok()) << secret.message();
      if (secret.ok()) out.emplace_back(k["key_number"].get<std::int64_t>(), secret.value());
    }
    return out;
  }

  // Which of `keys` opens the stored envelope of `id` (0: none).
  std::int64_t opening_key(const std::string& base, const Reader& r, const std::string& project_id,
                           const std::string& id, const std::vector<std::pair<std::int64_t, SecretKey>>& keys) {
    auto envelope = get(base + "/submissions/" + id + "/envelope", r.who);
    EXPECT_EQ(envelope->status, 200);
    const std::vector<std::uint8_t> bytes(envelope->body.begin(), envelope->body.end());
    for (const auto& [number, secret] : keys) {
      if (envelope_open(bytes, secret, project_id).ok()) return number;
    }
    return 0;
  }
};

TEST_F(ReviewKeysTest, RotationKeepsOldReportsOnTheOldKeyNewReportsNeedTheNewOneAndRevokedPeopleGetNoNewKey) {
  start();
  auto [org, owner_who] = create_org("Acme", "owner@acme.example");
  Reader owner{owner_who};
  Reader reviewer{enroll(org.id, "reviewer@acme.example", server::OrgRole::member)};
  Reader leaver{enroll(org.id, "leaver@acme.example", server::OrgRole::member)};

  const KeyPair key1 = keypair_generate().value();
  auto created = send("POST", "/v1/orgs/" + org.id + "/projects",
                      json{{"name", "Shop"},
                           {"public_key", key_to_text(key1.public_key)},
                           {"allowed_origins", {"https://shop.example"}},
                           {"sealed_key", sealed_for(key1, owner)}}
                          .dump(),
                      owner.who.cookie);
  ASSERT_EQ(created->status, 201) << created->body;
  const server::Project project = storage_->get_project(body_of(created)["id"].get<std::string>()).value();
  const std::string base = "/v1/orgs/" + org.id + "/projects/" + project.id;
  for (const Reader* r : {&reviewer, &leaver}) {
    auto access = send("PUT", base + "/access/" + r->who.id,
                       json{{"role", "reviewer"}, {"sealed_key", sealed_for(key1, *r)}}.dump(), owner.who.cookie);
    ASSERT_EQ(access->status, 200) << access->body;
  }
  auto listed = body_of(get(base + "/keys", reviewer.who));
  ASSERT_EQ(listed["items"].size(), 1u);
  EXPECT_EQ(listed["items"][0]["key_number"], 1);
  EXPECT_EQ(listed["items"][0]["current"], true);
  const std::string old_report = ingest(project, key1);

  // Revoke the leaver, then rotate: the new key is sealed to those who keep access.
  ASSERT_EQ(send("DELETE", base + "/access/" + leaver.who.id, "", owner.who.cookie)->status, 200);
  EXPECT_TRUE(accounts().grants_of(project.id, leaver.who.id).value().empty());
  now_ms_ += 60'000;
  const KeyPair key2 = keypair_generate().value();
  auto rotated = send("POST", base + "/keys",
                      json{{"public_key", key_to_text(key2.public_key)},
                           {"replaces", 1},
                           {"grants",
                            {{{"person_id", owner.who.id}, {"sealed_key", sealed_for(key2, owner)}},
                             {{"person_id", reviewer.who.id}, {"sealed_key", sealed_for(key2, reviewer)}}}}}
                          .dump(),
                      owner.who.cookie);
  ASSERT_EQ(rotated->status, 201) << rotated->body;
  EXPECT_EQ(body_of(rotated)["key_number"], 2);
  EXPECT_EQ(body_of(rotated)["project"]["public_key"], key_to_text(key2.public_key));
  // The snippet's key (the project's public_key) is the new one; key 1 is retired.
  EXPECT_EQ(body_of(get(base, owner.who))["public_key"], key_to_text(key2.public_key));
  listed = body_of(get(base + "/keys", owner.who));
  ASSERT_EQ(listed["items"].size(), 2u);
  EXPECT_EQ(listed["items"][0]["key_number"], 2);
  EXPECT_EQ(listed["items"][0]["retired_at_ms"], 0);
  EXPECT_EQ(listed["items"][1]["key_number"], 1);
  EXPECT_EQ(listed["items"][1]["retired_at_ms"], now_ms_.load());
  EXPECT_EQ(listed["items"][1]["public_key"], key_to_text(key1.public_key));

  const server::Project now = storage_->get_project(project.id).value();
  const std::string new_report = ingest(now, key2);

  // The owner and the reviewer hold both keys; the old report opens with
  // key 1 only, the new one with key 2 only.
  for (const Reader* r : {&owner, &reviewer}) {
    auto grant = body_of(get(base + "/grant", r->who));
    EXPECT_EQ(grant["key_number"], 2);  // the fields clients before rotation read: the current key
    const auto keys = held_keys(base, *r);
    ASSERT_EQ(keys.size(), 2u);
    EXPECT_EQ(keys[0].first, 2);
    EXPECT_EQ(opening_key(base, *r, project.id, old_report, keys), 1);
    EXPECT_EQ(opening_key(base, *r, project.id, new_report, keys), 2);
    EXPECT_EQ(opening_key(base, *r, project.id, new_report, {keys[1]}), 0);  // key 1 cannot open a new report
  }
  // The revoked person holds no grant of any key, and cannot fetch envelopes.
  EXPECT_TRUE(accounts().grants_of(project.id, leaver.who.id).value().empty());
  EXPECT_EQ(get(base + "/grant", leaver.who)->status, 404);
  EXPECT_EQ(get(base + "/submissions/" + new_report + "/envelope", leaver.who)->status, 404);

  // A newcomer given the current key and key 1 reads both reports.
  Reader newcomer{enroll(org.id, "newcomer@acme.example", server::OrgRole::member)};
  auto access = send("PUT", base + "/access/" + newcomer.who.id,
                     json{{"role", "viewer"},
                          {"sealed_key", sealed_for(key2, newcomer)},
                          {"keys", {{{"key_number", 1}, {"sealed_key", sealed_for(key1, newcomer)}}}}}
                         .dump(),
                     owner.who.cookie);
  ASSERT_EQ(access->status, 200) << access->body;
  const auto newcomer_keys = held_keys(base, newcomer);
  ASSERT_EQ(newcomer_keys.size(), 2u);
  EXPECT_EQ(opening_key(base, newcomer, project.id, old_report, newcomer_keys), 1);
  EXPECT_EQ(opening_key(base, newcomer, project.id, new_report, newcomer_keys), 2);
  // The access list shows every grant with its key number.
  int newcomer_grants = 0;
  const json access_list = body_of(get(base + "/access", owner.who));
  for (const json& g : access_list["grants"]) {
    if (g["person_id"] == newcomer.who.id) ++newcomer_grants;
    EXPECT_TRUE(g["key_number"] == 1 || g["key_number"] == 2);
  }
  EXPECT_EQ(newcomer_grants, 2);

  int rotations = 0;
  const json audit_log = body_of(get("/v1/orgs/" + org.id + "/audit", owner.who));
  for (const json& e : audit_log["items"]) {
    if (e["action"] == "project.key.rotate") {
      ++rotations;
      EXPECT_EQ(e["actor"], owner.who.id);
      EXPECT_EQ(e["target"], project.id + "/key 2");
    }
  }
  EXPECT_EQ(rotations, 1);
}

TEST_F(ReviewKeysTest, BadRotationsAndGrantsAreRefusedWithClearErrorsAndChangeNothing) {
  start();
  auto [org, owner] = create_org("Acme", "owner@acme.example");
  Reviewer reviewer = enroll(org.id, "reviewer@acme.example", server::OrgRole::member);
  Reviewer outsider = enroll(org.id, "outsider@acme.example", server::OrgRole::member);  // no role on the project
  auto [globex, globex_owner] = create_org("Globex", "owner@globex.example");
  const KeyPair key1 = keypair_generate().value();
  server::Project project = create_org_project(org.id, "Shop", key1);
  server::Project foreign = create_org_project(globex.id, "Foreign", key1);
  ASSERT_TRUE(accounts().set_project_role(project.id, reviewer.id, server::ProjectRole::reviewer).ok());
  const std::string base = "/v1/orgs/" + org.id + "/projects/" + project.id;
  const std::string fresh = key_to_text(keypair_generate().value().public_key);
  const json mine = {{"person_id", owner.id}, {"sealed_key", "sealed-for-owner"}};

  const auto rotate = [&](const json& body, const Reviewer& as) {
    return send("POST", base + "/keys", body.dump(), as.cookie);
  };
  const auto expect_refused = [&](const httplib::Result& res, int status, const std::string& code,
                                  const std::string& words) {
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, status) << res->body;
    EXPECT_EQ(error_of(res->body), code) << res->body;
    EXPECT_NE(body_of(res).value("message", "").find(words), std::string::npos) << res->body;
  };
  expect_refused(rotate(json::object(), owner), 400, "invalid_argument", "public_key");
  expect_refused(rotate({{"public_key", "too-short"}, {"grants", {mine}}}, owner), 400, "bad_key", "43 characters");
  expect_refused(rotate({{"public_key", fresh}}, owner), 400, "invalid_argument", "grants");
  expect_refused(rotate({{"public_key", fresh}, {"grants", json::array()}}, owner), 400, "invalid_argument", "grants");
  expect_refused(rotate({{"public_key", fresh}, {"grants", json::array({"not a grant"})}}, owner), 400,
                 "invalid_argument", "person_id");
  expect_refused(
      rotate({{"public_key", fresh}, {"grants", {{{"person_id", reviewer.id}, {"sealed_key", "s"}}}}}, owner), 400,
      "invalid_argument", "your own grant");
  expect_refused(rotate({{"public_key", fresh}, {"grants", {mine, mine}}}, owner), 400, "invalid_argument",
                 "Two grants");
  expect_refused(
      rotate({{"public_key", fresh}, {"grants", {mine, {{"person_id", outsider.id}, {"sealed_key", "s"}}}}}, owner),
      400, "invalid_argument", "may not read this project");
  expect_refused(
      rotate({{"public_key", fresh}, {"grants", {mine, {{"person_id", globex_owner.id}, {"sealed_key", "s"}}}}}, owner),
      400, "invalid_argument", "may not read this project");
  expect_refused(rotate({{"public_key", key_to_text(key1.public_key)}, {"grants", {mine}}}, owner), 409, "conflict",
                 "already");
  expect_refused(rotate({{"public_key", fresh}, {"grants", {mine}}, {"replaces", 7}}, owner), 409, "conflict",
                 "changed meanwhile");
  expect_refused(rotate({{"public_key", fresh}, {"grants", {mine}}, {"replaces", "1"}}, owner), 400, "invalid_argument",
                 "replaces");
  // Who may: owners and admins; a project reviewer may not; another
  // organisation's project is not found.
  EXPECT_EQ(rotate({{"public_key", fresh}, {"grants", {mine}}}, reviewer)->status, 403);
  EXPECT_EQ(send("POST", "/v1/orgs/" + org.id + "/projects/" + foreign.id + "/keys",
                 json{{"public_key", fresh}, {"grants", {mine}}}.dump(), owner.cookie)
                ->status,
            404);
  EXPECT_EQ(get("/v1/orgs/" + org.id + "/projects/" + foreign.id + "/keys", owner)->status, 404);
  EXPECT_EQ(get("/v1/orgs/" + globex.id + "/projects/" + foreign.id + "/keys", owner)->status, 404);
  // None of it changed anything.
  EXPECT_EQ(accounts().list_project_keys(project.id).value().size(), 1u);
  EXPECT_EQ(storage_->get_project(project.id).value().public_key, key_to_text(key1.public_key));

  // Grants of older keys: only numbers the project has, each once, only to
  // someone who may read the project.
  const auto grant = [&, &owner = owner](const std::string& person, const json& body) {  // clang < 16
    return send("PUT", base + "/access/" + person, body.dump(), owner.cookie);
  };
  expect_refused(grant(reviewer.id, {{"keys", {{{"key_number", 7}, {"sealed_key", "s"}}}}}), 400, "invalid_argument",
                 "no key number 7");
  expect_refused(grant(reviewer.id, {{"keys", "key 1"}}), 400, "invalid_argument", "keys is a list");
  expect_refused(grant(reviewer.id, {{"keys", {{{"key_number", "1"}, {"sealed_key", "s"}}}}}), 400, "invalid_argument",
                 "keys is a list");
  expect_refused(
      grant(reviewer.id,
            {{"keys", {{{"key_number", 1}, {"sealed_key", "s"}}, {{"key_number", 1}, {"sealed_key", "t"}}}}}),
      400, "invalid_argument", "sealed twice");
  expect_refused(grant(outsider.id, {{"sealed_key", "sealed-for-outsider"}}), 400, "invalid_argument",
                 "may not read the project");
  expect_refused(grant(outsider.id, {{"keys", {{{"key_number", 1}, {"sealed_key", "s"}}}}}), 400, "invalid_argument",
                 "may not read the project");
  EXPECT_TRUE(accounts().grants_of(project.id, reviewer.id).value().empty());
  EXPECT_TRUE(accounts().grants_of(project.id, outsider.id).value().empty());
  // With a role in the same request the outsider may be given the key.
  EXPECT_EQ(grant(outsider.id, {{"role", "viewer"}, {"sealed_key", "sealed-for-outsider"}})->status, 200);
  EXPECT_EQ(accounts().grants_of(project.id, outsider.id).value().size(), 1u);
}

}  // namespace
}  // namespace sealshot::http
