// Key rotation and project key pins in the console's model, against the
// real server: an owner rotates a project's key in the model (a new key
// pair, sealed to each confirmed holder of the current key); reports sealed
// before and after both open for a holder; a person granted only the new key
// is told the old report is sealed to an older key they were not given; a
// grant made by the model carries the older keys too. Project keys are
// pinned per key number, and a different key under a pinned number is
// refused. Organisation roles and removal go through the model with the
// server's refusals as sentences.
#include <gtest/gtest.h>

#include "inbox_model.h"
#include "key_pins.h"
#include "notes_model.h"
#include "report_loader.h"
#include "server_support/console_fixture.h"
#include "team_model.h"

namespace sealshot::http {
namespace {

class ConsoleKeysTest : public ConsoleModelTest {
 protected:
  using ConsoleModelTest::settle;
  struct Browser {
    std::unique_ptr<TestHttpClient> http;
    std::unique_ptr<console::ReviewClient> api;
    std::unique_ptr<console::Session> session;
  };
  Browser sign_in_elsewhere(const std::string& email) {
    Browser b;
    b.http = std::make_unique<TestHttpClient>([this] { return client(); }, origin());
    b.api = std::make_unique<console::ReviewClient>(*b.http);
    auto s = console::wait_for<console::Session>(
        *b.api, [&](auto reply) { console::Session::sign_in(*b.api, email, kPassword, std::move(reply)); });
    EXPECT_TRUE(s.ok()) << s.message();
    if (s.ok()) b.session = std::make_unique<console::Session>(std::move(s).value());
    return b;
  }

  static void settle(console::ReviewClient& api) {
    for (int i = 0; i < 1000 && api.pending() > 0; ++i) api.pump();
  }

  // Each report's preview as that browser's inbox decrypts it, by id.
  static std::map<std::string, console::PreviewEntry> previews(console::ReviewClient& api, console::Session& session,
                                                               const std::string& org_id,
                                                               const console::ProjectItem& project) {
    console::InboxModel inbox(api, session, org_id, project);
    inbox.reload();
    settle(api);
    inbox.want_previews(0, inbox.rows().size());
    settle(api);
    std::map<std::string, console::PreviewEntry> out;
    for (std::size_t i = 0; i < inbox.rows().size(); ++i) out[inbox.rows()[i].id] = inbox.preview(i);
    return out;
  }

  std::string member_id(console::TeamModel& team, const std::string& email) {
    for (const auto& m : team.members()) {
      if (m.email == email) return m.id;
    }
    ADD_FAILURE() << "no member " << email;
    return "";
  }

  Status grant(console::TeamModel& team, const console::ProjectItem& p, const std::string& person_id) {
    std::optional<Status> out;
    team.grant(p, person_id, "reviewer", [&](Status st) { out = st; });
    settle();
    return out ? *out : Status(ErrorCode::storage_error, "no answer");
  }
};

TEST_F(ConsoleKeysTest, RotationKeepsOldReportsOpenAndANewKeyOnlyHolderIsToldOfTheOlderKey) {
  Seeded s = seed(1, 300);
  const std::string old_report = s.ids[0];
  join_with_keys(s.org_id, "rita@acme.example", server::OrgRole::member);
  console::KeyPins pins;
  s.session->use_pins(&pins, nullptr);
  console::TeamModel team(*api_, *s.session, s.org_id, pins);
  team.load({s.project});
  settle();
  ASSERT_TRUE(team.status().ok()) << team.status().message();
  EXPECT_EQ(team.current_key_number(s.project.id), 1);
  const std::string rita = member_id(team, "rita@acme.example");
  team.confirm_key(rita);
  ASSERT_TRUE(grant(team, s.project, rita).ok());

  // Rotate in the model: key 2 made here, sealed to the owner and to Rita.
  const std::size_t before = http_->started;
  std::optional<Result<console::ProjectItem>> rotated;
  team.rotate(s.project, [&](Result<console::ProjectItem> r) { rotated.emplace(std::move(r)); });
  EXPECT_FALSE(rotated) << "answers come from pump()";
  settle();
  ASSERT_TRUE(rotated && rotated->ok()) << (rotated ? rotated->message() : "no answer");
  EXPECT_EQ(http_->started, before + 3) << "POST …/keys, then access and keys listed again";
  const server::Project row = project_row(s.project.id);
  EXPECT_EQ(row.public_key, rotated->value().public_key) << "ingest and the snippet use the new key";
  EXPECT_NE(row.public_key, s.project.public_key);
  EXPECT_EQ(team.current_key_number(s.project.id), 2);
  EXPECT_EQ(team.keys_held(s.project.id, rita), (std::vector<std::int64_t>{2, 1}));
  EXPECT_TRUE(team.holds_current_key(s.project.id, rita));
  EXPECT_EQ(pins.check_project(s.project.id, 2, row.public_key), console::KeyPins::Check::matches)
      << "the new key is pinned where it was made";

  // A report sealed to the new key; both open for the owner (same session)
  // and for Rita (a fresh sign-in: her grants of keys 2 and 1).
  const KeyPair key2{public_key_from_text(row.public_key).value(), {}};
  const std::string new_report =
      store_submission(row, report(s.project.id, key2, "After the rotation", "https://shop.example/new", 300));
  console::ProjectItem now = s.project;
  now.public_key = row.public_key;
  for (auto& [id, p] : previews(*api_, *s.session, s.org_id, now)) {
    EXPECT_EQ(p.state, console::PreviewEntry::State::loaded) << id << ": " << p.error;
  }
  Browser r = sign_in_elsewhere("rita@acme.example");
  ASSERT_TRUE(r.session);
  auto rita_sees = previews(*r.api, *r.session, s.org_id, now);
  EXPECT_EQ(rita_sees[old_report].preview.comment_first_line, "Report #0 about the cart");
  EXPECT_EQ(rita_sees[new_report].preview.comment_first_line, "After the rotation");

  // Vic is given only the new key (as a client that does not send older
  // keys would): the new report opens, the old one says why it does not.
  const KeyPair vic_keys = join_with_keys(s.org_id, "vic@acme.example", server::OrgRole::member);
  team.load({now});
  settle();
  const std::string vic = member_id(team, "vic@acme.example");
  Result<console::ProjectKeys> owner_keys = console::wait_for<console::ProjectKeys>(
      *api_, [&](auto reply) { s.session->project_keys(*api_, s.org_id, now, std::move(reply)); });
  ASSERT_TRUE(owner_keys.ok());
  ASSERT_EQ(owner_keys.value().keys.size(), 2u);
  auto put = console::wait_for<console::Done>(*api_, [&](auto reply) {
    api_->set_access(s.org_id, s.project.id, vic, "reviewer",
                     seal_grant(owner_keys.value().current()->secret_key, vic_keys.public_key).value(),
                     std::move(reply));
  });
  ASSERT_TRUE(put.ok()) << put.message();
  Browser v = sign_in_elsewhere("vic@acme.example");
  ASSERT_TRUE(v.session);
  auto vic_sees = previews(*v.api, *v.session, s.org_id, now);
  EXPECT_EQ(vic_sees[new_report].state, console::PreviewEntry::State::loaded) << vic_sees[new_report].error;
  EXPECT_EQ(vic_sees[old_report].state, console::PreviewEntry::State::failed);
  EXPECT_NE(vic_sees[old_report].error.find("sealed to an older key of the project (before key 2) that you were not "
                                            "given"),
            std::string::npos)
      << vic_sees[old_report].error;
  // The report view says the same.
  console::SubmissionItem old_item;
  old_item.id = old_report;
  old_item.size_bytes = 10'000;
  console::ReportLoader loader(*v.api, *v.session, s.org_id, now, old_item);
  loader.start();
  settle(*v.api);
  ASSERT_EQ(loader.phase(), console::ReportLoader::Phase::failed);
  EXPECT_NE(loader.error().find("older key"), std::string::npos) << loader.error();

  // Granted by the model, Walt gets the older key too and reads both.
  join_with_keys(s.org_id, "walt@acme.example", server::OrgRole::member);
  team.load({now});
  settle();
  const std::string walt = member_id(team, "walt@acme.example");
  team.confirm_key(walt);
  ASSERT_TRUE(grant(team, now, walt).ok());
  EXPECT_EQ(team.keys_held(s.project.id, walt), (std::vector<std::int64_t>{2, 1}));
  Browser w = sign_in_elsewhere("walt@acme.example");
  ASSERT_TRUE(w.session);
  for (auto& [id, p] : previews(*w.api, *w.session, s.org_id, now)) {
    EXPECT_EQ(p.state, console::PreviewEntry::State::loaded) << id << ": " << p.error;
  }
}

TEST_F(ConsoleKeysTest, ARotationWithAnUnconfirmedHolderSendsNothing) {
  Seeded s = seed(0, 100);
  const KeyPair rita_keys = join_with_keys(s.org_id, "rita@acme.example", server::OrgRole::member);
  console::KeyPins pins;
  console::TeamModel team(*api_, *s.session, s.org_id, pins);
  team.load({s.project});
  settle();
  const std::string rita = member_id(team, "rita@acme.example");
  // Rita holds key 1 (granted by another client), but nobody confirmed her key here.
  auto put = console::wait_for<console::Done>(*api_, [&](auto reply) {
    api_->set_access(s.org_id, s.project.id, rita, "reviewer",
                     seal_grant(s.project_keys.secret_key, rita_keys.public_key).value(), std::move(reply));
  });
  ASSERT_TRUE(put.ok()) << put.message();
  team.load({s.project});
  settle();
  const std::size_t before = http_->started;
  std::optional<Result<console::ProjectItem>> rotated;
  team.rotate(s.project, [&](Result<console::ProjectItem> r) { rotated.emplace(std::move(r)); });
  settle();
  ASSERT_TRUE(rotated);
  EXPECT_FALSE(rotated->ok());
  EXPECT_NE(rotated->message().find("confirm the key fingerprint of rita"), std::string::npos) << rotated->message();
  EXPECT_EQ(http_->started, before);
  EXPECT_EQ(project_row(s.project.id).public_key, s.project.public_key);
}

TEST_F(ConsoleKeysTest, AProjectKeyIsPinnedPerNumberAndADifferentKeyLaterIsRefused) {
  Seeded s = seed(1, 300);
  console::KeyPins pins;
  s.session->use_pins(&pins, nullptr);
  auto first = previews(*api_, *s.session, s.org_id, s.project);
  ASSERT_EQ(first.begin()->second.state, console::PreviewEntry::State::loaded);
  EXPECT_EQ(pins.check_project(s.project.id, 1, s.project.public_key), console::KeyPins::Check::matches)
      << "pinned on first use";
  const auto saved = console::KeyPins::from_json(pins.to_json());
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(saved.value().check_project(s.project.id, 1, s.project.public_key), console::KeyPins::Check::matches);

  // Another browser of the same person saw a different key 1 before (the
  // server swapped the key and the grant since): refused, nothing opened.
  Browser b = sign_in_elsewhere("owner@acme.example");
  ASSERT_TRUE(b.session);
  console::KeyPins seen_before;
  seen_before.pin_project(s.project.id, 1, key_to_text(keypair_generate().value().public_key));
  b.session->use_pins(&seen_before, nullptr);
  auto refused = previews(*b.api, *b.session, s.org_id, s.project);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused.begin()->second.state, console::PreviewEntry::State::failed);
  EXPECT_NE(refused.begin()->second.error.find("The server now lists a different key 1 for project \"Shop\""),
            std::string::npos)
      << refused.begin()->second.error;
  EXPECT_EQ(b.session->project_keys_held(), 0u);
  // A note cannot be sealed to it either.
  console::NotesModel notes(*b.api, *b.session, s.org_id, s.project, s.ids[0]);
  std::optional<Status> added;
  notes.add("a note", [&](Status st) { added = st; });
  settle(*b.api);
  ASSERT_TRUE(added);
  EXPECT_EQ(added->code(), ErrorCode::key_mismatch);
}

TEST_F(ConsoleKeysTest, RolesAndRemovalGoThroughTheModelWithTheServersRefusalsAsSentences) {
  Seeded s = seed(0, 100);
  join_with_keys(s.org_id, "ada@acme.example", server::OrgRole::admin);
  join_with_keys(s.org_id, "rita@acme.example", server::OrgRole::member);
  console::KeyPins pins;
  console::TeamModel team(*api_, *s.session, s.org_id, pins);
  team.load({s.project});
  settle();
  const std::string rita = member_id(team, "rita@acme.example");
  const auto role_of = [&](const std::string& id) { return team.member(id) ? team.member(id)->role : ""; };
  std::optional<Status> changed;
  team.set_role(rita, "viewer", [&](Status st) { changed = st; });
  settle();
  ASSERT_TRUE(changed && changed->ok()) << (changed ? changed->message() : "no answer");
  EXPECT_EQ(role_of(rita), "viewer") << "the members list is loaded again";

  // The admin may not touch the owner: the server's sentence comes back.
  Browser a = sign_in_elsewhere("ada@acme.example");
  ASSERT_TRUE(a.session);
  console::KeyPins admin_pins;
  console::TeamModel admin_team(*a.api, *a.session, s.org_id, admin_pins);
  admin_team.load({s.project});
  settle(*a.api);
  const std::string owner = s.session->me().id;
  std::optional<Status> refused;
  admin_team.set_role(owner, "member", [&](Status st) { refused = st; });
  settle(*a.api);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code(), ErrorCode::forbidden);
  EXPECT_EQ(refused->message(), "Only an owner can change an owner or make someone an owner.");
  std::optional<Status> not_removed;
  admin_team.remove_member(owner, [&](Status st) { not_removed = st; });
  settle(*a.api);
  ASSERT_TRUE(not_removed);
  EXPECT_EQ(not_removed->message(), "Only an owner can remove an owner.");
  // The last owner cannot step down.
  std::optional<Status> last;
  team.set_role(owner, "admin", [&](Status st) { last = st; });
  settle();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->code(), ErrorCode::invalid_argument) << "409 conflict";
  EXPECT_FALSE(last->message().empty());
  EXPECT_EQ(role_of(owner), "owner");

  std::optional<Status> removed;
  team.remove_member(rita, [&](Status st) { removed = st; });
  settle();
  ASSERT_TRUE(removed && removed->ok()) << (removed ? removed->message() : "no answer");
  EXPECT_EQ(team.member(rita), nullptr);
  EXPECT_EQ(team.members().size(), 2u);
}

}  // namespace
}  // namespace sealshot::http
