// The SubmissionWriter of the SQLite backend: collects the envelope in an
// UploadBuffer while it streams in, then commit() hands it to the group
// committer, which writes the row and the envelope in one transaction.
#pragma once

#include <string>

#include "storage.h"
#include "upload_buffer.h"

namespace sealshot::server {

class SqliteStorage;

class SqliteSubmissionWriter final : public SubmissionWriter {
 public:
  SqliteSubmissionWriter(SqliteStorage& storage, std::string project_id, std::string submission_id);

  Status write(std::span<const std::uint8_t> bytes) override;
  Result<CommitResult> commit(std::string_view idempotency_key) override;

 private:
  SqliteStorage& storage_;
  const std::string project_id_;
  const std::string submission_id_;
  UploadBuffer body_;
  bool finished_ = false;  // commit() was called, whatever its outcome
};

}  // namespace sealshot::server
