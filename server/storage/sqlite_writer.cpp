#include "sqlite_writer.h"

#include <memory>
#include <optional>

#include "envelope_rows.h"
#include "ids.h"
#include "schema.h"
#include "sqlite_storage.h"

namespace sealshot::server {
namespace {

struct CommitRow {
  std::string project_id;
  std::string submission_id;
  std::string idempotency_key;
  std::int64_t created_at_ms = 0;
  std::uint64_t size_bytes = 0;
};

// The first submission stored under row.idempotency_key, and where its
// envelope is, if any.
struct Earlier {
  Submission submission;
  BlobLocation location;
};

Status find_earlier(sqlite::Connection& db, const CommitRow& row, std::optional<Earlier>* earlier) {
  Result<sqlite::Statement> key = sqlite::Statement::prepare(
      db,
      "SELECT s.submission_id, s.created_at_ms, s.size_bytes, s.status, e.segment, e.byte_offset, e.byte_length "
      "FROM idempotency_keys k "
      "JOIN submissions s ON s.project_id = k.project_id AND s.submission_id = k.submission_id "
      "JOIN envelopes e ON e.project_id = k.project_id AND e.submission_id = k.submission_id "
      "WHERE k.project_id = ?1 AND k.idempotency_key = ?2");
  if (!key.ok()) return key.status();
  key.value().bind(1, row.project_id).bind(2, row.idempotency_key);
  Result<bool> used = key.value().step("look up an idempotency key");
  if (!used.ok()) return used.status();
  if (!used.value()) return {};
  Earlier found;
  found.submission.project_id = row.project_id;
  found.submission.id = key.value().column_text(0);
  found.submission.created_at_ms = key.value().column_int(1);
  found.submission.size_bytes = std::uint64_t(key.value().column_int(2));
  found.submission.status = submission_status_from_name(key.value().column_text(3)).value_or(SubmissionStatus::fresh);
  found.location = {key.value().column_int(4), std::uint64_t(key.value().column_int(5)),
                    std::uint64_t(key.value().column_int(6))};
  *earlier = std::move(found);
  return {};
}

// The one job the committer runs for a commit(): the row, the envelope's
// location and the idempotency key commit together or not at all. Sets
// *existing, and stores nothing, when the key was used before (the caller
// then compares the bodies, outside the committer's turn).
Status insert_submission(sqlite::Connection& db, const CommitRow& row, const BlobLocation& location,
                         std::optional<Earlier>* existing) {
  if (Status s = schema_require_project(db, row.project_id); !s.ok()) return s;

  if (!row.idempotency_key.empty()) {
    // Inside the batch's write transaction: two commits with the same key,
    // even in the same batch, see each other, so the body is stored once.
    if (Status s = find_earlier(db, row, existing); !s.ok() || *existing) return s;
  }

  Result<sqlite::Statement> insert = sqlite::Statement::prepare(
      db,
      "INSERT INTO submissions (project_id, submission_id, created_at_ms, size_bytes, status) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert.ok()) return insert.status();
  insert.value()
      .bind(1, row.project_id)
      .bind(2, row.submission_id)
      .bind(3, row.created_at_ms)
      .bind(4, std::int64_t(row.size_bytes))
      .bind(5, submission_status_name(SubmissionStatus::fresh));
  if (Status s = insert.value().run("store a submission"); !s.ok()) return s;

  if (Status s = envelope_insert(db, row.project_id, row.submission_id, location); !s.ok()) return s;

  if (!row.idempotency_key.empty()) {
    Result<sqlite::Statement> key = sqlite::Statement::prepare(
        db,
        "INSERT INTO idempotency_keys (project_id, idempotency_key, submission_id, created_at_ms) "
        "VALUES (?1, ?2, ?3, ?4)");
    if (!key.ok()) return key.status();
    key.value()
        .bind(1, row.project_id)
        .bind(2, row.idempotency_key)
        .bind(3, row.submission_id)
        .bind(4, row.created_at_ms);
    if (Status s = key.value().run("store an idempotency key"); !s.ok()) return s;
  }
  return {};
}

// The earlier report stored under the same key, if its envelope is `body`;
// conflict if it is another.
Result<CommitResult> replay(const BlobLog& blobs, const UploadBuffer& body, const Earlier& earlier) {
  Result<bool> same = blobs.holds(earlier.location, body);
  if (!same.ok()) return same.status();
  if (!same.value())
    return Status(ErrorCode::conflict, "This idempotency key was already used for a different report.");
  return CommitResult{earlier.submission, false};
}

}  // namespace

// A reused key is told apart from a retry by comparing the new body with the
// stored envelope byte for byte, only when a key turns up a second time.
// Hashing every keyed body instead (SHA-256, even with the CPU's SHA
// extensions) took 14% of the server's CPU under load, and every report the
// widget sends carries a key; retries are rare (docs/decisions.md).
SqliteSubmissionWriter::SqliteSubmissionWriter(SqliteStorage& storage, std::string project_id,
                                               std::string submission_id, std::string idempotency_key)
    : storage_(storage),
      project_id_(std::move(project_id)),
      submission_id_(std::move(submission_id)),
      idempotency_key_(std::move(idempotency_key)),
      body_(storage.staging_dir(), &storage.options_.fault_hook, &storage.upload_memory_) {}

Status SqliteSubmissionWriter::write(std::span<const std::uint8_t> bytes) {
  if (finished_) return {ErrorCode::invalid_argument, "The submission was already committed."};
  return body_.write(bytes);
}

Result<CommitResult> SqliteSubmissionWriter::commit() {
  if (finished_) return Status(ErrorCode::invalid_argument, "The submission was already committed.");
  finished_ = true;

  CommitRow row;
  row.project_id = project_id_;
  row.submission_id = submission_id_;
  row.idempotency_key = idempotency_key_;
  row.size_bytes = body_.size();

  // A retry of a report that is already stored (the usual case for a reused
  // key) is answered from the committed row without writing anything. The
  // committer's job checks again, for retries racing each other.
  if (!row.idempotency_key.empty()) {
    Result<ReadPool::Lease> lease = storage_.readers_.acquire();
    if (!lease.ok()) return lease.status();
    std::optional<Earlier> earlier;
    if (Status s = find_earlier(*lease.value(), row, &earlier); !s.ok()) return s;
    if (earlier) return replay(*storage_.blobs_, body_, *earlier);
  }

  // The bytes go into the segment from this thread (uploads write in
  // parallel); the committer syncs the whole batch once, then commits.
  Result<BlobLocation> location = storage_.blobs_->append(body_);
  if (!location.ok()) return location.status();
  row.created_at_ms = storage_.now_ms();
  std::optional<Earlier> existing;
  const Status committed = storage_.committer_->run(
      [&](sqlite::Connection& db) { return insert_submission(db, row, location.value(), &existing); });
  if (!committed.ok() || existing) {
    // No row points at these bytes (rolled back, or a retry that raced the
    // first report): they go now rather than at the next start-up.
    (void)storage_.blobs_->release(location.value());
  }
  if (!committed.ok()) return committed;
  if (existing) return replay(*storage_.blobs_, body_, *existing);

  Submission created;
  created.project_id = project_id_;
  created.id = submission_id_;
  created.created_at_ms = row.created_at_ms;
  created.size_bytes = row.size_bytes;
  return CommitResult{std::move(created), true};
}

// Lives here, next to the writer it creates.
// The project row was read by the caller; the commit checks again that it
// still exists, inside the transaction that stores the submission.
Result<std::unique_ptr<SubmissionWriter>> SqliteStorage::begin_submission(std::string_view project_id,
                                                                          std::string_view idempotency_key) {
  if (!project_id_is_well_formed(project_id)) return Status(ErrorCode::not_found, "No such project.");
  if (!idempotency_key.empty() && !idempotency_key_is_valid(idempotency_key)) {
    return Status(ErrorCode::invalid_argument, "An idempotency key must be 1 to " +
                                                   std::to_string(kMaxIdempotencyKeyBytes) +
                                                   " characters of [A-Za-z0-9_.:-].");
  }
  // Shared with other writers, exclusive against a repair in another process.
  if (Status s = lock_.hold_shared(); !s.ok()) return s;
  return std::unique_ptr<SubmissionWriter>(new SqliteSubmissionWriter(
      *this, std::string(project_id), submission_id_generate(now_ms()), std::string(idempotency_key)));
}

}  // namespace sealshot::server
