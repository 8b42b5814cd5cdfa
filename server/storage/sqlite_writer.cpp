#include "sqlite_writer.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <array>
#include <memory>
#include <optional>

#include "envelope_rows.h"
#include "ids.h"
#include "schema.h"
#include "sqlite_storage.h"

namespace sealshot::server {
namespace {

using BodyHash = std::array<std::uint8_t, 32>;  // SHA-256

struct CommitRow {
  std::string project_id;
  std::string submission_id;
  std::string idempotency_key;
  BodyHash body_hash{};
  std::int64_t created_at_ms = 0;
  std::uint64_t size_bytes = 0;
};

// The first submission stored under row.idempotency_key, if any: sets
// *existing, or returns conflict when that one had a different body.
Status find_earlier(sqlite::Connection& db, const CommitRow& row, std::optional<Submission>* existing) {
  Result<sqlite::Statement> key =
      sqlite::Statement::prepare(db,
                                 "SELECT s.submission_id, s.created_at_ms, s.size_bytes, s.status, k.body_hash "
                                 "FROM idempotency_keys k JOIN submissions s "
                                 "  ON s.project_id = k.project_id AND s.submission_id = k.submission_id "
                                 "WHERE k.project_id = ?1 AND k.idempotency_key = ?2");
  if (!key.ok()) return key.status();
  key.value().bind(1, row.project_id).bind(2, row.idempotency_key);
  Result<bool> used = key.value().step("look up an idempotency key");
  if (!used.ok()) return used.status();
  if (!used.value()) return {};
  const std::vector<std::uint8_t> hash = key.value().column_blob(4);
  if (hash.size() != row.body_hash.size() || sodium_memcmp(hash.data(), row.body_hash.data(), hash.size()) != 0) {
    return {ErrorCode::conflict, "This idempotency key was already used for a different report."};
  }
  Submission first;
  first.project_id = row.project_id;
  first.id = key.value().column_text(0);
  first.created_at_ms = key.value().column_int(1);
  first.size_bytes = std::uint64_t(key.value().column_int(2));
  first.status = submission_status_from_name(key.value().column_text(3)).value_or(SubmissionStatus::fresh);
  *existing = std::move(first);
  return {};
}

// The one job the committer runs for a commit(): the row, the envelope's
// location and the idempotency key commit together or not at all. Sets
// *existing when the key was used before with the same body.
Status insert_submission(sqlite::Connection& db, const CommitRow& row, const BlobLocation& location,
                         std::optional<Submission>* existing) {
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
        "INSERT INTO idempotency_keys (project_id, idempotency_key, submission_id, body_hash, created_at_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!key.ok()) return key.status();
    key.value()
        .bind(1, row.project_id)
        .bind(2, row.idempotency_key)
        .bind(3, row.submission_id)
        .bind(4, std::span<const std::uint8_t>(row.body_hash))
        .bind(5, row.created_at_ms);
    if (Status s = key.value().run("store an idempotency key"); !s.ok()) return s;
  }
  return {};
}

Status hash_failed() { return {ErrorCode::storage_error, "Hashing the report failed."}; }

}  // namespace

// SHA-256 through OpenSSL: with the CPU's SHA extensions it is ~2.7x faster
// here than libsodium's BLAKE2b, and every report the widget sends carries a
// key. Computed while the body streams in (the bytes are in cache then), so
// a keyed upload never reads its body a second time.
SqliteSubmissionWriter::SqliteSubmissionWriter(SqliteStorage& storage, std::string project_id,
                                               std::string submission_id, std::string idempotency_key)
    : storage_(storage),
      project_id_(std::move(project_id)),
      submission_id_(std::move(submission_id)),
      idempotency_key_(std::move(idempotency_key)),
      body_(storage.staging_dir(), &storage.options_.fault_hook, &storage.upload_memory_) {
  if (!idempotency_key_.empty()) {
    body_hash_.reset(EVP_MD_CTX_new());
    if (body_hash_ && EVP_DigestInit_ex(body_hash_.get(), EVP_sha256(), nullptr) != 1) body_hash_.reset();
  }
}

Status SqliteSubmissionWriter::write(std::span<const std::uint8_t> bytes) {
  if (finished_) return {ErrorCode::invalid_argument, "The submission was already committed."};
  if (!idempotency_key_.empty()) {
    if (!body_hash_ || EVP_DigestUpdate(body_hash_.get(), bytes.data(), bytes.size()) != 1) return hash_failed();
  }
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
    unsigned int length = 0;
    if (!body_hash_ || EVP_DigestFinal_ex(body_hash_.get(), row.body_hash.data(), &length) != 1 ||
        length != row.body_hash.size()) {
      return hash_failed();
    }
    Result<ReadPool::Lease> lease = storage_.readers_.acquire();
    if (!lease.ok()) return lease.status();
    std::optional<Submission> earlier;
    if (Status s = find_earlier(*lease.value(), row, &earlier); !s.ok()) return s;
    if (earlier) return CommitResult{std::move(*earlier), false};
  }

  // The bytes go into the segment from this thread (uploads write in
  // parallel); the committer syncs the whole batch once, then commits.
  Result<BlobLocation> location = storage_.blobs_->append(body_);
  if (!location.ok()) return location.status();
  row.created_at_ms = storage_.now_ms();
  std::optional<Submission> existing;
  const Status committed = storage_.committer_->run(
      [&](sqlite::Connection& db) { return insert_submission(db, row, location.value(), &existing); });
  if (!committed.ok() || existing) {
    // No row points at these bytes (rolled back, or a retry that raced the
    // first report): they go now rather than at the next start-up.
    (void)storage_.blobs_->release(location.value());
  }
  if (!committed.ok()) return committed;
  if (existing) return CommitResult{std::move(*existing), false};

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
