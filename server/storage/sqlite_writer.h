// The SubmissionWriter of the SQLite backend: streams the envelope into a
// staging file while hashing it, then commit() publishes the blob durably
// and only then queues the row on the group committer.
#pragma once

#include <sodium.h>

#include <string>

#include "blob_files.h"
#include "storage.h"

namespace sealshot::server {

class SqliteStorage;

class SqliteSubmissionWriter final : public SubmissionWriter {
 public:
  SqliteSubmissionWriter(SqliteStorage& storage, std::string project_id, std::string submission_id, StagingFile file);
  ~SqliteSubmissionWriter() override;

  Status write(std::span<const std::uint8_t> bytes) override;
  Result<CommitResult> commit(std::string_view idempotency_key) override;

 private:
  SqliteStorage& storage_;
  const std::string project_id_;
  const std::string submission_id_;
  StagingFile file_;
  crypto_generichash_state hash_;
  bool finished_ = false;  // commit() was called, whatever its outcome
};

}  // namespace sealshot::server
