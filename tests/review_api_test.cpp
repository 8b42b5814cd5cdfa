// The review API against the real in-process TLS server and SQLite storage:
// single-use links, sign-in, sessions (idle and absolute expiry on a stepped
// clock), CSRF, throttling, projects with sealed grants, envelopes with HTTP
// Range, tenant isolation, the owner rules, and the audit log.
#include "http/totp.h"
#include "server_support/review_fixture.h"

namespace sealshot::http {
namespace {

using nlohmann::json;

json body_of(const httplib::Result& res) { return json::parse(res->body, nullptr, false); }

TEST_F(ReviewTest, SetUpLinkMakesTheOwnerAndSignsThemIn) {
  start();
  const std::string token = ReviewAuth::token_generate();
  auto org =
      accounts().create_organisation("Acme", "Owner@Acme.example", ReviewAuth::token_hash(token), now_ms_ + 3'600'000);
  ASSERT_TRUE(org.ok()) << org.message();

  auto shown = send("GET", "/v1/links/" + token, "", "");
  ASSERT_TRUE(shown);
  EXPECT_EQ(shown->status, 200) << shown->body;
  EXPECT_EQ(body_of(shown)["kind"], "setup");
  EXPECT_EQ(body_of(shown)["email"], "owner@acme.example");
  EXPECT_EQ(body_of(shown)["organisation"], "Acme");

  Reviewer owner = accept(token, "owner@acme.example");
  ASSERT_FALSE(owner.cookie.empty());
  EXPECT_EQ(owner.cookie.rfind("__Host-sealshot_session=", 0), 0u);

  auto me = get("/v1/me", owner);
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200) << me->body;
  EXPECT_EQ(body_of(me)["email"], "owner@acme.example");
  EXPECT_EQ(body_of(me)["organisations"][0]["role"], "owner");
  EXPECT_EQ(body_of(me)["organisations"][0]["id"], org.value().id);

  // Single use.
  auto again = send("POST", "/v1/links/" + token + "/accept", new_account_body(owner).dump(), "");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 410) << again->body;
  EXPECT_EQ(error_of(again->body), "gone");
}

TEST_F(ReviewTest, SessionCookieIsHostOnlySecureHttpOnlyStrict) {
  start();
  const std::string token = ReviewAuth::token_generate();
  ASSERT_TRUE(
      accounts().create_organisation("Acme", "o@acme.example", ReviewAuth::token_hash(token), now_ms_ + 60'000).ok());
  Reviewer r;
  r.auth_key.assign(32, 7);
  auto res = send("POST", "/v1/links/" + token + "/accept", new_account_body(r).dump(), "");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const std::string cookie = res->get_header_value("Set-Cookie");
  for (const char* part : {"__Host-sealshot_session=", "; Path=/", "; Secure", "; HttpOnly", "; SameSite=Strict"}) {
    EXPECT_NE(cookie.find(part), std::string::npos) << part << " missing in " << cookie;
  }
  EXPECT_EQ(cookie.find("Domain"), std::string::npos);
}

TEST_F(ReviewTest, ExpiredOrUnknownLinksAreRefused) {
  start();
  const std::string token = ReviewAuth::token_generate();
  ASSERT_TRUE(
      accounts().create_organisation("Acme", "o@acme.example", ReviewAuth::token_hash(token), now_ms_ + 60'000).ok());
  now_ms_ += 60'000;
  Reviewer r;
  r.auth_key.assign(32, 1);
  auto late = send("POST", "/v1/links/" + token + "/accept", new_account_body(r).dump(), "");
  ASSERT_TRUE(late);
  EXPECT_EQ(late->status, 410) << late->body;
  auto unknown = send("GET", "/v1/links/" + ReviewAuth::token_generate(), "", "");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
}

TEST_F(ReviewTest, LoginNeedsTheRightKeyAndUnknownEmailsLookTheSame) {
  start();
  auto [org, owner] = create_org("Acme", "owner@acme.example");
  const auto login = [&](const std::string& email, std::span<const std::uint8_t> key) {
    return send("POST", "/v1/auth/login", json{{"email", email}, {"auth_key", b64url(key)}}.dump(), "");
  };
  auto good = login("OWNER@acme.example", owner.auth_key);
  ASSERT_TRUE(good);
  ASSERT_EQ(good->status, 200) << good->body;
  EXPECT_FALSE(session_cookie_of(*good).empty());
  EXPECT_TRUE(body_of(good).contains("wrapped_secret_key"));

  std::vector<std::uint8_t> wrong = owner.auth_key;
  wrong[0] ^= 1;
  auto bad = login("owner@acme.example", wrong);
  auto nobody = login("nobody@acme.example", wrong);
  ASSERT_TRUE(bad && nobody);
  EXPECT_EQ(bad->status, 401);
  EXPECT_EQ(nobody->status, 401);
  EXPECT_EQ(bad->body, nobody->body);  // one generic sentence
  EXPECT_TRUE(bad->get_header_value("Set-Cookie").empty());

  // Pre-login: an unknown email gets a salt and parameters of the same
  // shape, stable across calls (so asking twice does not tell either).
  const auto prelogin = [&](const std::string& email) {
    return body_of(send("POST", "/v1/auth/prelogin", json{{"email", email}}.dump(), ""));
  };
  json known = prelogin("owner@acme.example");
  json unknown1 = prelogin("nobody@acme.example");
  json unknown2 = prelogin("nobody@acme.example");
  EXPECT_EQ(unknown1, unknown2);
  EXPECT_EQ(known["kdf"]["salt"].get<std::string>().size(), unknown1["kdf"]["salt"].get<std::string>().size());
  EXPECT_EQ(known["kdf"]["opslimit"], unknown1["kdf"]["opslimit"]);
  EXPECT_EQ(known["kdf"]["memlimit"], unknown1["kdf"]["memlimit"]);
  EXPECT_NE(known["kdf"]["salt"], unknown1["kdf"]["salt"]);
}

TEST_F(ReviewTest, LoginIsThrottledPerAccount) {
  config_.review.login_per_minute_per_account = 1;  // burst 10
  start();
  auto [org, owner] = create_org("Acme", "owner@acme.example");
  std::vector<std::uint8_t> wrong(32, 9);
  int throttled = 0;
  for (int i = 0; i < 14; ++i) {
    auto res =
        send("POST", "/v1/auth/login", json{{"email", "owner@acme.example"}, {"auth_key", b64url(wrong)}}.dump(), "");
    ASSERT_TRUE(res);
    if (res->status == 429) {
      ++throttled;
      EXPECT_FALSE(res->get_header_value("Retry-After").empty());
    } else {
      EXPECT_EQ(res->status, 401);
    }
  }
  EXPECT_GE(throttled, 3);
}

TEST_F(ReviewTest, SessionsEndWhenIdleAndAfterTheirAbsoluteLifetime) {
  start();
  auto [org, owner] = create_org("Acme", "owner@acme.example");
  // Active every 20 minutes: the 30-minute idle limit never trips...
  for (int i = 0; i < 5; ++i) {
    now_ms_ += 20 * 60'000;
    auto me = get("/v1/me", owner);
    ASSERT_TRUE(me);
    ASSERT_EQ(me->status, 200) << "after " << (i + 1) * 20 << " minutes";
  }
  // ...but the 12-hour absolute limit does.
  for (int i = 0; i < 31; ++i) {
    now_ms_ += 20 * 60'000;
    (void)get("/v1/me", owner);
  }
  auto late = get("/v1/me", owner);
  ASSERT_TRUE(late);
  EXPECT_EQ(late->status, 401);

  // Idle: 30 minutes without a request.
  auto fresh = send("POST", "/v1/auth/login",
                    json{{"email", "owner@acme.example"}, {"auth_key", b64url(owner.auth_key)}}.dump(), "");
  ASSERT_TRUE(fresh);
  ASSERT_EQ(fresh->status, 200);
  owner.cookie = session_cookie_of(*fresh);
  now_ms_ += 29 * 60'000;
  EXPECT_EQ(get("/v1/me", owner)->status, 200);
  now_ms_ += 30 * 60'000;
  EXPECT_EQ(get("/v1/me", owner)->status, 401);
}

TEST_F(ReviewTest, LogoutAndSignOutEverywhere) {
  start();
  auto [org, owner] = create_org("Acme", "owner@acme.example");
  auto second =
      send("POST", "/v1/auth/login", json{{"email", owner.email}, {"auth_key", b64url(owner.auth_key)}}.dump(), "");
  ASSERT_TRUE(second);
  Reviewer other_device = owner;
  other_device.cookie = session_cookie_of(*second);

  auto out = send("POST", "/v1/auth/logout", "", owner.cookie);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 200);
  EXPECT_NE(out->get_header_value("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(get("/v1/me", owner)->status, 401);
  EXPECT_EQ(get("/v1/me", other_device)->status, 200);

  auto third =
      send("POST", "/v1/auth/login", json{{"email", owner.email}, {"auth_key", b64url(owner.auth_key)}}.dump(), "");
  Reviewer third_device = owner;
  third_device.cookie = session_cookie_of(*third);
  ASSERT_EQ(send("POST", "/v1/auth/logout-everywhere", "", third_device.cookie)->status, 200);
  EXPECT_EQ(get("/v1/me", other_device)->status, 401);
  EXPECT_EQ(get("/v1/me", third_device)->status, 401);
}

TEST_F(ReviewTest, SessionsAreListedAndEndedOneByOneOrByAnAdmin) {
  start();
  auto [org, owner] = create_org("Acme", "owner@acme.example");
  Reviewer admin = enroll(org.id, "admin@acme.example", server::OrgRole::admin);
  Reviewer laptop = enroll(org.id, "member@acme.example", server::OrgRole::member);
  Reviewer phone = laptop;
  phone.cookie = session_cookie_of(
      *send("POST", "/v1/auth/login", json{{"email", laptop.email}, {"auth_key", b64url(laptop.auth_key)}}.dump(), ""));
  json sessions = body_of(get("/v1/me/sessions", laptop));
  ASSERT_EQ(sessions["items"].size(), 2u);
  std::string other;
  for (const json& s : sessions["items"]) {
    if (!s["current"].get<bool>()) other = s["id"];
  }
  ASSERT_EQ(other.size(), 16u);
  EXPECT_EQ(send("DELETE", "/v1/me/sessions/" + other, "", laptop.cookie)->status, 200);
  EXPECT_EQ(get("/v1/me", phone)->status, 401);
  EXPECT_EQ(get("/v1/me", laptop)->status, 200);
  // Another person's session id is not found among one's own.
  const std::string owners = body_of(get("/v1/me/sessions", owner))["items"][0]["id"];
  EXPECT_EQ(send("DELETE", "/v1/me/sessions/" + owners, "", laptop.cookie)->status, 404);
  // An admin signs a member out everywhere, but not an owner.
  EXPECT_EQ(send("POST", "/v1/orgs/" + org.id + "/members/" + laptop.id + "/signout", "", admin.cookie)->status, 200);
  EXPECT_EQ(get("/v1/me", laptop)->status, 401);
  EXPECT_EQ(send("POST", "/v1/orgs/" + org.id + "/members/" + owner.id + "/signout", "", admin.cookie)->status, 403);
  EXPECT_EQ(get("/v1/me", owner)->status, 200);
}

TEST_F(ReviewTest, StateChangesNeedTheCsrfHeaderAndOurOrigin) {
  start();
  auto [org, owner] = create_org("Acme", "owner@acme.example");
  const std::string path = "/v1/orgs/" + org.id + "/invitations";
  const std::string body = json{{"email", "new@acme.example"}, {"role", "member"}}.dump();

  auto no_header = send("POST", path, body, owner.cookie, /*with_csrf=*/false);
  ASSERT_TRUE(no_header);
  EXPECT_EQ(no_header->status, 403);

  httplib::Headers foreign = {
      {"Cookie", owner.cookie}, {std::string(kCsrfHeader), "1"}, {"Origin", "https://evil.example"}};
  auto cross_site = client()->Post(path, foreign, body, "application/json");
  ASSERT_TRUE(cross_site);
  EXPECT_EQ(cross_site->status, 403);

  auto ok = send("POST", path, body, owner.cookie);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201) << ok->body;

  // Login too (login CSRF would sign a victim into an attacker's account).
  auto login = send("POST", "/v1/auth/login", json{{"email", owner.email}, {"auth_key", b64url(owner.auth_key)}}.dump(),
                    "", /*with_csrf=*/false);
  EXPECT_EQ(login->status, 403);
}

TEST_F(ReviewTest, AJsonBodyAbove64KiBIsRefusedFromTheHeaders) {
  start();
  auto [org, owner] = create_org("Acme", "owner@acme.example");
  const std::string big(70 * 1024, 'x');
  auto res = send("POST", "/v1/orgs/" + org.id + "/invitations", big, owner.cookie);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  auto junk = send("POST", "/v1/orgs/" + org.id + "/invitations", "{not json", owner.cookie);
  ASSERT_TRUE(junk);
  EXPECT_EQ(junk->status, 400);
  EXPECT_EQ(error_of(junk->body), "bad_json");
}

TEST_F(ReviewTest, ProjectsCarryTheCreatorsGrantAndMembersSeeOnlyTheirs) {
  start();
  auto [org, owner] = create_org("Acme", "owner@acme.example");
  KeyPair project_keys = keypair_generate().value();
  auto created = send("POST", "/v1/orgs/" + org.id + "/projects",
                      json{{"name", "Shop"},
                           {"public_key", key_to_text(project_keys.public_key)},
                           {"allowed_origins", {"https://shop.example"}},
                           {"sealed_key", "sealed-for-owner"}}
                          .dump(),
                      owner.cookie);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string project_id = body_of(created)["id"];
  const std::string base = "/v1/orgs/" + org.id + "/projects/" + project_id;

  auto grant = get(base + "/grant", owner);
  ASSERT_EQ(grant->status, 200) << grant->body;
  EXPECT_EQ(body_of(grant)["sealed_key"], "sealed-for-owner");

  Reviewer member = enroll(org.id, "member@acme.example", server::OrgRole::member);
  EXPECT_EQ(body_of(get("/v1/orgs/" + org.id + "/projects", member))["items"].size(), 0u);
  EXPECT_EQ(get(base + "/submissions", member)->status, 404);

  // The owner gives the member a role and a grant (sealed by the owner's client).
  auto access = send("PUT", base + "/access/" + member.id,
                     json{{"role", "reviewer"}, {"sealed_key", "sealed-for-member"}}.dump(), owner.cookie);
  ASSERT_EQ(access->status, 200) << access->body;
  auto listed = body_of(get("/v1/orgs/" + org.id + "/projects", member));
  ASSERT_EQ(listed["items"].size(), 1u);
  EXPECT_EQ(listed["items"][0]["my_role"], "reviewer");
  EXPECT_EQ(listed["items"][0]["has_key"], true);
  EXPECT_EQ(body_of(get(base + "/grant", member))["sealed_key"], "sealed-for-member");

  // Revoked: role and grant gone.
  ASSERT_EQ(send("DELETE", base + "/access/" + member.id, "", owner.cookie)->status, 200);
  EXPECT_EQ(get(base + "/grant", member)->status, 404);

  // A viewer of the organisation with a role but no grant is waiting for access.
  Reviewer viewer = enroll(org.id, "viewer@acme.example", server::OrgRole::viewer);
  auto waiting = get(base + "/grant", viewer);
  EXPECT_EQ(waiting->status, 404);
  EXPECT_EQ(error_of(waiting->body), "waiting_for_access");
}

TEST_F(ReviewTest, EnvelopesAreServedWithRangeAndEveryFetchIsAudited) {
  start();
  auto [org, owner] = create_org("Acme", "owner@acme.example");
  KeyPair keys = keypair_generate().value();
  server::Project project = create_org_project(org.id, "Shop", keys);
  const std::vector<std::uint8_t> envelope = seal(project, keys, 50'000);
  // Through the public ingest route, as a visitor's browser sends it.
  auto posted = post(project.id, as_text(envelope), {{"Origin", "https://shop.example"}});
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 201) << posted->body;
  const std::string id = json::parse(posted->body)["id"];
  const std::string base = "/v1/orgs/" + org.id + "/projects/" + project.id;

  auto list = get(base + "/submissions", owner);
  ASSERT_EQ(list->status, 200);
  ASSERT_EQ(body_of(list)["items"].size(), 1u);
  EXPECT_EQ(body_of(list)["items"][0]["id"], id);

  auto whole = get(base + "/submissions/" + id + "/envelope", owner);
  ASSERT_EQ(whole->status, 200);
  EXPECT_TRUE(whole->body == as_text(envelope));

  httplib::Headers range = {{"Cookie", owner.cookie}, {"Range", "bytes=0-1023"}};
  auto first = client()->Get(base + "/submissions/" + id + "/envelope", range);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 206);
  EXPECT_TRUE(first->body == as_text(envelope).substr(0, 1024));
  EXPECT_EQ(first->get_header_value("Content-Range"), "bytes 0-1023/" + std::to_string(envelope.size()));

  auto audit = body_of(get("/v1/orgs/" + org.id + "/audit", owner));
  int fetches = 0;
  for (const json& e : audit["items"]) {
    if (e["action"] == "envelope.fetch") {
      ++fetches;
      EXPECT_EQ(e["actor"], owner.id);
      EXPECT_EQ(e["target"], project.id + "/" + id);
      EXPECT_EQ(e["address"], "127.0.0.1");
    }
  }
  EXPECT_EQ(fetches, 2);

  // A range is read from storage on its own, not cut from the whole envelope:
  // with everything after the envelope's first 8 KiB gone from its segment
  // (it alone fills it: a fresh server's first report), the first chunk still
  // comes, and the whole envelope is cut short rather than sent wrong.
  int cut = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_ + "/segments")) {
    if (entry.file_size() != envelope.size()) continue;
    std::filesystem::resize_file(entry.path(), 8192);
    ++cut;
  }
  ASSERT_EQ(cut, 1);
  auto head = client()->Get(base + "/submissions/" + id + "/envelope", range);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 206) << head->body;
  EXPECT_TRUE(head->body == as_text(envelope).substr(0, 1024));
  auto short_whole = client()->Get(base + "/submissions/" + id + "/envelope", {{"Cookie", owner.cookie}});
  EXPECT_TRUE(!short_whole || short_whole->body.size() < envelope.size());
  httplib::Headers past = {{"Cookie", owner.cookie}, {"Range", "bytes=" + std::to_string(envelope.size()) + "-"}};
  auto after_end = client()->Get(base + "/submissions/" + id + "/envelope", past);
  ASSERT_TRUE(after_end);
  EXPECT_EQ(after_end->status, 416);

  // Triage and delete.
  auto triaged = send("PATCH", base + "/submissions/" + id, json{{"status", "resolved"}}.dump(), owner.cookie);
  ASSERT_EQ(triaged->status, 200) << triaged->body;
  EXPECT_EQ(body_of(triaged)["status"], "resolved");
  ASSERT_EQ(send("DELETE", base + "/submissions/" + id, "", owner.cookie)->status, 200);
  EXPECT_EQ(get(base + "/submissions/" + id + "/envelope", owner)->status, 404);
}

TEST_F(ReviewTest, AnotherTenantsIdsAnswer404) {
  start();
  auto [acme, acme_owner] = create_org("Acme", "owner@acme.example");
  auto [globex, globex_owner] = create_org("Globex", "owner@globex.example");
  KeyPair keys = keypair_generate().value();
  server::Project globex_project = create_org_project(globex.id, "Globex shop", keys);
  const std::string sub = store_submission(globex_project, seal(globex_project, keys));

  // Globex's project under Acme's URL, and Globex's organisation itself.
  for (const std::string& path :
       {"/v1/orgs/" + acme.id + "/projects/" + globex_project.id + "/submissions",
        "/v1/orgs/" + acme.id + "/projects/" + globex_project.id + "/submissions/" + sub + "/envelope",
        "/v1/orgs/" + globex.id + "/projects", "/v1/orgs/" + globex.id + "/members",
        "/v1/orgs/" + globex.id + "/projects/" + globex_project.id + "/submissions/" + sub + "/envelope"}) {
    auto res = get(path, acme_owner);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(res->body.find(globex_project.name), std::string::npos);
  }
  // A project made before organisations belongs to nobody's console.
  EXPECT_EQ(get("/v1/orgs/" + acme.id + "/projects/" + project_a_.id + "/submissions", acme_owner)->status, 404);
}

TEST_F(ReviewTest, AdminsManagePeopleButNotOwners) {
  start();
  auto [org, owner] = create_org("Acme", "owner@acme.example");
  Reviewer admin = enroll(org.id, "admin@acme.example", server::OrgRole::admin);
  Reviewer member = enroll(org.id, "member@acme.example", server::OrgRole::member);
  const std::string members = "/v1/orgs/" + org.id + "/members/";

  EXPECT_EQ(send("PATCH", members + member.id, json{{"role", "viewer"}}.dump(), admin.cookie)->status, 200);
  EXPECT_EQ(send("PATCH", members + member.id, json{{"role", "owner"}}.dump(), admin.cookie)->status, 403);
  EXPECT_EQ(send("PATCH", members + owner.id, json{{"role", "member"}}.dump(), admin.cookie)->status, 403);
  EXPECT_EQ(send("DELETE", members + owner.id, "", admin.cookie)->status, 403);
  EXPECT_EQ(send("POST", "/v1/orgs/" + org.id + "/invitations",
                 json{{"email", "x@acme.example"}, {"role", "owner"}}.dump(), admin.cookie)
                ->status,
            403);
  // The last owner cannot leave the organisation ownerless.
  auto demote = send("PATCH", members + owner.id, json{{"role", "admin"}}.dump(), owner.cookie);
  EXPECT_EQ(demote->status, 409) << demote->body;
  // Removing a member ends their access at once.
  EXPECT_EQ(send("DELETE", members + member.id, "", owner.cookie)->status, 200);
  EXPECT_EQ(get("/v1/orgs/" + org.id, member)->status, 401);  // no organisation left: signed out everywhere
}

TEST_F(ReviewTest, TheDatabaseHoldsNoSessionTokenOrAuthKey) {
  start();
  auto [org, owner] = create_org("Acme", "owner@acme.example");
  const std::string token = owner.cookie.substr(owner.cookie.find('=') + 1);
  server_.reset();
  faulty_.reset();
  storage_.reset();  // checkpoints the WAL into the database file
  std::string everything;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_)) {
    if (entry.is_regular_file()) everything += file_text(entry.path().string());
  }
  everything += log_lines_.str();
  EXPECT_EQ(everything.find(token), std::string::npos);
  const std::string raw_key(owner.auth_key.begin(), owner.auth_key.end());
  EXPECT_EQ(everything.find(raw_key), std::string::npos);
  EXPECT_EQ(everything.find(b64url(owner.auth_key)), std::string::npos);
}

TEST_F(ReviewTest, TriageAssignsToReadersAndListsFilterByStatusAssigneeAndDate) {
  start();
  auto [org, owner] = create_org("Acme", "owner@acme.example");
  Reviewer reviewer = enroll(org.id, "reviewer@acme.example", server::OrgRole::member);
  Reviewer outsider = enroll(org.id, "outsider@acme.example", server::OrgRole::member);
  KeyPair keys = keypair_generate().value();
  server::Project project = create_org_project(org.id, "Shop", keys);
  ASSERT_TRUE(accounts().set_project_role(project.id, reviewer.id, server::ProjectRole::reviewer).ok());
  const std::string base = "/v1/orgs/" + org.id + "/projects/" + project.id + "/submissions";
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(store_submission(project, seal(project, keys)));

  // The reviewer triages: assigns to themselves; someone without access to
  // the project cannot be the assignee.
  auto assigned = send("PATCH", base + "/" + ids[0], json{{"assignee", reviewer.id}, {"status", "triaged"}}.dump(),
                       reviewer.cookie);
  ASSERT_EQ(assigned->status, 200) << assigned->body;
  EXPECT_EQ(body_of(assigned)["assignee"], reviewer.id);
  EXPECT_EQ(body_of(assigned)["status"], "triaged");
  EXPECT_EQ(send("PATCH", base + "/" + ids[1], json{{"assignee", outsider.id}}.dump(), owner.cookie)->status, 400);

  // An init-capture: clang before 16 cannot capture a structured binding.
  const auto listed = [&, &owner = owner](const std::string& query) {
    std::vector<std::string> out;
    auto res = get(base + query, owner);
    EXPECT_EQ(res->status, 200) << query << ": " << res->body;
    const json page = body_of(res);
    for (const json& item : page["items"]) out.push_back(item["id"]);
    return out;
  };
  EXPECT_EQ(listed("").size(), 3u);
  EXPECT_EQ(listed("?assignee=" + reviewer.id), std::vector<std::string>{ids[0]});
  EXPECT_EQ(listed("?status=triaged"), std::vector<std::string>{ids[0]});
  EXPECT_EQ(listed("?assignee=").size(), 2u);
  EXPECT_EQ(listed("?since_ms=" + std::to_string(now_ms_.load() + 1)).size(), 0u);
  EXPECT_EQ(get(base + "?since_ms=yesterday", owner)->status, 400);

  // Unassign.
  auto cleared = send("PATCH", base + "/" + ids[0], json{{"assignee", ""}}.dump(), owner.cookie);
  EXPECT_EQ(body_of(cleared)["assignee"], "");
}

TEST_F(ReviewTest, AuditEntriesOlderThanTheRetentionArePurged) {
  start();
  auto [org, owner] = create_org("Acme", "owner@acme.example");
  server::AuditEntry old_entry{org.id, 0, now_ms_ - 100LL * 86'400'000, "cli", "org.create", org.id, ""};
  ASSERT_TRUE(accounts().append_audit(old_entry).ok());
  auto purged = accounts().purge_audit(now_ms_ - 90LL * 86'400'000);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(purged.value(), 1u);
  const json audit = body_of(get("/v1/orgs/" + org.id + "/audit", owner));
  ASSERT_FALSE(audit["items"].empty());
  for (const json& e : audit["items"]) {
    EXPECT_GT(e["at_ms"].get<std::int64_t>(), now_ms_ - 90LL * 86'400'000);
  }
}

TEST_F(ReviewTest, APasswordResetKeepsTheAccountButEndsItsGrantsAndSessions) {
  start();
  auto [org, owner] = create_org("Acme", "owner@acme.example");
  Reviewer member = enroll(org.id, "member@acme.example", server::OrgRole::viewer);
  KeyPair keys = keypair_generate().value();
  server::Project project = create_org_project(org.id, "Shop", keys);
  const std::string base = "/v1/orgs/" + org.id + "/projects/" + project.id;
  ASSERT_EQ(send("PUT", base + "/access/" + member.id, json{{"sealed_key", "sealed-for-old-key"}}.dump(), owner.cookie)
                ->status,
            200);
  const std::string old_public_key = accounts().get_person(member.id).value().keys.public_key;

  const std::string token = ReviewAuth::token_generate();
  server::Link link{server::LinkKind::reset, org.id, member.email, server::OrgRole::viewer, "cli", now_ms_,
                    now_ms_ + 30 * 60'000,   0};
  ASSERT_TRUE(accounts().create_link(ReviewAuth::token_hash(token), link).ok());
  EXPECT_EQ(body_of(send("GET", "/v1/links/" + token, "", ""))["kind"], "reset");
  Reviewer after = member;
  after.auth_key.assign(32, 0x5a);
  auto reset = send("POST", "/v1/links/" + token + "/accept", new_account_body(after).dump(), "");
  ASSERT_EQ(reset->status, 200) << reset->body;
  after.cookie = session_cookie_of(*reset);

  EXPECT_EQ(body_of(reset)["id"], member.id);  // the same account
  EXPECT_NE(accounts().get_person(member.id).value().keys.public_key, old_public_key);
  EXPECT_EQ(get("/v1/me", member)->status, 401);  // the old session ended
  auto waiting = get(base + "/grant", after);
  EXPECT_EQ(waiting->status, 404);
  EXPECT_EQ(error_of(waiting->body), "waiting_for_access");
  EXPECT_EQ(body_of(get("/v1/orgs/" + org.id + "/members", owner))["items"].size(), 2u);  // still a member
  // The old password no longer signs in; the new one does.
  EXPECT_EQ(
      send("POST", "/v1/auth/login", json{{"email", member.email}, {"auth_key", b64url(member.auth_key)}}.dump(), "")
          ->status,
      401);
  EXPECT_EQ(
      send("POST", "/v1/auth/login", json{{"email", member.email}, {"auth_key", b64url(after.auth_key)}}.dump(), "")
          ->status,
      200);
  // A reset link expires after 30 minutes.
  const std::string late = ReviewAuth::token_generate();
  server::Link late_link = link;
  late_link.expires_at_ms = now_ms_ + 30 * 60'000;
  ASSERT_TRUE(accounts().create_link(ReviewAuth::token_hash(late), late_link).ok());
  now_ms_ += 30 * 60'000;
  EXPECT_EQ(send("POST", "/v1/links/" + late + "/accept", new_account_body(after).dump(), "")->status, 410);
}

TEST(Totp, MatchesTheRfc6238Vectors) {
  // RFC 6238 appendix B, SHA-1 key "12345678901234567890"; the last 6 of its 8 digits.
  const std::string key = "12345678901234567890";
  const std::span<const std::uint8_t> secret(reinterpret_cast<const std::uint8_t*>(key.data()), key.size());
  EXPECT_EQ(totp_code(secret, 59 / 30), "287082");
  EXPECT_EQ(totp_code(secret, 1111111109 / 30), "081804");
  EXPECT_EQ(totp_code(secret, 1234567890 / 30), "005924");
  EXPECT_EQ(totp_code(secret, 2000000000 / 30), "279037");
  // ±1 step, each step once, nothing else.
  const std::int64_t now = 1111111109'000;
  EXPECT_EQ(totp_match(secret, "081804", now, 0), 1111111109 / 30);
  EXPECT_EQ(totp_match(secret, "081 804", now + 30'000, 0), 1111111109 / 30);
  EXPECT_FALSE(totp_match(secret, "081804", now + 61'000, 0));
  EXPECT_FALSE(totp_match(secret, "081804", now, 1111111109 / 30));
  EXPECT_FALSE(totp_match(secret, "08180", now, 0));
  EXPECT_FALSE(totp_match(secret, "0818045", now, 0));
  EXPECT_EQ(base32_encode(secret), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

TEST_F(ReviewTest, MultiFactorSignInWithTotpAndSingleUseRecoveryCodes) {
  start();
  auto [org, owner] = create_org("Acme", "owner@acme.example");
  auto setup = send("POST", "/v1/me/mfa/setup", "", owner.cookie);
  ASSERT_EQ(setup->status, 200) << setup->body;
  EXPECT_NE(
      body_of(setup)["otpauth_uri"].get<std::string>().find("otpauth://totp/Sealshot:owner%40acme.example?secret="),
      std::string::npos);
  const std::vector<std::uint8_t> secret = accounts().get_mfa(owner.id).value().secret;
  const auto code_at = [&](std::int64_t ms) { return totp_code(secret, ms / kTotpStepMs); };

  EXPECT_EQ(send("POST", "/v1/me/mfa/enable", json{{"code", "000000"}}.dump(), owner.cookie)->status, 400);
  auto enabled = send("POST", "/v1/me/mfa/enable", json{{"code", code_at(now_ms_)}}.dump(), owner.cookie);
  ASSERT_EQ(enabled->status, 200) << enabled->body;
  const std::vector<std::string> recovery = body_of(enabled)["recovery_codes"];
  ASSERT_EQ(recovery.size(), 10u);

  const auto login = [&, &owner = owner](const std::string& mfa_code) {  // init-capture: clang < 16
    json body = {{"email", owner.email}, {"auth_key", b64url(owner.auth_key)}};
    if (!mfa_code.empty()) body["mfa_code"] = mfa_code;
    return send("POST", "/v1/auth/login", body.dump(), "");
  };
  auto no_code = login("");
  EXPECT_EQ(no_code->status, 401);
  EXPECT_EQ(error_of(no_code->body), "mfa_required");
  EXPECT_TRUE(no_code->get_header_value("Set-Cookie").empty());
  // The enabling code was used: the same step again is refused; the next one works once.
  EXPECT_EQ(error_of(login(code_at(now_ms_))->body), "mfa_code_wrong");
  now_ms_ += kTotpStepMs;
  EXPECT_EQ(login(code_at(now_ms_))->status, 200);
  EXPECT_EQ(error_of(login(code_at(now_ms_))->body), "mfa_code_wrong");
  // A recovery code (typed in upper case with spaces) works once.
  std::string typed = recovery[3];
  for (char& c : typed) c = char(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(login(typed)->status, 200);
  EXPECT_EQ(error_of(login(recovery[3])->body), "mfa_code_wrong");
  EXPECT_EQ(accounts().mfa_recovery_codes_left(owner.id).value(), 9u);
  // Wrong codes count against the sign-in throttle like wrong passwords.
  auto audit = body_of(get("/v1/orgs/" + org.id + "/audit", owner));
  int mfa_failures = 0;
  for (const json& e : audit["items"]) mfa_failures += e["action"] == "signin.mfa_failure";
  EXPECT_EQ(mfa_failures, 3);
}

TEST_F(ReviewTest, AnOrganisationCanRequireMfaOfItsMembers) {
  start();
  auto [org, owner] = create_org("Acme", "owner@acme.example");
  Reviewer member = enroll(org.id, "member@acme.example", server::OrgRole::member);
  const std::string org_path = "/v1/orgs/" + org.id;
  // Not before the owner has it (they would lock themselves out).
  EXPECT_EQ(send("PATCH", org_path, json{{"require_mfa", true}}.dump(), owner.cookie)->status, 409);
  const auto turn_on_mfa = [&](const Reviewer& r) {
    ASSERT_EQ(send("POST", "/v1/me/mfa/setup", "", r.cookie)->status, 200);
    const auto secret = accounts().get_mfa(r.id).value().secret;
    ASSERT_EQ(
        send("POST", "/v1/me/mfa/enable", json{{"code", totp_code(secret, now_ms_ / kTotpStepMs)}}.dump(), r.cookie)
            ->status,
        200);
  };
  turn_on_mfa(owner);
  EXPECT_EQ(send("PATCH", org_path, json{{"require_mfa", true}}.dump(), member.cookie)->status, 403);
  ASSERT_EQ(send("PATCH", org_path, json{{"require_mfa", true}}.dump(), owner.cookie)->status, 200);

  auto refused = get(org_path + "/projects", member);
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(error_of(refused->body), "mfa_required_by_organisation");
  EXPECT_EQ(get("/v1/me", member)->status, 200);  // can still reach their account to turn it on
  turn_on_mfa(member);
  EXPECT_EQ(get(org_path + "/projects", member)->status, 200);
}

}  // namespace
}  // namespace sealshot::http
