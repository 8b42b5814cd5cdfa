#include "base64url.h"

#include <sodium.h>

namespace sealshot {

std::string base64url_encode(std::span<const std::uint8_t> bytes) {
  constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  if (bytes.empty()) return {};  // a span of nothing may have no buffer to pass on
  std::string text(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), variant);
  text.resize(text.size() - 1);  // the terminating NUL sodium writes
  return text;
}

std::optional<std::vector<std::uint8_t>> base64url_decode(std::string_view text, std::size_t expected_bytes) {
  constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  if (text.size() != sodium_base64_ENCODED_LEN(expected_bytes, variant) - 1) return std::nullopt;
  // No bytes: an empty vector has no buffer, and libsodium declares its output nonnull (UBSan).
  if (expected_bytes == 0) return std::vector<std::uint8_t>{};
  std::vector<std::uint8_t> out(expected_bytes);
  std::size_t decoded = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &decoded, &end, variant) != 0 ||
      decoded != expected_bytes || end != text.data() + text.size()) {
    return std::nullopt;
  }
  // The last character may carry bits beyond the data; only zero bits are canonical.
  if (base64url_encode(out) != text) return std::nullopt;
  return out;
}

}  // namespace sealshot
