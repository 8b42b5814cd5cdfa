#include "write_turn.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

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
  // Polled, not a blocking flock, so a stopped process holding the turn
  // costs a timeout, never a hang. The holder lets go within one
  // transaction of the other process's, so 1 ms steps lose little.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
  for (;;) {
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return {};
    if (errno != EWOULDBLOCK && errno != EINTR) return io_error(errno, "wait for a turn to write to the database");
    if (std::chrono::steady_clock::now() >= deadline) {
      return {ErrorCode::storage_error,
              "Another process has been waiting to write to this data directory for longer than the busy timeout; "
              "try again."};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void WriteTurn::give_back() noexcept { (void)::flock(fd_, LOCK_UN); }

}  // namespace sealshot::server
