// A full disk or an I/O error while appending envelopes (server/storage/blob_log.cpp):
// storage_full and nothing left behind; the real thing on a tmpfs as root.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "storage_fixture.h"
#include "upload_buffer.h"

namespace sealshot::server {
namespace {

TEST_F(StorageTest, DiskFullIsStorageFullAndLeavesNothingBehind) {
  const Project p = make_project();
  // Past the in-memory limit, so the spill file's create and writes are
  // exercised as well as the segment's.
  const std::vector<std::uint8_t> secret_looking(UploadBuffer::kInlineBytes + 100'000, 'Z');
  for (FsOp op : {FsOp::create, FsOp::write, FsOp::sync}) {
    for (int err : {ENOSPC, EDQUOT}) {
      fault_op_ = op;
      fault_errno_ = err;
      Result<CommitResult> r = submit(p.id, secret_looking);
      fault_errno_ = 0;
      EXPECT_EQ(r.code(), ErrorCode::storage_full) << int(op) << " " << r.message();
      EXPECT_EQ(r.message().find("ZZZ"), std::string::npos);  // never any content in a message
    }
  }
  fault_op_ = FsOp::write;
  fault_errno_ = EIO;
  EXPECT_EQ(submit(p.id, secret_looking).code(), ErrorCode::storage_error);
  fault_errno_ = 0;
  EXPECT_EQ(count_files(dir_ + "/staging"), 0u);
  EXPECT_TRUE(storage_->list_submissions(p.id, {}).value().items.empty());
  // Nothing of the failed uploads stays readable on disk: a failed sync's
  // append was punched out again, the rest never got past the spill file.
  for (const auto& e : fs::directory_iterator(dir_ + "/segments")) {
    std::ifstream in(e.path(), std::ios::binary);
    const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(content.find('Z'), std::string::npos) << e.path();
  }
  Result<CommitResult> recovered = submit(p.id, secret_looking);  // and it recovers
  ASSERT_TRUE(recovered.ok()) << recovered.message();
  EXPECT_EQ(storage_->read_envelope(p.id, recovered.value().submission.id).value(), secret_looking);
}

// The real thing on a 1 MiB tmpfs, when allowed to mount (root); skipped otherwise.
TEST(StorageDiskFull, ARealFullFileSystemGivesStorageFull) {
  const std::string dir = make_temp_dir();
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=1m") != 0) {
    fs::remove_all(dir);
    GTEST_SKIP() << "cannot mount a tmpfs here (not root)";
  }
  {
    std::unique_ptr<SqliteStorage> storage = SqliteStorage::open(dir + "/data", {}).value();
    NewProject np;
    np.name = "Shop";
    np.public_key = public_key_text();
    np.allowed_origins = {"https://shop.example"};
    const Project p = storage->create_project(np).value();
    const std::vector<std::uint8_t> big(2 << 20, 0x5a);
    Result<std::unique_ptr<SubmissionWriter>> w = storage->begin_submission(p.id);
    ASSERT_TRUE(w.ok());
    Status s = w.value()->write(big);
    Result<CommitResult> r = s.ok() ? w.value()->commit() : Result<CommitResult>(s);
    EXPECT_EQ(r.code(), ErrorCode::storage_full) << r.message();
    w.value().reset();
    // Space is given back and small reports still go through.
    std::vector<std::uint8_t> small(1000, 1);
    Result<std::unique_ptr<SubmissionWriter>> w2 = storage->begin_submission(p.id);
    ASSERT_TRUE(w2.ok());
    ASSERT_TRUE(w2.value()->write(small).ok());
    EXPECT_TRUE(w2.value()->commit().ok());
    w2.value().reset();

    // Now fill the disk to the last block: SQLite itself hits ENOSPC (in
    // the WAL, at COMMIT) and that is storage_full too.
    {
      std::ofstream filler(dir + "/filler", std::ios::binary);
      const std::vector<char> block(4096, 'f');
      while (filler.write(block.data(), std::streamsize(block.size())) && filler.flush()) {
      }
    }
    Result<Project> refused = storage->create_project(np);
    EXPECT_EQ(refused.code(), ErrorCode::storage_full) << refused.message();
    EXPECT_EQ(submit_once(*storage, p.id, small).code(), ErrorCode::storage_full);
    fs::remove(dir + "/filler");
    EXPECT_TRUE(storage->create_project(np).ok());
    EXPECT_TRUE(submit_once(*storage, p.id, small).ok());
    const ConsistencyReport report = storage->check_and_repair().value();
    EXPECT_EQ(report.submissions, 2u);
    EXPECT_EQ(report.orphan_envelopes_removed + report.dangling_rows_removed, 0u);
  }
  ::umount(dir.c_str());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sealshot::server
