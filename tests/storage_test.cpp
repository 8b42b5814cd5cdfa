// The embedded storage backend (server/storage/: SQLite rows, envelopes in
// segment files): projects, tenant isolation, idempotency, pagination,
// retention, crash recovery, version 1 upgrades, disk-full handling,
// backup/restore and group commit.
#include <gtest/gtest.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "backup.h"
#include "blob_log.h"
#include "ids.h"
#include "keys.h"
#include "page_cursor.h"
#include "schema.h"
#include "sqlite_db.h"
#include "sqlite_storage.h"
#include "upload_buffer.h"

namespace fs = std::filesystem;
using namespace sealshot;
using namespace sealshot::server;

namespace {

std::string make_temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "sealshot-storage-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) std::abort();
  return pattern;
}

std::vector<std::uint8_t> bytes_of(std::size_t size, std::uint8_t seed) {
  std::vector<std::uint8_t> out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = std::uint8_t(seed + i * 31);
  return out;
}

std::size_t count_files(const std::string& dir) {
  if (!fs::exists(dir)) return 0;
  std::size_t n = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) n += entry.is_regular_file();
  return n;
}

std::string public_key_text() {
  Result<KeyPair> pair = keypair_generate();
  if (!pair.ok()) std::abort();
  return key_to_text(pair.value().public_key);
}

Result<CommitResult> submit_once(Storage& storage, const std::string& project_id,
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
    sqlite::Statement q =
        sqlite::Statement::prepare(db, "SELECT segment, byte_offset, byte_length FROM envelopes "
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

// --- ids, origins, cursors -------------------------------------------------------

TEST(Ids, HavePrefixAnd26Base32CharactersAndDoNotRepeat) {
  ASSERT_TRUE(crypto_init().ok());
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    const std::string p = project_id_generate(), s = submission_id_generate();
    EXPECT_TRUE(project_id_is_well_formed(p)) << p;
    EXPECT_TRUE(submission_id_is_well_formed(s)) << s;
    EXPECT_EQ(p.size(), 30u);
    EXPECT_TRUE(seen.insert(p).second && seen.insert(s).second);
  }
  EXPECT_FALSE(submission_id_is_well_formed("sub_../../../../etc/passwd0000"));
  EXPECT_FALSE(submission_id_is_well_formed("sub_ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
  EXPECT_FALSE(project_id_is_well_formed("sub_abcdefghijklmnopqrstuvwxyz"));
  EXPECT_FALSE(project_id_is_well_formed("prj_abcdefghijklmnopqrstuvwxy"));
}

TEST(Origins, NormaliseCaseAndDefaultPortAndRefuseEverythingElse) {
  EXPECT_EQ(origin_normalize("https://Shop.Example").value(), "https://shop.example");
  EXPECT_EQ(origin_normalize("HTTPS://shop.example:443").value(), "https://shop.example");
  EXPECT_EQ(origin_normalize("http://localhost:8080").value(), "http://localhost:8080");
  EXPECT_EQ(origin_normalize("http://[::1]:3000").value(), "http://[::1]:3000");
  EXPECT_EQ(origin_normalize("http://192.168.1.10").value(), "http://192.168.1.10");
  for (const char* bad :
       {"shop.example", "ftp://shop.example", "https://shop.example/", "https://shop.example/x",
        "https://shop.example?q", "https://user@shop.example", "https://shop.example:0", "https://shop.example:99999",
        "https://", "https://-shop.example", "https://sh op.example", "https://*.example", "null"}) {
    Result<std::string> r = origin_normalize(bad);
    EXPECT_EQ(r.code(), ErrorCode::invalid_argument) << bad;
  }
  EXPECT_NE(origin_normalize("https://shop.example/").message().find("must not end with a slash"), std::string::npos);
  EXPECT_NE(origin_normalize("https://shop.example/x").message().find("must not have a path"), std::string::npos);
  EXPECT_EQ(origins_normalize({"https://a.example", "https://A.example:443"}).value().size(), 1u);
  EXPECT_EQ(origins_normalize({}).code(), ErrorCode::invalid_argument);
}

TEST(PageCursor, RoundTripsAndRefusesForgeries) {
  ASSERT_TRUE(crypto_init().ok());
  const PageCursor c{1234567, submission_id_generate()};
  const std::optional<PageCursor> back = page_cursor_decode(page_cursor_encode(c));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->created_at_ms, c.created_at_ms);
  EXPECT_EQ(back->submission_id, c.submission_id);
  for (const char* bad : {"", "x", "YzE6MTIzOnN1Yl8", "not base64!", "YzE6YWJjOnN1Yl8x"}) {
    EXPECT_FALSE(page_cursor_decode(bad)) << bad;
  }
}

// --- projects --------------------------------------------------------------------

TEST_F(StorageTest, ProjectsAreCreatedListedAndKeptAcrossReopen) {
  NewProject input;
  input.name = "Fjordline shop";
  input.public_key = "  " + public_key_text() + "\n";
  input.allowed_origins = {"https://Shop.Example", "http://localhost:5173", "https://shop.example:443"};
  input.max_body_bytes = 5 << 20;
  input.retention_days = 30;
  Result<Project> created = storage_->create_project(input);
  ASSERT_TRUE(created.ok()) << created.message();
  const Project& p = created.value();
  EXPECT_TRUE(project_id_is_well_formed(p.id));
  EXPECT_EQ(p.public_key.size(), kKeyTextLength);  // whitespace dropped
  EXPECT_EQ(p.allowed_origins, (std::vector<std::string>{"https://shop.example", "http://localhost:5173"}));
  EXPECT_EQ(p.created_at_ms, clock_ms_.load());

  reopen();
  Result<Project> got = storage_->get_project(p.id);
  ASSERT_TRUE(got.ok()) << got.message();
  EXPECT_EQ(got.value().name, "Fjordline shop");
  EXPECT_EQ(got.value().allowed_origins, p.allowed_origins);
  EXPECT_EQ(got.value().max_body_bytes, 5u << 20);
  EXPECT_EQ(got.value().retention_days, 30u);

  clock_ms_ += 1;  // listed oldest first
  make_project("Second");
  Result<std::vector<Project>> all = storage_->list_projects();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all.value().size(), 2u);
  EXPECT_EQ(all.value()[0].allowed_origins.size(), 2u);
  EXPECT_EQ(all.value()[1].allowed_origins, std::vector<std::string>{"https://shop.example"});

  ASSERT_TRUE(storage_->set_project_origins(p.id, {"https://new.example"}).ok());
  EXPECT_EQ(storage_->get_project(p.id).value().allowed_origins, std::vector<std::string>{"https://new.example"});
}

TEST_F(StorageTest, ProjectInputIsValidated) {
  NewProject p;
  p.name = "Shop";
  p.public_key = public_key_text();
  p.allowed_origins = {"https://shop.example/"};
  EXPECT_EQ(storage_->create_project(p).code(), ErrorCode::invalid_argument);
  p.allowed_origins = {"https://shop.example"};
  p.public_key = "not-a-key";
  EXPECT_EQ(storage_->create_project(p).code(), ErrorCode::bad_key);
  p.public_key = public_key_text();
  p.name = "";
  EXPECT_EQ(storage_->create_project(p).code(), ErrorCode::invalid_argument);
  p.name = "Shop";
  p.retention_days = 100000;
  EXPECT_EQ(storage_->create_project(p).code(), ErrorCode::invalid_argument);
  EXPECT_EQ(storage_->list_projects().value().size(), 0u);

  EXPECT_EQ(storage_->get_project("prj_aaaaaaaaaaaaaaaaaaaaaaaaaa").code(), ErrorCode::not_found);
  EXPECT_EQ(storage_->get_project("../etc").code(), ErrorCode::not_found);
  EXPECT_EQ(storage_->set_project_origins("prj_aaaaaaaaaaaaaaaaaaaaaaaaaa", {"https://a.example"}).code(),
            ErrorCode::not_found);
  // A well-formed id of no project: the commit's transaction finds it gone.
  EXPECT_EQ(submit_once(*storage_, "prj_aaaaaaaaaaaaaaaaaaaaaaaaaa", {1, 2, 3}).code(), ErrorCode::not_found);
  EXPECT_EQ(storage_->begin_submission("../etc").code(), ErrorCode::not_found);
}

// --- submissions -----------------------------------------------------------------

TEST_F(StorageTest, CommitMakesTheEnvelopeReadableAndLeavesNoStagingFile) {
  const Project p = make_project();
  const std::vector<std::uint8_t> body = bytes_of(200'000, 7);  // several memory blocks
  Result<CommitResult> r = submit(p.id, body);
  ASSERT_TRUE(r.ok()) << r.message();
  const Submission& s = r.value().submission;
  EXPECT_TRUE(r.value().created);
  EXPECT_TRUE(submission_id_is_well_formed(s.id));
  EXPECT_EQ(s.project_id, p.id);
  EXPECT_EQ(s.size_bytes, body.size());
  EXPECT_EQ(s.created_at_ms, clock_ms_.load());
  EXPECT_EQ(s.status, SubmissionStatus::fresh);

  const BlobLocation at = location_of(p.id, s.id);
  EXPECT_EQ(at.length, body.size());
  EXPECT_EQ(raw_bytes(at), body);  // stored as received, back to back in a segment
  EXPECT_EQ(count_files(dir_ + "/staging"), 0u);
  EXPECT_EQ(storage_->read_envelope(p.id, s.id).value(), body);
  EXPECT_EQ(storage_->get_submission(p.id, s.id).value().size_bytes, body.size());

  // A body past the in-memory limit spills to an unnamed file and reads back the same.
  const std::vector<std::uint8_t> large = bytes_of(3 * UploadBuffer::kInlineBytes + 123, 8);
  Result<CommitResult> big = submit(p.id, large);
  ASSERT_TRUE(big.ok()) << big.message();
  EXPECT_EQ(storage_->read_envelope(p.id, big.value().submission.id).value(), large);
  EXPECT_EQ(raw_bytes(location_of(p.id, big.value().submission.id)), large);
  EXPECT_EQ(count_files(dir_ + "/staging"), 0u);

  // Empty body and a second commit on the same writer.
  Result<std::unique_ptr<SubmissionWriter>> w = storage_->begin_submission(p.id);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(w.value()->commit().ok());
  EXPECT_EQ(w.value()->commit().code(), ErrorCode::invalid_argument);
  EXPECT_EQ(w.value()->write(body).code(), ErrorCode::invalid_argument);
}

TEST_F(StorageTest, AnUncommittedWriterLeavesNothingBehind) {
  const Project p = make_project();
  for (std::size_t size : {std::size_t(100'000), 2 * UploadBuffer::kInlineBytes}) {  // in memory, spilled
    Result<std::unique_ptr<SubmissionWriter>> w = storage_->begin_submission(p.id);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(w.value()->write(bytes_of(size, 1)).ok());
    EXPECT_EQ(count_files(dir_ + "/staging"), 0u);  // a spill file has no name
  }
  EXPECT_EQ(count_files(dir_ + "/staging"), 0u);
  EXPECT_EQ(segment_bytes(), 0u);
  EXPECT_TRUE(storage_->list_submissions(p.id, {}).value().items.empty());
}

// Memory for uploads in progress comes from one budget shared by all of
// them: once it is taken, the next upload streams into its file from the
// first byte, so memory does not grow with the number of workers.
TEST(UploadBufferBudget, UploadsShareOneMemoryBudgetAndSpillPastIt) {
  const std::string dir = make_temp_dir();
  InlineBudget budget(3 * UploadBuffer::kBlockBytes);
  const std::vector<std::uint8_t> body = bytes_of(2 * UploadBuffer::kBlockBytes, 3);
  std::vector<std::uint8_t> read_back;
  auto collect = [&](std::span<const std::uint8_t> piece) {
    read_back.insert(read_back.end(), piece.begin(), piece.end());
    return Status{};
  };
  {
    UploadBuffer first(dir, nullptr, &budget);
    ASSERT_TRUE(first.write(body).ok());
    EXPECT_FALSE(first.spilled());
    EXPECT_EQ(budget.left(), UploadBuffer::kBlockBytes);
    UploadBuffer second(dir, nullptr, &budget);
    ASSERT_TRUE(second.write(body).ok());  // one block from the budget, then none left
    EXPECT_TRUE(second.spilled());
    EXPECT_EQ(budget.left(), UploadBuffer::kBlockBytes);  // the spilled upload gave its block back
    ASSERT_TRUE(second.read_all(collect).ok());
    EXPECT_EQ(read_back, body);
  }
  EXPECT_EQ(budget.left(), 3 * UploadBuffer::kBlockBytes);  // all returned
  fs::remove_all(dir);
}

TEST_F(StorageTest, ASubmissionOfOneProjectIsNeverReturnedForAnother) {
  const Project a = make_project("A"), b = make_project("B");
  const std::string id = submit(a.id, bytes_of(500, 1)).value().submission.id;
  ASSERT_TRUE(submit(b.id, bytes_of(600, 2)).ok());

  EXPECT_EQ(storage_->get_submission(b.id, id).code(), ErrorCode::not_found);
  EXPECT_EQ(storage_->read_envelope(b.id, id).code(), ErrorCode::not_found);
  EXPECT_EQ(storage_->set_status(b.id, id, SubmissionStatus::resolved).code(), ErrorCode::not_found);
  EXPECT_EQ(storage_->delete_submission(b.id, id).code(), ErrorCode::not_found);
  const SubmissionPage page_b = storage_->list_submissions(b.id, {}).value();
  ASSERT_EQ(page_b.items.size(), 1u);
  EXPECT_NE(page_b.items[0].id, id);
  EXPECT_EQ(page_b.items[0].project_id, b.id);
  // Still intact for its own project.
  EXPECT_EQ(storage_->read_envelope(a.id, id).value(), bytes_of(500, 1));
  EXPECT_EQ(storage_->get_submission(a.id, id).value().status, SubmissionStatus::fresh);
  // Malformed ids never reach a query or a path.
  EXPECT_EQ(storage_->read_envelope(a.id, "../" + id).code(), ErrorCode::not_found);
  EXPECT_EQ(storage_->list_submissions("prj_aaaaaaaaaaaaaaaaaaaaaaaaaa", {}).code(), ErrorCode::not_found);
}

TEST_F(StorageTest, AnIdempotencyKeyStoresTheReportOncePerProject) {
  const Project a = make_project("A"), b = make_project("B");
  const std::vector<std::uint8_t> body = bytes_of(3000, 9);
  const CommitResult first = submit(a.id, body, "retry-7f3a").value();
  clock_ms_ += 1000;
  const Result<CommitResult> again = submit(a.id, body, "retry-7f3a");
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_FALSE(again.value().created);
  EXPECT_EQ(again.value().submission.id, first.submission.id);
  EXPECT_EQ(again.value().submission.created_at_ms, first.submission.created_at_ms);
  EXPECT_EQ(segment_bytes(), body.size());  // the retry stored nothing
  EXPECT_EQ(count_files(dir_ + "/staging"), 0u);
  // A retry is answered from the stored row, before anything is written or synced.
  fault_op_ = FsOp::sync;
  fault_errno_ = EIO;
  EXPECT_FALSE(submit(a.id, body, "retry-7f3a").value().created);
  fault_errno_ = 0;

  // Same key, different body: refused, nothing stored.
  EXPECT_EQ(submit(a.id, bytes_of(3000, 10), "retry-7f3a").code(), ErrorCode::conflict);
  EXPECT_EQ(segment_bytes(), body.size());
  // Keys are per project.
  const Result<CommitResult> other = submit(b.id, body, "retry-7f3a");
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other.value().created);
  // Malformed keys.
  EXPECT_EQ(submit(a.id, body, "has space").code(), ErrorCode::invalid_argument);
  EXPECT_EQ(submit(a.id, body, std::string(256, 'k')).code(), ErrorCode::invalid_argument);

  // Deleting the submission frees its key.
  ASSERT_TRUE(storage_->delete_submission(a.id, first.submission.id).ok());
  const Result<CommitResult> after = submit(a.id, body, "retry-7f3a");
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after.value().created);
}

TEST_F(StorageTest, ConcurrentCommitsWithOneKeyStoreOnce) {
  const Project p = make_project();
  const std::vector<std::uint8_t> body = bytes_of(20'000, 3);
  std::vector<std::thread> threads;
  std::vector<Result<CommitResult>> results(16, Status(ErrorCode::storage_error, "not run"));
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] { results[i] = submit(p.id, body, "same-key"); });
  }
  for (auto& t : threads) t.join();
  int created = 0;
  std::set<std::string> ids;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.message();
    created += r.value().created;
    ids.insert(r.value().submission.id);
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(storage_->list_submissions(p.id, {}).value().items.size(), 1u);
  // Racing duplicates may have been written, but were punched out again.
  EXPECT_EQ(nonzero_segment_bytes(), std::size_t(std::count_if(body.begin(), body.end(), [](auto b) { return b != 0; })));
  EXPECT_EQ(count_files(dir_ + "/staging"), 0u);
}

TEST_F(StorageTest, ListingIsNewestFirstFilteredAndPaginatedWithoutGapsOrRepeats) {
  const Project p = make_project();
  std::vector<std::string> ids;  // in commit order
  for (int i = 0; i < 23; ++i) {
    if (i % 3 == 0) clock_ms_ += 10;  // several share a millisecond
    ids.push_back(submit(p.id, bytes_of(100 + i, std::uint8_t(i))).value().submission.id);
  }
  for (int i = 0; i < 23; i += 4) ASSERT_TRUE(storage_->set_status(p.id, ids[i], SubmissionStatus::resolved).ok());

  std::vector<Submission> all;
  ListQuery q;
  q.limit = 5;
  int pages = 0;
  do {
    Result<SubmissionPage> page = storage_->list_submissions(p.id, q);
    ASSERT_TRUE(page.ok()) << page.message();
    all.insert(all.end(), page.value().items.begin(), page.value().items.end());
    q.cursor = page.value().next_cursor;
    ++pages;
  } while (!q.cursor.empty());
  EXPECT_EQ(pages, 5);
  ASSERT_EQ(all.size(), 23u);
  std::set<std::string> unique;
  for (std::size_t i = 0; i < all.size(); ++i) {
    unique.insert(all[i].id);
    if (i > 0) {
      EXPECT_TRUE(all[i - 1].created_at_ms > all[i].created_at_ms ||
                  (all[i - 1].created_at_ms == all[i].created_at_ms && all[i - 1].id > all[i].id));
    }
  }
  EXPECT_EQ(unique.size(), 23u);
  EXPECT_EQ(all.front().created_at_ms, clock_ms_.load());

  ListQuery resolved;
  resolved.status = SubmissionStatus::resolved;
  resolved.limit = 500;
  const SubmissionPage r = storage_->list_submissions(p.id, resolved).value();
  EXPECT_EQ(r.items.size(), 6u);
  EXPECT_TRUE(r.next_cursor.empty());
  for (const Submission& s : r.items) EXPECT_EQ(s.status, SubmissionStatus::resolved);

  ListQuery bad;
  bad.limit = 0;
  EXPECT_EQ(storage_->list_submissions(p.id, bad).code(), ErrorCode::invalid_argument);
  bad.limit = 501;
  EXPECT_EQ(storage_->list_submissions(p.id, bad).code(), ErrorCode::invalid_argument);
  bad.limit = 10;
  bad.cursor = "garbage";
  EXPECT_EQ(storage_->list_submissions(p.id, bad).code(), ErrorCode::invalid_argument);
}

TEST_F(StorageTest, StatusNamesRoundTrip) {
  for (auto s :
       {SubmissionStatus::fresh, SubmissionStatus::triaged, SubmissionStatus::in_progress, SubmissionStatus::resolved,
        SubmissionStatus::spam}) {
    EXPECT_EQ(submission_status_from_name(submission_status_name(s)), s);
  }
  EXPECT_STREQ(submission_status_name(SubmissionStatus::fresh), "new");
  EXPECT_FALSE(submission_status_from_name("fresh"));
}

TEST_F(StorageTest, PurgeDeletesRowsAndEnvelopesPastEachProjectsRetention) {
  const Project short_lived = make_project("A", 1), kept = make_project("B", 0), month = make_project("C", 30);
  const std::string old_a = submit(short_lived.id, bytes_of(10, 1), "k1").value().submission.id;
  const std::string old_b = submit(kept.id, bytes_of(10, 2)).value().submission.id;
  const std::string old_c = submit(month.id, bytes_of(10, 3)).value().submission.id;
  clock_ms_ += 2 * 86'400'000LL;
  const std::string new_a = submit(short_lived.id, bytes_of(10, 4)).value().submission.id;
  const BlobLocation old_a_at = location_of(short_lived.id, old_a);
  ASSERT_EQ(raw_bytes(old_a_at), bytes_of(10, 1));

  Result<std::uint64_t> purged = storage_->purge_expired(clock_ms_.load());
  ASSERT_TRUE(purged.ok()) << purged.message();
  EXPECT_EQ(purged.value(), 1u);
  EXPECT_EQ(storage_->get_submission(short_lived.id, old_a).code(), ErrorCode::not_found);
  EXPECT_TRUE(bytes_gone(old_a_at));  // gone from the disk, not just unlisted
  EXPECT_EQ(storage_->read_envelope(short_lived.id, new_a).value(), bytes_of(10, 4));
  EXPECT_TRUE(storage_->get_submission(short_lived.id, new_a).ok());
  EXPECT_TRUE(storage_->get_submission(kept.id, old_b).ok());
  EXPECT_TRUE(storage_->get_submission(month.id, old_c).ok());
  // The purged submission's idempotency key went with it.
  EXPECT_TRUE(submit(short_lived.id, bytes_of(99, 1), "k1").value().created);

  EXPECT_EQ(storage_->purge_expired(clock_ms_.load() + 31 * 86'400'000LL).value(), 3u);
  EXPECT_TRUE(storage_->get_submission(kept.id, old_b).ok());
}

// --- quotas and usage --------------------------------------------------------------

// What schema version 3 added, taken away again: turns a database into the
// version 2 that servers before quotas wrote.
// Turns a version 7 database back into version 6 (one key per project, grants
// per project and person). Grants of later keys have nowhere to go.
constexpr const char* kUndoVersion7 =
    "CREATE TABLE key_grants_v6 (project_id TEXT NOT NULL, person_id TEXT NOT NULL, sealed_key TEXT NOT NULL, "
    "granted_by TEXT NOT NULL, created_at_ms INTEGER NOT NULL, PRIMARY KEY (project_id, person_id)) WITHOUT ROWID; "
    "INSERT INTO key_grants_v6 SELECT project_id, person_id, sealed_key, granted_by, created_at_ms FROM key_grants "
    "WHERE key_number = 1; DROP TABLE key_grants; ALTER TABLE key_grants_v6 RENAME TO key_grants; "
    "DROP TABLE project_keys; PRAGMA user_version=6; ";

// Turns a version 6 database back into version 5 (statuses, tags, notes,
// IP allowlist, API tokens).
constexpr const char* kUndoVersion6 =
    "UPDATE submissions SET status = 'in_review' WHERE status IN ('triaged', 'in_progress'); "
    "UPDATE submissions SET status = 'archived' WHERE status = 'spam'; "
    "ALTER TABLE submissions DROP COLUMN tags; DROP TABLE submission_notes; "
    "ALTER TABLE organisations DROP COLUMN ip_allowlist; DROP TABLE api_tokens; PRAGMA user_version=5; ";

// Turns a version 5 database back into version 4 (multi-factor sign-in).
constexpr const char* kUndoVersion5 =
    "DROP TABLE mfa; DROP TABLE mfa_recovery_codes; ALTER TABLE organisations DROP COLUMN require_mfa; "
    "PRAGMA user_version=4; ";

// Turns a version 4 database back into version 3 (the review side's tables).
constexpr const char* kUndoVersion4 =
    "DROP TABLE organisations; DROP TABLE people; DROP TABLE memberships; DROP TABLE project_roles; "
    "DROP TABLE key_grants; DROP TABLE sessions; DROP TABLE links; DROP TABLE audit_log; "
    "DROP TABLE server_secrets; DROP INDEX projects_by_org; ALTER TABLE projects DROP COLUMN org_id; "
    "ALTER TABLE submissions DROP COLUMN assignee; PRAGMA user_version=3; ";

constexpr const char* kUndoVersion3 =
    "DROP TRIGGER submissions_count_in; DROP TRIGGER submissions_count_out; "
    "DROP TABLE project_usage; DROP TABLE project_daily_usage; "
    "ALTER TABLE projects DROP COLUMN quota_daily_submissions; "
    "ALTER TABLE projects DROP COLUMN quota_daily_bytes; "
    "ALTER TABLE projects DROP COLUMN quota_stored_bytes; PRAGMA user_version=2; ";


TEST_F(StorageTest, UsageCountsWhatIsStoredAndWhatEachUtcDayAccepted) {
  const Project p = make_project("A", 1), other = make_project("B");
  clock_ms_ = 20'000 * kMillisPerDay + 1000;  // early on a UTC day
  const std::int64_t day1 = clock_ms_.load();
  const std::string first = submit(p.id, bytes_of(1000, 1)).value().submission.id;
  ASSERT_TRUE(submit(p.id, bytes_of(2000, 2)).ok());
  ASSERT_TRUE(submit(other.id, bytes_of(7, 3)).ok());
  ProjectUsage u = storage_->get_project_usage(p.id, day1).value();
  EXPECT_EQ(u.stored_submissions, 2u);
  EXPECT_EQ(u.stored_bytes, 3000u);
  EXPECT_EQ(u.day_submissions, 2u);
  EXPECT_EQ(u.day_bytes, 3000u);
  // A retry answered from the first report counts nothing.
  ASSERT_TRUE(submit(p.id, bytes_of(500, 4), "key").value().created);
  ASSERT_FALSE(submit(p.id, bytes_of(500, 4), "key").value().created);
  EXPECT_EQ(storage_->get_project_usage(p.id, day1).value().day_submissions, 3u);

  // The next UTC day starts from zero; stored totals carry on.
  clock_ms_ += kMillisPerDay;
  const std::int64_t day2 = clock_ms_.load();
  ASSERT_TRUE(submit(p.id, bytes_of(400, 5)).ok());
  u = storage_->get_project_usage(p.id, day2).value();
  EXPECT_EQ(u.day_submissions, 1u);
  EXPECT_EQ(u.day_bytes, 400u);
  EXPECT_EQ(u.stored_submissions, 4u);
  EXPECT_EQ(u.stored_bytes, 3900u);
  EXPECT_EQ(storage_->get_project_usage(p.id, day1).value().day_submissions, 3u);

  // Deleting and purging free stored bytes; what a day accepted stays.
  ASSERT_TRUE(storage_->delete_submission(p.id, first).ok());
  EXPECT_EQ(storage_->get_project_usage(p.id, day2).value().stored_bytes, 2900u);
  EXPECT_EQ(storage_->purge_expired(day2 + kMillisPerDay).value(), 2u);  // day 1's two remaining reports
  u = storage_->get_project_usage(p.id, day2).value();
  EXPECT_EQ(u.stored_submissions, 1u);
  EXPECT_EQ(u.stored_bytes, 400u);
  EXPECT_EQ(u.day_submissions, 1u);
  EXPECT_EQ(storage_->get_project_usage(other.id, day1).value().stored_bytes, 7u);  // per project
  // A project with nothing yet, and ids of no project.
  const Project empty = make_project("C");
  EXPECT_EQ(storage_->get_project_usage(empty.id, day2).value().stored_bytes, 0u);
  EXPECT_EQ(storage_->get_project_usage("../etc", day2).code(), ErrorCode::not_found);
}

TEST_F(StorageTest, QuotasAreStoredPerProject) {
  const Project p = make_project();
  EXPECT_EQ(p.quotas.daily_submissions, 0u);  // 0: the server's default
  ProjectQuotas q;
  q.daily_submissions = 5;
  q.daily_bytes = 6'000'000;
  q.stored_bytes = 7'000'000'000;
  ASSERT_TRUE(storage_->set_project_quotas(p.id, q).ok());
  const Project read = storage_->get_project(p.id).value();
  EXPECT_EQ(read.quotas.daily_submissions, 5u);
  EXPECT_EQ(read.quotas.daily_bytes, 6'000'000u);
  EXPECT_EQ(read.quotas.stored_bytes, 7'000'000'000u);
  EXPECT_EQ(storage_->list_projects().value().front().quotas.stored_bytes, 7'000'000'000u);
  EXPECT_EQ(storage_->set_project_quotas("prj_aaaaaaaaaaaaaaaaaaaaaaaaaa", q).code(), ErrorCode::not_found);
  q.daily_bytes = UINT64_MAX;
  EXPECT_EQ(storage_->set_project_quotas(p.id, q).code(), ErrorCode::invalid_argument);
  EXPECT_GT(storage_->available_bytes().value(), 0u);
}

// Servers before quotas wrote schema version 2: opening one counts what it
// already holds, so quotas apply to old reports too.
TEST_F(StorageTest, AVersion2DatabaseGetsItsUsageCountedOnUpgrade) {
  const Project p = make_project();
  clock_ms_ = 20'000 * kMillisPerDay;
  ASSERT_TRUE(submit(p.id, bytes_of(1000, 1)).ok());
  ASSERT_TRUE(submit(p.id, bytes_of(3000, 2)).ok());
  storage_.reset();
  sql(std::string(kUndoVersion7) + kUndoVersion6 + kUndoVersion5 + kUndoVersion4 + kUndoVersion3);
  reopen();
  const ProjectUsage u = storage_->get_project_usage(p.id, clock_ms_.load()).value();
  EXPECT_EQ(u.stored_submissions, 2u);
  EXPECT_EQ(u.stored_bytes, 4000u);
  EXPECT_EQ(u.day_submissions, 2u);
  EXPECT_EQ(storage_->get_project(p.id).value().quotas.daily_bytes, 0u);
}

TEST_F(StorageTest, AVersion5DatabaseGetsTheNewStatusNamesOnUpgrade) {
  const Project p = make_project();
  const std::string a = submit(p.id, bytes_of(1000, 1)).value().submission.id;
  const std::string b = submit(p.id, bytes_of(1000, 2)).value().submission.id;
  const std::string c = submit(p.id, bytes_of(1000, 3)).value().submission.id;
  storage_.reset();
  sql(std::string(kUndoVersion7) + kUndoVersion6 + "UPDATE submissions SET status = 'in_review' WHERE submission_id = '" + a +
      "'; UPDATE submissions SET status = 'archived' WHERE submission_id = '" + b + "';");
  reopen();
  EXPECT_EQ(storage_->get_submission(p.id, a).value().status, SubmissionStatus::triaged);
  EXPECT_EQ(storage_->get_submission(p.id, b).value().status, SubmissionStatus::resolved);
  EXPECT_EQ(storage_->get_submission(p.id, c).value().status, SubmissionStatus::fresh);
  EXPECT_TRUE(storage_->get_submission(p.id, c).value().tags.empty());
}

TEST_F(StorageTest, AVersion3DatabaseGainsTheReviewSideOnUpgrade) {
  const Project p = make_project();
  ASSERT_TRUE(submit(p.id, bytes_of(1000, 1)).ok());
  storage_.reset();
  sql(std::string(kUndoVersion7) + kUndoVersion6 + kUndoVersion5 + kUndoVersion4);
  reopen();
  // The project keeps its reports and belongs to no organisation until one adopts it.
  const Project upgraded = storage_->get_project(p.id).value();
  EXPECT_EQ(upgraded.org_id, "");
  EXPECT_EQ(storage_->list_submissions(p.id, ListQuery{}).value().items.size(), 1u);
  const TokenHash link(32, 7);
  auto org = storage_->accounts().create_organisation("Acme", "owner@acme.example", link, clock_ms_ + 1000);
  ASSERT_TRUE(org.ok()) << org.message();
  ASSERT_TRUE(storage_->accounts().assign_project(p.id, org.value().id).ok());
  EXPECT_EQ(storage_->get_project(p.id).value().org_id, org.value().id);
  EXPECT_EQ(storage_->accounts().assign_project(p.id, org.value().id).code(), ErrorCode::conflict);
}

// Servers before key rotation kept one key per project and one grant per
// (project, person): the upgrade makes each key the project's key 1 and each
// grant a grant of key 1, so existing readers keep their access.
TEST_F(StorageTest, AVersion6DatabaseKeepsEveryKeyAndGrantAsKey1OnUpgrade) {
  const Project p = make_project();
  AccountStore& accounts = storage_->accounts();
  ASSERT_TRUE(accounts.put_grant(KeyGrant{p.id, "per_reader", "sealed-for-reader", "per_owner", 5}).ok());
  storage_.reset();
  sql(kUndoVersion7);
  reopen();
  AccountStore& upgraded = storage_->accounts();
  const std::vector<ProjectKey> keys = upgraded.list_project_keys(p.id).value();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].number, 1);
  EXPECT_EQ(keys[0].public_key, p.public_key);
  EXPECT_EQ(keys[0].retired_at_ms, 0);
  const KeyGrant grant = upgraded.get_grant(p.id, "per_reader").value();
  EXPECT_EQ(grant.key_number, 1);
  EXPECT_EQ(grant.sealed_key, "sealed-for-reader");
  EXPECT_EQ(grant.granted_by, "per_owner");
  EXPECT_EQ(upgraded.grants_of(p.id, "per_reader").value().size(), 1u);
}

TEST_F(StorageTest, RotationRetiresTheCurrentKeyAndKeepsGrantsOfEveryKey) {
  const Project p = make_project();
  AccountStore& accounts = storage_->accounts();
  ASSERT_TRUE(accounts.put_grant(KeyGrant{p.id, "per_owner", "owner-key-1", "per_owner", 0}).ok());
  ASSERT_TRUE(accounts.put_grant(KeyGrant{p.id, "per_leaver", "leaver-key-1", "per_owner", 0}).ok());
  const std::string second = key_to_text(keypair_generate().value().public_key);
  clock_ms_ += 1000;
  Result<ProjectKey> rotated =
      accounts.rotate_project_key(p.id, second, {KeyGrant{"", "per_owner", "owner-key-2", "per_owner", 0}}, clock_ms_);
  ASSERT_TRUE(rotated.ok()) << rotated.message();
  EXPECT_EQ(rotated.value().number, 2);
  // Ingest and the snippet use the new key from now on.
  EXPECT_EQ(storage_->get_project(p.id).value().public_key, second);
  const std::vector<ProjectKey> keys = accounts.list_project_keys(p.id).value();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].number, 2);
  EXPECT_EQ(keys[0].retired_at_ms, 0);
  EXPECT_EQ(keys[1].public_key, p.public_key);
  EXPECT_EQ(keys[1].retired_at_ms, clock_ms_.load());
  // The owner holds both keys, newest first; the other person only key 1,
  // so no grant of the current key.
  const std::vector<KeyGrant> owner = accounts.grants_of(p.id, "per_owner").value();
  ASSERT_EQ(owner.size(), 2u);
  EXPECT_EQ(owner[0].key_number, 2);
  EXPECT_EQ(owner[0].sealed_key, "owner-key-2");
  EXPECT_EQ(owner[1].sealed_key, "owner-key-1");
  EXPECT_EQ(accounts.get_grant(p.id, "per_owner").value().key_number, 2);
  EXPECT_EQ(accounts.get_grant(p.id, "per_leaver").code(), ErrorCode::not_found);
  // A newcomer can be given an old key by number; an unknown number is refused.
  ASSERT_TRUE(accounts.put_grant(KeyGrant{p.id, "per_new", "new-key-1", "per_owner", 0, 1}).ok());
  EXPECT_EQ(accounts.grants_of(p.id, "per_new").value().at(0).key_number, 1);
  EXPECT_EQ(accounts.put_grant(KeyGrant{p.id, "per_new", "x", "per_owner", 0, 9}).code(), ErrorCode::invalid_argument);
  // A key used before, or no key at all, is refused and changes nothing.
  EXPECT_EQ(accounts.rotate_project_key(p.id, p.public_key, {}, clock_ms_).code(), ErrorCode::conflict);
  EXPECT_EQ(accounts.rotate_project_key(p.id, "not-a-key", {}, clock_ms_).code(), ErrorCode::bad_key);
  EXPECT_EQ(accounts.rotate_project_key("prj_aaaaaaaaaaaaaaaaaaaaaaaaaa", second, {}, clock_ms_).code(),
            ErrorCode::not_found);
  EXPECT_EQ(accounts.list_project_keys(p.id).value().size(), 2u);
  // Revocation removes the person's grants of every key.
  ASSERT_TRUE(accounts.delete_grant(p.id, "per_owner").ok());
  EXPECT_TRUE(accounts.grants_of(p.id, "per_owner").value().empty());
  // Deleting the project removes its key history.
  ASSERT_TRUE(storage_->delete_project(p.id).ok());
  EXPECT_EQ(accounts.list_project_keys(p.id).code(), ErrorCode::not_found);
}

// --- crash consistency -----------------------------------------------------------

TEST_F(StorageTest, RepairRemovesEveryCrashLeftoverAndKeepsTheRest) {
  const Project p = make_project();
  const std::string good = submit(p.id, bytes_of(1000, 1)).value().submission.id;
  const std::string deleted = submit(p.id, bytes_of(5000, 2)).value().submission.id;
  const std::string damaged = submit(p.id, bytes_of(1000, 3)).value().submission.id;
  const std::string last = submit(p.id, bytes_of(700, 4)).value().submission.id;
  const BlobLocation deleted_at = location_of(p.id, deleted), last_at = location_of(p.id, last);
  storage_.reset();

  // Crash while a fallback spill file still had its name.
  std::ofstream(dir_ + "/staging/spill-a1b2c3") << "half an upload";
  // Crash between append and commit: bytes past the last committed envelope.
  std::ofstream(segment_path(last_at.segment), std::ios::app) << std::string(3000, 'x');
  // Crash between a delete's commit and its hole punch: bytes no row points at.
  sql("DELETE FROM submissions WHERE submission_id = '" + deleted + "';"
      "DELETE FROM envelopes WHERE submission_id = '" + deleted + "'");
  // External damage: a row whose envelope location is gone.
  sql("DELETE FROM envelopes WHERE submission_id = '" + damaged + "'");
  // A segment of a process that crashed before its first commit.
  std::ofstream(segment_path(99)) << "never committed";
  // Someone else's file: left alone.
  std::ofstream(dir_ + "/segments/README") << "not ours";

  reopen();
  Result<ConsistencyReport> report = storage_->check_and_repair();
  ASSERT_TRUE(report.ok()) << report.message();
  EXPECT_EQ(report.value().staging_files_removed, 1u);
  EXPECT_EQ(report.value().dangling_rows_removed, 1u);
  EXPECT_GE(report.value().blob_bytes_released, 3000u + 5000u + 1000u);
  EXPECT_EQ(report.value().submissions, 2u);
  EXPECT_EQ(count_files(dir_ + "/staging"), 0u);
  EXPECT_FALSE(fs::exists(segment_path(99)));
  EXPECT_TRUE(fs::exists(dir_ + "/segments/README"));
  EXPECT_EQ(fs::file_size(segment_path(last_at.segment)), last_at.offset + last_at.length);  // tail cut
  EXPECT_TRUE(bytes_gone(deleted_at));
  EXPECT_EQ(storage_->read_envelope(p.id, good).value(), bytes_of(1000, 1));
  EXPECT_EQ(storage_->read_envelope(p.id, last).value(), bytes_of(700, 4));
  EXPECT_EQ(storage_->get_submission(p.id, damaged).code(), ErrorCode::not_found);

  // A clean directory reports nothing to do.
  const ConsistencyReport again = storage_->check_and_repair().value();
  EXPECT_EQ(again.staging_files_removed + again.orphan_envelopes_removed + again.dangling_rows_removed +
                again.blob_bytes_released + again.legacy_blobs_imported,
            0u);
  EXPECT_EQ(again.submissions, 2u);
}

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
  std::ofstream(dir_ + "/blobs/" + p.id + "/" + submission_id_generate() + ".env") << "orphan of a crash";
  std::ofstream(dir_ + "/staging/" + submission_id_generate() + ".part") << "half an upload";
  sql(std::string(kUndoVersion7) + kUndoVersion6 + kUndoVersion5 + kUndoVersion4 + kUndoVersion3 + "DROP TABLE envelopes; PRAGMA user_version=1");
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

TEST_F(StorageTest, RepairNeverTakesAnUploadInProgressForALeftover) {
  const Project p = make_project();
  ASSERT_TRUE(submit(p.id, bytes_of(5000, 9)).ok());  // this process's segment exists
  Result<std::unique_ptr<SubmissionWriter>> writer = storage_->begin_submission(p.id);
  ASSERT_TRUE(writer.ok());
  const std::vector<std::uint8_t> body = bytes_of(2 * UploadBuffer::kInlineBytes, 1);  // spilled
  ASSERT_TRUE(writer.value()->write(body).ok());
  const ConsistencyReport report = storage_->check_and_repair().value();
  EXPECT_EQ(report.staging_files_removed + report.blob_bytes_released, 0u);
  Result<CommitResult> committed = writer.value()->commit();
  ASSERT_TRUE(committed.ok()) << committed.message();
  EXPECT_EQ(storage_->read_envelope(p.id, committed.value().submission.id).value(), body);
}

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

// kill -9 at a random moment while another process commits: afterwards,
// every row's envelope reads back whole, and after repair no segment holds
// bytes past its last committed envelope.
TEST_F(StorageTest, KillNineDuringCommitsLeavesNoDanglingRowOrOrphanAfterRepair) {
  const Project p = make_project();
  storage_.reset();
  for (int round = 0; round < 3; ++round) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      std::unique_ptr<SqliteStorage> s = SqliteStorage::open(dir_, {}).value();
      std::vector<std::thread> threads;
      for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
          for (int i = 0;; ++i) (void)submit(*s, p.id, bytes_of(30'000 + std::size_t(i), std::uint8_t(t)));
        });
      }
      for (auto& t : threads) t.join();
      ::_exit(0);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + 70 * round));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);

    reopen();
    ASSERT_TRUE(storage_->check_and_repair().ok());
    // The invariant: every row's envelope is there, whole (each body is
    // bytes_of(size, seed) for its thread's seed).
    std::size_t rows = 0;
    std::map<std::int64_t, std::uint64_t> committed_end;  // per segment
    ListQuery q;
    q.limit = 500;
    do {
      SubmissionPage page = storage_->list_submissions(p.id, q).value();
      for (const Submission& s : page.items) {
        ++rows;
        Result<std::vector<std::uint8_t>> body = storage_->read_envelope(p.id, s.id);
        ASSERT_TRUE(body.ok()) << body.message();
        bool matches_a_seed = false;
        for (int t = 0; t < 4; ++t) matches_a_seed |= body.value() == bytes_of(s.size_bytes, std::uint8_t(t));
        EXPECT_TRUE(matches_a_seed) << "round " << round << ": " << s.id << " is not what was sent";
        const BlobLocation at = location_of(p.id, s.id);
        committed_end[at.segment] = std::max(committed_end[at.segment], at.offset + at.length);
      }
      q.cursor = page.next_cursor;
    } while (!q.cursor.empty());
    EXPECT_GT(rows, 0u);
    for (const auto& [segment, end] : committed_end) EXPECT_EQ(fs::file_size(segment_path(segment)), end);
    EXPECT_EQ(count_files(dir_ + "/staging"), 0u);
    storage_.reset();
  }
  reopen();
}

// --- disk full and I/O errors ----------------------------------------------------

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

// --- backup and restore ----------------------------------------------------------

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

// --- schema, processes, group commit ---------------------------------------------

TEST_F(StorageTest, SchemaIsVersionedAndANewerDatabaseIsRefused) {
  storage_.reset();
  {
    sqlite::Connection db = sqlite::Connection::open(dir_ + "/sealshot.db", 1000).value();
    EXPECT_EQ(schema_version(db).value(), kSchemaVersion);
    ASSERT_TRUE(db.exec("PRAGMA user_version=99", "test").ok());
  }
  Result<std::unique_ptr<SqliteStorage>> opened = SqliteStorage::open(dir_, options());
  EXPECT_EQ(opened.code(), ErrorCode::storage_error);
  EXPECT_NE(opened.message().find("newer than this build"), std::string::npos);
  {
    sqlite::Connection db = sqlite::Connection::open(dir_ + "/sealshot.db", 1000).value();
    ASSERT_TRUE(db.exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str(), "test").ok());
  }
  reopen();
}

TEST_F(StorageTest, TwoProcessesShareTheDirectory) {
  // The server and the admin CLI: separate connections, same database.
  const Project p = make_project();
  std::unique_ptr<SqliteStorage> admin = SqliteStorage::open(dir_, {}).value();
  std::atomic<bool> stop{false};
  std::thread ingest([&] {
    for (int i = 0; !stop; ++i) ASSERT_TRUE(submit(p.id, bytes_of(2000, std::uint8_t(i))).ok());
  });
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(admin->set_project_origins(p.id, {"https://a" + std::to_string(i) + ".example"}).ok());
    ASSERT_TRUE(admin->list_submissions(p.id, {}).ok());
  }
  stop = true;
  ingest.join();
  EXPECT_EQ(storage_->get_project(p.id).value().allowed_origins, std::vector<std::string>{"https://a19.example"});
}

double commits_per_second(const std::string& dir, std::size_t max_batch, int threads, int per_thread,
                          GroupCommitter::Stats* stats) {
  SqliteStorageOptions o;
  o.max_batch = max_batch;
  std::unique_ptr<SqliteStorage> storage = SqliteStorage::open(dir, o).value();
  NewProject np;
  np.name = "Bench";
  np.public_key = public_key_text();
  np.allowed_origins = {"https://shop.example"};
  const Project p = storage->create_project(np).value();
  const std::vector<std::uint8_t> body(4096, 0x42);
  const GroupCommitter::Stats before = storage->commit_stats();
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  std::atomic<int> failures{0};
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i) {
        Result<std::unique_ptr<SubmissionWriter>> w = storage->begin_submission(p.id);
        if (!w.ok() || !w.value()->write(body).ok() || !w.value()->commit().ok()) ++failures;
      }
    });
  }
  for (auto& t : pool) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(failures.load(), 0);
  const GroupCommitter::Stats after = storage->commit_stats();
  *stats = {after.transactions - before.transactions, after.jobs - before.jobs};
  return threads * per_thread / seconds;
}

TEST(GroupCommit, ConcurrentCommitsShareTransactions) {
  // Small by default to keep the suite fast; SEALSHOT_STORAGE_BENCH=1 runs the
  // 32 x 50 comparison from docs/operations.md.
  const bool bench = std::getenv("SEALSHOT_STORAGE_BENCH") != nullptr;
  const int threads = bench ? 32 : 16, per_thread = bench ? 50 : 10;
  const std::string dir = make_temp_dir();
  GroupCommitter::Stats batched{}, single{};
  const double with = commits_per_second(dir + "/batched", 256, threads, per_thread, &batched);
  EXPECT_EQ(batched.jobs, std::uint64_t(threads * per_thread));
  EXPECT_LT(batched.transactions, batched.jobs);  // some commits shared a transaction
  std::printf("[ bench    ] group commit: %d threads x %d commits: %.0f commits/s, %.1f per transaction\n", threads,
              per_thread, with, double(batched.jobs) / double(batched.transactions));
  if (bench) {
    const double without = commits_per_second(dir + "/single", 1, threads, per_thread, &single);
    EXPECT_EQ(single.transactions, single.jobs);
    std::printf("[ bench    ] without batching: %.0f commits/s (one transaction and WAL fsync each)\n", without);
  }
  fs::remove_all(dir);
}

}  // namespace
