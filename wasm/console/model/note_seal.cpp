#include "note_seal.h"

#include <sodium.h>

#include <vector>

#include "base64url.h"

namespace sealshot::console {
namespace {

// Well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool utf8_ok(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t more = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c >> 5) == 0x6)
      more = 1, cp = c & 0x1F;
    else if ((c >> 4) == 0xE)
      more = 2, cp = c & 0x0F;
    else if ((c >> 3) == 0x1E)
      more = 3, cp = c & 0x07;
    else
      return false;
    if (i + more >= text.size()) return false;
    for (std::size_t k = 1; k <= more; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if ((b >> 6) != 0x2) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[more] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += more + 1;
  }
  return true;
}

}  // namespace

Result<std::string> note_seal(std::string_view text, const PublicKey& project_public) {
  if (Status st = crypto_init(); !st.ok()) return st;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status(ErrorCode::invalid_argument, "Write something first: the note is empty.");
  }
  if (text.size() > kMaxNoteBytes) {
    return Status(ErrorCode::invalid_argument, "A note holds at most " + std::to_string(kMaxNoteBytes) +
                                                   " bytes; this one has " + std::to_string(text.size()) + ".");
  }
  if (!utf8_ok(text)) return Status(ErrorCode::invalid_argument, "The note is not UTF-8 text.");
  std::vector<std::uint8_t> sealed(text.size() + crypto_box_SEALBYTES);
  if (crypto_box_seal(sealed.data(), reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                      project_public.bytes.data()) != 0) {
    return Status(ErrorCode::invalid_argument, "The project's public key does not take a sealed note.");
  }
  return base64url_encode(sealed);
}

Result<std::string> note_open(std::string_view sealed, const PublicKey& project_public,
                              const SecretKey& project_secret) {
  if (Status st = crypto_init(); !st.ok()) return st;
  if (sealed.size() % 4 == 1) return Status(ErrorCode::invalid_argument, "The note is not URL-safe base64.");
  const std::size_t bytes = sealed.size() / 4 * 3 + (sealed.size() % 4 == 0 ? 0 : sealed.size() % 4 - 1);
  std::optional<std::vector<std::uint8_t>> box = base64url_decode(sealed, bytes);
  if (!box) return Status(ErrorCode::invalid_argument, "The note is not URL-safe base64.");
  if (box->size() < crypto_box_SEALBYTES) {
    return Status(ErrorCode::grant_open_failed, "The note is too short to be a sealed note.");
  }
  std::string text(box->size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(text.data()), box->data(), box->size(),
                           project_public.bytes.data(), project_secret.bytes.data()) != 0) {
    return Status(ErrorCode::grant_open_failed,
                  "This note does not open with the project's key: it was altered or sealed to another key.");
  }
  if (!utf8_ok(text)) {
    sodium_memzero(text.data(), text.size());
    return Status(ErrorCode::invalid_argument, "The note opened but is not UTF-8 text.");
  }
  return text;
}

}  // namespace sealshot::console
