// Ingest: the one owner of every check on an upload and of streaming it into
// storage. From the headers alone (before a byte of the body is read) it
// checks the project, the media type, the idempotency key, the size, the
// project's quotas and the server's free-disk floor; then it streams the
// envelope, checking its plaintext header on the way in without any key
// (docs/envelope.md, "A server runs the checks ..."). Knows nothing of HTTP:
// handlers.cpp maps its refusals to statuses.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "envelope.h"
#include "http/limits.h"
#include "storage/storage.h"

namespace sealshot::http {

// What the ingest route knows before reading the body.
struct IngestRequest {
  std::string_view content_type;
  std::uint64_t content_length = 0;       // parsed once, before routing (http_server.cpp)
  std::size_t idempotency_key_count = 0;  // how many Idempotency-Key headers
  std::string_view idempotency_key;       // the first one; empty: none
};

// Why an upload is refused. `kind` decides the HTTP status (handlers.cpp);
// `code` and `message` are the JSON body.
struct IngestRefusal {
  enum class Kind {
    media_type,     // 415
    bad_request,    // 400
    too_large,      // 413
    daily_quota,    // 429 + Retry-After (the next UTC midnight)
    storage_quota,  // 507: the project holds its maximum
    disk_floor,     // 507: the server keeps its free-disk floor
    storage,        // the storage's own status (500/507/...)
  };
  Kind kind = Kind::bad_request;
  std::string code;
  std::string message;
  std::int64_t retry_after_seconds = 0;  // daily_quota only
  Status storage_status;                 // storage only
};

class IngestService;

// One upload. Memory use is the header prefix (at most
// kEnvelopeMaxHeaderBytes) whatever the body size: every other byte goes
// straight to the SubmissionWriter. Holds its share of the project's quota
// until destroyed, so concurrent uploads cannot overshoot it together.
class EnvelopeUpload {
 public:
  ~EnvelopeUpload();
  EnvelopeUpload(const EnvelopeUpload&) = delete;
  EnvelopeUpload& operator=(const EnvelopeUpload&) = delete;

  // The next bytes of the body. An error means: refuse with it, read no more.
  [[nodiscard]] Status consume(std::span<const std::uint8_t> bytes);
  // After the last byte: length checks, then a durable commit. Nothing is
  // stored unless this returns a value.
  [[nodiscard]] Result<server::CommitResult> finish();

  [[nodiscard]] std::uint64_t received() const noexcept { return received_; }
  [[nodiscard]] std::uint64_t declared_length() const noexcept { return declared_length_; }

 private:
  friend class IngestService;
  EnvelopeUpload(IngestService& service, server::Project project, std::uint64_t declared_length,
                 std::string idempotency_key);

  [[nodiscard]] Status on_header(const EnvelopeHeader& header);

  IngestService& service_;
  const server::Project project_;
  const std::uint64_t declared_length_;
  const std::string idempotency_key_;
  std::uint64_t received_ = 0;
  std::array<std::uint8_t, kEnvelopeMaxHeaderBytes> prefix_{};
  std::size_t prefix_size_ = 0;
  std::optional<EnvelopeHeader> header_;
  std::unique_ptr<server::SubmissionWriter> writer_;
};

class IngestService {
 public:
  using Clock = std::function<std::int64_t()>;  // ms since the Unix epoch

  IngestService(server::Storage& storage, const ServerLimits& limits, const QuotaLimits& quotas, Clock clock = {});

  // not_found for a malformed id too, without asking storage.
  [[nodiscard]] Result<server::Project> find_project(std::string_view project_id);

  // Every check the headers allow, in order: media type, idempotency key,
  // size, daily quotas, stored quota, free-disk floor. On success the
  // upload holds its reservation against the project's quotas.
  struct Admission {
    std::unique_ptr<EnvelopeUpload> upload;
    std::optional<IngestRefusal> refusal;
  };
  [[nodiscard]] Admission admit(const server::Project& project, const IngestRequest& request);

  // The project's own limit, else the server default; never above the format's maximum.
  [[nodiscard]] std::uint64_t body_limit(const server::Project& project) const;
  // The project's own quotas, each 0 replaced by the server default.
  [[nodiscard]] server::ProjectQuotas effective_quotas(const server::Project& project) const;
  [[nodiscard]] server::Storage& storage() { return storage_; }
  // True the first time on a UTC day that `project_id` is refused by limit
  // `code`: the operator's log gets one warning per project, limit and day,
  // not one per refused request.
  // Uploads of `project_id` admitted and not yet finished.
  [[nodiscard]] std::uint64_t uploads_in_flight(std::string_view project_id);
  [[nodiscard]] bool first_refusal_today(const std::string& project_id, const std::string& code);

 private:
  friend class EnvelopeUpload;
  struct InFlight {
    std::uint64_t submissions = 0;
    std::uint64_t bytes = 0;
  };
  [[nodiscard]] std::optional<IngestRefusal> check_quotas(const server::Project& project, std::uint64_t length);
  void release(const std::string& project_id, std::uint64_t length);
  [[nodiscard]] std::int64_t now_ms() const;

  server::Storage& storage_;
  const ServerLimits& limits_;
  const QuotaLimits& quotas_;
  Clock clock_;
  // Uploads admitted but not yet finished, per project: counted as used, so
  // N parallel uploads cannot each see the same remaining quota. Committed
  // ones are in storage's usage tables.
  std::mutex in_flight_mutex_;
  std::map<std::string, InFlight, std::less<>> in_flight_;
  std::map<std::pair<std::string, std::string>, std::int64_t> refusal_days_;  // (project, code) -> UTC day
};

}  // namespace sealshot::http
