#include "key_wrap.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "base64url.h"

namespace sealshot {
namespace {

constexpr std::size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kWrappedBytes = kNonceBytes + kKeyBytes + crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::size_t kGrantBytes = crypto_box_SEALBYTES + kKeyBytes;
static_assert(kWrappedKeyTextLength == kWrappedKeyPrefix.size() + (kWrappedBytes * 4 + 2) / 3);
static_assert(kGrantTextLength == kGrantPrefix.size() + (kGrantBytes * 4 + 2) / 3);

// Wipes a decrypted buffer however the function ends.
struct Plain {
  std::array<std::uint8_t, kKeyBytes> bytes{};
  ~Plain() { sodium_memzero(bytes.data(), bytes.size()); }
};

// The bytes after `prefix`, or bad_key naming `what`.
Result<std::vector<std::uint8_t>> decode_versioned(std::string_view text, std::string_view prefix, std::size_t bytes,
                                                   const char* what) {
  if (text.substr(0, prefix.size()) != prefix) {
    return Status(ErrorCode::bad_key,
                  std::string("This is not a ") + what + " (it must start with \"" + std::string(prefix) + "\").");
  }
  auto decoded = base64url_decode(text.substr(prefix.size()), bytes);
  if (!decoded) {
    return Status(ErrorCode::bad_key, std::string("The ") + what + " is damaged: after \"" + std::string(prefix) +
                                          "\" it must be " + std::to_string((bytes * 4 + 2) / 3) +
                                          " characters of canonical URL-safe base64.");
  }
  return std::move(*decoded);
}

// key_mismatch unless `secret` is the secret half of `expected`.
Status check_belongs_to(const SecretKey& secret, const PublicKey& expected, const char* what) {
  Result<PublicKey> actual = public_key_from_secret(secret);
  if (!actual.ok()) return actual.status();
  if (sodium_memcmp(actual.value().bytes.data(), expected.bytes.data(), kKeyBytes) != 0) {
    return {ErrorCode::key_mismatch,
            std::string("The ") + what + " holds a secret key that does not belong to the expected public key."};
  }
  return {};
}

}  // namespace

Result<std::string> wrap_secret_key(const SecretKey& secret, std::span<const std::uint8_t, kKeyBytes> wrap_key) {
  Status init = crypto_init();
  if (!init.ok()) return init;
  std::array<std::uint8_t, kWrappedBytes> blob{};
  randombytes_buf(blob.data(), kNonceBytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(blob.data() + kNonceBytes, &written, secret.bytes.data(), kKeyBytes,
                                             reinterpret_cast<const unsigned char*>(kWrappedKeyPrefix.data()),
                                             kWrappedKeyPrefix.size(), nullptr, blob.data(), wrap_key.data());
  return std::string(kWrappedKeyPrefix) + base64url_encode(blob);
}

Result<SecretKey> unwrap_secret_key(std::string_view text, std::span<const std::uint8_t, kKeyBytes> wrap_key,
                                    const PublicKey& expected_public_key) {
  Status init = crypto_init();
  if (!init.ok()) return init;
  auto blob = decode_versioned(text, kWrappedKeyPrefix, kWrappedBytes, "wrapped secret key");
  if (!blob.ok()) return blob.status();
  const std::uint8_t* nonce = blob.value().data();
  Plain plain;
  unsigned long long length = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain.bytes.data(), &length, nullptr, nonce + kNonceBytes,
                                                 kWrappedBytes - kNonceBytes,
                                                 reinterpret_cast<const unsigned char*>(kWrappedKeyPrefix.data()),
                                                 kWrappedKeyPrefix.size(), nonce, wrap_key.data()) != 0 ||
      length != kKeyBytes) {
    return Status(ErrorCode::key_unwrap_failed,
                  "The wrapped secret key does not open with this password: the password is wrong or the stored "
                  "key was altered.");
  }
  SecretKey secret;
  std::copy(plain.bytes.begin(), plain.bytes.end(), secret.bytes.begin());
  Status belongs = check_belongs_to(secret, expected_public_key, "wrapped key");
  if (!belongs.ok()) return belongs;
  return secret;
}

Result<std::string> seal_grant(const SecretKey& project_secret, const PublicKey& person_public) {
  Status init = crypto_init();
  if (!init.ok()) return init;
  std::array<std::uint8_t, kGrantBytes> blob{};
  if (crypto_box_seal(blob.data(), project_secret.bytes.data(), kKeyBytes, person_public.bytes.data()) != 0) {
    return Status(ErrorCode::bad_key, "The person's public key is not a valid X25519 key.");
  }
  return std::string(kGrantPrefix) + base64url_encode(blob);
}

Result<SecretKey> open_grant(std::string_view text, const KeyPair& person, const PublicKey& expected_project_public) {
  Status init = crypto_init();
  if (!init.ok()) return init;
  auto blob = decode_versioned(text, kGrantPrefix, kGrantBytes, "project key grant");
  if (!blob.ok()) return blob.status();
  Plain plain;
  if (crypto_box_seal_open(plain.bytes.data(), blob.value().data(), kGrantBytes, person.public_key.bytes.data(),
                           person.secret_key.bytes.data()) != 0) {
    return Status(ErrorCode::grant_open_failed,
                  "The project key grant does not open with your key: it was made for someone else or altered.");
  }
  SecretKey secret;
  std::copy(plain.bytes.begin(), plain.bytes.end(), secret.bytes.begin());
  Status belongs = check_belongs_to(secret, expected_project_public, "project key grant");
  if (!belongs.ok()) return belongs;
  return secret;
}

}  // namespace sealshot
