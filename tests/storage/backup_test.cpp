// Online backup, verification and restore (server/storage/backup.cpp, restore.cpp).
#include "backup.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "blob_log.h"
#include "sqlite_db.h"
#include "storage_fixture.h"

namespace sealshot::server {
namespace {

TEST_F(StorageTest, BackupWhileWritingThenRestoreIntoAnEmptyDirectory) {
  const Project p = make_project();
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(submit(p.id, bytes_of(5000 + i, std::uint8_t(i)), "k" + std::to_string(i)).ok());
  const std::string deleted = submit(p.id, bytes_of(10, 1)).value().submission.id;

  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      if (submit(p.id, bytes_of(3000, std::uint8_t(i))).ok()) ++written;
    }
  });
  const std::string backup = make_temp_dir() + "/backup";
  ASSERT_TRUE(storage_->delete_submission(p.id, deleted).ok());
  Status s = storage_->backup_to(backup);
  stop = true;
  writer.join();
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(storage_->backup_to(backup).code(), ErrorCode::already_exists);

  Result<BackupManifest> manifest = backup_verify(backup);
  ASSERT_TRUE(manifest.ok()) << manifest.message();
  EXPECT_EQ(manifest.value().projects, 1u);
  EXPECT_GE(manifest.value().submissions, 20u);

  const std::string restored = make_temp_dir() + "/restored";
  ASSERT_TRUE(restore_sqlite_backup(backup, restored).ok());
  std::unique_ptr<SqliteStorage> copy = SqliteStorage::open(restored, {}).value();
  const ConsistencyReport report = copy->check_and_repair().value();
  EXPECT_EQ(report.submissions, manifest.value().submissions);
  EXPECT_EQ(report.orphan_envelopes_removed + report.dangling_rows_removed, 0u);
  // Compacted: one segment holding exactly the envelopes of the backup.
  EXPECT_EQ(fs::file_size(backup + "/segments/00000001.seg"), manifest.value().blob_bytes);
  ListQuery q;
  q.limit = 500;
  const SubmissionPage restored_page = copy->list_submissions(p.id, q).value();
  EXPECT_EQ(restored_page.items.size(), manifest.value().submissions);
  for (const Submission& sub : restored_page.items) {
    EXPECT_EQ(copy->read_envelope(p.id, sub.id).value(), storage_->read_envelope(p.id, sub.id).value());
  }
  EXPECT_EQ(copy->get_project(p.id).value().public_key, p.public_key);
  // Idempotency keys came along.
  EXPECT_FALSE(submit(*copy, p.id, bytes_of(5000, 0), "k0").value().created);

  // Never into a non-empty directory.
  Status refused = restore_sqlite_backup(backup, restored);
  EXPECT_EQ(refused.code(), ErrorCode::already_exists);
  EXPECT_NE(refused.message().find("not empty"), std::string::npos);
  copy.reset();
  fs::remove_all(fs::path(backup).parent_path());
  fs::remove_all(fs::path(restored).parent_path());
}

// A submission in the backup's snapshot that is deleted (and punched out)
// before its bytes are copied is left out, not copied as zeros.
TEST_F(StorageTest, ASubmissionDeletedDuringTheBackupIsLeftOut) {
  const Project p = make_project();
  const std::string gone = submit(p.id, bytes_of(6000, 1)).value().submission.id;
  const std::string kept = submit(p.id, bytes_of(7000, 2)).value().submission.id;
  sqlite::Connection snapshot = sqlite::Connection::open(dir_ + "/sealshot.db", 1000).value();
  sqlite::Connection live = sqlite::Connection::open(dir_ + "/sealshot.db", 1000).value();
  ASSERT_TRUE(snapshot.exec("BEGIN; SELECT count(*) FROM submissions", "pin a snapshot").ok());
  ASSERT_TRUE(storage_->delete_submission(p.id, gone).ok());  // after the snapshot, before the copy

  const std::string root = make_temp_dir();
  const BlobLog blobs(dir_ + "/segments", nullptr);
  Status s = backup_write(snapshot, live, blobs, root + "/b", clock_ms_.load(), 1000);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_TRUE(snapshot.exec("COMMIT", "end the snapshot").ok());
  const BackupManifest manifest = backup_verify(root + "/b").value();
  EXPECT_EQ(manifest.deleted_during_backup, 1u);
  EXPECT_EQ(manifest.submissions, 1u);
  ASSERT_TRUE(restore_sqlite_backup(root + "/b", root + "/r").ok());
  std::unique_ptr<SqliteStorage> copy = SqliteStorage::open(root + "/r", {}).value();
  EXPECT_EQ(copy->read_envelope(p.id, kept).value(), bytes_of(7000, 2));
  EXPECT_EQ(copy->get_submission(p.id, gone).code(), ErrorCode::not_found);
  copy.reset();
  fs::remove_all(root);
}

TEST_F(StorageTest, ADamagedOrIncompleteBackupIsRefusedBeforeAnythingIsCopied) {
  const Project p = make_project();
  ASSERT_TRUE(submit(p.id, bytes_of(5000, 1)).ok());
  const std::string root = make_temp_dir();
  ASSERT_TRUE(storage_->backup_to(root + "/b").ok());

  ASSERT_TRUE(backup_verify(root + "/b").ok());
  fs::resize_file(root + "/b/segments/00000001.seg", 4000);  // cut short
  Status s = restore_sqlite_backup(root + "/b", root + "/target");
  EXPECT_EQ(s.code(), ErrorCode::storage_error);
  EXPECT_NE(s.message().find("1 envelope(s) are missing"), std::string::npos) << s.message();
  EXPECT_FALSE(fs::exists(root + "/target"));

  fs::remove(root + "/b/manifest.json");
  s = restore_sqlite_backup(root + "/b", root + "/target");
  EXPECT_NE(s.message().find("not a complete Sealshot backup"), std::string::npos) << s.message();

  ASSERT_TRUE(storage_->backup_to(root + "/c").ok());
  { std::ofstream(root + "/c/sealshot.db", std::ios::binary | std::ios::in | std::ios::out).seekp(100) << "garbage!"; }
  EXPECT_EQ(restore_sqlite_backup(root + "/c", root + "/target").code(), ErrorCode::storage_error);
  EXPECT_FALSE(fs::exists(root + "/target"));
  fs::remove_all(root);
}

}  // namespace
}  // namespace sealshot::server
