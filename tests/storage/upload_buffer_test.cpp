// Bodies in memory or spilled to a file (server/storage/upload_buffer.cpp).
#include "upload_buffer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "storage_fixture.h"

namespace sealshot::server {
namespace {

// Memory for uploads in progress comes from one budget shared by all of
// them: once it is taken, the next upload streams into its file from the
// first byte, so memory does not grow with the number of workers.
TEST(UploadBufferBudget, UploadsShareOneMemoryBudgetAndSpillPastIt) {
  const std::string dir = make_temp_dir();
  InlineBudget budget(3 * UploadBuffer::kBlockBytes);
  const std::vector<std::uint8_t> body = bytes_of(2 * UploadBuffer::kBlockBytes, 3);
  std::vector<std::uint8_t> read_back;
  auto collect = [&](std::span<const std::uint8_t> piece) {
    read_back.insert(read_back.end(), piece.begin(), piece.end());
    return Status{};
  };
  {
    UploadBuffer first(dir, nullptr, &budget);
    ASSERT_TRUE(first.write(body).ok());
    EXPECT_FALSE(first.spilled());
    EXPECT_EQ(budget.left(), UploadBuffer::kBlockBytes);
    UploadBuffer second(dir, nullptr, &budget);
    ASSERT_TRUE(second.write(body).ok());  // one block from the budget, then none left
    EXPECT_TRUE(second.spilled());
    EXPECT_EQ(budget.left(), UploadBuffer::kBlockBytes);  // the spilled upload gave its block back
    ASSERT_TRUE(second.read_all(collect).ok());
    EXPECT_EQ(read_back, body);
  }
  EXPECT_EQ(budget.left(), 3 * UploadBuffer::kBlockBytes);  // all returned
  fs::remove_all(dir);
}

// The blocks of a finished upload are reused by the next ones: each reads
// back exactly its own bytes, never the tail of an earlier, longer body.
TEST(UploadBufferBudget, ReusedBlocksHoldOnlyTheNewBody) {
  const std::string dir = make_temp_dir();
  InlineBudget budget(64 * UploadBuffer::kBlockBytes);
  for (std::size_t size : {3 * UploadBuffer::kBlockBytes + 500, UploadBuffer::kBlockBytes / 3 + 7, std::size_t(0),
                           2 * UploadBuffer::kBlockBytes}) {
    const std::vector<std::uint8_t> body = bytes_of(size, std::uint8_t(size % 251 + 1));
    UploadBuffer upload(dir, nullptr, &budget);
    ASSERT_TRUE(upload.write(body).ok());
    EXPECT_FALSE(upload.spilled());
    std::vector<std::uint8_t> read_back;
    ASSERT_TRUE(upload
                    .read_all([&](std::span<const std::uint8_t> piece) {
                      read_back.insert(read_back.end(), piece.begin(), piece.end());
                      return Status{};
                    })
                    .ok());
    EXPECT_EQ(read_back, body) << size;
  }
  EXPECT_EQ(budget.left(), 64 * UploadBuffer::kBlockBytes);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sealshot::server
