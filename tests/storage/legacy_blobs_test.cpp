// A schema version 1 directory, one file per envelope, imported when first
// opened (server/storage/legacy_blobs.cpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ids.h"
#include "schema.h"
#include "schema_undo.h"
#include "sqlite_db.h"
#include "storage_fixture.h"

namespace sealshot::server {
namespace {

// A data directory written by schema version 1 (one file per envelope under
// blobs/) is upgraded at open and its files imported by the start-up check.
TEST_F(StorageTest, AVersion1DirectoryIsUpgradedWithoutLosingAReport) {
  const Project p = make_project();
  const std::string a = submit(p.id, bytes_of(4000, 1)).value().submission.id;
  const std::string b = submit(p.id, bytes_of(1'200'000, 2)).value().submission.id;  // spills on import
  storage_.reset();
  // Turn it into what version 1 left behind: rows, files, no envelopes table.
  fs::create_directories(dir_ + "/blobs/" + p.id);
  for (const auto& [id, body] : {std::pair{a, bytes_of(4000, 1)}, std::pair{b, bytes_of(1'200'000, 2)}}) {
    std::ofstream(dir_ + "/blobs/" + p.id + "/" + id + ".env", std::ios::binary)
        .write(reinterpret_cast<const char*>(body.data()), std::streamsize(body.size()));
  }
  std::ofstream(dir_ + "/blobs/" + p.id + "/" + submission_id_generate(0) + ".env") << "orphan of a crash";
  std::ofstream(dir_ + "/staging/" + submission_id_generate(0) + ".part") << "half an upload";
  sql(std::string(kUndoVersion8) + kUndoVersion7 + kUndoVersion6 + kUndoVersion5 + kUndoVersion4 + kUndoVersion3 +
      "DROP TABLE envelopes; PRAGMA user_version=1");
  fs::remove_all(dir_ + "/segments");

  reopen();
  // Readable at once (the admin CLI opens without running the check)...
  EXPECT_EQ(storage_->read_envelope(p.id, a).value(), bytes_of(4000, 1));
  // ...and the check reports what opening imported.
  Result<ConsistencyReport> report = storage_->check_and_repair();
  ASSERT_TRUE(report.ok()) << report.message();
  EXPECT_EQ(report.value().legacy_blobs_imported, 2u);
  EXPECT_EQ(report.value().orphan_envelopes_removed, 1u);
  EXPECT_EQ(report.value().staging_files_removed, 1u);
  EXPECT_EQ(report.value().submissions, 2u);
  EXPECT_FALSE(fs::exists(dir_ + "/blobs"));
  EXPECT_EQ(storage_->read_envelope(p.id, a).value(), bytes_of(4000, 1));
  EXPECT_EQ(storage_->read_envelope(p.id, b).value(), bytes_of(1'200'000, 2));
  {
    sqlite::Connection db = sqlite::Connection::open(dir_ + "/sealshot.db", 1000).value();
    EXPECT_EQ(schema_version(db).value(), kSchemaVersion);
  }
  EXPECT_EQ(storage_->check_and_repair().value().legacy_blobs_imported, 0u);
}

}  // namespace
}  // namespace sealshot::server
