// The plaintext inside an envelope: a JSON manifest plus attachments (the
// screenshot PNG today; logs or more images later), framed as named parts.
// Specified in docs/envelope.md.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "result.h"

namespace sealshot {

inline constexpr char kPayloadMagic[4] = {'S', 'S', 'P', 'L'};
inline constexpr std::uint8_t kPayloadVersion = 1;
inline constexpr const char* kManifestPartName = "manifest.json";
inline constexpr const char* kScreenshotPartName = "screenshot.png";

struct PayloadPart {
  std::string name;          // 1..64 of [a-z0-9._-], first [a-z0-9], unique in a payload
  std::string content_type;  // 1..127 of ASCII 0x20..0x7e, no space first or last, e.g. "application/json"
  std::vector<std::uint8_t> data;
};

// A part that borrows its bytes, so packing a report copies each byte once.
struct PayloadPartView {
  std::string_view name;
  std::string_view content_type;
  std::span<const std::uint8_t> data;
};

[[nodiscard]] Result<std::vector<std::uint8_t>> payload_pack(std::span<const PayloadPartView> parts);
[[nodiscard]] Result<std::vector<PayloadPart>> payload_unpack(std::span<const std::uint8_t> payload);

// A report (what envelopes carry) is a payload whose first part is
// manifest.json of type application/json; payload_malformed otherwise. Readers
// call this after payload_unpack (docs/envelope.md, "Payload").
[[nodiscard]] Status report_check_parts(std::span<const PayloadPart> parts);

}  // namespace sealshot
