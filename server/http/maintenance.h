// Background upkeep while serving, once at start and then every `interval`,
// on its own thread: purge submissions past their project's retention, and
// audit log entries older than the audit retention.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "http/logging.h"
#include "storage/storage.h"

namespace sealshot::http {

class PurgeScheduler {
 public:
  PurgeScheduler(server::Storage& storage, JsonLog& log, std::chrono::seconds interval,
                 std::chrono::days audit_retention = std::chrono::days(90));
  ~PurgeScheduler();  // stop()
  PurgeScheduler(const PurgeScheduler&) = delete;
  PurgeScheduler& operator=(const PurgeScheduler&) = delete;

  void stop();  // wakes the thread at once (no waiting out the interval) and joins it

 private:
  void run();

  server::Storage& storage_;
  JsonLog& log_;
  const std::chrono::seconds interval_;
  const std::chrono::days audit_retention_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sealshot::http
