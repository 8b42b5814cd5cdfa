#include "http/ingest_service.h"

#include <algorithm>
#include <cctype>
#include <chrono>

namespace sealshot::http {
namespace {

bool is_octet_stream(std::string_view content_type) {
  std::string media(content_type.substr(0, content_type.find(';')));
  media.erase(std::remove_if(media.begin(), media.end(), [](unsigned char c) { return std::isspace(c); }), media.end());
  std::transform(media.begin(), media.end(), media.begin(), [](unsigned char c) { return std::tolower(c); });
  return media == "application/octet-stream";
}

IngestRefusal refusal(IngestRefusal::Kind kind, std::string code, std::string message) {
  IngestRefusal r;
  r.kind = kind;
  r.code = std::move(code);
  r.message = std::move(message);
  return r;
}

// a + b, saturating: quotas compare sums of untrusted lengths.
std::uint64_t plus(std::uint64_t a, std::uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

}  // namespace

IngestService::IngestService(server::Storage& storage, const ServerLimits& limits, const QuotaLimits& quotas,
                             Clock clock)
    : storage_(storage), limits_(limits), quotas_(quotas), clock_(std::move(clock)) {}

std::int64_t IngestService::now_ms() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<server::Project> IngestService::find_project(std::string_view project_id) {
  if (!project_id_is_valid(project_id)) {
    return Status(ErrorCode::not_found, "No such project.");
  }
  return storage_.get_project(project_id);
}

std::uint64_t IngestService::body_limit(const server::Project& project) const {
  const std::uint64_t limit = project.max_body_bytes != 0 ? project.max_body_bytes : limits_.max_body_bytes;
  return std::min(limit, kMaxEnvelopeBytes);
}

server::ProjectQuotas IngestService::effective_quotas(const server::Project& project) const {
  server::ProjectQuotas q = project.quotas;
  if (q.daily_submissions == 0) q.daily_submissions = quotas_.daily_submissions;
  if (q.daily_bytes == 0) q.daily_bytes = quotas_.daily_bytes;
  if (q.stored_bytes == 0) q.stored_bytes = quotas_.stored_bytes;
  return q;
}

IngestService::Admission IngestService::admit(const server::Project& project, const IngestRequest& request) {
  Admission out;
  if (!is_octet_stream(request.content_type)) {
    out.refusal = refusal(IngestRefusal::Kind::media_type, "unsupported_media_type",
                          "The body must be an envelope sent as application/octet-stream.");
    return out;
  }
  if (request.idempotency_key_count > 1 ||
      (request.idempotency_key_count == 1 && !server::idempotency_key_is_valid(request.idempotency_key))) {
    out.refusal = refusal(IngestRefusal::Kind::bad_request, "bad_idempotency_key",
                          "Idempotency-Key must be 1 to " + std::to_string(server::kMaxIdempotencyKeyBytes) +
                              " characters of [A-Za-z0-9_.:-].");
    return out;
  }
  const std::uint64_t limit = body_limit(project);
  if (request.content_length > limit) {
    out.refusal = refusal(IngestRefusal::Kind::too_large, "body_too_large",
                          "The body is " + std::to_string(request.content_length) +
                              " bytes; this project accepts at most " + std::to_string(limit) + ".");
    return out;
  }
  if (auto refused = check_quotas(project, request.content_length)) {
    out.refusal = std::move(refused);
    return out;
  }
  // From here the upload holds its reservation (released by its destructor).
  out.upload.reset(
      new EnvelopeUpload(*this, project, request.content_length,
                         request.idempotency_key_count == 1 ? std::string(request.idempotency_key) : std::string()));
  return out;
}

std::optional<IngestRefusal> IngestService::check_quotas(const server::Project& project, std::uint64_t length) {
  using Kind = IngestRefusal::Kind;
  Result<std::uint64_t> free_bytes = storage_.available_bytes();
  if (!free_bytes.ok()) {
    IngestRefusal r = refusal(Kind::storage, "", "");
    r.storage_status = free_bytes.status();
    return r;
  }
  if (free_bytes.value() < plus(limits_.min_free_disk_bytes, length)) {
    return refusal(Kind::disk_floor, "server_storage_low",
                   "The server is low on disk space and accepts no reports for now; retry later.");
  }
  const std::int64_t now = now_ms();
  Result<server::ProjectUsage> usage = storage_.get_project_usage(project.id, now);
  if (!usage.ok()) {
    IngestRefusal r = refusal(Kind::storage, "", "");
    r.storage_status = usage.status();
    return r;
  }
  const server::ProjectQuotas quotas = effective_quotas(project);
  std::lock_guard lock(in_flight_mutex_);
  InFlight& mine = in_flight_[project.id];
  const server::ProjectUsage& used = usage.value();
  std::optional<IngestRefusal> refused;
  if (plus(plus(used.day_submissions, mine.submissions), 1) > quotas.daily_submissions) {
    refused = refusal(Kind::daily_quota, "daily_submission_quota_exceeded",
                      "This project has received its " + std::to_string(quotas.daily_submissions) +
                          " reports for today (UTC); retry after midnight UTC.");
  } else if (plus(plus(used.day_bytes, mine.bytes), length) > quotas.daily_bytes) {
    refused = refusal(Kind::daily_quota, "daily_byte_quota_exceeded",
                      "This project has received its " + std::to_string(quotas.daily_bytes) +
                          " bytes of reports for today (UTC); retry after midnight UTC.");
  } else if (plus(plus(used.stored_bytes, mine.bytes), length) > quotas.stored_bytes) {
    refused = refusal(Kind::storage_quota, "stored_quota_exceeded",
                      "This project holds its maximum of " + std::to_string(quotas.stored_bytes) +
                          " bytes of reports; its team must delete some before more can be accepted.");
  }
  if (refused) {
    if (mine.submissions == 0) in_flight_.erase(project.id);
    if (refused->kind == Kind::daily_quota) {
      const std::int64_t next_day = (now / server::kMillisPerDay + 1) * server::kMillisPerDay;
      refused->retry_after_seconds = std::max<std::int64_t>(1, (next_day - now + 999) / 1000);
    }
    return refused;
  }
  mine.submissions += 1;
  mine.bytes = plus(mine.bytes, length);
  return std::nullopt;
}

std::uint64_t IngestService::uploads_in_flight(std::string_view project_id) {
  std::lock_guard lock(in_flight_mutex_);
  auto it = in_flight_.find(project_id);
  return it == in_flight_.end() ? 0 : it->second.submissions;
}

bool IngestService::first_refusal_today(const std::string& project_id, const std::string& code) {
  const std::int64_t day = now_ms() / server::kMillisPerDay;
  std::lock_guard lock(in_flight_mutex_);
  // Bounded: a day's entries are dropped when the next day begins.
  for (auto it = refusal_days_.begin(); it != refusal_days_.end();) {
    it = it->second < day ? refusal_days_.erase(it) : std::next(it);
  }
  return refusal_days_.emplace(std::make_pair(project_id, code), day).second;
}

void IngestService::release(const std::string& project_id, std::uint64_t length) {
  std::lock_guard lock(in_flight_mutex_);
  auto it = in_flight_.find(project_id);
  if (it == in_flight_.end()) return;
  it->second.submissions -= std::min<std::uint64_t>(it->second.submissions, 1);
  it->second.bytes -= std::min(it->second.bytes, length);
  if (it->second.submissions == 0) in_flight_.erase(it);
}

EnvelopeUpload::EnvelopeUpload(IngestService& service, server::Project project, std::uint64_t declared_length,
                               std::string idempotency_key)
    : service_(service),
      project_(std::move(project)),
      declared_length_(declared_length),
      idempotency_key_(std::move(idempotency_key)) {}

EnvelopeUpload::~EnvelopeUpload() {
  // The writer goes first: an uncommitted one discards its bytes.
  writer_.reset();
  service_.release(project_.id, declared_length_);
}

Status EnvelopeUpload::on_header(const EnvelopeHeader& header) {
  // The project in the header is authenticated by every chunk, so a blob
  // moved to another project's URL could never be opened there: refuse it
  // now rather than store something useless.
  if (header.project_id != project_.id) {
    return {ErrorCode::envelope_wrong_project, "The envelope was sealed for another project than the one in the URL."};
  }
  Status length = envelope_check_declared_length(header, declared_length_);
  if (!length.ok()) return length;
  auto writer = service_.storage_.begin_submission(project_.id, idempotency_key_);
  if (!writer.ok()) return writer.status();
  writer_ = std::move(writer).value();
  header_ = header;
  return writer_->write(std::span<const std::uint8_t>(prefix_.data(), prefix_size_));
}

Status EnvelopeUpload::consume(std::span<const std::uint8_t> bytes) {
  if (bytes.size() > declared_length_ - received_) {
    return {ErrorCode::envelope_trailing_bytes, "The body is longer than its Content-Length."};
  }
  received_ += bytes.size();
  if (!header_) {
    const std::size_t take = std::min(bytes.size(), prefix_.size() - prefix_size_);
    std::copy_n(bytes.begin(), take, prefix_.begin() + prefix_size_);
    prefix_size_ += take;
    bytes = bytes.subspan(take);
    auto parsed = envelope_parse_header(std::span<const std::uint8_t>(prefix_.data(), prefix_size_));
    if (!parsed.ok()) {
      const bool more_may_come = prefix_size_ < prefix_.size() && received_ < declared_length_;
      if (parsed.code() == ErrorCode::envelope_truncated && more_may_come) return {};
      return parsed.status();
    }
    Status accepted = on_header(parsed.value());
    if (!accepted.ok()) return accepted;
    // The prefix may hold the first body bytes past the header; they were
    // written with it. `bytes` is what did not fit in the prefix.
  }
  if (bytes.empty()) return {};
  return writer_->write(bytes);
}

Result<server::CommitResult> EnvelopeUpload::finish() {
  if (!header_) {
    auto parsed = envelope_parse_header(std::span<const std::uint8_t>(prefix_.data(), prefix_size_));
    return parsed.ok() ? Status(ErrorCode::envelope_truncated, "The body ended inside the envelope header.")
                       : parsed.status();
  }
  Status length = envelope_check_length(*header_, received_);
  if (!length.ok()) return length;
  return writer_->commit();
}

}  // namespace sealshot::http
