#include "payload.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "core_limits.h"

namespace sealshot {
namespace {

// Names become file names when a report is opened: no leading dot, no slash.
bool part_name_is_valid(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '.' || name.front() == '-' || name.front() == '_')
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

// Printable ASCII, spaces included (a media type's parameters are written
// "text/plain; charset=utf-8"), but not at either end, so no reader has to
// decide whether to trim.
bool content_type_is_valid(std::string_view type) {
  if (type.empty() || type.size() > 127 || type.front() == ' ' || type.back() == ' ') return false;
  return std::all_of(type.begin(), type.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

Status malformed(const std::string& why) {
  return {ErrorCode::payload_malformed, "The report payload is malformed: " + why};
}

}  // namespace

Result<std::vector<std::uint8_t>> payload_pack(std::span<const PayloadPartView> parts) {
  if (parts.empty() || parts.size() > kMaxPayloadParts) {
    return Status(ErrorCode::invalid_argument, "A payload holds 1 to " + std::to_string(kMaxPayloadParts) + " parts.");
  }
  std::set<std::string_view> names;
  std::uint64_t total = 6;
  for (const PayloadPartView& part : parts) {
    if (!part_name_is_valid(part.name)) {
      return Status(ErrorCode::invalid_argument,
                    "Part names are 1 to 64 characters of [a-z0-9._-], starting with a letter or digit.");
    }
    if (!names.insert(part.name).second) {
      return Status(ErrorCode::invalid_argument, "Part name '" + std::string(part.name) + "' appears twice.");
    }
    if (!content_type_is_valid(part.content_type)) {
      return Status(ErrorCode::invalid_argument,
                    "Content types are 1 to 127 printable ASCII characters, not starting or ending with a space.");
    }
    total += 2 + part.name.size() + part.content_type.size() + 8 + part.data.size();
  }
  if (total > kMaxPayloadBytes) {
    return Status(ErrorCode::payload_too_large,
                  "The report is larger than " + std::to_string(kMaxPayloadBytes) + " bytes.");
  }
  std::vector<std::uint8_t> out;
  out.reserve(std::size_t(total));
  out.insert(out.end(), kPayloadMagic, kPayloadMagic + 4);
  out.push_back(kPayloadVersion);
  out.push_back(std::uint8_t(parts.size()));
  for (const PayloadPartView& part : parts) {
    out.push_back(std::uint8_t(part.name.size()));
    out.insert(out.end(), part.name.begin(), part.name.end());
    out.push_back(std::uint8_t(part.content_type.size()));
    out.insert(out.end(), part.content_type.begin(), part.content_type.end());
    const std::uint64_t size = part.data.size();
    for (int i = 0; i < 8; ++i) out.push_back(std::uint8_t(size >> (8 * i)));
  }
  for (const PayloadPartView& part : parts) out.insert(out.end(), part.data.begin(), part.data.end());
  return out;
}

Result<std::vector<PayloadPart>> payload_unpack(std::span<const std::uint8_t> payload) {
  if (payload.size() < 6 || std::memcmp(payload.data(), kPayloadMagic, 4) != 0) return malformed("bad magic.");
  if (payload[4] != kPayloadVersion) return malformed("unsupported version " + std::to_string(payload[4]) + ".");
  const std::size_t count = payload[5];
  if (count == 0 || count > kMaxPayloadParts) return malformed("part count out of range.");

  std::size_t pos = 6;
  auto take_string = [&](std::string& out) {
    if (pos >= payload.size()) return false;
    const std::size_t length = payload[pos++];
    if (payload.size() - pos < length) return false;
    out.assign(reinterpret_cast<const char*>(payload.data() + pos), length);
    pos += length;
    return true;
  };
  std::vector<PayloadPart> parts(count);
  std::vector<std::uint64_t> sizes(count);
  std::set<std::string> names;
  for (std::size_t i = 0; i < count; ++i) {
    if (!take_string(parts[i].name) || !take_string(parts[i].content_type) || payload.size() - pos < 8) {
      return malformed("the part table ends early.");
    }
    if (!part_name_is_valid(parts[i].name) || !names.insert(parts[i].name).second) return malformed("bad part name.");
    if (!content_type_is_valid(parts[i].content_type)) return malformed("bad content type.");
    for (int b = 7; b >= 0; --b) sizes[i] = (sizes[i] << 8) | payload[pos + std::size_t(b)];
    pos += 8;
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (payload.size() - pos < sizes[i]) return malformed("part '" + parts[i].name + "' is longer than the payload.");
    parts[i].data.assign(payload.begin() + std::ptrdiff_t(pos), payload.begin() + std::ptrdiff_t(pos + sizes[i]));
    pos += std::size_t(sizes[i]);
  }
  if (pos != payload.size()) return malformed(std::to_string(payload.size() - pos) + " bytes after the last part.");
  return parts;
}

Status report_check_parts(std::span<const PayloadPart> parts) {
  if (parts.empty() || parts.front().name != kManifestPartName) {
    return malformed("the first part is not manifest.json.");
  }
  if (parts.front().content_type != "application/json") return malformed("manifest.json is not application/json.");
  return {};
}

}  // namespace sealshot
