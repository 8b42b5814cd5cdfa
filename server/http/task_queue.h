// cpp-httplib's TaskQueue with two bounded pools. cpp-httplib's own
// ThreadPool closes the socket when its queue is full, so an overloaded
// server looks broken to clients; this one hands the connection to a tiny
// overflow pool whose requests the pre-routing check answers 503 with
// Retry-After (running_in_overflow_pool()), and closes only when that pool
// is full too. Nothing here grows without a bound.
//
// Idle workers are woken last-in first-out: a connection goes to the worker
// that went idle most recently. A shared condition variable wakes waiters in
// roughly arrival order instead, which rotates every connection through all
// of the (by default 1,024) threads, so each of them in time touches its own
// stack pages, malloc cache and OpenSSL state: the soak measured RSS growing
// 11% in 10 minutes that way (docs/reliability.md, "Soak"). With LIFO only as
// many threads as there are concurrent connections stay warm.
#pragma once

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sealshot::http {

// Shared with /metrics; outlives any one TaskQueue (cpp-httplib creates the
// queue inside listen_after_bind()).
struct QueueStats {
  std::atomic<std::int64_t> queued{0};  // connections waiting for a worker
  // Waiting connections no idle worker is about to take: what an idle
  // keep-alive connection yields its worker for. Not `queued > 0`, which
  // is also true in the instant between a connection's arrival and an idle
  // worker taking it.
  std::atomic<std::int64_t> unserved{0};
  std::atomic<std::int64_t> busy_workers{0};   // connections being served
  std::atomic<std::int64_t> overflow_busy{0};  // connections being answered 503
  std::atomic<std::uint64_t> overflowed_total{0};
  std::atomic<std::uint64_t> dropped_total{0};  // closed unanswered: both pools full
};

// True on an overflow-pool thread: the request must be answered 503.
[[nodiscard]] bool running_in_overflow_pool() noexcept;

class BoundedTaskQueue final : public httplib::TaskQueue {
 public:
  BoundedTaskQueue(std::size_t workers, std::size_t queue_capacity, std::size_t overflow_workers,
                   std::size_t overflow_queue_capacity, QueueStats& stats);
  ~BoundedTaskQueue() override;

  bool enqueue(std::function<void()> fn) override;
  // Workers of the main pool waiting for a connection (tests, metrics).
  [[nodiscard]] std::size_t idle_workers();
  [[nodiscard]] std::size_t idle_overflow_workers();
  // Runs every queued connection to its end, then joins: this is the drain
  // on shutdown (cpp-httplib calls it after the listening socket closed).
  void shutdown() override;

 private:
  // One per waiting worker, on its own stack: enqueue() hands the job over
  // here and wakes just that worker.
  struct IdleWorker {
    std::condition_variable wake;
    std::function<void()> job;
  };
  // Invariant (under mutex_): `jobs` and `idle` are never both non-empty; a
  // worker goes idle only when no job waits, and a job waits only when no
  // worker is idle.
  struct Pool {
    std::size_t capacity = 0;
    std::vector<IdleWorker*> idle;  // the back went idle last and is woken first
    std::deque<std::function<void()>> jobs;
    std::vector<std::thread> threads;
  };
  bool try_push(Pool& pool, std::function<void()>& fn);
  void publish_main_pool();  // caller holds mutex_
  void run(Pool& pool, bool overflow);

  QueueStats& stats_;
  std::mutex mutex_;
  bool stopping_ = false;
  Pool main_;
  Pool overflow_;
};

}  // namespace sealshot::http
