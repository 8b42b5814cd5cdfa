// The embedded backend. Layout of a data directory:
//
//   sealshot.db (+ -wal, -shm)   projects, origins, submissions, envelope locations, idempotency keys
//   segments/<n>.seg             envelope bytes, appended back to back (blob_log.h)
//   staging/                     unnamed temporary files of large uploads in progress
//   sealshot.lock                see data_dir_lock.h
//   sealshot.turn                see write_turn.h
//
// Crash consistency rests on one ordering: a batch's envelopes are appended
// and synced (fdatasync) before the SQLite transaction holding their rows
// commits (synchronous=FULL), and a row is deleted before its bytes are
// punched out. So a crash can leave only bytes no row points at (an
// uncommitted tail, or a deleted envelope not yet punched), never a row
// whose bytes are missing; check_and_repair() releases the leftovers.
//
// Threads: each commit() appends its envelope from its own thread (blob_log.h),
// then its rows go through one GroupCommitter, which syncs the batch's
// segments before COMMIT; reads use pooled connections and never wait for a
// commit's fsync.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "blob_log.h"
#include "data_dir_lock.h"
#include "fs_util.h"
#include "group_commit.h"
#include "read_pool.h"
#include "sqlite_accounts.h"
#include "storage.h"

namespace sealshot::server {

struct SqliteStorageOptions {
  std::function<std::int64_t()> clock;  // ms since the Unix epoch; empty: the system clock
  std::size_t max_batch = 256;          // commits per transaction; 1 turns group commit off
  int busy_timeout_ms = 5000;           // waits for another process (the admin CLI) holding the lock
  FaultHook fault_hook;                 // tests only: inject errno values into spill file steps
  // Memory all uploads in progress may hold together (upload_buffer.h);
  // past it they stream into temporary files.
  std::size_t upload_memory_bytes = std::size_t{64} << 20;
};

[[nodiscard]] Result<std::unique_ptr<Storage>> open_sqlite_storage(const std::string& data_dir,
                                                                   SqliteStorageOptions options);

class SqliteStorage final : public Storage {
 public:
  [[nodiscard]] static Result<std::unique_ptr<SqliteStorage>> open(const std::string& data_dir,
                                                                   SqliteStorageOptions options);
  // Writers must be destroyed before the storage that made them.
  ~SqliteStorage() override = default;

  Result<Project> create_project(const NewProject& project) override;
  Result<Project> get_project(std::string_view project_id) override;
  Result<std::vector<Project>> list_projects() override;
  Status set_project_origins(std::string_view project_id, const std::vector<std::string>& origins) override;
  Status set_project_quotas(std::string_view project_id, const ProjectQuotas& quotas) override;
  Result<ProjectUsage> get_project_usage(std::string_view project_id, std::int64_t now_ms) override;
  Status set_project_name(std::string_view project_id, const std::string& name) override;
  Status set_project_retention(std::string_view project_id, std::uint32_t retention_days) override;
  Result<std::uint64_t> delete_project(std::string_view project_id) override;  // sqlite_triage.cpp

  Result<std::unique_ptr<SubmissionWriter>> begin_submission(std::string_view project_id,
                                                             std::string_view idempotency_key = {}) override;

  Result<SubmissionPage> list_submissions(std::string_view project_id, const ListQuery& query) override;
  Result<Submission> get_submission(std::string_view project_id, std::string_view id) override;
  Result<std::vector<std::uint8_t>> read_envelope(std::string_view project_id, std::string_view id) override;
  Result<std::vector<std::uint8_t>> read_envelope_part(std::string_view project_id, std::string_view id,
                                                       std::uint64_t offset, std::uint64_t length) override;
  Status set_status(std::string_view project_id, std::string_view id, SubmissionStatus status) override;
  Status set_assignee(std::string_view project_id, std::string_view id, std::string_view person_id) override;
  Status delete_submission(std::string_view project_id, std::string_view id) override;
  Result<std::uint64_t> purge_expired(std::int64_t now_ms) override;

  // sqlite_triage.cpp
  Status set_tags(std::string_view project_id, std::string_view id, const std::vector<std::string>& tags) override;
  Result<std::vector<std::string>> set_status_many(std::string_view project_id, const std::vector<std::string>& ids,
                                                   SubmissionStatus status) override;
  Result<std::vector<std::string>> delete_many(std::string_view project_id,
                                               const std::vector<std::string>& ids) override;
  Result<Note> add_note(std::string_view project_id, std::string_view submission_id, std::string_view author,
                        std::string_view sealed) override;
  Result<std::vector<Note>> list_notes(std::string_view project_id, std::string_view submission_id) override;
  Status delete_note(std::string_view project_id, std::string_view submission_id, std::string_view note_id,
                     std::string_view author) override;

  AccountStore& accounts() override { return *accounts_; }

  Result<ConsistencyReport> check_and_repair() override;
  Status backup_to(const std::string& directory) override;
  Status ping() override;
  Result<std::uint64_t> available_bytes() override;

  GroupCommitter::Stats commit_stats() const noexcept { return committer_->stats(); }
  const std::string& data_dir() const noexcept { return data_dir_; }
  std::string staging_dir() const { return data_dir_ + "/staging"; }

 private:
  friend class SqliteSubmissionWriter;

  SqliteStorage(std::string data_dir, SqliteStorageOptions options, std::unique_ptr<BlobLog> blobs,
                std::unique_ptr<GroupCommitter> committer);

  std::int64_t now_ms() const;
  [[nodiscard]] Status update_project_row(std::string_view project_id, const char* sql, const char* what,
                                          const std::function<void(sqlite::Statement&)>& bind);
  // Deletes the project's submissions created before `cutoff_ms`, in short
  // transactions, rows before bytes (sqlite_maintenance.cpp). Returns how many.
  [[nodiscard]] Result<std::uint64_t> delete_created_before(std::string_view project_id, std::int64_t cutoff_ms);
  // Moves a version 1 directory's envelope files into segments (exclusive
  // lock), adding the counts to `into`.
  [[nodiscard]] Status import_version1_blobs(ConsistencyReport& into);

  const std::string data_dir_;
  const SqliteStorageOptions options_;
  InlineBudget upload_memory_;  // shared by every writer's UploadBuffer
  DataDirLock lock_;
  ReadPool readers_;
  std::unique_ptr<BlobLog> blobs_;  // before committer_: the committer's thread uses it
  std::unique_ptr<GroupCommitter> committer_;
  std::unique_ptr<SqliteAccounts> accounts_;  // after committer_ and readers_, which it uses
  ConsistencyReport upgraded_;                // what open() imported; reported by the next check_and_repair()
};

}  // namespace sealshot::server
