// Turn-taking for the database's one write lock between processes: the
// server and the admin CLI (or a second server) on one data directory.
//
// SQLite's busy handler polls: a connection waiting for the write lock sleeps
// (up to 100 ms at a time) and tries again. A server committing back to back
// frees the lock only for microseconds between transactions, so under a
// sustained ingest burst the other process can keep missing it until its
// busy timeout says "database is locked" (measured: StorageTest.
// AnotherProcessGetsItsTurnDuringSustainedIngest under TSan failed 5 runs of
// 10 before this).
//
// The turn is a second lock, an flock on <data dir>/sealshot.turn, held only
// while *waiting* for the write lock: take the turn, BEGIN IMMEDIATE, give the
// turn back. A process stuck waiting for the write lock therefore holds the
// turn, and everyone else's next transaction waits at the turn instead of
// taking the write lock again: contended writers alternate. Uncontended, it
// costs two flock calls per transaction.
#pragma once

#include <string>

#include "result.h"
#include "sqlite_db.h"

namespace sealshot::server {

class WriteTurn {
 public:
  // Waits up to timeout_ms for the turn (as long as the busy timeout waits
  // for the write lock), then fails with a sentence saying why.
  WriteTurn(std::string path, int timeout_ms) : path_(std::move(path)), timeout_ms_(timeout_ms) {}
  ~WriteTurn();
  WriteTurn(const WriteTurn&) = delete;
  WriteTurn& operator=(const WriteTurn&) = delete;

  // BEGIN IMMEDIATE on `db`, in turn; `what` names the transaction in errors.
  [[nodiscard]] Status begin_immediate(sqlite::Connection& db, std::string_view what);

 private:
  [[nodiscard]] Status take();
  void give_back() noexcept;

  const std::string path_;
  const int timeout_ms_;
  int fd_ = -1;  // opened on first use; only the committer thread (or open()) calls in
};

}  // namespace sealshot::server
