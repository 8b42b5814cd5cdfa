#include "write_turn.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "fs_util.h"

namespace sealshot::server {

WriteTurn::~WriteTurn() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

Status WriteTurn::begin_immediate(sqlite::Connection& db, std::string_view what) {
  if (Status s = take(); !s.ok()) return s;
  Status begun = db.exec("BEGIN IMMEDIATE", what);
  give_back();  // the write lock, once held, keeps everyone else out
  return begun;
}

Status WriteTurn::take() {
  if (fd_ < 0) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) return io_error(errno, "open the lock file sealshot.turn");
  }
  // The holder lets go within one transaction of the other process's, so
  // 1 ms steps lose little.
  Result<bool> taken = flock_within(fd_, LOCK_EX, std::chrono::milliseconds(timeout_ms_), std::chrono::milliseconds(1),
                                    "wait for a turn to write to the database");
  if (!taken.ok()) return taken.status();
  if (!taken.value()) {
    return {ErrorCode::storage_error,
            "Another process has been waiting to write to this data directory for longer than the busy timeout; "
            "try again."};
  }
  return {};
}

void WriteTurn::give_back() noexcept { (void)::flock(fd_, LOCK_UN); }

}  // namespace sealshot::server
