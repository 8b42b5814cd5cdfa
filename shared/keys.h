// Project keypairs (X25519, libsodium's crypto_box) and their text form:
// URL-safe base64 without padding, 43 characters for 32 bytes.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "result.h"

namespace sealshot {

inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kKeyTextLength = 43;

struct PublicKey {
  std::array<std::uint8_t, kKeyBytes> bytes{};
};

// Wiped from memory when destroyed.
struct SecretKey {
  std::array<std::uint8_t, kKeyBytes> bytes{};
  SecretKey() = default;
  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;
  ~SecretKey();
};

struct KeyPair {
  PublicKey public_key;
  SecretKey secret_key;
};

// Initialises libsodium once; every crypto entry point calls it.
[[nodiscard]] Status crypto_init();

[[nodiscard]] Result<KeyPair> keypair_generate();
[[nodiscard]] Result<PublicKey> public_key_from_secret(const SecretKey& secret);

[[nodiscard]] std::string key_to_text(const PublicKey& key);
[[nodiscard]] std::string key_to_text(const SecretKey& key);
// Surrounding whitespace is ignored; anything else that is not exactly 43
// URL-safe base64 characters is refused with ErrorCode::bad_key.
[[nodiscard]] Result<PublicKey> public_key_from_text(std::string_view text);
[[nodiscard]] Result<SecretKey> secret_key_from_text(std::string_view text);

}  // namespace sealshot
