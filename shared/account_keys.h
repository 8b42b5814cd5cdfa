// Sign-in keys derived from a person's password (docs/security.md):
//   master   = Argon2id(password, per-person salt, KdfParams)
//   auth key = crypto_kdf(master, id 1, "SealAcct")  -> sent to the server, which stores pwhash(auth key)
//   wrap key = crypto_kdf(master, id 2, "SealAcct")  -> never leaves the client; wraps the person's secret key
// The server hands out each person's salt and KDF parameters; a client only
// accepts parameters inside the range pinned below, so a malicious server
// cannot make the auth key cheap to guess (or the derivation a denial of service).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "keys.h"
#include "result.h"

namespace sealshot {

// Argon2id (libsodium crypto_pwhash, ALG_ARGON2ID13, one lane).
struct KdfParams {
  std::uint64_t opslimit = 0;  // passes over memory (Argon2 t)
  std::size_t memlimit = 0;    // bytes (Argon2 m = memlimit / 1024 KiB)
};

inline constexpr std::size_t kMiB = std::size_t(1) << 20;
// Pinned in every client: never derive below this, whatever the server says
// (RFC 9106's second recommended setting, t = 3 and 64 MiB).
inline constexpr KdfParams kKdfMinParams{3, 64 * kMiB};
// Nor above this: a server must not be able to hang or exhaust a browser.
inline constexpr KdfParams kKdfMaxParams{8, 512 * kMiB};
// What a client uses at sign-up (measured in docs/benchmarks.md, "Sign-in key
// derivation": at most 1 s in wasm in the browser on the reference machine).
inline constexpr KdfParams kKdfDefaultParams{3, 128 * kMiB};

inline constexpr std::size_t kAccountSaltBytes = 16;       // crypto_pwhash_SALTBYTES
inline constexpr std::size_t kAccountSaltTextLength = 22;  // URL-safe base64, no padding
inline constexpr std::size_t kMaxPasswordBytes = 1024;     // UTF-8 bytes; longer is refused
inline constexpr char kAccountKdfContext[9] = "SealAcct";  // crypto_kdf context (8 bytes)
inline constexpr std::uint64_t kAuthKeySubkeyId = 1;
inline constexpr std::uint64_t kWrapKeySubkeyId = 2;

// ok() when the client may derive with `params`; kdf_params_rejected with a
// sentence naming the limit otherwise (below the pinned minimum, above the
// maximum, or a memlimit that is not a whole number of KiB).
[[nodiscard]] Status kdf_params_acceptable(const KdfParams& params);

struct AccountSalt {
  std::array<std::uint8_t, kAccountSaltBytes> bytes{};
};

// 16 random bytes, made once per person at sign-up (and again at a password reset).
[[nodiscard]] Result<AccountSalt> account_salt_generate();
[[nodiscard]] std::string account_salt_to_text(const AccountSalt& salt);
// Exactly 22 canonical URL-safe base64 characters, else bad_key.
[[nodiscard]] Result<AccountSalt> account_salt_from_text(std::string_view text);

// Wiped from memory when destroyed.
struct AccountKeys {
  std::array<std::uint8_t, kKeyBytes> auth_key{};
  std::array<std::uint8_t, kKeyBytes> wrap_key{};
  AccountKeys() = default;
  AccountKeys(const AccountKeys&) = default;
  AccountKeys& operator=(const AccountKeys&) = default;
  ~AccountKeys();
};

// Refuses parameters kdf_params_acceptable refuses, and a password that is
// empty or longer than kMaxPasswordBytes (invalid_argument). The password's
// bytes are used as given (UTF-8, no Unicode normalisation). Costs one
// Argon2id run with `params` (memlimit bytes of memory).
[[nodiscard]] Result<AccountKeys> derive_account_keys(std::string_view password, const AccountSalt& salt,
                                                      const KdfParams& params);

// The auth key as the client sends it: 43 URL-safe base64 characters.
[[nodiscard]] std::string auth_key_to_text(const AccountKeys& keys);

}  // namespace sealshot
