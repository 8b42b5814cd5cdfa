// Ingest: stream one envelope from the network into storage, checking its
// plaintext header on the way in without any key (docs/envelope.md, "A
// server runs the checks ..."). Knows nothing of HTTP; handlers.cpp maps its
// errors to statuses.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "envelope.h"
#include "http/limits.h"
#include "storage/storage.h"

namespace sealshot::http {

// Idempotency-Key: 1..128 characters of [A-Za-z0-9_.:-].
[[nodiscard]] bool idempotency_key_is_valid(std::string_view key) noexcept;

class IngestService {
 public:
  IngestService(server::Storage& storage, const ServerLimits& limits) : storage_(storage), limits_(limits) {}

  // not_found for a malformed id too, without asking storage.
  [[nodiscard]] Result<server::Project> find_project(std::string_view project_id);
  // The project's own limit, else the server default; never above the format's maximum.
  [[nodiscard]] std::uint64_t body_limit(const server::Project& project) const;
  [[nodiscard]] server::Storage& storage() { return storage_; }

 private:
  server::Storage& storage_;
  const ServerLimits& limits_;
};

// One upload. Memory use is the header prefix (at most
// kEnvelopeMaxHeaderBytes) whatever the body size: every other byte goes
// straight to the SubmissionWriter.
class EnvelopeUpload {
 public:
  EnvelopeUpload(server::Storage& storage, std::string project_id, std::uint64_t declared_length)
      : storage_(storage), project_id_(std::move(project_id)), declared_length_(declared_length) {}

  // The next bytes of the body. An error means: refuse with it, read no more.
  [[nodiscard]] Status consume(std::span<const std::uint8_t> bytes);
  // After the last byte: length checks, then a durable commit. Nothing is
  // stored unless this returns a value.
  [[nodiscard]] Result<server::CommitResult> finish(std::string_view idempotency_key);

  [[nodiscard]] std::uint64_t received() const noexcept { return received_; }

 private:
  [[nodiscard]] Status on_header(const EnvelopeHeader& header);

  server::Storage& storage_;
  const std::string project_id_;
  const std::uint64_t declared_length_;
  std::uint64_t received_ = 0;
  std::array<std::uint8_t, kEnvelopeMaxHeaderBytes> prefix_{};
  std::size_t prefix_size_ = 0;
  std::optional<EnvelopeHeader> header_;
  std::unique_ptr<server::SubmissionWriter> writer_;
};

}  // namespace sealshot::http
