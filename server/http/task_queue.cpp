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

// A connection is taken when a thread is idle for it or the waiting line
// has room. Caller holds mutex_.
bool BoundedTaskQueue::try_push(Pool& pool, std::function<void()>& fn) {
  if (pool.threads.empty()) return false;
  if (pool.jobs.size() >= pool.idle + pool.capacity) return false;
  pool.jobs.push_back(std::move(fn));
  pool.ready.notify_one();
  return true;
}

// Both figures from one consistent state of the pool (read without the lock
// by /metrics and by every idle keep-alive connection).
void BoundedTaskQueue::publish_main_pool() {
  const auto queued = static_cast<std::int64_t>(main_.jobs.size());
  stats_.queued.store(queued);
  stats_.unserved.store(std::max<std::int64_t>(0, queued - static_cast<std::int64_t>(main_.idle)));
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
      ++pool.idle;
      if (!overflow) publish_main_pool();
      pool.ready.wait(lock, [&] { return stopping_ || !pool.jobs.empty(); });
      --pool.idle;
      if (pool.jobs.empty()) break;  // stopping and drained
      job = std::move(pool.jobs.front());
      pool.jobs.pop_front();
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
  }
  main_.ready.notify_all();
  overflow_.ready.notify_all();
  for (auto* pool : {&main_, &overflow_}) {
    for (std::thread& t : pool->threads) {
      if (t.joinable()) t.join();
    }
    pool->threads.clear();
  }
}

}  // namespace sealshot::http
