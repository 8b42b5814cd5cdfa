// Storage for projects and encrypted submissions, behind one interface with
// one implementation per backend (SQLite today; PostgreSQL next).
// Handlers and the admin CLI only ever see this header.
//
// Tenant isolation: every submission row carries its project id and every
// lookup is by (project id, submission id).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace sealshot::server {

struct Project {
  std::string id;  // "prj_" + 26 base32 characters (130 random bits)
  std::string name;
  std::string public_key;                    // URL-safe base64 text; the secret key is never stored
  std::vector<std::string> allowed_origins;  // exact origins, e.g. "https://shop.example"
  std::uint64_t max_body_bytes = 0;          // 0: the server's default
  std::uint32_t retention_days = 90;         // 0: kept until deleted
  std::int64_t created_at_ms = 0;
};

struct NewProject {
  std::string name;
  std::string public_key;
  std::vector<std::string> allowed_origins;
  std::uint64_t max_body_bytes = 0;
  std::uint32_t retention_days = 90;
};

enum class SubmissionStatus { fresh, in_review, resolved, archived };
[[nodiscard]] const char* submission_status_name(SubmissionStatus status) noexcept;  // "new", "in_review", ...
[[nodiscard]] std::optional<SubmissionStatus> submission_status_from_name(std::string_view name) noexcept;

struct Submission {
  std::string project_id;
  std::string id;  // "sub_" + 26 base32 characters
  std::int64_t created_at_ms = 0;
  std::uint64_t size_bytes = 0;  // envelope bytes
  SubmissionStatus status = SubmissionStatus::fresh;
};

struct ListQuery {
  std::optional<SubmissionStatus> status;  // filter, or all
  std::uint32_t limit = 50;                // 1..500
  std::string cursor;                      // opaque; from the previous page's next_cursor
};

struct SubmissionPage {
  std::vector<Submission> items;  // newest first
  std::string next_cursor;        // empty on the last page
};

struct CommitResult {
  Submission submission;
  bool created = true;  // false: an earlier submission with the same idempotency key
};

// Streams one envelope into storage. Nothing is visible or durable until
// commit() returns; destroying an uncommitted writer discards what it wrote.
class SubmissionWriter {
 public:
  virtual ~SubmissionWriter() = default;
  [[nodiscard]] virtual Status write(std::span<const std::uint8_t> bytes) = 0;  // storage_full on ENOSPC
  // Makes the blob and its row durable (fsync / synchronous commit) before
  // returning. With an idempotency key that was already used in this
  // project, discards this blob and returns the first submission
  // (created = false); conflict if that one had a different body. Keys are
  // at most 255 printable ASCII characters; empty means none.
  [[nodiscard]] virtual Result<CommitResult> commit(std::string_view idempotency_key) = 0;
};

struct ConsistencyReport {
  std::uint64_t submissions = 0;
  std::uint64_t staging_files_removed = 0;     // temporary files of uploads cut off by a crash
  std::uint64_t legacy_blobs_imported = 0;     // envelope files of a version 1 directory, now in the database
  std::uint64_t orphan_envelopes_removed = 0;  // envelopes with no row (external damage, version 1 leftovers)
  std::uint64_t dangling_rows_removed = 0;     // rows whose envelope is missing (external damage)
  std::uint64_t blob_bytes_released = 0;       // bytes no row points at (crash between append and commit)
};

class Storage {
 public:
  virtual ~Storage() = default;

  // Projects
  [[nodiscard]] virtual Result<Project> create_project(const NewProject& project) = 0;
  [[nodiscard]] virtual Result<Project> get_project(std::string_view project_id) = 0;  // not_found
  [[nodiscard]] virtual Result<std::vector<Project>> list_projects() = 0;
  [[nodiscard]] virtual Status set_project_origins(std::string_view project_id,
                                                   const std::vector<std::string>& origins) = 0;

  // Ingest
  [[nodiscard]] virtual Result<std::unique_ptr<SubmissionWriter>> begin_submission(std::string_view project_id) = 0;

  // Read side (admin CLI today; authenticated review routes later)
  [[nodiscard]] virtual Result<SubmissionPage> list_submissions(std::string_view project_id,
                                                                const ListQuery& query) = 0;
  [[nodiscard]] virtual Result<Submission> get_submission(std::string_view project_id, std::string_view id) = 0;
  [[nodiscard]] virtual Result<std::vector<std::uint8_t>> read_envelope(std::string_view project_id,
                                                                        std::string_view id) = 0;
  [[nodiscard]] virtual Status set_status(std::string_view project_id, std::string_view id,
                                          SubmissionStatus status) = 0;
  [[nodiscard]] virtual Status delete_submission(std::string_view project_id, std::string_view id) = 0;
  // Deletes submissions older than their project's retention; returns how many.
  [[nodiscard]] virtual Result<std::uint64_t> purge_expired(std::int64_t now_ms) = 0;

  // Operations
  [[nodiscard]] virtual Result<ConsistencyReport> check_and_repair() = 0;    // run at start-up
  [[nodiscard]] virtual Status backup_to(const std::string& directory) = 0;  // consistent while serving
  [[nodiscard]] virtual Status ping() = 0;                                   // readiness
  // Bytes that can still be written (for the embedded backend: free space on
  // the data directory's file system, as an unprivileged writer sees it).
  [[nodiscard]] virtual Result<std::uint64_t> available_bytes() = 0;
};

// Opens (creating if needed) the embedded backend in `data_dir`:
// sealshot.db (SQLite, WAL, envelopes inside) + staging/. sqlite_storage.h has an
// overload taking options (clock, group-commit batch size, busy timeout).
[[nodiscard]] Result<std::unique_ptr<Storage>> open_sqlite_storage(const std::string& data_dir);
// Copies a backup made by backup_to into an empty data directory.
[[nodiscard]] Status restore_sqlite_backup(const std::string& backup_dir, const std::string& data_dir);

}  // namespace sealshot::server
