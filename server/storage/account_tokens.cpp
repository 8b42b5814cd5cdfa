#include <openssl/sha.h>
#include <sodium.h>

#include <array>

#include "accounts.h"
#include "base64url.h"

namespace sealshot::server {

std::string token_generate() {
  std::array<std::uint8_t, 32> random{};
  randombytes_buf(random.data(), random.size());
  std::string token = base64url_encode(random);
  sodium_memzero(random.data(), random.size());
  return token;
}

TokenHash token_hash(std::string_view token) {
  TokenHash hash(SHA256_DIGEST_LENGTH);
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), hash.data());
  return hash;
}

}  // namespace sealshot::server
