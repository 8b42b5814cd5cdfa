// A report's review statuses, as the server accepts them (docs/http-api.md,
// PATCH …/submissions/{id}). The one list in the console: the status picker,
// the inbox filter and the tests all read it from here.
#pragma once

#include <array>
#include <string_view>

namespace sealshot::console {

inline constexpr std::array<std::string_view, 5> kSubmissionStatuses = {"new", "triaged", "in_progress", "resolved",
                                                                        "spam"};

// Shown to people ("in_progress" → "in progress").
inline std::string_view status_label(std::string_view status) {
  if (status == "in_progress") return "in progress";
  return status;
}

}  // namespace sealshot::console
