// The SubmissionWriter of the SQLite backend: collects the envelope in an
// UploadBuffer while it streams in, then commit() hands it to the group
// committer, which writes the row and the envelope in one transaction.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>

#include "storage.h"
#include "upload_buffer.h"

namespace sealshot::server {

class SqliteStorage;

class SqliteSubmissionWriter final : public SubmissionWriter {
 public:
  // A non-empty `idempotency_key` makes the writer hash the body as it
  // arrives (SHA-256), to tell a retry from another report at commit.
  SqliteSubmissionWriter(SqliteStorage& storage, std::string project_id, std::string submission_id,
                         std::string idempotency_key);

  Status write(std::span<const std::uint8_t> bytes) override;
  Result<CommitResult> commit() override;

 private:
  using DigestPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

  SqliteStorage& storage_;
  const std::string project_id_;
  const std::string submission_id_;
  const std::string idempotency_key_;
  DigestPtr body_hash_{nullptr, &EVP_MD_CTX_free};  // only with a key
  UploadBuffer body_;
  bool finished_ = false;  // commit() was called, whatever its outcome
};

}  // namespace sealshot::server
