// Read connections for the many HTTP threads. In WAL mode a reader sees the
// last committed state and never waits for the committer's fsync, so reads
// get their own connections instead of queueing behind the writer. Idle
// connections are kept for reuse, up to a small cap.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "result.h"
#include "sqlite_db.h"

namespace sealshot::server {

class ReadPool {
 public:
  ReadPool(std::string db_path, int busy_timeout_ms, std::size_t max_idle = 16)
      : db_path_(std::move(db_path)), busy_timeout_ms_(busy_timeout_ms), max_idle_(max_idle) {}

  // Borrowed connection, handed back to the pool when the lease ends.
  class Lease {
   public:
    Lease(ReadPool* pool, std::unique_ptr<sqlite::Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    sqlite::Connection& operator*() const { return *connection_; }
    sqlite::Connection* operator->() const { return connection_.get(); }

   private:
    ReadPool* pool_;
    std::unique_ptr<sqlite::Connection> connection_;
  };

  [[nodiscard]] Result<Lease> acquire();

 private:
  void give_back(std::unique_ptr<sqlite::Connection> connection);

  const std::string db_path_;
  const int busy_timeout_ms_;
  const std::size_t max_idle_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<sqlite::Connection>> idle_;
};

}  // namespace sealshot::server
