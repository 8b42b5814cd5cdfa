// Repair never races another process's appends (server/storage/data_dir_lock.cpp).
#include <gtest/gtest.h>

#include <algorithm>

#include "storage_fixture.h"

namespace sealshot::server {
namespace {

TEST_F(StorageTest, RepairRefusesWhileAnotherProcessWritesToTheDirectory) {
  const Project p = make_project();
  SqliteStorageOptions o = options();
  o.busy_timeout_ms = 100;  // how long repair waits for the lock
  storage_ = SqliteStorage::open(dir_, o).value();
  // A second SqliteStorage has its own lock file description: to flock it is
  // another process.
  std::unique_ptr<SqliteStorage> other = SqliteStorage::open(dir_, {}).value();
  Result<std::unique_ptr<SubmissionWriter>> writer = other->begin_submission(p.id);
  ASSERT_TRUE(writer.ok());
  Result<ConsistencyReport> report = storage_->check_and_repair();
  EXPECT_EQ(report.code(), ErrorCode::storage_error);
  EXPECT_NE(report.message().find("must run alone"), std::string::npos) << report.message();
  ASSERT_TRUE(writer.value()->commit().ok());  // the other writer is unharmed
  writer.value().reset();
  other.reset();
  EXPECT_TRUE(storage_->check_and_repair().ok());
}

}  // namespace
}  // namespace sealshot::server
