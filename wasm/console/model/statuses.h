// A report's review statuses, as the server accepts them (docs/http-api.md,
// PATCH …/submissions/{id}). The one list in the console: the status picker,
// the inbox filter and the tests all read it from here.
#pragma once

#include <array>
#include <string_view>

namespace sealshot::console {

inline constexpr std::array<std::string_view, 4> kSubmissionStatuses = {"new", "in_review", "resolved", "archived"};

// Shown to people ("in_review" → "in review").
inline std::string_view status_label(std::string_view status) {
  if (status == "in_review") return "in review";
  return status;
}

}  // namespace sealshot::console
