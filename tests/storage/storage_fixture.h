// The storage tests' shared pieces: a fresh SqliteStorage in a temp dir
// (StorageTest) with a controllable clock and injectable file-system faults,
// readers of what is on disk, and small helpers.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "blob_log.h"
#include "keys.h"
#include "sqlite_db.h"
#include "sqlite_storage.h"

namespace sealshot::server {

namespace fs = std::filesystem;

inline std::string make_temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "sealshot-storage-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) std::abort();
  return pattern;
}

inline std::vector<std::uint8_t> bytes_of(std::size_t size, std::uint8_t seed) {
  std::vector<std::uint8_t> out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = std::uint8_t(seed + i * 31);
  return out;
}

inline std::size_t count_files(const std::string& dir) {
  if (!fs::exists(dir)) return 0;
  std::size_t n = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) n += entry.is_regular_file();
  return n;
}

inline std::string public_key_text() {
  Result<KeyPair> pair = keypair_generate();
  if (!pair.ok()) std::abort();
  return key_to_text(pair.value().public_key);
}

inline Result<CommitResult> submit_once(Storage& storage, const std::string& project_id,
                                        const std::vector<std::uint8_t>& body) {
  Result<std::unique_ptr<SubmissionWriter>> writer = storage.begin_submission(project_id);
  if (!writer.ok()) return writer.status();
  if (Status s = writer.value()->write(body); !s.ok()) return s;
  return writer.value()->commit();
}

class StorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir();
    reopen();
  }
  void TearDown() override {
    storage_.reset();
    fs::remove_all(dir_);
  }

  SqliteStorageOptions options() {
    SqliteStorageOptions o;
    o.clock = [this] { return clock_ms_.load(); };
    o.fault_hook = [this](FsOp op) { return fault_op_ == op ? fault_errno_.load() : 0; };
    return o;
  }

  void reopen() {
    storage_.reset();
    Result<std::unique_ptr<SqliteStorage>> opened = SqliteStorage::open(dir_, options());
    ASSERT_TRUE(opened.ok()) << opened.message();
    storage_ = std::move(opened).value();
  }

  Project make_project(const std::string& name = "Shop", std::uint32_t retention_days = 90) {
    NewProject p;
    p.name = name;
    p.public_key = public_key_text();
    p.allowed_origins = {"https://shop.example"};
    p.retention_days = retention_days;
    Result<Project> created = storage_->create_project(p);
    EXPECT_TRUE(created.ok()) << created.message();
    return created.ok() ? created.value() : Project{};
  }

  Result<CommitResult> submit(Storage& storage, const std::string& project_id, const std::vector<std::uint8_t>& body,
                              std::string_view key = "") {
    Result<std::unique_ptr<SubmissionWriter>> writer = storage.begin_submission(project_id, key);
    if (!writer.ok()) return writer.status();
    // In uneven pieces, as an HTTP body arrives.
    for (std::size_t done = 0; done < body.size();) {
      const std::size_t n = std::min<std::size_t>(body.size() - done, 1000 + done % 7000);
      if (Status s = writer.value()->write({body.data() + done, n}); !s.ok()) return s;
      done += n;
    }
    return writer.value()->commit();
  }
  Result<CommitResult> submit(const std::string& project_id, const std::vector<std::uint8_t>& body,
                              std::string_view key = "") {
    return submit(*storage_, project_id, body, key);
  }

  // Where the envelope of (project, id) is, read from the database itself.
  BlobLocation location_of(const std::string& project, const std::string& id) {
    sqlite::Connection db = sqlite::Connection::open(dir_ + "/sealshot.db", 1000, /*read_only=*/true).value();
    sqlite::Statement q = sqlite::Statement::prepare(db,
                                                     "SELECT segment, byte_offset, byte_length FROM envelopes "
                                                     "WHERE project_id = ?1 AND submission_id = ?2")
                              .value();
    q.bind(1, project).bind(2, id);
    EXPECT_TRUE(q.step("test").value()) << "no envelope row for " << id;
    return {q.column_int(0), std::uint64_t(q.column_int(1)), std::uint64_t(q.column_int(2))};
  }
  std::string segment_path(std::int64_t segment) {
    char name[32];
    std::snprintf(name, sizeof name, "/segments/%08lld.seg", static_cast<long long>(segment));
    return dir_ + name;
  }
  // The raw bytes on disk at a location (zeros once released).
  std::vector<std::uint8_t> raw_bytes(const BlobLocation& at) {
    std::vector<std::uint8_t> out(at.length);
    const int fd = ::open(segment_path(at.segment).c_str(), O_RDONLY);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::pread(fd, out.data(), out.size(), off_t(at.offset)), ssize_t(out.size()));
    ::close(fd);
    return out;
  }
  // True once the bytes at a location can no longer be read from the disk:
  // punched out (zeros) or their whole segment removed.
  bool bytes_gone(const BlobLocation& at) {
    return !fs::exists(segment_path(at.segment)) || raw_bytes(at) == std::vector<std::uint8_t>(at.length, 0);
  }
  // Sum of the segment files' sizes.
  std::uint64_t segment_bytes() {
    std::uint64_t total = 0;
    for (const auto& e : fs::directory_iterator(dir_ + "/segments")) total += e.file_size();
    return total;
  }
  // Bytes that are not zero across all segments: what is stored and not
  // punched out.
  std::size_t nonzero_segment_bytes() {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir_ + "/segments")) {
      std::ifstream in(e.path(), std::ios::binary);
      for (std::istreambuf_iterator<char> it(in), end; it != end; ++it) n += *it != 0;
    }
    return n;
  }
  void sql(const std::string& statements) {
    sqlite::Connection db = sqlite::Connection::open(dir_ + "/sealshot.db", 1000).value();
    ASSERT_TRUE(db.exec(statements.c_str(), "test").ok()) << statements;
  }

  std::string dir_;
  std::atomic<std::int64_t> clock_ms_{1'700'000'000'000};
  std::atomic<FsOp> fault_op_{FsOp::create};
  std::atomic<int> fault_errno_{0};
  std::unique_ptr<SqliteStorage> storage_;
};

}  // namespace sealshot::server
