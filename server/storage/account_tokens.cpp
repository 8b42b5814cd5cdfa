#include <openssl/sha.h>
#include <sodium.h>

#include <array>

#include "accounts.h"

namespace sealshot::server {

std::string token_generate() {
  std::array<std::uint8_t, 32> random{};
  randombytes_buf(random.data(), random.size());
  std::string token(sodium_base64_encoded_len(random.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(token.data(), token.size(), random.data(), random.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  token.resize(token.size() - 1);  // the terminating NUL
  sodium_memzero(random.data(), random.size());
  return token;
}

TokenHash token_hash(std::string_view token) {
  TokenHash hash(SHA256_DIGEST_LENGTH);
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), hash.data());
  return hash;
}

}  // namespace sealshot::server
