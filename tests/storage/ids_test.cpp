// Ids (server/storage/ids.cpp): prefix, 26 base32 characters, no repeats;
// submission ids sort in the order they were minted.
#include "ids.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

#include "storage_fixture.h"

namespace sealshot::server {
namespace {

TEST(Ids, HavePrefixAnd26Base32CharactersAndDoNotRepeat) {
  ASSERT_TRUE(crypto_init().ok());
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    const std::string p = project_id_generate(), s = submission_id_generate(1764633600000 + i);
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

// Rows keyed by submission id then go to the end of each index, not to a
// random page. Covers every character position of the time part, including
// where a digit (26-31) follows a letter in value but precedes it in bytes.
TEST(Ids, SubmissionIdsSortByTheTimeTheyWereMinted) {
  ASSERT_TRUE(crypto_init().ok());
  std::vector<std::int64_t> times = {0,
                                     1,
                                     25,
                                     26,
                                     31,
                                     32,
                                     1764633600000,
                                     1764633600001,
                                     1764633600025,
                                     1764633600026,
                                     1764633600999,
                                     1764720000000,
                                     (std::int64_t{1} << 49) + 5};
  for (int bit = 0; bit < 50; ++bit) times.push_back(std::int64_t{1} << bit);
  std::sort(times.begin(), times.end());
  for (std::size_t i = 1; i < times.size(); ++i) {
    if (times[i] == times[i - 1]) continue;
    const std::string earlier = submission_id_generate(times[i - 1]), later = submission_id_generate(times[i]);
    EXPECT_LT(earlier, later) << times[i - 1] << " then " << times[i];
    EXPECT_TRUE(submission_id_is_well_formed(earlier) && submission_id_is_well_formed(later));
  }
  // Same millisecond: the random part still differs.
  EXPECT_NE(submission_id_generate(1764633600000), submission_id_generate(1764633600000));
}

}  // namespace
}  // namespace sealshot::server
