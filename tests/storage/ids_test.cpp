// Random ids (server/storage/ids.cpp): prefix, 26 base32 characters, no repeats.
#include "ids.h"

#include <gtest/gtest.h>

#include <set>

#include "storage_fixture.h"

namespace sealshot::server {
namespace {

TEST(Ids, HavePrefixAnd26Base32CharactersAndDoNotRepeat) {
  ASSERT_TRUE(crypto_init().ok());
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    const std::string p = project_id_generate(), s = submission_id_generate();
    EXPECT_TRUE(project_id_is_well_formed(p)) << p;
    EXPECT_TRUE(submission_id_is_well_formed(s)) << s;
    EXPECT_EQ(p.size(), 30u);
    EXPECT_TRUE(seen.insert(p).second && seen.insert(s).second);
  }
  EXPECT_FALSE(submission_id_is_well_formed("sub_../../../../etc/passwd0000"));
  EXPECT_FALSE(submission_id_is_well_formed("sub_ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
  EXPECT_FALSE(project_id_is_well_formed("sub_abcdefghijklmnopqrstuvwxyz"));
  EXPECT_FALSE(project_id_is_well_formed("prj_abcdefghijklmnopqrstuvwxy"));
}

}  // namespace
}  // namespace sealshot::server
