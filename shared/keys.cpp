#include "keys.h"

#include <sodium.h>

#include <string>

namespace sealshot {
namespace {

std::string bytes_to_text(const std::uint8_t* bytes) {
  char text[sodium_base64_ENCODED_LEN(kKeyBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(text, sizeof text, bytes, kKeyBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return text;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

Status text_to_bytes(std::string_view text, const char* what, std::uint8_t* out) {
  text = trim(text);
  if (text.size() != kKeyTextLength) {
    return {ErrorCode::bad_key, std::string("The ") + what + " must be " + std::to_string(kKeyTextLength) +
                                    " characters of URL-safe base64, got " + std::to_string(text.size()) + "."};
  }
  std::size_t decoded = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out, kKeyBytes, text.data(), text.size(), nullptr, &decoded, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      decoded != kKeyBytes || end != text.data() + text.size()) {
    return {ErrorCode::bad_key, std::string("The ") + what + " is not valid URL-safe base64."};
  }
  // 32 bytes use 256 of the 258 bits of 43 characters; a non-canonical last
  // character would give two texts for one key.
  if (bytes_to_text(out) != text) {
    return {ErrorCode::bad_key, std::string("The ") + what + " is not in canonical URL-safe base64."};
  }
  return {};
}

}  // namespace

SecretKey::~SecretKey() { sodium_memzero(bytes.data(), bytes.size()); }

Status crypto_init() {
  if (sodium_init() < 0) return {ErrorCode::out_of_memory, "libsodium could not be initialised."};
  return {};
}

Result<KeyPair> keypair_generate() {
  Status init = crypto_init();
  if (!init.ok()) return init;
  KeyPair pair;
  crypto_box_keypair(pair.public_key.bytes.data(), pair.secret_key.bytes.data());
  return pair;
}

Result<PublicKey> public_key_from_secret(const SecretKey& secret) {
  Status init = crypto_init();
  if (!init.ok()) return init;
  PublicKey key;
  if (crypto_scalarmult_base(key.bytes.data(), secret.bytes.data()) != 0) {
    return Status(ErrorCode::bad_key, "The secret key is not a valid X25519 key.");
  }
  return key;
}

std::string key_to_text(const PublicKey& key) { return bytes_to_text(key.bytes.data()); }
std::string key_to_text(const SecretKey& key) { return bytes_to_text(key.bytes.data()); }

Result<PublicKey> public_key_from_text(std::string_view text) {
  PublicKey key;
  Status s = text_to_bytes(text, "public key", key.bytes.data());
  if (!s.ok()) return s;
  return key;
}

Result<SecretKey> secret_key_from_text(std::string_view text) {
  SecretKey key;
  Status s = text_to_bytes(text, "secret key", key.bytes.data());
  if (!s.ok()) return s;
  return key;
}

}  // namespace sealshot
