// The backend's projects, listings, statuses, usage and quotas
// (server/storage/sqlite_storage.cpp), and two processes on one directory.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "ids.h"
#include "storage_fixture.h"

namespace sealshot::server {
namespace {

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

TEST_F(StorageTest, PartsOfAnEnvelopeAreReadAtTheirOffsetAndStopAtItsEnd) {
  const Project a = make_project("A"), b = make_project("B");
  std::vector<std::uint8_t> body(5000);
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = std::uint8_t(i * 7 + i / 256);
  const std::string id = submit(a.id, body).value().submission.id;
  const auto slice = [&](std::size_t from, std::size_t n) {
    return std::vector<std::uint8_t>(body.begin() + long(from), body.begin() + long(from + n));
  };
  EXPECT_EQ(storage_->read_envelope_part(a.id, id, 0, 1024).value(), slice(0, 1024));
  EXPECT_EQ(storage_->read_envelope_part(a.id, id, 1000, 2000).value(), slice(1000, 2000));
  EXPECT_EQ(storage_->read_envelope_part(a.id, id, 4990, 1000).value(), slice(4990, 10));  // cut at the end
  EXPECT_EQ(storage_->read_envelope_part(a.id, id, 4999, 1).value(), slice(4999, 1));
  EXPECT_EQ(storage_->read_envelope_part(a.id, id, 5000, 1).code(), ErrorCode::invalid_argument);
  EXPECT_EQ(storage_->read_envelope_part(a.id, id, 1ull << 62, 1).code(), ErrorCode::invalid_argument);
  EXPECT_EQ(storage_->read_envelope_part(b.id, id, 0, 10).code(), ErrorCode::not_found);
  EXPECT_EQ(storage_->read_envelope(a.id, id).value(), body);
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
  for (auto s : {SubmissionStatus::fresh, SubmissionStatus::triaged, SubmissionStatus::in_progress,
                 SubmissionStatus::resolved, SubmissionStatus::spam}) {
    EXPECT_EQ(submission_status_from_name(submission_status_name(s)), s);
  }
  EXPECT_STREQ(submission_status_name(SubmissionStatus::fresh), "new");
  EXPECT_FALSE(submission_status_from_name("fresh"));
}

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

TEST_F(StorageTest, TwoProcessesShareTheDirectory) {
  // The server and the admin CLI: separate connections, same database.
  const Project p = make_project();
  std::unique_ptr<SqliteStorage> admin = SqliteStorage::open(dir_, {}).value();
  std::atomic<bool> stop{false};
  std::atomic<int> ingest_failures{0};
  std::thread ingest([&] {
    for (int i = 0; !stop; ++i) ingest_failures += !submit(p.id, bytes_of(2000, std::uint8_t(i))).ok();
  });
  // EXPECT, not ASSERT: returning early would leave the thread running.
  for (int i = 0; i < 20; ++i) {
    const Status s = admin->set_project_origins(p.id, {"https://a" + std::to_string(i) + ".example"});
    EXPECT_TRUE(s.ok()) << s.message();
    EXPECT_TRUE(admin->list_submissions(p.id, {}).ok());
  }
  stop = true;
  ingest.join();
  EXPECT_EQ(ingest_failures.load(), 0);
  EXPECT_EQ(storage_->get_project(p.id).value().allowed_origins, std::vector<std::string>{"https://a19.example"});
}

TEST_F(StorageTest, AnotherProcessGetsItsTurnDuringSustainedIngest) {
  // Four submitters keep the server's committer busy back to back, so its
  // write lock is free only for microseconds between transactions. The admin
  // CLI opening the directory (its schema check takes the write lock too) and
  // writing must still get in within its busy timeout, every time. Under
  // TSan this failed 5 runs of 10 before write_turn.h.
  const Project p = make_project();
  std::atomic<bool> stop{false};
  std::atomic<int> ingest_failures{0};
  std::vector<std::thread> ingest;
  for (int t = 0; t < 4; ++t) {
    ingest.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) ingest_failures += !submit(p.id, bytes_of(2000, std::uint8_t(i + t))).ok();
    });
  }
  SqliteStorageOptions admin_options;
  admin_options.busy_timeout_ms = 2000;
  Result<std::unique_ptr<SqliteStorage>> admin = SqliteStorage::open(dir_, admin_options);
  EXPECT_TRUE(admin.ok()) << admin.message();
  for (int i = 0; admin.ok() && i < 10; ++i) {
    const Status s = admin.value()->set_project_origins(p.id, {"https://a" + std::to_string(i) + ".example"});
    EXPECT_TRUE(s.ok()) << "write " << i << ": " << s.message();
  }
  stop = true;
  for (std::thread& t : ingest) t.join();
  EXPECT_EQ(ingest_failures.load(), 0);
}

}  // namespace
}  // namespace sealshot::server
