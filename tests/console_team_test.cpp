// Team and keys in the console's model against the real server: an owner
// grants a member a project by sealing the project key (held in memory) to
// the member's public key, only after confirming its fingerprint once; the
// member then reads the project's reports. The member resets their password
// (new keys, old grant gone): they show as waiting for access, the changed
// key is refused with a sentence until confirmed again, then re-granted.
#include <gtest/gtest.h>

#include "inbox_model.h"
#include "key_fingerprint.h"
#include "key_pins.h"
#include "server_support/console_fixture.h"
#include "team_model.h"

namespace sealshot::http {
namespace {

class ConsoleTeamTest : public ConsoleModelTest {
 protected:
  // A second browser: its own cookie and client.
  struct OtherClient {
    std::unique_ptr<TestHttpClient> http;
    std::unique_ptr<console::ReviewClient> api;
    std::unique_ptr<console::Session> session;
  };
  OtherClient sign_in_elsewhere(const std::string& email, const std::string& password = kPassword) {
    OtherClient c;
    c.http = std::make_unique<TestHttpClient>([this] { return client(); }, origin());
    c.api = std::make_unique<console::ReviewClient>(*c.http);
    auto s = console::wait_for<console::Session>(
        *c.api, [&](auto reply) { console::Session::sign_in(*c.api, email, password, std::move(reply)); });
    EXPECT_TRUE(s.ok()) << s.message();
    if (s.ok()) c.session = std::make_unique<console::Session>(std::move(s).value());
    return c;
  }

  // The member's first row's preview, as their console would decrypt it.
  console::PreviewEntry::State member_reads(OtherClient& c, const std::string& org_id, const console::ProjectItem& p) {
    console::InboxModel inbox(*c.api, *c.session, org_id, p);
    inbox.reload();
    for (int i = 0; i < 1000 && c.api->pending() > 0; ++i) c.api->pump();
    inbox.want_previews(0, 1);
    for (int i = 0; i < 1000 && c.api->pending() > 0; ++i) c.api->pump();
    return inbox.preview(0).state;
  }
};

TEST(ConsoleKeyPins, PinsHoldPublicKeysOnlyAndRefuseAnUnreadableList) {
  const KeyPair a = keypair_generate().value(), b = keypair_generate().value();
  console::KeyPins pins;
  EXPECT_EQ(pins.check("prs_a", key_to_text(a.public_key)), console::KeyPins::Check::unpinned);
  pins.pin("prs_a", key_to_text(a.public_key));
  EXPECT_EQ(pins.check("prs_a", key_to_text(a.public_key)), console::KeyPins::Check::matches);
  EXPECT_EQ(pins.check("prs_a", key_to_text(b.public_key)), console::KeyPins::Check::changed);
  const std::string saved = pins.to_json();
  EXPECT_EQ(saved.find(key_to_text(a.secret_key)), std::string::npos);
  auto back = console::KeyPins::from_json(saved);
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back.value().check("prs_a", key_to_text(a.public_key)), console::KeyPins::Check::matches);
  EXPECT_FALSE(console::KeyPins::from_json("{").ok());
  EXPECT_FALSE(console::KeyPins::from_json(R"({"version":1,"keys":{"prs_a":"not a key"}})").ok());
  EXPECT_FALSE(console::KeyPins::from_json(R"({"version":2,"keys":{}})").ok());
  EXPECT_NE(console::pin_refusal(console::KeyPins::Check::changed, "Rita").message().find("Rita's key changed"),
            std::string::npos);
}

TEST_F(ConsoleTeamTest, AGrantIsSealedOnlyToAConfirmedKeyAndAResetPersonIsOfferedAGrantAgain) {
  Seeded s = seed(1, 500);
  const KeyPair rita = join_with_keys(s.org_id, "rita@acme.example", server::OrgRole::member);
  console::KeyPins pins;
  console::TeamModel team(*api_, *s.session, s.org_id, pins);
  team.load({s.project});
  EXPECT_TRUE(team.loading());
  settle();
  ASSERT_TRUE(team.status().ok()) << team.status().message();
  ASSERT_EQ(team.members().size(), 2u);
  const console::MemberItem* member = nullptr;
  for (const auto& m : team.members()) {
    if (m.email == "rita@acme.example") member = &m;
  }
  ASSERT_NE(member, nullptr);
  const std::string rita_id = member->id;
  EXPECT_EQ(member->role, "member");
  EXPECT_EQ(console::TeamModel::fingerprint(*member), key_fingerprint(rita.public_key));
  // A member without a project role is not waiting; the owner holds a grant.
  EXPECT_TRUE(team.waiting_for_access(s.project.id).empty());

  // Never confirmed: refused here, nothing sent.
  const std::size_t before = http_->started;
  std::optional<Status> refused;
  team.grant(s.project, rita_id, "reviewer", [&](Status st) { refused = st; });
  EXPECT_FALSE(refused);
  settle();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code(), ErrorCode::key_mismatch);
  EXPECT_NE(refused->message().find("Compare rita's key fingerprint"), std::string::npos) << refused->message();
  EXPECT_EQ(http_->started, before);

  // Confirmed once: the project key (from the owner's grant, in memory) is
  // sealed to Rita's key and sent with her project role.
  team.confirm_key(rita_id);
  EXPECT_EQ(team.pin_check(*team.member(rita_id)), console::KeyPins::Check::matches);
  std::optional<Status> granted;
  team.grant(s.project, rita_id, "reviewer", [&](Status st) { granted = st; });
  settle();
  ASSERT_TRUE(granted && granted->ok()) << (granted ? granted->message() : "no answer");
  ASSERT_NE(team.access(s.project.id), nullptr);
  EXPECT_NE(std::find(team.access(s.project.id)->granted.begin(), team.access(s.project.id)->granted.end(), rita_id),
            team.access(s.project.id)->granted.end());
  OtherClient rc = sign_in_elsewhere("rita@acme.example");
  ASSERT_TRUE(rc.session);
  EXPECT_EQ(member_reads(rc, s.org_id, s.project), console::PreviewEntry::State::loaded) << "Rita reads the report";

  // Rita resets her password: new keys, her grant gone.
  const KeyPair rita_new = join_with_keys(s.org_id, "rita@acme.example", server::OrgRole::member,
                                          server::LinkKind::reset, "new password for rita 77");
  console::TeamModel next_visit(*api_, *s.session, s.org_id, pins);
  next_visit.load({s.project});
  settle();
  const auto waiting = next_visit.waiting_for_access(s.project.id);
  ASSERT_EQ(waiting.size(), 1u) << "she keeps her project role and waits for access";
  EXPECT_EQ(waiting[0]->id, rita_id);
  EXPECT_EQ(next_visit.waiting_total(), 1u);
  EXPECT_EQ(next_visit.pin_check(*waiting[0]), console::KeyPins::Check::changed);
  // The changed key is refused with a sentence; nothing sent.
  const std::size_t before_regrant = http_->started;
  std::optional<Status> changed;
  next_visit.grant(s.project, rita_id, "", [&](Status st) { changed = st; });
  settle();
  ASSERT_TRUE(changed);
  EXPECT_NE(changed->message().find("key changed since you confirmed it"), std::string::npos) << changed->message();
  EXPECT_EQ(http_->started, before_regrant);
  // Compared again and confirmed: re-granted, and she reads the report again.
  next_visit.confirm_key(rita_id);
  std::optional<Status> regranted;
  next_visit.grant(s.project, rita_id, "", [&](Status st) { regranted = st; });
  settle();
  ASSERT_TRUE(regranted && regranted->ok()) << (regranted ? regranted->message() : "no answer");
  EXPECT_TRUE(next_visit.waiting_for_access(s.project.id).empty());
  OtherClient again = sign_in_elsewhere("rita@acme.example", "new password for rita 77");
  ASSERT_TRUE(again.session);
  EXPECT_EQ(key_to_text(again.session->person_keys().public_key), key_to_text(rita_new.public_key));
  EXPECT_EQ(member_reads(again, s.org_id, s.project), console::PreviewEntry::State::loaded);

  // Revoked: role and grant gone.
  std::optional<Status> revoked;
  next_visit.revoke(s.project, rita_id, [&](Status st) { revoked = st; });
  settle();
  ASSERT_TRUE(revoked && revoked->ok());
  EXPECT_TRUE(next_visit.access(s.project.id)->granted.size() == 1u);

  // An invitation: the link's path to show once.
  std::optional<Result<console::Invitation>> invited;
  next_visit.invite("new@acme.example", "member", [&](auto r) { invited.emplace(std::move(r)); });
  settle();
  ASSERT_TRUE(invited && invited->ok()) << (invited ? invited->message() : "no answer");
  EXPECT_EQ(invited->value().path.rfind("/console/link#", 0), 0u) << invited->value().path;
}

}  // namespace
}  // namespace sealshot::http
