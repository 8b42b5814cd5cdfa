#include "http/ingest_service.h"

#include <algorithm>

namespace sealshot::http {

bool idempotency_key_is_valid(std::string_view key) noexcept {
  if (key.empty() || key.size() > 128) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.' || c == ':';
  });
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

Status EnvelopeUpload::on_header(const EnvelopeHeader& header) {
  // The project in the header is authenticated by every chunk, so a blob
  // moved to another project's URL could never be opened there: refuse it
  // now rather than store something useless.
  if (header.project_id != project_id_) {
    return {ErrorCode::envelope_wrong_project, "The envelope was sealed for another project than the one in the URL."};
  }
  Status length = envelope_check_declared_length(header, declared_length_);
  if (!length.ok()) return length;
  auto writer = storage_.begin_submission(project_id_);
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

Result<server::CommitResult> EnvelopeUpload::finish(std::string_view idempotency_key) {
  if (!header_) {
    auto parsed = envelope_parse_header(std::span<const std::uint8_t>(prefix_.data(), prefix_size_));
    return parsed.ok() ? Status(ErrorCode::envelope_truncated, "The body ended inside the envelope header.")
                       : parsed.status();
  }
  Status length = envelope_check_length(*header_, received_);
  if (!length.ok()) return length;
  return writer_->commit(idempotency_key);
}

}  // namespace sealshot::http
