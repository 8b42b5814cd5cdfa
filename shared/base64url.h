// URL-safe base64 without padding (RFC 4648 §5) for byte strings of any
// length, in the one canonical form: decoding refuses padding, whitespace and
// a last character with stray low bits, so one byte string has one text.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sealshot {

[[nodiscard]] std::string base64url_encode(std::span<const std::uint8_t> bytes);

// nullopt unless `text` is the canonical encoding of exactly
// `expected_bytes` bytes.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> base64url_decode(std::string_view text,
                                                                        std::size_t expected_bytes);

}  // namespace sealshot
