#include "http/task_queue.h"

#include <openssl/crypto.h>

#include <algorithm>

namespace sealshot::http {
namespace {
thread_local bool t_in_overflow_pool = false;
}

bool running_in_overflow_pool() noexcept { return t_in_overflow_pool; }

BoundedTaskQueue::BoundedTaskQueue(std::size_t workers, std::size_t queue_capacity, std::size_t overflow_workers,
                                   std::size_t overflow_queue_capacity, QueueStats& stats)
    : stats_(stats) {
  main_.capacity = queue_capacity;
  overflow_.capacity = overflow_queue_capacity;
  for (std::size_t i = 0; i < workers; ++i) main_.threads.emplace_back([this] { run(main_, false); });
  for (std::size_t i = 0; i < overflow_workers; ++i) overflow_.threads.emplace_back([this] { run(overflow_, true); });
}

BoundedTaskQueue::~BoundedTaskQueue() { shutdown(); }

// A connection is taken when a thread is idle for it (the one idle the
// shortest time) or the waiting line has room. Caller holds mutex_.
bool BoundedTaskQueue::try_push(Pool& pool, std::function<void()>& fn) {
  if (pool.threads.empty()) return false;
  if (!pool.idle.empty()) {
    IdleWorker* worker = pool.idle.back();
    pool.idle.pop_back();
    worker->job = std::move(fn);
    worker->wake.notify_one();
    return true;
  }
  if (pool.jobs.size() >= pool.capacity) return false;
  pool.jobs.push_back(std::move(fn));
  return true;
}

std::size_t BoundedTaskQueue::idle_workers() {
  std::lock_guard lock(mutex_);
  return main_.idle.size();
}

std::size_t BoundedTaskQueue::idle_overflow_workers() {
  std::lock_guard lock(mutex_);
  return overflow_.idle.size();
}

// Both figures from one consistent state of the pool (read without the lock
// by /metrics and by every idle keep-alive connection). A waiting job has no
// idle worker about to take it (see the invariant in the header), so every
// queued connection is unserved.
void BoundedTaskQueue::publish_main_pool() {
  const auto queued = static_cast<std::int64_t>(main_.jobs.size());
  stats_.queued.store(queued);
  stats_.unserved.store(queued);
}

bool BoundedTaskQueue::enqueue(std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  if (stopping_) return false;
  if (try_push(main_, fn)) {
    publish_main_pool();
    return true;
  }
  if (try_push(overflow_, fn)) {
    stats_.overflowed_total.fetch_add(1);
    return true;
  }
  stats_.dropped_total.fetch_add(1);
  return false;  // cpp-httplib closes the socket
}

void BoundedTaskQueue::run(Pool& pool, bool overflow) {
  t_in_overflow_pool = overflow;
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      if (!pool.jobs.empty()) {
        job = std::move(pool.jobs.front());
        pool.jobs.pop_front();
      } else {
        if (stopping_) break;  // stopping and drained
        IdleWorker self;
        pool.idle.push_back(&self);
        self.wake.wait(lock, [&] { return stopping_ || self.job; });
        if (!self.job) {  // woken to stop: nothing was handed over
          std::erase(pool.idle, &self);
          break;
        }
        job = std::move(self.job);
      }
      if (!overflow) publish_main_pool();
    }
    auto& busy = overflow ? stats_.overflow_busy : stats_.busy_workers;
    busy.fetch_add(1);
    job();
    busy.fetch_sub(1);
  }
  OPENSSL_thread_stop();  // as cpp-httplib's own pool does: free per-thread OpenSSL state
}

void BoundedTaskQueue::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && main_.threads.empty() && overflow_.threads.empty()) return;
    stopping_ = true;
    for (auto* pool : {&main_, &overflow_}) {
      for (IdleWorker* worker : pool->idle) worker->wake.notify_one();
    }
  }
  for (auto* pool : {&main_, &overflow_}) {
    for (std::thread& t : pool->threads) {
      if (t.joinable()) t.join();
    }
    pool->threads.clear();
  }
}

}  // namespace sealshot::http
