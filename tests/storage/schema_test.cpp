// The versioned schema (server/storage/schema.cpp): each older version is
// upgraded without losing rows; a newer one is refused.
#include "schema.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "schema_undo.h"
#include "sqlite_db.h"
#include "storage_fixture.h"

namespace sealshot::server {
namespace {

// Servers before quotas wrote schema version 2: opening one counts what it
// already holds, so quotas apply to old reports too.
TEST_F(StorageTest, AVersion2DatabaseGetsItsUsageCountedOnUpgrade) {
  const Project p = make_project();
  clock_ms_ = 20'000 * kMillisPerDay;
  ASSERT_TRUE(submit(p.id, bytes_of(1000, 1)).ok());
  ASSERT_TRUE(submit(p.id, bytes_of(3000, 2)).ok());
  storage_.reset();
  sql(std::string(kUndoVersion8) + kUndoVersion7 + kUndoVersion6 + kUndoVersion5 + kUndoVersion4 + kUndoVersion3);
  reopen();
  const ProjectUsage u = storage_->get_project_usage(p.id, clock_ms_.load()).value();
  EXPECT_EQ(u.stored_submissions, 2u);
  EXPECT_EQ(u.stored_bytes, 4000u);
  EXPECT_EQ(u.day_submissions, 2u);
  EXPECT_EQ(storage_->get_project(p.id).value().quotas.daily_bytes, 0u);
}

TEST_F(StorageTest, AVersion5DatabaseGetsTheNewStatusNamesOnUpgrade) {
  const Project p = make_project();
  const std::string a = submit(p.id, bytes_of(1000, 1)).value().submission.id;
  const std::string b = submit(p.id, bytes_of(1000, 2)).value().submission.id;
  const std::string c = submit(p.id, bytes_of(1000, 3)).value().submission.id;
  storage_.reset();
  sql(std::string(kUndoVersion8) + kUndoVersion7 + kUndoVersion6 +
      "UPDATE submissions SET status = 'in_review' WHERE submission_id = '" + a +
      "'; UPDATE submissions SET status = 'archived' WHERE submission_id = '" + b + "';");
  reopen();
  EXPECT_EQ(storage_->get_submission(p.id, a).value().status, SubmissionStatus::triaged);
  EXPECT_EQ(storage_->get_submission(p.id, b).value().status, SubmissionStatus::resolved);
  EXPECT_EQ(storage_->get_submission(p.id, c).value().status, SubmissionStatus::fresh);
  EXPECT_TRUE(storage_->get_submission(p.id, c).value().tags.empty());
}

TEST_F(StorageTest, AVersion3DatabaseGainsTheReviewSideOnUpgrade) {
  const Project p = make_project();
  ASSERT_TRUE(submit(p.id, bytes_of(1000, 1)).ok());
  storage_.reset();
  sql(std::string(kUndoVersion8) + kUndoVersion7 + kUndoVersion6 + kUndoVersion5 + kUndoVersion4);
  reopen();
  // The project keeps its reports and belongs to no organisation until one adopts it.
  const Project upgraded = storage_->get_project(p.id).value();
  EXPECT_EQ(upgraded.org_id, "");
  EXPECT_EQ(storage_->list_submissions(p.id, ListQuery{}).value().items.size(), 1u);
  const TokenHash link(32, 7);
  auto org = storage_->accounts().create_organisation("Acme", "owner@acme.example", link, clock_ms_ + 1000);
  ASSERT_TRUE(org.ok()) << org.message();
  ASSERT_TRUE(storage_->accounts().assign_project(p.id, org.value().id).ok());
  EXPECT_EQ(storage_->get_project(p.id).value().org_id, org.value().id);
  EXPECT_EQ(storage_->accounts().assign_project(p.id, org.value().id).code(), ErrorCode::conflict);
}

// Servers before key rotation kept one key per project and one grant per
// (project, person): the upgrade makes each key the project's key 1 and each
// grant a grant of key 1, so existing readers keep their access.
TEST_F(StorageTest, AVersion6DatabaseKeepsEveryKeyAndGrantAsKey1OnUpgrade) {
  const Project p = make_project();
  AccountStore& accounts = storage_->accounts();
  ASSERT_TRUE(accounts.put_grant(KeyGrant{p.id, "per_reader", "sealed-for-reader", "per_owner", 5}).ok());
  storage_.reset();
  sql(std::string(kUndoVersion8) + kUndoVersion7);
  reopen();
  AccountStore& upgraded = storage_->accounts();
  const std::vector<ProjectKey> keys = upgraded.list_project_keys(p.id).value();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].number, 1);
  EXPECT_EQ(keys[0].public_key, p.public_key);
  EXPECT_EQ(keys[0].retired_at_ms, 0);
  const KeyGrant grant = upgraded.get_grant(p.id, "per_reader").value();
  EXPECT_EQ(grant.key_number, 1);
  EXPECT_EQ(grant.sealed_key, "sealed-for-reader");
  EXPECT_EQ(grant.granted_by, "per_owner");
  EXPECT_EQ(upgraded.grants_of(p.id, "per_reader").value().size(), 1u);
}

// Servers before schema version 8 stored a hash of the body with each
// idempotency key: the upgrade drops it, and a retry of a report stored then
// is still told from another report by its bytes.
TEST_F(StorageTest, AVersion7DatabaseStillTellsRetriesOfItsReportsAfterUpgrade) {
  const Project p = make_project();
  const std::vector<std::uint8_t> body = bytes_of(5000, 6);
  const CommitResult first = submit(p.id, body, "key-of-v7").value();
  storage_.reset();
  sql(kUndoVersion8);
  reopen();
  const Result<CommitResult> again = submit(p.id, body, "key-of-v7");
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_FALSE(again.value().created);
  EXPECT_EQ(again.value().submission.id, first.submission.id);
  EXPECT_EQ(submit(p.id, bytes_of(5000, 7), "key-of-v7").code(), ErrorCode::conflict);
}

TEST_F(StorageTest, SchemaIsVersionedAndANewerDatabaseIsRefused) {
  storage_.reset();
  {
    sqlite::Connection db = sqlite::Connection::open(dir_ + "/sealshot.db", 1000).value();
    EXPECT_EQ(schema_version(db).value(), kSchemaVersion);
    ASSERT_TRUE(db.exec("PRAGMA user_version=99", "test").ok());
  }
  Result<std::unique_ptr<SqliteStorage>> opened = SqliteStorage::open(dir_, options());
  EXPECT_EQ(opened.code(), ErrorCode::storage_error);
  EXPECT_NE(opened.message().find("newer than this build"), std::string::npos);
  {
    sqlite::Connection db = sqlite::Connection::open(dir_ + "/sealshot.db", 1000).value();
    ASSERT_TRUE(db.exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str(), "test").ok());
  }
  reopen();
}

}  // namespace
}  // namespace sealshot::server
