// A report's tags as a person types them ("Checkout, urgent  ui") and as the
// server keeps them (docs/http-api.md: at most 10, each 1–32 of a-z 0-9 - _,
// lowercased, sorted). Checked here first so a typo gets its sentence at
// once, without a request; the server checks again.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace sealshot::console {

inline constexpr std::size_t kMaxTags = 10;
inline constexpr std::size_t kMaxTagLength = 32;

// One tag (for the inbox's tag filter): lowercased, or invalid_argument.
[[nodiscard]] Result<std::string> tag_from_text(std::string_view text);
// Tags separated by commas or spaces; empty text is no tags.
[[nodiscard]] Result<std::vector<std::string>> tags_from_text(std::string_view text);
// "checkout, urgent": what tags_from_text reads back.
std::string tags_to_text(const std::vector<std::string>& tags);

}  // namespace sealshot::console
