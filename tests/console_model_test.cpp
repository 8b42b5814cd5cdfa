// The console's model (wasm/console/model/) against the real in-process TLS
// server: a person set up through the link route with keys made by the
// core, signed in by the model (prelogin, Argon2id, login, unwrap), a
// project created through the API with the creator's sealed grant, real
// envelopes stored, and the inbox decrypting each row's comment and page
// URL from a Range request of the envelope's first chunk. Every request is
// asynchronous, as in the browser: answers land only through pump().
#include <gtest/gtest.h>

#include <deque>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "account_keys.h"
#include "envelope_reader.h"
#include "inbox_model.h"
#include "key_wrap.h"
#include "payload.h"
#include "png_encode.h"
#include "report_loader.h"
#include "server_support/console_fixture.h"
#include "server_support/review_fixture.h"
#include "session.h"
#include "statuses.h"

namespace sealshot::http {
namespace {

using console::HttpRequest;
using console::HttpResponse;
using nlohmann::json;

TEST_F(ConsoleModelTest, SignsInAndDecryptsEachRowsCommentFromTheFirstChunkOnly) {
  std::string org_id;
  const KeyPair person = set_up_owner("owner@acme.example", org_id);

  // A wrong password opens nothing.
  auto wrong = console::wait_for<console::Session>(*api_, [&](auto reply) {
    console::Session::sign_in(*api_, "owner@acme.example", "not the password at all 1", std::move(reply));
  });
  EXPECT_EQ(wrong.code(), ErrorCode::unauthenticated) << wrong.message();
  EXPECT_EQ(api_->link(), console::Link::ok) << "a wrong password is not a lost session";

  auto session = sign_in("owner@acme.example");
  ASSERT_TRUE(session);
  EXPECT_EQ(key_to_text(session->person_keys().public_key), key_to_text(person.public_key));
  ASSERT_EQ(session->me().organisations.size(), 1u);
  EXPECT_EQ(session->me().organisations[0].id, org_id);

  const KeyPair project_keys = keypair_generate().value();
  const std::string project_id =
      create_project(*session, org_id, project_keys, seal_grant(project_keys.secret_key, person.public_key).value());
  const server::Project project = project_row(project_id);
  std::uint64_t whole_bytes = 0;
  for (int i = 0; i < 3; ++i) {
    auto envelope =
        report(project_id, project_keys, "Checkout button #" + std::to_string(i) + " does nothing\nsecond line",
               "https://shop.example/cart/" + std::to_string(i), 300 * 1024);
    whole_bytes += envelope.size();
    store_submission(project, envelope);
  }

  console::InboxModel inbox(*api_, *session, org_id, only_project(org_id), /*page_size=*/2);
  inbox.reload();
  EXPECT_TRUE(inbox.loading());
  settle();
  ASSERT_EQ(inbox.rows().size(), 2u);
  EXPECT_TRUE(inbox.has_more());
  inbox.load_next_page();
  settle();
  ASSERT_EQ(inbox.rows().size(), 3u);
  EXPECT_FALSE(inbox.has_more());

  inbox.want_previews(0, 3);
  settle();
  std::set<std::string> seen;
  for (std::size_t i = 0; i < 3; ++i) {
    const console::PreviewEntry& row = inbox.preview(i);
    ASSERT_EQ(row.state, console::PreviewEntry::State::loaded) << row.error;
    const std::string n = row.preview.page_url.substr(row.preview.page_url.size() - 1);
    seen.insert(n);
    EXPECT_EQ(row.preview.comment_first_line, "Checkout button #" + n + " does nothing");
    EXPECT_EQ(row.preview.page_url, "https://shop.example/cart/" + n);
    EXPECT_TRUE(row.preview.has_attachments);
    EXPECT_EQ(inbox.rows()[i].status, "new");
  }
  EXPECT_EQ(seen, (std::set<std::string>{"0", "1", "2"}));
  // Only the first chunk of each envelope came down, not the screenshots.
  EXPECT_LE(inbox.preview_bytes(), 3 * console::kPreviewPrefixBytes);
  EXPECT_LT(inbox.preview_bytes() * 4, whole_bytes);

  const std::string resolved(console::kSubmissionStatuses.back());
  std::optional<Status> changed;
  inbox.set_status(inbox.rows()[0].id, resolved, [&](Status st) { changed = st; });
  settle();
  ASSERT_TRUE(changed && changed->ok()) << (changed ? changed->message() : "no answer");
  EXPECT_EQ(inbox.rows()[0].status, resolved);
  inbox.reload();
  settle();
  EXPECT_EQ(inbox.rows()[0].status, resolved);
  EXPECT_EQ(inbox.preview(0).state, console::PreviewEntry::State::loaded) << "previews stay cached";
}

// The fault of the first slice: every request blocked the frame loop. Now a
// call returns at once, answers arrive only through pump(), out of order
// too, and the inbox keeps at most kMaxPreviewRequests previews in flight.
TEST_F(ConsoleModelTest, RequestsNeverBlockAndAnswersOutOfOrderLandOnTheirRows) {
  Seeded s = seed(10, 2000);
  console::InboxModel inbox(*api_, *s.session, s.org_id, s.project);
  inbox.reload();
  EXPECT_TRUE(inbox.rows().empty()) << "the list is not there before its answer is pumped";
  settle();
  ASSERT_EQ(inbox.rows().size(), 10u);

  http_->reverse = true;
  const std::size_t before = http_->started;
  inbox.want_previews(0, 10);
  // Only the grant is asked first; nothing is decrypted inside the call.
  EXPECT_EQ(inbox.preview(0).state, console::PreviewEntry::State::loading);
  EXPECT_LE(inbox.previews_in_flight(), console::InboxModel::kMaxPreviewRequests);
  std::size_t most = 0;
  for (int i = 0; i < 100 && api_->pending() > 0; ++i) {
    most = std::max(most, inbox.previews_in_flight());
    api_->pump();
  }
  EXPECT_EQ(most, console::InboxModel::kMaxPreviewRequests);
  EXPECT_EQ(http_->started - before, 1u + 10u) << "one grant, then one Range request per row";
  for (std::size_t i = 0; i < 10; ++i) {
    const auto& p = inbox.preview(i);
    ASSERT_EQ(p.state, console::PreviewEntry::State::loaded) << p.error;
    // Newest first: row i is report #(9 - i), whatever order the answers came in.
    EXPECT_EQ(p.preview.comment_first_line, "Report #" + std::to_string(9 - i) + " about the cart");
  }
  EXPECT_EQ(s.session->project_keys_held(), 1u);

  // An inbox closed with requests in flight: their answers are dropped.
  auto closing = std::make_unique<console::InboxModel>(*api_, *s.session, s.org_id, s.project);
  closing->reload();
  closing.reset();
  settle();
}

TEST_F(ConsoleModelTest, FiltersGoToTheServerAndTheTextSearchStaysInTheBrowser) {
  Seeded s = seed(6, 1000);
  console::InboxModel inbox(*api_, *s.session, s.org_id, s.project);
  inbox.reload();
  settle();
  ASSERT_EQ(inbox.rows().size(), 6u);

  // The members list names who may be assigned (the owner here).
  auto members = console::wait_for<std::vector<console::MemberItem>>(
      *api_, [&](auto reply) { api_->members(s.org_id, std::move(reply)); });
  ASSERT_TRUE(members.ok()) << members.message();
  ASSERT_EQ(members.value().size(), 1u);
  const std::string me = members.value()[0].id;
  EXPECT_EQ(me, s.session->me().id);

  const std::string other_status(console::kSubmissionStatuses[1]);
  std::vector<Status> answers;
  inbox.set_status(s.ids[1], other_status, [&](Status st) { answers.push_back(st); });
  inbox.assign(s.ids[2], me, [&](Status st) { answers.push_back(st); });
  settle();
  ASSERT_EQ(answers.size(), 2u);
  for (const Status& st : answers) EXPECT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(inbox.rows()[std::size_t(inbox.index_of(s.ids[2]))].assignee, me);

  console::SubmissionQuery by_status;
  by_status.status = other_status;
  inbox.set_filter(by_status);
  settle();
  ASSERT_EQ(inbox.rows().size(), 1u);
  EXPECT_EQ(inbox.rows()[0].id, s.ids[1]);

  console::SubmissionQuery mine;
  mine.assignee = me;
  inbox.set_filter(mine);
  settle();
  ASSERT_EQ(inbox.rows().size(), 1u);
  EXPECT_EQ(inbox.rows()[0].id, s.ids[2]);

  console::SubmissionQuery unassigned;
  unassigned.assignee = "";
  inbox.set_filter(unassigned);
  settle();
  EXPECT_EQ(inbox.rows().size(), 5u);

  inbox.set_filter({});
  settle();
  ASSERT_EQ(inbox.rows().size(), 6u);
  // Since the third newest report's time: those three (newest first).
  const std::int64_t third = inbox.rows()[2].created_at_ms;
  const auto newer = std::count_if(inbox.rows().begin(), inbox.rows().end(),
                                   [&](const console::SubmissionItem& r) { return r.created_at_ms >= third; });
  ASSERT_LT(newer, 6);
  console::SubmissionQuery recent;
  recent.since_ms = third;
  inbox.set_filter(recent);
  settle();
  EXPECT_EQ(std::ptrdiff_t(inbox.rows().size()), newer);
  inbox.set_filter({});
  settle();
  ASSERT_EQ(inbox.rows().size(), 6u);
  // The search decrypts every row's comment here, then matches (no request carries it).
  inbox.set_search("REPORT #4");
  EXPECT_TRUE(inbox.shown().empty()) << "nothing matches before it is decrypted";
  EXPECT_EQ(inbox.search_pending(), 6u);
  settle();
  EXPECT_EQ(inbox.search_pending(), 0u);
  ASSERT_EQ(inbox.shown().size(), 1u);
  EXPECT_EQ(inbox.rows()[inbox.shown()[0]].id, s.ids[4]);
  inbox.set_search("cart/");
  EXPECT_EQ(inbox.shown().size(), 6u) << "page URLs are searched too";
  inbox.set_search("");
  EXPECT_EQ(inbox.shown().size(), 6u);

  // Delete: the row and its envelope are gone on the server.
  std::optional<Status> deleted;
  inbox.remove(s.ids[0], [&](Status st) { deleted = st; });
  settle();
  ASSERT_TRUE(deleted && deleted->ok());
  EXPECT_EQ(inbox.index_of(s.ids[0]), -1);
  inbox.reload();
  settle();
  EXPECT_EQ(inbox.rows().size(), 5u);
}

TEST_F(ConsoleModelTest, AReportOpensAFewChunksAtATimeWithProgressAndItsWholeManifest) {
  Seeded s = seed(0, 0);
  // A real PNG (the loader decodes it) in a report with the widget's fields.
  const int w = 320, h = 200;
  std::vector<std::uint8_t> rgba(std::size_t(w) * h * 4);
  for (std::size_t i = 0; i < rgba.size(); ++i) rgba[i] = std::uint8_t((i * 7) ^ (i >> 9));
  for (std::size_t i = 3; i < rgba.size(); i += 4) rgba[i] = 255;
  std::vector<std::uint8_t> png = png_encode(ConstRgbaImage{rgba.data(), rgba.size(), w, h}).value();
  const std::string manifest = json{{"schema", 1},
                                    {"source", "widget"},
                                    {"comment", "Coupon field\nsecond line"},
                                    {"email", "a@b.example"},
                                    {"page_url", "https://shop.example/cart"},
                                    {"user_agent", "Mozilla/5.0 Test"},
                                    {"viewport", {{"width", 1280}, {"height", 720}}},
                                    {"console_errors", {"TypeError: x is undefined"}},
                                    {"metadata", {{"plan", "gold"}}},
                                    {"screenshot", {{"width", w}, {"height", h}, {"redactions", 3}}}}
                                   .dump();
  const std::vector<PayloadPartView> parts = {
      {kManifestPartName,
       "application/json",
       {reinterpret_cast<const std::uint8_t*>(manifest.data()), manifest.size()}},
      {kScreenshotPartName, "image/png", png}};
  // Small chunks, so decryption takes several steps.
  auto envelope =
      envelope_seal(s.project.id, s.project_keys.public_key, payload_pack(parts).value(), kEnvelopeMinChunkBytes)
          .value();
  const std::string id = store_submission(project_row(s.project.id), envelope);
  console::InboxModel inbox(*api_, *s.session, s.org_id, s.project);
  inbox.reload();
  settle();
  ASSERT_EQ(inbox.rows().size(), 1u);

  console::ReportLoader loader(*api_, *s.session, s.org_id, s.project, inbox.rows()[0]);
  loader.start();
  EXPECT_EQ(loader.phase(), console::ReportLoader::Phase::key);
  settle();
  ASSERT_EQ(loader.phase(), console::ReportLoader::Phase::decrypting) << loader.error();
  int steps = 0;
  float last = -1;
  while (loader.phase() == console::ReportLoader::Phase::decrypting && steps < 10'000) {
    EXPECT_GE(loader.progress(), last);
    last = loader.progress();
    EXPECT_NE(loader.progress_text().find("Decrypting"), std::string::npos);
    loader.step(0.0);  // one chunk a step
    ++steps;
  }
  EXPECT_GT(steps, 2);
  // The last chunk used the step's budget (0 ms): the decode waits for the next.
  ASSERT_EQ(loader.phase(), console::ReportLoader::Phase::decoding);
  loader.step(1000);
  ASSERT_EQ(loader.phase(), console::ReportLoader::Phase::ready) << loader.error();
  const console::OpenedReport& r = loader.report();
  EXPECT_EQ(r.width, w);
  EXPECT_EQ(r.height, h);
  EXPECT_EQ(r.rgba, rgba);
  EXPECT_EQ(r.png, png);
  EXPECT_EQ(r.fields.comment, "Coupon field\nsecond line");
  EXPECT_EQ(r.fields.email, "a@b.example");
  EXPECT_EQ(r.fields.user_agent, "Mozilla/5.0 Test");
  EXPECT_EQ(r.fields.viewport_width, 1280);
  EXPECT_EQ(r.fields.redactions, 3);
  EXPECT_EQ(r.fields.console_errors, std::vector<std::string>{"TypeError: x is undefined"});
  EXPECT_NE(r.fields.metadata_json.find("gold"), std::string::npos);
  EXPECT_EQ(json::parse(r.manifest_json), json::parse(manifest));

  // The same report with one ciphertext byte flipped in its last chunk:
  // stored by the server (it cannot tell), refused here with a sentence.
  envelope[envelope.size() - 20] ^= 1;
  const std::string tampered = store_submission(project_row(s.project.id), envelope);
  inbox.reload();
  settle();
  console::ReportLoader bad(*api_, *s.session, s.org_id, s.project,
                            inbox.rows()[std::size_t(inbox.index_of(tampered))]);
  bad.start();
  settle();
  for (int i = 0; i < 10'000 && bad.phase() == console::ReportLoader::Phase::decrypting; ++i) bad.step(5);
  ASSERT_EQ(bad.phase(), console::ReportLoader::Phase::failed);
  EXPECT_EQ(bad.status().code(), ErrorCode::envelope_corrupt);
  EXPECT_NE(bad.error().find("altered"), std::string::npos) << bad.error();
  EXPECT_TRUE(bad.report().rgba.empty()) << "nothing of a tampered report is shown";
  (void)id;
}

TEST_F(ConsoleModelTest, AGrantOfAnotherKeyOrATamperedEnvelopeFailsItsRowWithASentence) {
  std::string org_id;
  const KeyPair person = set_up_owner("owner@acme.example", org_id);
  auto session = sign_in("owner@acme.example");
  ASSERT_TRUE(session);

  // The server hands out a grant of a different key than the project's
  // public key (a substituted key): refused, no row decrypts.
  const KeyPair project_keys = keypair_generate().value();
  const KeyPair substituted = keypair_generate().value();
  const std::string project_id =
      create_project(*session, org_id, project_keys, seal_grant(substituted.secret_key, person.public_key).value());
  store_submission(project_row(project_id), report(project_id, project_keys, "hello", "https://shop.example/", 1000));
  console::InboxModel inbox(*api_, *session, org_id, only_project(org_id));
  inbox.reload();
  settle();
  inbox.want_previews(0, 1);
  settle();
  ASSERT_EQ(inbox.preview(0).state, console::PreviewEntry::State::failed);
  EXPECT_NE(inbox.preview(0).error.find("does not open its key"), std::string::npos) << inbox.preview(0).error;
  console::ReportLoader loader(*api_, *session, org_id, inbox.project(), inbox.rows()[0]);
  loader.start();
  settle();
  EXPECT_EQ(loader.phase(), console::ReportLoader::Phase::failed);
  EXPECT_NE(loader.error().find("grant you access again"), std::string::npos) << loader.error();

  // A flipped ciphertext byte in the first chunk: corrupt, said plainly.
  auto envelope = report(project_id, substituted, "tampered", "https://shop.example/", 1000);
  auto header = envelope_parse_header(envelope).value();
  envelope[header.header_size + 3] ^= 1;
  auto preview = console::preview_from_prefix(envelope, substituted.secret_key, project_id);
  EXPECT_EQ(preview.code(), ErrorCode::envelope_corrupt) << preview.message();
  // A report sealed to another key: the wrong key, said plainly.
  envelope[header.header_size + 3] ^= 1;
  auto other = console::preview_from_prefix(envelope, project_keys.secret_key, project_id);
  EXPECT_EQ(other.code(), ErrorCode::envelope_wrong_key);
  EXPECT_NE(console::describe_open_failure(other.status()).find("wrong or changed key"), std::string::npos);
  // The same envelope untampered opens; cut inside the first chunk it asks for more.
  EXPECT_EQ(console::preview_from_prefix(envelope, substituted.secret_key, project_id).value().comment_first_line,
            "tampered");
  EXPECT_EQ(console::preview_from_prefix(std::span(envelope).first(header.header_size + 10), substituted.secret_key,
                                         project_id)
                .code(),
            ErrorCode::envelope_truncated);
}

// The chunk-at-a-time reader agrees with the core's envelope_open on every
// envelope vector: the same payloads, the same refusals (a PUSH or REKEY tag
// mid-stream included, which the core refuses since e4eb534).
TEST(ConsoleEnvelopeReader, AgreesWithTheCoreOnEveryEnvelopeVector) {
  std::ifstream in(std::string(SEALSHOT_TEST_VECTORS_DIR) + "/envelope_v1.json");
  const json doc = json::parse(in);
  const auto hex = [](const std::string& text) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i + 1 < text.size(); i += 2)
      out.push_back(std::uint8_t(std::stoi(text.substr(i, 2), nullptr, 16)));
    return out;
  };
  int checked = 0;
  for (const json& v : doc["vectors"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    const std::vector<std::uint8_t> envelope = hex(v["envelope"]);
    const SecretKey secret = secret_key_from_text(v["secret_key"].get<std::string>()).value();
    const std::string project = v["project_id"];
    const auto core = envelope_open(envelope, secret, project);
    // The reader, as ReportLoader drives it: header, length, then chunk by chunk.
    const Status ours = [&]() -> Status {
      auto reader = console::EnvelopeReader::begin(envelope, secret, project, kMaxPayloadBytes);
      if (!reader.ok()) return reader.status();
      if (Status st = envelope_check_length(reader.value().header(), envelope.size()); !st.ok()) return st;
      while (!reader.value().done()) {
        auto more = reader.value().next(envelope);
        if (!more.ok()) return more.status();
        if (!more.value()) return Status(ErrorCode::envelope_truncated, "ends early");
      }
      if (core.ok()) {
        EXPECT_EQ(reader.value().take_plain(), core.value());
      }
      return {};
    }();
    EXPECT_EQ(ours.code(), core.code()) << ours.message() << " vs " << core.message();
    if (v.contains("expect_error")) {
      EXPECT_EQ(error_code_name(ours.code()), v["expect_error"].get<std::string>());
    }
    ++checked;
  }
  EXPECT_GE(checked, 15);
}

// A session that expires (30 minutes idle) or a server that goes away: the
// client says which (the app returns to sign-in, or shows the banner), rows
// are not marked broken, and nothing is asked again while signed out.
TEST_F(ConsoleModelTest, AnExpiredSessionOrAServerThatIsDownIsToldApartFromABrokenReport) {
  Seeded s = seed(3, 1000);
  console::InboxModel inbox(*api_, *s.session, s.org_id, s.project);
  inbox.reload();
  settle();
  ASSERT_EQ(inbox.rows().size(), 3u);

  now_ms_ += 31 * 60 * 1000;  // past the idle limit
  inbox.want_previews(0, 3);
  settle();
  EXPECT_EQ(api_->link(), console::Link::signed_out);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(inbox.preview(i).state, console::PreviewEntry::State::not_loaded) << "asked again after sign-in";
  }
  const std::size_t started = http_->started;
  inbox.want_previews(0, 3);
  settle();
  EXPECT_EQ(http_->started, started) << "nothing is asked while signed out";

  // Signing in again: the same inbox carries on.
  s.session = sign_in("owner@acme.example");
  api_->reset_link();
  console::InboxModel again(*api_, *s.session, s.org_id, s.project);
  again.reload();
  settle();
  again.want_previews(0, 3);
  settle();
  EXPECT_EQ(again.preview(2).state, console::PreviewEntry::State::loaded) << again.preview(2).error;

  server_->stop();
  std::optional<Status> changed;
  again.set_status(s.ids[0], std::string(console::kSubmissionStatuses[1]), [&](Status st) { changed = st; });
  settle();
  EXPECT_EQ(api_->link(), console::Link::unreachable);
  ASSERT_TRUE(changed);
  EXPECT_NE(changed->message().find("cannot be reached"), std::string::npos) << changed->message();
}

}  // namespace
}  // namespace sealshot::http
