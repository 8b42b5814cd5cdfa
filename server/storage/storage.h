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

#include "accounts.h"
#include "result.h"

namespace sealshot::server {

// Per-project ceilings against reports sent in bulk (the project id and
// public key are public). 0 in a project's row means "the server's default".
struct ProjectQuotas {
  std::uint64_t daily_submissions = 0;  // accepted per UTC day
  std::uint64_t daily_bytes = 0;        // envelope bytes accepted per UTC day
  std::uint64_t stored_bytes = 0;       // envelope bytes held at once
};

// What a project holds and what it accepted on one UTC day.
struct ProjectUsage {
  std::uint64_t stored_submissions = 0;
  std::uint64_t stored_bytes = 0;
  std::uint64_t day_submissions = 0;
  std::uint64_t day_bytes = 0;
};

inline constexpr std::int64_t kMillisPerDay = 86'400'000;

struct Project {
  std::string id;  // "prj_" + 26 base32 characters (130 random bits)
  std::string name;
  std::string public_key;                    // URL-safe base64 text; the secret key is never stored
  std::vector<std::string> allowed_origins;  // exact origins, e.g. "https://shop.example"
  std::uint64_t max_body_bytes = 0;          // 0: the server's default
  std::uint32_t retention_days = 90;         // 0: kept until deleted
  ProjectQuotas quotas;                      // each 0: the server's default
  std::int64_t created_at_ms = 0;
  std::string org_id;  // the owning organisation; '' for a project made by the CLI before organisations
};

struct NewProject {
  std::string name;
  std::string public_key;
  std::vector<std::string> allowed_origins;
  std::uint64_t max_body_bytes = 0;
  std::uint32_t retention_days = 90;
  ProjectQuotas quotas;
  std::string org_id;  // '' (CLI, no organisation) or an existing organisation's id
};

// The triage states a reviewer moves a report through. fresh is "new".
enum class SubmissionStatus { fresh, triaged, in_progress, resolved, spam };
[[nodiscard]] const char* submission_status_name(SubmissionStatus status) noexcept;  // "new", "triaged", ...
[[nodiscard]] std::optional<SubmissionStatus> submission_status_from_name(std::string_view name) noexcept;

struct Submission {
  std::string project_id;
  std::string id;  // "sub_" + 26 base32 characters
  std::int64_t created_at_ms = 0;
  std::uint64_t size_bytes = 0;  // envelope bytes
  SubmissionStatus status = SubmissionStatus::fresh;
  std::string assignee;           // person id, or '' (nobody)
  std::vector<std::string> tags;  // sorted, see tags_normalize
};

// Tags are words a reviewer puts on reports (plaintext, like the status):
// at most 10 per report, each 1 to 32 characters of a-z, 0-9, '-' and '_'
// (lowercased). Returns them sorted without duplicates, or invalid_argument.
inline constexpr std::size_t kMaxTags = 10;
[[nodiscard]] Result<std::vector<std::string>> tags_normalize(const std::vector<std::string>& tags);

// A reviewer's note on a report, sealed by their browser to the project's
// public key: the server stores and returns ciphertext only.
struct Note {
  std::string id;      // "not_" + 26 base32 characters
  std::string author;  // person id
  std::int64_t created_at_ms = 0;
  std::string sealed;  // opaque text (base64url), at most 64 KiB
};

struct ListQuery {
  std::optional<SubmissionStatus> status;  // filter, or all
  std::optional<std::string> assignee;     // filter ('' = unassigned), or all
  std::optional<std::int64_t> since_ms;    // created at or after
  std::optional<std::int64_t> until_ms;    // created before
  std::optional<std::string> tag;          // carrying this tag
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

inline constexpr std::size_t kMaxBulkIds = 500;
inline constexpr std::size_t kMaxNoteBytes = 64 * 1024;

// Idempotency-Key: 1..128 characters of [A-Za-z0-9_.:-]. The one rule, for
// the HTTP route and for storage alike.
inline constexpr std::size_t kMaxIdempotencyKeyBytes = 128;
[[nodiscard]] bool idempotency_key_is_valid(std::string_view key) noexcept;

// Streams one envelope into storage. Nothing is visible or durable until
// commit() returns; destroying an uncommitted writer discards what it wrote.
class SubmissionWriter {
 public:
  virtual ~SubmissionWriter() = default;
  [[nodiscard]] virtual Status write(std::span<const std::uint8_t> bytes) = 0;  // storage_full on ENOSPC
  // Makes the blob and its row durable (fsync / synchronous commit) before
  // returning. With the idempotency key given to begin_submission already
  // used in this project, discards this blob and returns the first
  // submission (created = false); conflict if that one had a different body.
  [[nodiscard]] virtual Result<CommitResult> commit() = 0;
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
  [[nodiscard]] virtual Status set_project_quotas(std::string_view project_id, const ProjectQuotas& quotas) = 0;
  [[nodiscard]] virtual Status set_project_name(std::string_view project_id, const std::string& name) = 0;
  [[nodiscard]] virtual Status set_project_retention(std::string_view project_id, std::uint32_t retention_days) = 0;
  // Removes the project, every submission and envelope of it (their bytes
  // released from the segments), its notes, roles, key grants and API
  // tokens. Returns how many submissions went.
  [[nodiscard]] virtual Result<std::uint64_t> delete_project(std::string_view project_id) = 0;
  // Stored totals, and what was accepted on the UTC day holding `now_ms`.
  [[nodiscard]] virtual Result<ProjectUsage> get_project_usage(std::string_view project_id, std::int64_t now_ms) = 0;

  // Ingest. The project row is not read here (the caller has it; commit()
  // checks inside its transaction that the project still exists).
  // `idempotency_key` (empty: none) must satisfy idempotency_key_is_valid;
  // the writer hashes the body as it is written when there is one, so
  // commit() never reads the body twice.
  [[nodiscard]] virtual Result<std::unique_ptr<SubmissionWriter>> begin_submission(
      std::string_view project_id, std::string_view idempotency_key = {}) = 0;

  // Read side (admin CLI today; authenticated review routes later)
  [[nodiscard]] virtual Result<SubmissionPage> list_submissions(std::string_view project_id,
                                                                const ListQuery& query) = 0;
  [[nodiscard]] virtual Result<Submission> get_submission(std::string_view project_id, std::string_view id) = 0;
  [[nodiscard]] virtual Result<std::vector<std::uint8_t>> read_envelope(std::string_view project_id,
                                                                        std::string_view id) = 0;
  // At most `length` bytes of the envelope from `offset` (fewer at its end):
  // a console's Range request for a report's first chunk reads that chunk,
  // not the whole envelope. An offset past the end is invalid_argument.
  [[nodiscard]] virtual Result<std::vector<std::uint8_t>> read_envelope_part(std::string_view project_id,
                                                                             std::string_view id, std::uint64_t offset,
                                                                             std::uint64_t length) = 0;
  [[nodiscard]] virtual Status set_status(std::string_view project_id, std::string_view id,
                                          SubmissionStatus status) = 0;
  // `person_id` '' unassigns; the caller checks the person may read the project.
  [[nodiscard]] virtual Status set_assignee(std::string_view project_id, std::string_view id,
                                            std::string_view person_id) = 0;
  [[nodiscard]] virtual Status delete_submission(std::string_view project_id, std::string_view id) = 0;
  // `tags` already normalised (tags_normalize); replaces the report's tags.
  [[nodiscard]] virtual Status set_tags(std::string_view project_id, std::string_view id,
                                        const std::vector<std::string>& tags) = 0;
  // Bulk triage: one transaction for all of `ids` (at most kMaxBulkIds);
  // ids not in the project are skipped. Returns the ids changed / deleted.
  [[nodiscard]] virtual Result<std::vector<std::string>> set_status_many(std::string_view project_id,
                                                                         const std::vector<std::string>& ids,
                                                                         SubmissionStatus status) = 0;
  [[nodiscard]] virtual Result<std::vector<std::string>> delete_many(std::string_view project_id,
                                                                     const std::vector<std::string>& ids) = 0;
  // Sealed reviewer notes, oldest first. delete_note with a non-empty
  // `author` deletes only that author's note (not_found otherwise).
  [[nodiscard]] virtual Result<Note> add_note(std::string_view project_id, std::string_view submission_id,
                                              std::string_view author, std::string_view sealed) = 0;
  [[nodiscard]] virtual Result<std::vector<Note>> list_notes(std::string_view project_id,
                                                             std::string_view submission_id) = 0;
  [[nodiscard]] virtual Status delete_note(std::string_view project_id, std::string_view submission_id,
                                           std::string_view note_id, std::string_view author) = 0;
  // Deletes submissions older than their project's retention; returns how many.
  [[nodiscard]] virtual Result<std::uint64_t> purge_expired(std::int64_t now_ms) = 0;

  // The review side: organisations, people, roles, sessions, grants, audit.
  [[nodiscard]] virtual AccountStore& accounts() = 0;

  // Operations
  [[nodiscard]] virtual Result<ConsistencyReport> check_and_repair() = 0;    // run at start-up
  [[nodiscard]] virtual Status backup_to(const std::string& directory) = 0;  // consistent while serving
  [[nodiscard]] virtual Status ping() = 0;                                   // readiness
  // Bytes that can still be written (for the embedded backend: free space on
  // the data directory's file system, as an unprivileged writer sees it).
  [[nodiscard]] virtual Result<std::uint64_t> available_bytes() = 0;
};

// Allowed origins of a project: what the ingest route compares a browser's
// Origin header with. Browsers send lowercase scheme and host and leave out
// the default port, so an origin is stored in that same form and the
// comparison can be exact.
//
// "scheme://host[:port]" with scheme http or https, a DNS name, IPv4 or
// bracketed IPv6 host, no path, query, credentials or trailing slash.
// Returns the normalised form (lowercase, default port dropped) or
// invalid_argument with a sentence naming the problem.
[[nodiscard]] Result<std::string> origin_normalize(std::string_view text);
// Normalises each origin and drops duplicates, keeping the first position.
// At least one origin is required (a project nobody may post to is useless).
[[nodiscard]] Result<std::vector<std::string>> origins_normalize(const std::vector<std::string>& origins);

// What a backup holds (manifest.json), as written by backup_to.
inline constexpr int kBackupFormatVersion = 2;
struct BackupManifest {
  int format_version = kBackupFormatVersion;
  int schema_version = 0;
  std::int64_t created_at_ms = 0;
  std::uint64_t projects = 0;
  std::uint64_t submissions = 0;
  std::uint64_t blob_bytes = 0;  // envelope bytes
  // Rows of the snapshot deleted before their bytes were copied (a delete or
  // purge racing the backup); left out of the backup.
  std::uint64_t deleted_during_backup = 0;
};
// Checks a backup directory (database integrity, schema, counts, envelopes)
// and returns its manifest.
[[nodiscard]] Result<BackupManifest> backup_verify(const std::string& backup_dir);

// Opens (creating if needed) the embedded backend in `data_dir`:
// sealshot.db (SQLite, WAL, envelopes inside) + staging/. sqlite_storage.h has an
// overload taking options (clock, group-commit batch size, busy timeout).
[[nodiscard]] Result<std::unique_ptr<Storage>> open_sqlite_storage(const std::string& data_dir);
// Copies a backup made by backup_to into an empty data directory.
[[nodiscard]] Status restore_sqlite_backup(const std::string& backup_dir, const std::string& data_dir);

}  // namespace sealshot::server
