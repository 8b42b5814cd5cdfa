// PII text detectors: find personal data in visible page text so the matching
// screen regions can be blacked out. Input is UTF-16 because that is what the
// DOM hands over; every offset is in UTF-16 code units. See docs/pii-detectors.md.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "result.h"
namespace sealshot {
enum class PiiKind : std::uint8_t { email = 0, phone = 1, card = 2, iban = 3, ssn = 4, ipv4 = 5, ipv6 = 6, secret = 7 };
inline constexpr std::size_t kMaxScanChars = std::size_t{1} << 22;  // UTF-16 code units
struct PiiHit {
  std::uint32_t start;
  std::uint32_t end;
  PiiKind kind;
};  // [start, end) in UTF-16 code units
[[nodiscard]] const char* pii_kind_name(
    PiiKind kind) noexcept;  // "email","phone","card","iban","ssn","ipv4","ipv6","secret"
[[nodiscard]] Result<std::vector<PiiHit>> pii_scan(std::u16string_view text);  // hits sorted by start, non-overlapping
}  // namespace sealshot
