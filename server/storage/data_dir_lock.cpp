#include "data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "fs_util.h"

namespace sealshot::server {

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

Status DataDirLock::hold_shared() { return acquire(Mode::shared); }
Status DataDirLock::hold_exclusive() { return acquire(Mode::exclusive); }

Status DataDirLock::downgrade() {
  {
    std::lock_guard lock(mutex_);
    if (mode_ != Mode::exclusive) return {};
    mode_ = Mode::none;  // so acquire() converts rather than returning early
  }
  return acquire(Mode::shared);
}

void DataDirLock::release() {
  std::lock_guard lock(mutex_);
  if (fd_ >= 0 && mode_ != Mode::none) (void)::flock(fd_, LOCK_UN);
  mode_ = Mode::none;
}

Status DataDirLock::acquire(Mode mode) {
  std::lock_guard lock(mutex_);
  // Exclusive covers shared: a writer starting during repair must not
  // convert the lock back to shared under the repair's feet.
  if (mode_ == mode || (mode == Mode::shared && mode_ == Mode::exclusive)) return {};
  if (fd_ < 0) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) return io_error(errno, "open the lock file sealshot.lock");
  }
  const int operation = mode == Mode::shared ? LOCK_SH : LOCK_EX;
  Result<bool> taken = flock_within(fd_, operation, std::chrono::milliseconds(timeout_ms_),
                                    std::chrono::milliseconds(20), "lock the data directory");
  if (!taken.ok()) return taken.status();
  if (taken.value()) {
    mode_ = mode;
    return {};
  }
  // Linux converts a held lock by dropping it first, so the failed attempts
  // may have lost what we held: retake it before giving up.
  const Mode held = mode_;
  mode_ = Mode::none;
  if (held != Mode::none && ::flock(fd_, (held == Mode::shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0) mode_ = held;
  return {ErrorCode::storage_error,
          mode == Mode::exclusive
              ? "Another process is writing submissions to this data directory; the consistency check "
                "must run alone (stop the other sealshot-server first)."
              : "The data directory is being checked and repaired by another process; try again later."};
}

}  // namespace sealshot::server
