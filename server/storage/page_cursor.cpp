#include "page_cursor.h"

#include <sodium.h>

#include <charconv>
#include <vector>

#include "ids.h"

namespace sealshot::server {
namespace {

constexpr std::string_view kVersion = "c1:";
constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

}  // namespace

std::string page_cursor_encode(const PageCursor& cursor) {
  const std::string plain = std::string(kVersion) + std::to_string(cursor.created_at_ms) + ":" + cursor.submission_id;
  std::string out(sodium_base64_encoded_len(plain.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
                    kVariant);
  out.resize(out.find('\0'));
  return out;
}

std::optional<PageCursor> page_cursor_decode(std::string_view text) {
  if (text.empty() || text.size() > 128) return std::nullopt;
  std::vector<unsigned char> plain(text.size());
  std::size_t length = 0;
  if (sodium_base642bin(plain.data(), plain.size(), text.data(), text.size(), nullptr, &length, nullptr, kVariant) !=
      0) {
    return std::nullopt;
  }
  const std::string_view decoded(reinterpret_cast<const char*>(plain.data()), length);
  if (decoded.substr(0, kVersion.size()) != kVersion) return std::nullopt;
  const std::string_view rest = decoded.substr(kVersion.size());
  const std::size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  PageCursor cursor;
  const auto [end, error] = std::from_chars(rest.data(), rest.data() + colon, cursor.created_at_ms);
  if (error != std::errc() || end != rest.data() + colon) return std::nullopt;
  cursor.submission_id = std::string(rest.substr(colon + 1));
  if (!submission_id_is_well_formed(cursor.submission_id)) return std::nullopt;
  return cursor;
}

}  // namespace sealshot::server
