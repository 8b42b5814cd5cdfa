// An advisory lock (flock) on <data dir>/sealshot.lock that keeps
// check_and_repair from releasing another process's appended bytes between
// their append and their row's commit, which would look exactly like a crash
// leftover.
//
// A Storage that writes envelopes holds the lock shared; repair needs it
// exclusive, then returns to shared. So repair fails cleanly while another
// sealshot-server (or `sealshot submissions import`) is writing to the same
// directory, and read-only tools (list, get, backup) never take it at all.
#pragma once

#include <mutex>
#include <string>

#include "result.h"

namespace sealshot::server {

class DataDirLock {
 public:
  explicit DataDirLock(std::string path, int timeout_ms) : path_(std::move(path)), timeout_ms_(timeout_ms) {}
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

  // Both wait up to timeout_ms for a conflicting holder, then fail. Holding
  // the lock exclusively already satisfies hold_shared().
  [[nodiscard]] Status hold_shared();
  [[nodiscard]] Status hold_exclusive();
  // Exclusive back to shared, so other writers may start again.
  [[nodiscard]] Status downgrade();
  // Lets go of whatever is held.
  void release();

 private:
  enum class Mode { none, shared, exclusive };
  [[nodiscard]] Status acquire(Mode mode);

  const std::string path_;
  const int timeout_ms_;
  std::mutex mutex_;
  int fd_ = -1;
  Mode mode_ = Mode::none;
};

}  // namespace sealshot::server
