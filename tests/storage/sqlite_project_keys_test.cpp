// A project's numbered keys and the grants of each (server/storage/sqlite_project_keys.cpp).
#include <gtest/gtest.h>

#include "keys.h"
#include "storage_fixture.h"

namespace sealshot::server {
namespace {

TEST_F(StorageTest, RotationRetiresTheCurrentKeyAndKeepsGrantsOfEveryKey) {
  const Project p = make_project();
  AccountStore& accounts = storage_->accounts();
  ASSERT_TRUE(accounts.put_grant(KeyGrant{p.id, "per_owner", "owner-key-1", "per_owner", 0}).ok());
  ASSERT_TRUE(accounts.put_grant(KeyGrant{p.id, "per_leaver", "leaver-key-1", "per_owner", 0}).ok());
  const std::string second = key_to_text(keypair_generate().value().public_key);
  clock_ms_ += 1000;
  Result<ProjectKey> rotated =
      accounts.rotate_project_key(p.id, second, {KeyGrant{"", "per_owner", "owner-key-2", "per_owner", 0}}, clock_ms_);
  ASSERT_TRUE(rotated.ok()) << rotated.message();
  EXPECT_EQ(rotated.value().number, 2);
  // Ingest and the snippet use the new key from now on.
  EXPECT_EQ(storage_->get_project(p.id).value().public_key, second);
  const std::vector<ProjectKey> keys = accounts.list_project_keys(p.id).value();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].number, 2);
  EXPECT_EQ(keys[0].retired_at_ms, 0);
  EXPECT_EQ(keys[1].public_key, p.public_key);
  EXPECT_EQ(keys[1].retired_at_ms, clock_ms_.load());
  // The owner holds both keys, newest first; the other person only key 1,
  // so no grant of the current key.
  const std::vector<KeyGrant> owner = accounts.grants_of(p.id, "per_owner").value();
  ASSERT_EQ(owner.size(), 2u);
  EXPECT_EQ(owner[0].key_number, 2);
  EXPECT_EQ(owner[0].sealed_key, "owner-key-2");
  EXPECT_EQ(owner[1].sealed_key, "owner-key-1");
  EXPECT_EQ(accounts.get_grant(p.id, "per_owner").value().key_number, 2);
  EXPECT_EQ(accounts.get_grant(p.id, "per_leaver").code(), ErrorCode::not_found);
  // A newcomer can be given an old key by number; an unknown number is refused.
  ASSERT_TRUE(accounts.put_grant(KeyGrant{p.id, "per_new", "new-key-1", "per_owner", 0, 1}).ok());
  EXPECT_EQ(accounts.grants_of(p.id, "per_new").value().at(0).key_number, 1);
  EXPECT_EQ(accounts.put_grant(KeyGrant{p.id, "per_new", "x", "per_owner", 0, 9}).code(), ErrorCode::invalid_argument);
  // A key used before, or no key at all, is refused and changes nothing.
  EXPECT_EQ(accounts.rotate_project_key(p.id, p.public_key, {}, clock_ms_).code(), ErrorCode::conflict);
  EXPECT_EQ(accounts.rotate_project_key(p.id, "not-a-key", {}, clock_ms_).code(), ErrorCode::bad_key);
  EXPECT_EQ(accounts.rotate_project_key("prj_aaaaaaaaaaaaaaaaaaaaaaaaaa", second, {}, clock_ms_).code(),
            ErrorCode::not_found);
  EXPECT_EQ(accounts.list_project_keys(p.id).value().size(), 2u);
  // Revocation removes the person's grants of every key.
  ASSERT_TRUE(accounts.delete_grant(p.id, "per_owner").ok());
  EXPECT_TRUE(accounts.grants_of(p.id, "per_owner").value().empty());
  // Deleting the project removes its key history.
  ASSERT_TRUE(storage_->delete_project(p.id).ok());
  EXPECT_EQ(accounts.list_project_keys(p.id).code(), ErrorCode::not_found);
}

}  // namespace
}  // namespace sealshot::server
