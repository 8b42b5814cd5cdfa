// The bounded worker pools (server/http/task_queue.cpp): a full pool answers
// 503 with Retry-After, not a reset; idle workers are woken last-in first-out.
// In process: a real HTTPS server on an ephemeral loopback port, real SQLite
// storage in a temp dir (ServerTest: tests/server_support/server_fixture.h).
#include "http/task_queue.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "server_support/server_fixture.h"

namespace sealshot::http {
namespace {

// Slow uploads hold both workers and a silent connection fills the queue;
// the next client lands in the overflow pool and gets 503 + Retry-After
// (not a closed socket). Once the uploads finish, everything succeeds.
TEST_F(ServerTest, FullPoolAnswers503WithRetryAfter) {
  config_.limits.worker_threads = 2;
  config_.limits.queue_capacity = 1;
  start();
  const HttpServer& http = server_->http();
  const std::string envelope = as_text(seal(project_a_, keys_a_, 20000));
  const std::string head = request_head(project_a_.id, envelope.size());
  const std::size_t half = envelope.size() / 2;

  std::vector<std::unique_ptr<RawConnection>> uploads;
  for (int i = 0; i < 2; ++i) {
    uploads.push_back(raw());
    ASSERT_TRUE(uploads.back()->send(head + envelope.substr(0, half)));
  }
  ASSERT_TRUE(eventually([&] { return http.queue_stats().busy_workers.load() == 2; }));
  auto waiting = raw({.tls = false});  // accepted, queued, never speaks
  ASSERT_TRUE(eventually([&] { return http.queue_stats().queued.load() == 1; }));

  auto res = post(project_a_.id, envelope);
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(error_of(res->body), "overloaded");
  EXPECT_EQ(res->get_header_value("Retry-After"), "5");

  for (auto& upload : uploads) {
    ASSERT_TRUE(upload->send(envelope.substr(half)));
    auto done = upload->read_response();
    ASSERT_TRUE(done);
    EXPECT_EQ(done->status, 201) << done->body;
  }
  // The finished uploads stay open (keep-alive), yet give their workers to
  // the queued connection instead of idling on them.
  ASSERT_TRUE(eventually([&] { return http.queue_stats().queued.load() == 0; }, 1000ms));
  waiting.reset();
  ASSERT_TRUE(eventually([&] { return http.queue_stats().busy_workers.load() < 2; }));
  expect_good_request_succeeds();
  EXPECT_EQ(stored_count(project_a_), 3u);
}

// Without sockets: which worker takes a connection, the bounds of both
// pools, and the drain on shutdown.

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
  // The overflow worker too: one that has not reached its wait yet takes no
  // hand-over, and the overflow pool would then hold one job fewer.
  const auto overflow_deadline = std::chrono::steady_clock::now() + 10s;
  while (queue.idle_overflow_workers() != 1) {
    ASSERT_LT(std::chrono::steady_clock::now(), overflow_deadline);
    std::this_thread::sleep_for(1ms);
  }
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
