#include "storage.h"

#include <algorithm>
#include <cctype>

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
    case SubmissionStatus::triaged:
      return "triaged";
    case SubmissionStatus::in_progress:
      return "in_progress";
    case SubmissionStatus::resolved:
      return "resolved";
    case SubmissionStatus::spam:
      return "spam";
  }
  return "new";
}

std::optional<SubmissionStatus> submission_status_from_name(std::string_view name) noexcept {
  for (SubmissionStatus s : {SubmissionStatus::fresh, SubmissionStatus::triaged, SubmissionStatus::in_progress,
                             SubmissionStatus::resolved, SubmissionStatus::spam}) {
    if (name == submission_status_name(s)) return s;
  }
  return std::nullopt;
}

Result<std::vector<std::string>> tags_normalize(const std::vector<std::string>& tags) {
  std::vector<std::string> out;
  for (const std::string& tag : tags) {
    std::string t = tag;
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    const bool well_formed = !t.empty() && t.size() <= 32 && std::all_of(t.begin(), t.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
    if (!well_formed) {
      return Status(ErrorCode::invalid_argument, "A tag is 1 to 32 characters of letters a-z, digits, '-' and '_'.");
    }
    out.push_back(std::move(t));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.size() > kMaxTags) return Status(ErrorCode::invalid_argument, "A report holds at most 10 tags.");
  return out;
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
