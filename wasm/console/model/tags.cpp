#include "tags.h"

#include <algorithm>

namespace sealshot::console {

Result<std::string> tag_from_text(std::string_view text) {
  std::string tag;
  for (char c : text) tag += (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  const bool well_formed =
      !tag.empty() && tag.size() <= kMaxTagLength && std::all_of(tag.begin(), tag.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      });
  if (!well_formed) {
    return Status(
        ErrorCode::invalid_argument,
        "\"" + std::string(text.substr(0, 40)) + "\" is not a tag: a tag is 1 to 32 letters a-z, digits, '-' and '_'.");
  }
  return tag;
}

Result<std::vector<std::string>> tags_from_text(std::string_view text) {
  std::vector<std::string> tags;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ',' || text[i] == ' ' || text[i] == '\t')) ++i;
    std::size_t end = i;
    while (end < text.size() && text[end] != ',' && text[end] != ' ' && text[end] != '\t') ++end;
    if (end > i) {
      Result<std::string> tag = tag_from_text(text.substr(i, end - i));
      if (!tag.ok()) return tag.status();
      tags.push_back(std::move(tag).value());
    }
    i = end;
  }
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  if (tags.size() > kMaxTags) return Status(ErrorCode::invalid_argument, "A report holds at most 10 tags.");
  return tags;
}

std::string tags_to_text(const std::vector<std::string>& tags) {
  std::string out;
  for (const std::string& t : tags) out += (out.empty() ? "" : ", ") + t;
  return out;
}

}  // namespace sealshot::console
