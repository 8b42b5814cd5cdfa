#include "read_pool.h"

namespace sealshot::server {

ReadPool::Lease::~Lease() {
  if (pool_ && connection_) pool_->give_back(std::move(connection_));
}

Result<ReadPool::Lease> ReadPool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<sqlite::Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(connection));
    }
  }
  Result<sqlite::Connection> opened = sqlite::Connection::open(db_path_, busy_timeout_ms_);
  if (!opened.ok()) return opened.status();
  auto connection = std::make_unique<sqlite::Connection>(std::move(opened).value());
  // A guard, not a permission: every write must go through the committer.
  if (Status s = connection->exec("PRAGMA query_only=1", "configure a read connection"); !s.ok()) return s;
  return Lease(this, std::move(connection));
}

void ReadPool::give_back(std::unique_ptr<sqlite::Connection> connection) {
  // A connection left inside a transaction (an error path) is not reused.
  if (!sqlite3_get_autocommit(connection->handle())) return;
  std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(connection));
}

}  // namespace sealshot::server
