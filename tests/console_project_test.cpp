// A project made by the console's model against the real server: the key
// pair made here, the creator's grant sealed here, only the public key and
// the grant sent; the new project's reports open at once (the session keeps
// the key it made) and after a fresh sign-in (from the grant); the embed
// snippet carries the project's id and public key.
#include <gtest/gtest.h>

#include "inbox_model.h"
#include "project_creation.h"
#include "server_support/console_fixture.h"

namespace sealshot::http {
namespace {

class ConsoleProjectTest : public ConsoleModelTest {};

TEST(ConsoleProjectSnippet, OriginsAreSplitAsTypedAndTheSnippetNamesTheProjectAndItsKey) {
  EXPECT_EQ(console::origins_from_text(" https://a.example, https://b.example\nhttps://c.example "),
            (std::vector<std::string>{"https://a.example", "https://b.example", "https://c.example"}));
  EXPECT_TRUE(console::origins_from_text(" ,\n").empty());
  const console::ProjectItem p{"prj_abc", "Shop", "KEYTEXT"};
  EXPECT_EQ(console::embed_snippet("https://reports.example", p, ""),
            "<script src=\"https://reports.example/widget.js\" data-project=\"prj_abc\" data-key=\"KEYTEXT\" "
            "async></script>");
  EXPECT_EQ(console::embed_snippet("https://reports.example", p, "sha384-xyz"),
            "<script src=\"https://reports.example/widget.js\" data-project=\"prj_abc\" data-key=\"KEYTEXT\" "
            "integrity=\"sha384-xyz\" crossorigin=\"anonymous\" async></script>");
}

TEST_F(ConsoleProjectTest, AProjectIsMadeWithItsKeyPairHereAndItsReportsOpenWithoutAnotherRequest) {
  std::string org_id;
  const KeyPair person = set_up_owner("owner@acme.example", org_id);
  auto session = sign_in("owner@acme.example");
  ASSERT_TRUE(session);

  std::optional<Result<console::ProjectItem>> made;
  console::project_create(*api_, *session, org_id, {"Web shop", {"https://shop.example"}},
                          [&](Result<console::ProjectItem> r) { made.emplace(std::move(r)); });
  EXPECT_FALSE(made) << "the answer comes from pump()";
  settle();
  ASSERT_TRUE(made && made->ok()) << (made ? made->message() : "no answer");
  const console::ProjectItem project = made->value();
  EXPECT_EQ(project.name, "Web shop");
  EXPECT_EQ(session->project_keys_held(), 1u) << "the key made here is held";

  // The server has the public key and a grant that opens, for the creator,
  // to the secret key matching it; no secret key reached it.
  const server::Project row = project_row(project.id);
  EXPECT_EQ(row.public_key, project.public_key);
  auto grant = storage_->accounts().get_grant(project.id, session->me().id);
  ASSERT_TRUE(grant.ok()) << grant.message();
  const SecretKey opened =
      open_grant(grant.value().sealed_key, KeyPair{person.public_key, session->person_keys().secret_key},
                 public_key_from_text(project.public_key).value())
          .value();

  // A report sealed to the new public key opens in the inbox with no grant request.
  const KeyPair as_sent{public_key_from_text(project.public_key).value(), opened};
  store_submission(row, report(project.id, as_sent, "First report", "https://shop.example/", 800));
  console::InboxModel inbox(*api_, *session, org_id, project);
  inbox.reload();
  settle();
  const std::size_t before = http_->started;
  inbox.want_previews(0, 1);
  settle();
  ASSERT_EQ(inbox.preview(0).state, console::PreviewEntry::State::loaded) << inbox.preview(0).error;
  EXPECT_EQ(inbox.preview(0).preview.comment_first_line, "First report");
  EXPECT_EQ(http_->started - before, 1u) << "one Range request, no grant request";

  // A fresh sign-in opens it from the grant the console sealed.
  auto again = sign_in("owner@acme.example");
  console::InboxModel fresh(*api_, *again, org_id, project);
  fresh.reload();
  settle();
  fresh.want_previews(0, 1);
  settle();
  EXPECT_EQ(fresh.preview(0).state, console::PreviewEntry::State::loaded) << fresh.preview(0).error;

  // Refusals: no name (here), a bad origin (the server's sentence).
  std::optional<Result<console::ProjectItem>> unnamed, bad_origin;
  console::project_create(*api_, *session, org_id, {"", {}}, [&](auto r) { unnamed.emplace(std::move(r)); });
  console::project_create(*api_, *session, org_id, {"Other", {"not an origin"}},
                          [&](auto r) { bad_origin.emplace(std::move(r)); });
  settle();
  ASSERT_TRUE(unnamed && bad_origin);
  EXPECT_NE(unnamed->message().find("name"), std::string::npos) << unnamed->message();
  EXPECT_EQ(bad_origin->code(), ErrorCode::invalid_argument) << bad_origin->message();
  EXPECT_EQ(session->project_keys_held(), 1u) << "a refused project leaves no key behind";
}

}  // namespace
}  // namespace sealshot::http
