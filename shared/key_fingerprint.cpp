#include "key_fingerprint.h"

#include <sodium.h>

#include <array>
#include <cstdint>

namespace sealshot {

std::string key_fingerprint(const PublicKey& key) {
  (void)crypto_init();  // BLAKE2b needs no state; initialisation only picks an implementation.
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, kFingerprintBytes);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(kFingerprintDomain.data()),
                            kFingerprintDomain.size());
  const unsigned char separator = 0;
  crypto_generichash_update(&state, &separator, 1);
  crypto_generichash_update(&state, key.bytes.data(), key.bytes.size());
  std::array<std::uint8_t, kFingerprintBytes> digest{};
  crypto_generichash_final(&state, digest.data(), digest.size());

  static const char hex[] = "0123456789ABCDEF";
  std::string text;
  text.reserve(kFingerprintTextLength);
  for (std::size_t i = 0; i < digest.size(); ++i) {
    if (i > 0 && i % 2 == 0) text.push_back(' ');
    text.push_back(hex[digest[i] >> 4]);
    text.push_back(hex[digest[i] & 15]);
  }
  return text;
}

}  // namespace sealshot
