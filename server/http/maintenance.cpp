#include "http/maintenance.h"

namespace sealshot::http {

PurgeScheduler::PurgeScheduler(server::Storage& storage, JsonLog& log, std::chrono::seconds interval,
                               std::chrono::days audit_retention)
    : storage_(storage), log_(log), interval_(interval), audit_retention_(audit_retention), thread_([this] {
        run();
      }) {}

PurgeScheduler::~PurgeScheduler() { stop(); }

void PurgeScheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PurgeScheduler::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    const auto now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    auto purged = storage_.purge_expired(now_ms);
    if (purged.ok()) {
      log_.info("retention_purge", {{"deleted", purged.value()}});
    } else {
      log_.error("retention_purge_failed", {{"error", error_code_name(purged.code())}, {"message", purged.message()}});
    }
    const auto audit_cutoff = now_ms - std::chrono::duration_cast<std::chrono::milliseconds>(audit_retention_).count();
    auto audit = storage_.accounts().purge_audit(audit_cutoff);
    if (audit.ok()) {
      if (audit.value() > 0) log_.info("audit_purge", {{"deleted", audit.value()}});
    } else {
      log_.error("audit_purge_failed", {{"error", error_code_name(audit.code())}});
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace sealshot::http
