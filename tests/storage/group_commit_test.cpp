// The single committer thread (server/storage/group_commit.cpp): concurrent
// commits share transactions (SEALSHOT_STORAGE_BENCH=1: the docs/operations.md figures).
#include "group_commit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "storage_fixture.h"

namespace sealshot::server {
namespace {

double commits_per_second(const std::string& dir, std::size_t max_batch, int threads, int per_thread,
                          GroupCommitter::Stats* stats) {
  SqliteStorageOptions o;
  o.max_batch = max_batch;
  std::unique_ptr<SqliteStorage> storage = SqliteStorage::open(dir, o).value();
  NewProject np;
  np.name = "Bench";
  np.public_key = public_key_text();
  np.allowed_origins = {"https://shop.example"};
  const Project p = storage->create_project(np).value();
  const std::vector<std::uint8_t> body(4096, 0x42);
  const GroupCommitter::Stats before = storage->commit_stats();
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  std::atomic<int> failures{0};
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i) {
        Result<std::unique_ptr<SubmissionWriter>> w = storage->begin_submission(p.id);
        if (!w.ok() || !w.value()->write(body).ok() || !w.value()->commit().ok()) ++failures;
      }
    });
  }
  for (auto& t : pool) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(failures.load(), 0);
  const GroupCommitter::Stats after = storage->commit_stats();
  *stats = {after.transactions - before.transactions, after.jobs - before.jobs};
  return threads * per_thread / seconds;
}

TEST(GroupCommit, ConcurrentCommitsShareTransactions) {
  // Small by default to keep the suite fast; SEALSHOT_STORAGE_BENCH=1 runs the
  // 32 x 50 comparison from docs/operations.md.
  const bool bench = std::getenv("SEALSHOT_STORAGE_BENCH") != nullptr;
  const int threads = bench ? 32 : 16, per_thread = bench ? 50 : 10;
  const std::string dir = make_temp_dir();
  GroupCommitter::Stats batched{}, single{};
  const double with = commits_per_second(dir + "/batched", 256, threads, per_thread, &batched);
  EXPECT_EQ(batched.jobs, std::uint64_t(threads * per_thread));
  EXPECT_LT(batched.transactions, batched.jobs);  // some commits shared a transaction
  std::printf("[ bench    ] group commit: %d threads x %d commits: %.0f commits/s, %.1f per transaction\n", threads,
              per_thread, with, double(batched.jobs) / double(batched.transactions));
  if (bench) {
    const double without = commits_per_second(dir + "/single", 1, threads, per_thread, &single);
    EXPECT_EQ(single.transactions, single.jobs);
    std::printf("[ bench    ] without batching: %.0f commits/s (one transaction and WAL fsync each)\n", without);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sealshot::server
