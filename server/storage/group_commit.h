// Group commit: every write to the database runs as a job on one committer
// thread, and all jobs that queued up while the previous transaction was
// being fsynced commit together in the next one. Under load, N concurrent
// submissions cost one WAL fsync instead of N (fsync-bound SQLite manages
// ~550-1,100 commits/s on consumer disks; our figures: docs/operations.md,
// "Group commit").
//
// Each job runs inside its own SAVEPOINT, so a job that fails (a conflict, a
// missing project) is rolled back alone and the rest of the batch commits.
// run() returns only after the batch's COMMIT with synchronous=FULL has
// returned: acknowledged means durable.

#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "result.h"
#include "sqlite_db.h"
#include "write_turn.h"

namespace sealshot::server {

class GroupCommitter {
 public:
  using Job = std::function<Status(sqlite::Connection&)>;

  struct Stats {
    std::uint64_t transactions = 0;
    std::uint64_t jobs = 0;
  };

  // `max_batch` jobs per transaction at most; 1 turns batching off (one
  // transaction and one fsync per job), kept for measuring the difference.
  // `before_commit`, if set, runs on the committer thread after a batch's
  // jobs and before its COMMIT; if it fails the batch is rolled back and
  // every job gets its error. The blob log syncs its appends there, so an
  // envelope is durable before the row that points at it.
  // Each transaction begins in `turn` (write_turn.h), so another process
  // waiting for the database's write lock gets it between two batches.
  using BeforeCommit = std::function<Status()>;
  GroupCommitter(sqlite::Connection connection, std::unique_ptr<WriteTurn> turn, std::size_t max_batch,
                 BeforeCommit before_commit = {});
  ~GroupCommitter();  // finishes queued jobs, then stops the thread
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Blocks until `job` has committed (ok) or been rolled back (its error, or
  // the batch's COMMIT error). The job must not throw.
  [[nodiscard]] Status run(Job job);

  Stats stats() const noexcept { return {transactions_.load(), jobs_.load()}; }

 private:
  struct Pending {
    Job job;
    Status result;
    bool done = false;
  };

  void loop();
  void commit_batch(std::deque<Pending*>& batch);

  sqlite::Connection db_;
  const std::unique_ptr<WriteTurn> turn_;
  const std::size_t max_batch_;
  const BeforeCommit before_commit_;
  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable work_done_;
  std::deque<Pending*> queue_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> transactions_{0};
  std::atomic<std::uint64_t> jobs_{0};
  std::thread thread_;  // last: starts after every other member exists
};

}  // namespace sealshot::server
