// Retention purge and start-up repair (server/storage/sqlite_maintenance.cpp),
// including a kill -9 in the middle of commits.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "blob_log.h"
#include "storage_fixture.h"
#include "upload_buffer.h"

namespace sealshot::server {
namespace {

TEST_F(StorageTest, PurgeDeletesRowsAndEnvelopesPastEachProjectsRetention) {
  const Project short_lived = make_project("A", 1), kept = make_project("B", 0), month = make_project("C", 30);
  const std::string old_a = submit(short_lived.id, bytes_of(10, 1), "k1").value().submission.id;
  const std::string old_b = submit(kept.id, bytes_of(10, 2)).value().submission.id;
  const std::string old_c = submit(month.id, bytes_of(10, 3)).value().submission.id;
  clock_ms_ += 2 * 86'400'000LL;
  const std::string new_a = submit(short_lived.id, bytes_of(10, 4)).value().submission.id;
  const BlobLocation old_a_at = location_of(short_lived.id, old_a);
  ASSERT_EQ(raw_bytes(old_a_at), bytes_of(10, 1));

  Result<std::uint64_t> purged = storage_->purge_expired(clock_ms_.load());
  ASSERT_TRUE(purged.ok()) << purged.message();
  EXPECT_EQ(purged.value(), 1u);
  EXPECT_EQ(storage_->get_submission(short_lived.id, old_a).code(), ErrorCode::not_found);
  EXPECT_TRUE(bytes_gone(old_a_at));  // gone from the disk, not just unlisted
  EXPECT_EQ(storage_->read_envelope(short_lived.id, new_a).value(), bytes_of(10, 4));
  EXPECT_TRUE(storage_->get_submission(short_lived.id, new_a).ok());
  EXPECT_TRUE(storage_->get_submission(kept.id, old_b).ok());
  EXPECT_TRUE(storage_->get_submission(month.id, old_c).ok());
  // The purged submission's idempotency key went with it.
  EXPECT_TRUE(submit(short_lived.id, bytes_of(99, 1), "k1").value().created);

  EXPECT_EQ(storage_->purge_expired(clock_ms_.load() + 31 * 86'400'000LL).value(), 3u);
  EXPECT_TRUE(storage_->get_submission(kept.id, old_b).ok());
}

TEST_F(StorageTest, RepairRemovesEveryCrashLeftoverAndKeepsTheRest) {
  const Project p = make_project();
  const std::string good = submit(p.id, bytes_of(1000, 1)).value().submission.id;
  const std::string deleted = submit(p.id, bytes_of(5000, 2)).value().submission.id;
  const std::string damaged = submit(p.id, bytes_of(1000, 3)).value().submission.id;
  const std::string last = submit(p.id, bytes_of(700, 4)).value().submission.id;
  const BlobLocation deleted_at = location_of(p.id, deleted), last_at = location_of(p.id, last);
  storage_.reset();

  // Crash while a fallback spill file still had its name.
  std::ofstream(dir_ + "/staging/spill-a1b2c3") << "half an upload";
  // Crash between append and commit: bytes past the last committed envelope.
  std::ofstream(segment_path(last_at.segment), std::ios::app) << std::string(3000, 'x');
  // Crash between a delete's commit and its hole punch: bytes no row points at.
  sql("DELETE FROM submissions WHERE submission_id = '" + deleted +
      "';"
      "DELETE FROM envelopes WHERE submission_id = '" +
      deleted + "'");
  // External damage: a row whose envelope location is gone.
  sql("DELETE FROM envelopes WHERE submission_id = '" + damaged + "'");
  // A segment of a process that crashed before its first commit.
  std::ofstream(segment_path(99)) << "never committed";
  // Someone else's file: left alone.
  std::ofstream(dir_ + "/segments/README") << "not ours";

  reopen();
  Result<ConsistencyReport> report = storage_->check_and_repair();
  ASSERT_TRUE(report.ok()) << report.message();
  EXPECT_EQ(report.value().staging_files_removed, 1u);
  EXPECT_EQ(report.value().dangling_rows_removed, 1u);
  EXPECT_GE(report.value().blob_bytes_released, 3000u + 5000u + 1000u);
  EXPECT_EQ(report.value().submissions, 2u);
  EXPECT_EQ(count_files(dir_ + "/staging"), 0u);
  EXPECT_FALSE(fs::exists(segment_path(99)));
  EXPECT_TRUE(fs::exists(dir_ + "/segments/README"));
  EXPECT_EQ(fs::file_size(segment_path(last_at.segment)), last_at.offset + last_at.length);  // tail cut
  EXPECT_TRUE(bytes_gone(deleted_at));
  EXPECT_EQ(storage_->read_envelope(p.id, good).value(), bytes_of(1000, 1));
  EXPECT_EQ(storage_->read_envelope(p.id, last).value(), bytes_of(700, 4));
  EXPECT_EQ(storage_->get_submission(p.id, damaged).code(), ErrorCode::not_found);

  // A clean directory reports nothing to do.
  const ConsistencyReport again = storage_->check_and_repair().value();
  EXPECT_EQ(again.staging_files_removed + again.orphan_envelopes_removed + again.dangling_rows_removed +
                again.blob_bytes_released + again.legacy_blobs_imported,
            0u);
  EXPECT_EQ(again.submissions, 2u);
}

TEST_F(StorageTest, RepairNeverTakesAnUploadInProgressForALeftover) {
  const Project p = make_project();
  ASSERT_TRUE(submit(p.id, bytes_of(5000, 9)).ok());  // this process's segment exists
  Result<std::unique_ptr<SubmissionWriter>> writer = storage_->begin_submission(p.id);
  ASSERT_TRUE(writer.ok());
  const std::vector<std::uint8_t> body = bytes_of(2 * UploadBuffer::kInlineBytes, 1);  // spilled
  ASSERT_TRUE(writer.value()->write(body).ok());
  const ConsistencyReport report = storage_->check_and_repair().value();
  EXPECT_EQ(report.staging_files_removed + report.blob_bytes_released, 0u);
  Result<CommitResult> committed = writer.value()->commit();
  ASSERT_TRUE(committed.ok()) << committed.message();
  EXPECT_EQ(storage_->read_envelope(p.id, committed.value().submission.id).value(), body);
}

// kill -9 at a random moment while another process commits: afterwards,
// every row's envelope reads back whole, and after repair no segment holds
// bytes past its last committed envelope.
TEST_F(StorageTest, KillNineDuringCommitsLeavesNoDanglingRowOrOrphanAfterRepair) {
  const Project p = make_project();
  storage_.reset();
  for (int round = 0; round < 3; ++round) {
    // The child says when its first commit is in: the kill comes a while
    // after that, not a fixed time after fork(). A slow machine (TSan runs
    // this 5-15x slower) took longer than the whole wait just to open the
    // storage, killed a child that had committed nothing and found 0 rows.
    int committing[2];
    ASSERT_EQ(::pipe(committing), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(committing[0]);
      std::unique_ptr<SqliteStorage> s = SqliteStorage::open(dir_, {}).value();
      std::atomic<bool> told{false};
      std::vector<std::thread> threads;
      for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
          for (int i = 0;; ++i) {
            const bool ok = submit(*s, p.id, bytes_of(30'000 + std::size_t(i), std::uint8_t(t))).ok();
            if (ok && !told.exchange(true)) (void)!::write(committing[1], "c", 1);
          }
        });
      }
      for (auto& t : threads) t.join();
      ::_exit(0);
    }
    ::close(committing[1]);
    pollfd first_commit{.fd = committing[0], .events = POLLIN, .revents = 0};
    char byte = 0;
    const bool committed = ::poll(&first_commit, 1, 60'000) == 1 && ::read(committing[0], &byte, 1) == 1;
    ::close(committing[0]);
    if (committed) std::this_thread::sleep_for(std::chrono::milliseconds(150 + 70 * round));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(committed) << "round " << round << ": the child never committed (it died or hung first)";

    reopen();
    ASSERT_TRUE(storage_->check_and_repair().ok());
    // The invariant: every row's envelope is there, whole (each body is
    // bytes_of(size, seed) for its thread's seed).
    std::size_t rows = 0;
    std::map<std::int64_t, std::uint64_t> committed_end;  // per segment
    ListQuery q;
    q.limit = 500;
    do {
      SubmissionPage page = storage_->list_submissions(p.id, q).value();
      for (const Submission& s : page.items) {
        ++rows;
        Result<std::vector<std::uint8_t>> body = storage_->read_envelope(p.id, s.id);
        ASSERT_TRUE(body.ok()) << body.message();
        bool matches_a_seed = false;
        for (int t = 0; t < 4; ++t) matches_a_seed |= body.value() == bytes_of(s.size_bytes, std::uint8_t(t));
        EXPECT_TRUE(matches_a_seed) << "round " << round << ": " << s.id << " is not what was sent";
        const BlobLocation at = location_of(p.id, s.id);
        committed_end[at.segment] = std::max(committed_end[at.segment], at.offset + at.length);
      }
      q.cursor = page.next_cursor;
    } while (!q.cursor.empty());
    EXPECT_GT(rows, 0u);
    for (const auto& [segment, end] : committed_end) EXPECT_EQ(fs::file_size(segment_path(segment)), end);
    EXPECT_EQ(count_files(dir_ + "/staging"), 0u);
    storage_.reset();
  }
  reopen();
}

}  // namespace
}  // namespace sealshot::server
