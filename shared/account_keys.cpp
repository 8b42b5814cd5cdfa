#include "account_keys.h"

#include <sodium.h>

#include <algorithm>
#include <string>

#include "base64url.h"

namespace sealshot {
namespace {

static_assert(kAccountSaltBytes == crypto_pwhash_SALTBYTES);
static_assert(sizeof kAccountKdfContext - 1 == crypto_kdf_CONTEXTBYTES);
static_assert(kKeyBytes == crypto_kdf_KEYBYTES);

std::string mib(std::size_t bytes) {
  return bytes % kMiB == 0 ? std::to_string(bytes / kMiB) + " MiB" : std::to_string(bytes) + " bytes";
}

// Wipes a master key however the derivation ends.
struct MasterKey {
  std::array<std::uint8_t, crypto_kdf_KEYBYTES> bytes{};
  ~MasterKey() { sodium_memzero(bytes.data(), bytes.size()); }
};

}  // namespace

Status kdf_params_acceptable(const KdfParams& params) {
  if (params.opslimit < kKdfMinParams.opslimit || params.memlimit < kKdfMinParams.memlimit) {
    return {ErrorCode::kdf_params_rejected,
            "The sign-in key derivation parameters (" + std::to_string(params.opslimit) + " passes, " +
                mib(params.memlimit) + ") are below this client's minimum (" + std::to_string(kKdfMinParams.opslimit) +
                " passes, " + mib(kKdfMinParams.memlimit) + "): the server may be trying to weaken the password hash."};
  }
  if (params.opslimit > kKdfMaxParams.opslimit || params.memlimit > kKdfMaxParams.memlimit) {
    return {ErrorCode::kdf_params_rejected,
            "The sign-in key derivation parameters (" + std::to_string(params.opslimit) + " passes, " +
                mib(params.memlimit) + ") are above this client's maximum (" + std::to_string(kKdfMaxParams.opslimit) +
                " passes, " + mib(kKdfMaxParams.memlimit) + ")."};
  }
  if (params.memlimit % 1024 != 0) {
    return {ErrorCode::kdf_params_rejected, "The sign-in key derivation memory (" + std::to_string(params.memlimit) +
                                                " bytes) is not a whole number of KiB."};
  }
  return {};
}

Result<AccountSalt> account_salt_generate() {
  Status init = crypto_init();
  if (!init.ok()) return init;
  AccountSalt salt;
  randombytes_buf(salt.bytes.data(), salt.bytes.size());
  return salt;
}

std::string account_salt_to_text(const AccountSalt& salt) { return base64url_encode(salt.bytes); }

Result<AccountSalt> account_salt_from_text(std::string_view text) {
  auto bytes = base64url_decode(text, kAccountSaltBytes);
  if (!bytes) {
    return Status(ErrorCode::bad_key, "The account salt must be " + std::to_string(kAccountSaltTextLength) +
                                          " characters of canonical URL-safe base64.");
  }
  AccountSalt salt;
  std::copy(bytes->begin(), bytes->end(), salt.bytes.begin());
  return salt;
}

AccountKeys::~AccountKeys() {
  sodium_memzero(auth_key.data(), auth_key.size());
  sodium_memzero(wrap_key.data(), wrap_key.size());
}

Result<AccountKeys> derive_account_keys(std::string_view password, const AccountSalt& salt, const KdfParams& params) {
  Status acceptable = kdf_params_acceptable(params);
  if (!acceptable.ok()) return acceptable;
  if (password.empty()) return Status(ErrorCode::invalid_argument, "The password is empty.");
  if (password.size() > kMaxPasswordBytes) {
    return Status(ErrorCode::invalid_argument,
                  "The password is longer than " + std::to_string(kMaxPasswordBytes) + " bytes.");
  }
  Status init = crypto_init();
  if (!init.ok()) return init;
  MasterKey master;
  if (crypto_pwhash(master.bytes.data(), master.bytes.size(), password.data(), password.size(), salt.bytes.data(),
                    params.opslimit, params.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    // Inside the accepted range libsodium fails only when it cannot allocate.
    return Status(ErrorCode::out_of_memory,
                  "The sign-in key derivation could not allocate " + mib(params.memlimit) + " of memory.");
  }
  AccountKeys keys;
  crypto_kdf_derive_from_key(keys.auth_key.data(), keys.auth_key.size(), kAuthKeySubkeyId, kAccountKdfContext,
                             master.bytes.data());
  crypto_kdf_derive_from_key(keys.wrap_key.data(), keys.wrap_key.size(), kWrapKeySubkeyId, kAccountKdfContext,
                             master.bytes.data());
  return keys;
}

std::string auth_key_to_text(const AccountKeys& keys) { return base64url_encode(keys.auth_key); }

}  // namespace sealshot
