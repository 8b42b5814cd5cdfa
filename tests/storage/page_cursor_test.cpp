// Keyset cursors for listings (server/storage/page_cursor.cpp).
#include "page_cursor.h"

#include <gtest/gtest.h>

#include "ids.h"
#include "storage_fixture.h"

namespace sealshot::server {
namespace {

TEST(PageCursor, RoundTripsAndRefusesForgeries) {
  ASSERT_TRUE(crypto_init().ok());
  const PageCursor c{1234567, submission_id_generate(1234567)};
  const std::optional<PageCursor> back = page_cursor_decode(page_cursor_encode(c));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->created_at_ms, c.created_at_ms);
  EXPECT_EQ(back->submission_id, c.submission_id);
  for (const char* bad : {"", "x", "YzE6MTIzOnN1Yl8", "not base64!", "YzE6YWJjOnN1Yl8x"}) {
    EXPECT_FALSE(page_cursor_decode(bad)) << bad;
  }
}

}  // namespace
}  // namespace sealshot::server
