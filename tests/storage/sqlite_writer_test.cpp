// SubmissionWriter (server/storage/sqlite_writer.cpp): commit, abandon,
// idempotency keys.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "blob_log.h"
#include "ids.h"
#include "storage_fixture.h"
#include "upload_buffer.h"

namespace sealshot::server {
namespace {

TEST_F(StorageTest, CommitMakesTheEnvelopeReadableAndLeavesNoStagingFile) {
  const Project p = make_project();
  const std::vector<std::uint8_t> body = bytes_of(200'000, 7);  // several memory blocks
  Result<CommitResult> r = submit(p.id, body);
  ASSERT_TRUE(r.ok()) << r.message();
  const Submission& s = r.value().submission;
  EXPECT_TRUE(r.value().created);
  EXPECT_TRUE(submission_id_is_well_formed(s.id));
  EXPECT_EQ(s.project_id, p.id);
  EXPECT_EQ(s.size_bytes, body.size());
  EXPECT_EQ(s.created_at_ms, clock_ms_.load());
  EXPECT_EQ(s.status, SubmissionStatus::fresh);

  const BlobLocation at = location_of(p.id, s.id);
  EXPECT_EQ(at.length, body.size());
  EXPECT_EQ(raw_bytes(at), body);  // stored as received, back to back in a segment
  EXPECT_EQ(count_files(dir_ + "/staging"), 0u);
  EXPECT_EQ(storage_->read_envelope(p.id, s.id).value(), body);
  EXPECT_EQ(storage_->get_submission(p.id, s.id).value().size_bytes, body.size());

  // A body past the in-memory limit spills to an unnamed file and reads back the same.
  const std::vector<std::uint8_t> large = bytes_of(3 * UploadBuffer::kInlineBytes + 123, 8);
  Result<CommitResult> big = submit(p.id, large);
  ASSERT_TRUE(big.ok()) << big.message();
  EXPECT_EQ(storage_->read_envelope(p.id, big.value().submission.id).value(), large);
  EXPECT_EQ(raw_bytes(location_of(p.id, big.value().submission.id)), large);
  EXPECT_EQ(count_files(dir_ + "/staging"), 0u);

  // Empty body and a second commit on the same writer.
  Result<std::unique_ptr<SubmissionWriter>> w = storage_->begin_submission(p.id);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(w.value()->commit().ok());
  EXPECT_EQ(w.value()->commit().code(), ErrorCode::invalid_argument);
  EXPECT_EQ(w.value()->write(body).code(), ErrorCode::invalid_argument);
}

TEST_F(StorageTest, AnUncommittedWriterLeavesNothingBehind) {
  const Project p = make_project();
  for (std::size_t size : {std::size_t(100'000), 2 * UploadBuffer::kInlineBytes}) {  // in memory, spilled
    Result<std::unique_ptr<SubmissionWriter>> w = storage_->begin_submission(p.id);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(w.value()->write(bytes_of(size, 1)).ok());
    EXPECT_EQ(count_files(dir_ + "/staging"), 0u);  // a spill file has no name
  }
  EXPECT_EQ(count_files(dir_ + "/staging"), 0u);
  EXPECT_EQ(segment_bytes(), 0u);
  EXPECT_TRUE(storage_->list_submissions(p.id, {}).value().items.empty());
}

TEST_F(StorageTest, AnIdempotencyKeyStoresTheReportOncePerProject) {
  const Project a = make_project("A"), b = make_project("B");
  const std::vector<std::uint8_t> body = bytes_of(3000, 9);
  const CommitResult first = submit(a.id, body, "retry-7f3a").value();
  clock_ms_ += 1000;
  const Result<CommitResult> again = submit(a.id, body, "retry-7f3a");
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_FALSE(again.value().created);
  EXPECT_EQ(again.value().submission.id, first.submission.id);
  EXPECT_EQ(again.value().submission.created_at_ms, first.submission.created_at_ms);
  EXPECT_EQ(segment_bytes(), body.size());  // the retry stored nothing
  EXPECT_EQ(count_files(dir_ + "/staging"), 0u);
  // A retry is answered from the stored row, before anything is written or synced.
  fault_op_ = FsOp::sync;
  fault_errno_ = EIO;
  EXPECT_FALSE(submit(a.id, body, "retry-7f3a").value().created);
  fault_errno_ = 0;

  // Same key, different body: refused, nothing stored.
  EXPECT_EQ(submit(a.id, bytes_of(3000, 10), "retry-7f3a").code(), ErrorCode::conflict);
  EXPECT_EQ(segment_bytes(), body.size());
  // Keys are per project.
  const Result<CommitResult> other = submit(b.id, body, "retry-7f3a");
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other.value().created);
  // Malformed keys.
  EXPECT_EQ(submit(a.id, body, "has space").code(), ErrorCode::invalid_argument);
  EXPECT_EQ(submit(a.id, body, std::string(256, 'k')).code(), ErrorCode::invalid_argument);

  // Deleting the submission frees its key.
  ASSERT_TRUE(storage_->delete_submission(a.id, first.submission.id).ok());
  const Result<CommitResult> after = submit(a.id, body, "retry-7f3a");
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after.value().created);

  // The bodies are compared byte for byte: one flipped bit at the very end
  // of a body that spilled to a file is another report, and so is one byte more.
  std::vector<std::uint8_t> big = bytes_of(1'500'000, 4);
  ASSERT_TRUE(submit(a.id, big, "big-key").value().created);
  EXPECT_FALSE(submit(a.id, big, "big-key").value().created);
  big.back() ^= 1;
  EXPECT_EQ(submit(a.id, big, "big-key").code(), ErrorCode::conflict);
  big.back() ^= 1;
  big.push_back(0);
  EXPECT_EQ(submit(a.id, big, "big-key").code(), ErrorCode::conflict);
  EXPECT_EQ(count_files(dir_ + "/staging"), 0u);
}

TEST_F(StorageTest, ConcurrentCommitsWithOneKeyStoreOnce) {
  const Project p = make_project();
  const std::vector<std::uint8_t> body = bytes_of(20'000, 3);
  std::vector<std::thread> threads;
  std::vector<Result<CommitResult>> results(16, Status(ErrorCode::storage_error, "not run"));
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] { results[i] = submit(p.id, body, "same-key"); });
  }
  for (auto& t : threads) t.join();
  int created = 0;
  std::set<std::string> ids;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.message();
    created += r.value().created;
    ids.insert(r.value().submission.id);
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(storage_->list_submissions(p.id, {}).value().items.size(), 1u);
  // Racing duplicates may have been written, but were punched out again.
  EXPECT_EQ(nonzero_segment_bytes(),
            std::size_t(std::count_if(body.begin(), body.end(), [](auto b) { return b != 0; })));
  EXPECT_EQ(count_files(dir_ + "/staging"), 0u);
}

}  // namespace
}  // namespace sealshot::server
