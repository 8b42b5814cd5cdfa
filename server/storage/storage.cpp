#include "storage.h"

#include <algorithm>

#include "sqlite_storage.h"

namespace sealshot::server {

bool idempotency_key_is_valid(std::string_view key) noexcept {
  if (key.empty() || key.size() > kMaxIdempotencyKeyBytes) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.' || c == ':';
  });
}

const char* submission_status_name(SubmissionStatus status) noexcept {
  switch (status) {
    case SubmissionStatus::fresh:
      return "new";
    case SubmissionStatus::in_review:
      return "in_review";
    case SubmissionStatus::resolved:
      return "resolved";
    case SubmissionStatus::archived:
      return "archived";
  }
  return "new";
}

std::optional<SubmissionStatus> submission_status_from_name(std::string_view name) noexcept {
  for (SubmissionStatus s :
       {SubmissionStatus::fresh, SubmissionStatus::in_review, SubmissionStatus::resolved, SubmissionStatus::archived}) {
    if (name == submission_status_name(s)) return s;
  }
  return std::nullopt;
}

Result<std::unique_ptr<Storage>> open_sqlite_storage(const std::string& data_dir) {
  return open_sqlite_storage(data_dir, SqliteStorageOptions{});
}

Result<std::unique_ptr<Storage>> open_sqlite_storage(const std::string& data_dir, SqliteStorageOptions options) {
  Result<std::unique_ptr<SqliteStorage>> opened = SqliteStorage::open(data_dir, std::move(options));
  if (!opened.ok()) return opened.status();
  return std::unique_ptr<Storage>(std::move(opened).value());
}

}  // namespace sealshot::server
