// The SubmissionWriter of the SQLite backend: collects the envelope in an
// UploadBuffer while it streams in, then commit() hands it to the group
// committer, which writes the row and the envelope in one transaction.
#pragma once

#include <memory>
#include <string>

#include "storage.h"
#include "upload_buffer.h"

namespace sealshot::server {

class SqliteStorage;

class SqliteSubmissionWriter final : public SubmissionWriter {
 public:
  // With a non-empty `idempotency_key`, commit() answers a retry (the same
  // key and the same bytes) with the first report and refuses the same key
  // with other bytes (conflict).
  SqliteSubmissionWriter(SqliteStorage& storage, std::string project_id, std::string submission_id,
                         std::string idempotency_key);

  Status write(std::span<const std::uint8_t> bytes) override;
  Result<CommitResult> commit() override;

 private:
  SqliteStorage& storage_;
  const std::string project_id_;
  const std::string submission_id_;
  const std::string idempotency_key_;
  UploadBuffer body_;
  bool finished_ = false;  // commit() was called, whatever its outcome
};

}  // namespace sealshot::server
