// A person's secret key at rest on the server, and project keys shared with
// people, in versioned text forms (docs/security.md):
//   wrapped key: "sswk1." + base64url(nonce[24] || XChaCha20-Poly1305(secret key)[48])
//                the AEAD's additional data is the prefix "sswk1.", so a blob
//                cannot be read as another version; key = the wrap key
//   grant:       "ssgr1." + base64url(crypto_box_seal(project secret key, person public key)[80])
// Opening either checks that the secret key belongs to the public key the
// caller expected: a server that swaps blobs or keys is caught here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "keys.h"
#include "result.h"

namespace sealshot {

inline constexpr std::string_view kWrappedKeyPrefix = "sswk1.";
inline constexpr std::string_view kGrantPrefix = "ssgr1.";
inline constexpr std::size_t kWrappedKeyTextLength = 6 + 96;  // prefix + 72 bytes in base64url
inline constexpr std::size_t kGrantTextLength = 6 + 107;      // prefix + 80 bytes in base64url

// Encrypts `secret` under `wrap_key` (AccountKeys::wrap_key) with a random nonce.
[[nodiscard]] Result<std::string> wrap_secret_key(const SecretKey& secret,
                                                  std::span<const std::uint8_t, kKeyBytes> wrap_key);

// bad_key: not a version-1 wrapped key text (prefix, length, base64url).
// key_unwrap_failed: does not authenticate under `wrap_key` (wrong password, or altered).
// key_mismatch: opens, but the secret key's public key is not `expected_public_key`.
[[nodiscard]] Result<SecretKey> unwrap_secret_key(std::string_view text,
                                                  std::span<const std::uint8_t, kKeyBytes> wrap_key,
                                                  const PublicKey& expected_public_key);

// Seals a project's secret key to one person's public key.
[[nodiscard]] Result<std::string> seal_grant(const SecretKey& project_secret, const PublicKey& person_public);

// bad_key: not a version-1 grant text.
// grant_open_failed: not sealed to `person`'s key pair, or altered.
// key_mismatch: opens, but holds a secret key other than the project's (a
// substituted grant); `expected_project_public` is the key the client trusts
// for the project (pinned, or from the snippet), never one the server just sent.
[[nodiscard]] Result<SecretKey> open_grant(std::string_view text, const KeyPair& person,
                                           const PublicKey& expected_project_public);

}  // namespace sealshot
