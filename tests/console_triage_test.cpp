// Triage in the console's model against the real server: tags (edited on a
// report, the inbox filtered by one), reviewer notes sealed here to the
// project's public key and opened with the project key from the grant, and
// bulk status and delete over the rows picked in the inbox.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "inbox_model.h"
#include "note_seal.h"
#include "notes_model.h"
#include "server_support/console_fixture.h"
#include "tags.h"

namespace sealshot::http {
namespace {

class ConsoleTriageTest : public ConsoleModelTest {
 protected:
  std::unique_ptr<console::InboxModel> open_inbox(Seeded& s) {
    auto inbox = std::make_unique<console::InboxModel>(*api_, *s.session, s.org_id, s.project);
    inbox->reload();
    settle();
    return inbox;
  }

  // Every file of the data directory, for "the plaintext is nowhere on disk".
  std::string data_dir_bytes() {
    std::string all;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      all.append(std::istreambuf_iterator<char>(in), {});
    }
    return all;
  }
};

TEST(ConsoleTags, TypedTagsAreCheckedLowercasedAndSortedAsTheServerKeepsThem) {
  auto tags = console::tags_from_text(" Checkout, URGENT  ui,checkout ");
  ASSERT_TRUE(tags.ok()) << tags.message();
  EXPECT_EQ(tags.value(), (std::vector<std::string>{"checkout", "ui", "urgent"}));
  EXPECT_EQ(console::tags_to_text(tags.value()), "checkout, ui, urgent");
  EXPECT_TRUE(console::tags_from_text("").value().empty());
  auto bad = console::tags_from_text("fine, not/fine");
  EXPECT_EQ(bad.code(), ErrorCode::invalid_argument);
  EXPECT_NE(bad.message().find("\"not/fine\" is not a tag"), std::string::npos) << bad.message();
  EXPECT_FALSE(console::tags_from_text(std::string(33, 'a')).ok());
  EXPECT_TRUE(console::tags_from_text(std::string(32, 'a')).ok());
  EXPECT_NE(console::tags_from_text("a b c d e f g h i j k").message().find("at most 10"), std::string::npos);
  EXPECT_EQ(console::tag_from_text("Bug_1-x").value(), "bug_1-x");
  EXPECT_FALSE(console::tag_from_text("").ok());
}

TEST(ConsoleNoteSeal, ANoteOpensOnlyWithItsProjectsKeyAndBadTextIsRefused) {
  const KeyPair project = keypair_generate().value();
  const KeyPair other = keypair_generate().value();
  const std::string text = "Called the customer — refund sent ✓";
  auto sealed = console::note_seal(text, project.public_key);
  ASSERT_TRUE(sealed.ok()) << sealed.message();
  EXPECT_EQ(sealed.value().find("refund"), std::string::npos);
  EXPECT_EQ(console::note_open(sealed.value(), project.public_key, project.secret_key).value(), text);
  EXPECT_EQ(console::note_open(sealed.value(), other.public_key, other.secret_key).code(),
            ErrorCode::grant_open_failed);
  std::string altered = sealed.value();
  altered[10] = altered[10] == 'A' ? 'B' : 'A';
  EXPECT_EQ(console::note_open(altered, project.public_key, project.secret_key).code(), ErrorCode::grant_open_failed);
  EXPECT_EQ(console::note_open("not base64!", project.public_key, project.secret_key).code(),
            ErrorCode::invalid_argument);
  EXPECT_EQ(console::note_open("", project.public_key, project.secret_key).code(), ErrorCode::grant_open_failed);

  EXPECT_NE(console::note_seal("  \n", project.public_key).message().find("empty"), std::string::npos);
  EXPECT_TRUE(console::note_seal(std::string(console::kMaxNoteBytes, 'x'), project.public_key).ok());
  EXPECT_NE(
      console::note_seal(std::string(console::kMaxNoteBytes + 1, 'x'), project.public_key).message().find("at most"),
      std::string::npos);
  for (const char* bad : {"\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "a\xFF"}) {
    EXPECT_EQ(console::note_seal(bad, project.public_key).code(), ErrorCode::invalid_argument) << bad;
  }
  EXPECT_TRUE(console::note_seal("\xF0\x9F\x99\x82 ok", project.public_key).ok());
}

TEST_F(ConsoleTriageTest, TagsAreEditedOnAReportAndTheInboxFiltersByOne) {
  Seeded s = seed(4, 500);
  auto inbox = open_inbox(s);
  ASSERT_EQ(inbox->rows().size(), 4u);
  EXPECT_TRUE(inbox->rows()[0].tags.empty());

  std::vector<Status> answers;
  inbox->set_tags(s.ids[1], console::tags_from_text("Checkout, urgent").value(),
                  [&](Status st) { answers.push_back(st); });
  inbox->set_tags(s.ids[2], {"ui"}, [&](Status st) { answers.push_back(st); });
  EXPECT_TRUE(answers.empty()) << "answers come from pump(), never inside the call";
  settle();
  ASSERT_EQ(answers.size(), 2u);
  for (const Status& st : answers) EXPECT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(inbox->rows()[std::size_t(inbox->index_of(s.ids[1]))].tags,
            (std::vector<std::string>{"checkout", "urgent"}));
  EXPECT_EQ(storage_->get_submission(s.project.id, s.ids[1]).value().tags,
            (std::vector<std::string>{"checkout", "urgent"}));

  console::SubmissionQuery urgent;
  urgent.tag = "URGENT";  // typed in capitals: the filter lowercases it as the server stores tags
  inbox->set_filter(urgent);
  settle();
  ASSERT_EQ(inbox->rows().size(), 1u);
  EXPECT_EQ(inbox->rows()[0].id, s.ids[1]);
  EXPECT_EQ(inbox->rows()[0].tags, (std::vector<std::string>{"checkout", "urgent"}));

  // Removing every tag: the filter's list comes back empty.
  std::optional<Status> cleared;
  inbox->set_tags(s.ids[1], {}, [&](Status st) { cleared = st; });
  settle();
  ASSERT_TRUE(cleared && cleared->ok());
  inbox->reload();
  settle();
  EXPECT_TRUE(inbox->rows().empty());

  // A tag the server would refuse is refused here, before any request.
  const std::size_t started = http_->started;
  std::optional<Status> refused;
  inbox->set_tags(s.ids[0], {"not a tag"}, [&](Status st) { refused = st; });
  console::SubmissionQuery bad;
  bad.tag = "a/b";
  inbox->set_filter(bad);
  settle();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code(), ErrorCode::invalid_argument);
  EXPECT_EQ(inbox->list_status().code(), ErrorCode::invalid_argument);
  EXPECT_EQ(http_->started, started);
}

TEST_F(ConsoleTriageTest, NotesAreSealedHereOpenedWithTheProjectKeyAndOnlyCiphertextReachesTheServer) {
  Seeded s = seed(2, 500);
  const std::string secret_text = "Customer Jane Roe called; refund 4711 sent";
  console::NotesModel notes(*api_, *s.session, s.org_id, s.project, s.ids[0]);
  notes.load();
  settle();
  ASSERT_TRUE(notes.status().ok()) << notes.status().message();
  EXPECT_TRUE(notes.notes().empty());

  std::optional<Status> added;
  notes.add(secret_text, [&](Status st) { added = st; });
  settle();
  ASSERT_TRUE(added && added->ok()) << (added ? added->message() : "no answer");
  ASSERT_EQ(notes.notes().size(), 1u);
  EXPECT_EQ(notes.notes()[0].text, secret_text);
  EXPECT_EQ(notes.notes()[0].author, s.session->me().id);

  // The server holds ciphertext that opens with the project key only.
  auto stored = storage_->list_notes(s.project.id, s.ids[0]);
  ASSERT_TRUE(stored.ok() && stored.value().size() == 1u);
  EXPECT_EQ(stored.value()[0].sealed.find("refund"), std::string::npos);
  EXPECT_EQ(console::note_open(stored.value()[0].sealed, s.project_keys.public_key, s.project_keys.secret_key).value(),
            secret_text);
  EXPECT_EQ(data_dir_bytes().find("Jane Roe"), std::string::npos) << "the note's text is nowhere in the data directory";

  // A note sealed to another key (the server or someone with the wrong key
  // could store one): its own sentence; the others still open.
  const KeyPair other = keypair_generate().value();
  HttpResponse r =
      http_->send_now({"POST",
                       "/v1/orgs/" + s.org_id + "/projects/" + s.project.id + "/submissions/" + s.ids[0] + "/notes",
                       {{"X-Sealshot-Request", "1"}},
                       json{{"sealed", console::note_seal("forged", other.public_key).value()}}.dump()});
  ASSERT_EQ(r.status, 201) << r.body;
  // A second reader's view: a fresh model lists and opens them.
  console::NotesModel again(*api_, *s.session, s.org_id, s.project, s.ids[0]);
  again.load();
  EXPECT_TRUE(again.loading());
  settle();
  ASSERT_EQ(again.notes().size(), 2u);
  EXPECT_EQ(again.notes()[0].text, secret_text);
  EXPECT_TRUE(again.notes()[1].text.empty());
  EXPECT_NE(again.notes()[1].error.find("does not open with the project's key"), std::string::npos)
      << again.notes()[1].error;
  // Notes of the other report stay with it.
  console::NotesModel elsewhere(*api_, *s.session, s.org_id, s.project, s.ids[1]);
  elsewhere.load();
  settle();
  EXPECT_TRUE(elsewhere.notes().empty());

  // An empty or overlong note is refused here; nothing is sent.
  const std::size_t started = http_->started;
  std::optional<Status> empty;
  again.add("   ", [&](Status st) { empty = st; });
  EXPECT_FALSE(empty) << "even a refusal decided here answers from pump()";
  settle();
  ASSERT_TRUE(empty);
  EXPECT_NE(empty->message().find("empty"), std::string::npos) << empty->message();
  EXPECT_EQ(http_->started, started);

  // Deleting one's own note: gone here and on the server.
  EXPECT_TRUE(again.can_delete(again.notes()[0], "member"));
  console::Note someone_elses = again.notes()[0];
  someone_elses.author = "prs_someone_else";
  EXPECT_FALSE(again.can_delete(someone_elses, "member"));
  EXPECT_TRUE(again.can_delete(someone_elses, "admin"));
  std::optional<Status> deleted;
  again.remove(again.notes()[0].id, [&](Status st) { deleted = st; });
  settle();
  ASSERT_TRUE(deleted && deleted->ok()) << deleted->message();
  ASSERT_EQ(again.notes().size(), 1u);
  EXPECT_EQ(storage_->list_notes(s.project.id, s.ids[0]).value().size(), 1u);

  // A closed report with its notes list still on the way: the answer is dropped.
  auto closing = std::make_unique<console::NotesModel>(*api_, *s.session, s.org_id, s.project, s.ids[0]);
  closing->load();
  closing.reset();
  settle();
}

TEST_F(ConsoleTriageTest, BulkStatusAndDeleteChangeThePickedRowsOnly) {
  Seeded s = seed(6, 500);
  auto inbox = open_inbox(*&s);
  ASSERT_EQ(inbox->rows().size(), 6u);

  // Nothing picked: refused (by the client, from pump()), nothing sent.
  const std::size_t before = http_->started;
  std::optional<Status> none;
  inbox->bulk_set_status("resolved", [&](Status st, std::size_t) { none = st; });
  EXPECT_FALSE(none);
  settle();
  ASSERT_TRUE(none);
  EXPECT_EQ(none->code(), ErrorCode::invalid_argument);
  EXPECT_EQ(http_->started, before);

  inbox->toggle_selected(s.ids[0]);
  inbox->toggle_selected(s.ids[1]);
  inbox->toggle_selected(s.ids[2]);
  inbox->toggle_selected(s.ids[2]);  // picked twice: unpicked
  inbox->toggle_selected(s.ids[3]);
  inbox->toggle_selected("sub_not_in_the_inbox");
  EXPECT_EQ(inbox->selection(), (std::set<std::string>{s.ids[0], s.ids[1], s.ids[3]}));

  // Someone else deletes one of them meanwhile: left out, not an error.
  ASSERT_TRUE(storage_->delete_many(s.project.id, {s.ids[3]}).ok());
  std::optional<std::pair<Status, std::size_t>> changed;
  inbox->bulk_set_status("triaged", [&](Status st, std::size_t n) { changed.emplace(st, n); });
  settle();
  ASSERT_TRUE(changed);
  EXPECT_TRUE(changed->first.ok()) << changed->first.message();
  EXPECT_EQ(changed->second, 2u);
  for (const std::string& id : {s.ids[0], s.ids[1]}) {
    EXPECT_EQ(inbox->rows()[std::size_t(inbox->index_of(id))].status, "triaged");
  }
  EXPECT_EQ(inbox->rows()[std::size_t(inbox->index_of(s.ids[2]))].status, "new") << "an unpicked row is untouched";

  console::SubmissionQuery triaged;
  triaged.status = "triaged";
  inbox->set_filter(triaged);
  settle();
  EXPECT_EQ(inbox->rows().size(), 2u) << "the server agrees";
  EXPECT_EQ(inbox->selection(), (std::set<std::string>{s.ids[0], s.ids[1]})) << "the deleted row left the selection";

  // Select all shown (a search narrows what is shown), then delete them.
  inbox->set_filter({});
  settle();
  inbox->set_search("Report #5");
  settle();
  ASSERT_EQ(inbox->shown().size(), 1u);
  inbox->select_shown(true);
  EXPECT_EQ(inbox->selection(), (std::set<std::string>{s.ids[5]}));
  inbox->set_search("");
  inbox->toggle_selected(s.ids[4]);
  std::optional<std::pair<Status, std::size_t>> deleted;
  inbox->bulk_remove([&](Status st, std::size_t n) { deleted.emplace(st, n); });
  settle();
  ASSERT_TRUE(deleted && deleted->first.ok()) << deleted->first.message();
  EXPECT_EQ(deleted->second, 2u);
  EXPECT_TRUE(inbox->selection().empty());
  EXPECT_EQ(inbox->index_of(s.ids[5]), -1);
  inbox->reload();
  settle();
  EXPECT_EQ(inbox->rows().size(), 3u);
  EXPECT_FALSE(storage_->get_submission(s.project.id, s.ids[4]).ok());
  inbox->select_shown(false);
  EXPECT_TRUE(inbox->selection().empty());
}

}  // namespace
}  // namespace sealshot::http
