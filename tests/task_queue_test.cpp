// BoundedTaskQueue (server/http/task_queue.cpp): which worker takes a
// connection, the bounds of both pools, and the drain on shutdown.
#include "http/task_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

namespace sealshot::http {
namespace {

using namespace std::chrono_literals;

// Waits (bounded) until every main-pool worker is idle again.
bool wait_all_idle(BoundedTaskQueue& queue, std::size_t workers) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (queue.idle_workers() != workers) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

// One connection at a time must keep landing on the same warm thread. A
// shared condition variable woke waiters in about arrival order and rotated
// 200 sequential jobs through all 32 threads; each thread then kept its own
// touched stack and allocator caches, which the soak saw as RSS growth.
TEST(TaskQueueTest, SequentialConnectionsReuseTheMostRecentlyIdleWorker) {
  constexpr std::size_t kWorkers = 32;
  QueueStats stats;
  BoundedTaskQueue queue(kWorkers, 8, 1, 1, stats);
  ASSERT_TRUE(wait_all_idle(queue, kWorkers));

  std::set<std::thread::id> threads_used;
  for (int i = 0; i < 200; ++i) {
    std::promise<std::thread::id> ran_on;
    auto ran_on_future = ran_on.get_future();
    ASSERT_TRUE(queue.enqueue([&ran_on] { ran_on.set_value(std::this_thread::get_id()); }));
    threads_used.insert(ran_on_future.get());
    ASSERT_TRUE(wait_all_idle(queue, kWorkers));
  }
  EXPECT_EQ(threads_used.size(), 1u);
}

// With N connections at once, only about N threads are ever used.
TEST(TaskQueueTest, ConcurrentBurstsStayOnAsManyThreadsAsConnections) {
  constexpr std::size_t kWorkers = 64;
  constexpr int kBurst = 4;
  QueueStats stats;
  BoundedTaskQueue queue(kWorkers, 8, 1, 1, stats);
  ASSERT_TRUE(wait_all_idle(queue, kWorkers));

  std::mutex mutex;
  std::set<std::thread::id> threads_used;
  for (int round = 0; round < 50; ++round) {
    std::latch all_started(kBurst);
    std::vector<std::future<void>> done;
    for (int i = 0; i < kBurst; ++i) {
      auto finished = std::make_shared<std::promise<void>>();
      done.push_back(finished->get_future());
      ASSERT_TRUE(queue.enqueue([&, finished] {
        {
          std::lock_guard lock(mutex);
          threads_used.insert(std::this_thread::get_id());
        }
        all_started.arrive_and_wait();  // all kBurst run at once
        finished->set_value();
      }));
    }
    for (auto& f : done) f.get();
    ASSERT_TRUE(wait_all_idle(queue, kWorkers));
  }
  EXPECT_LE(threads_used.size(), static_cast<std::size_t>(kBurst));
}

// Busy workers: the waiting line takes `queue_capacity`, then the overflow
// pool takes its share, then the queue refuses (cpp-httplib closes).
TEST(TaskQueueTest, BoundsHoldWhenEveryWorkerIsBusy) {
  QueueStats stats;
  BoundedTaskQueue queue(2, 3, 1, 1, stats);
  ASSERT_TRUE(wait_all_idle(queue, 2));
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> ran{0};
  auto blocker = [&] {
    released.wait();
    ran.fetch_add(1);
  };
  int accepted = 0;
  for (int i = 0; i < 10; ++i) accepted += queue.enqueue(blocker) ? 1 : 0;
  // 2 running + 3 waiting + overflow: 1 running + 1 waiting.
  EXPECT_EQ(accepted, 7);
  EXPECT_EQ(stats.dropped_total.load(), 3u);
  EXPECT_EQ(stats.overflowed_total.load(), 2u);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (stats.busy_workers.load() != 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(stats.queued.load(), 3);
  EXPECT_EQ(stats.unserved.load(), 3);
  release.set_value();
  queue.shutdown();  // drains: every accepted job runs
  EXPECT_EQ(ran.load(), accepted);
}

// Shutdown with idle workers returns promptly and refuses what comes after.
TEST(TaskQueueTest, ShutdownWakesIdleWorkersAndRefusesNewJobs) {
  QueueStats stats;
  BoundedTaskQueue queue(16, 4, 2, 2, stats);
  ASSERT_TRUE(wait_all_idle(queue, 16));
  queue.shutdown();
  EXPECT_FALSE(queue.enqueue([] {}));
  EXPECT_EQ(queue.idle_workers(), 0u);
}

}  // namespace
}  // namespace sealshot::http
