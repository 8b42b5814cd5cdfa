// The C ABI of the account module (see sealshot-account.mjs): sign-in key
// derivation, wrapped person keys, project key grants, fingerprints and the
// password policy, for the review console. Same conventions as
// wasm/bindings.cpp: 0 or a sealshot::ErrorCode value; on failure
// sealshot_account_error_message() holds one readable sentence; results go to
// one output buffer that JS copies out. This buffer holds secrets (keys), so
// it is wiped whenever it is replaced or cleared.
#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "account_keys.h"
#include "key_fingerprint.h"
#include "key_wrap.h"
#include "keys.h"
#include "password_policy.h"

using namespace sealshot;

namespace {

std::vector<std::uint8_t> g_output;
std::string g_error;

void wipe_output() {
  if (!g_output.empty()) sodium_memzero(g_output.data(), g_output.size());
  std::vector<std::uint8_t>().swap(g_output);
}

int fail(const Status& status) {
  g_error = status.message();
  return int(status.code());
}

int succeed(std::string_view text) {
  wipe_output();
  g_output.assign(text.begin(), text.end());
  g_error.clear();
  return 0;
}

std::span<const std::uint8_t, kKeyBytes> key_span(const std::uint8_t* key) {
  return std::span<const std::uint8_t, kKeyBytes>(key, kKeyBytes);
}

// JS numbers to KdfParams: whole, non-negative and exactly representable, or refused.
Result<KdfParams> params_from_numbers(double opslimit, double memlimit) {
  constexpr double kMaxExact = 9007199254740992.0;  // 2^53
  for (double x : {opslimit, memlimit}) {
    if (!(x >= 0 && x <= kMaxExact) || std::floor(x) != x) {
      return Status(ErrorCode::kdf_params_rejected, "The key derivation parameters must be whole numbers.");
    }
  }
  return KdfParams{std::uint64_t(opslimit), std::size_t(std::min(memlimit, double(SIZE_MAX)))};
}

}  // namespace

extern "C" {

std::uint8_t* sealshot_account_output_data() { return g_output.data(); }
int sealshot_account_output_size() { return int(g_output.size()); }
void sealshot_account_output_clear() { wipe_output(); }
const char* sealshot_account_error_message() { return g_error.c_str(); }
const char* sealshot_account_error_name(int code) { return error_code_name(ErrorCode(code)); }

// The pinned parameters for JS: 0/1 minimum passes/bytes, 2/3 default, 4/5 maximum.
double sealshot_account_kdf_param(int which) {
  const KdfParams* sets[] = {&kKdfMinParams, &kKdfDefaultParams, &kKdfMaxParams};
  if (which < 0 || which > 5) return -1;
  const KdfParams& p = *sets[which / 2];
  return which % 2 == 0 ? double(p.opslimit) : double(p.memlimit);
}

int sealshot_account_salt_generate() {
  Result<AccountSalt> salt = account_salt_generate();
  if (!salt.ok()) return fail(salt.status());
  return succeed(account_salt_to_text(salt.value()));
}

// Output: the auth key text (43 characters) followed by the 32 raw wrap key bytes.
int sealshot_account_derive(const char* password, int password_length, const char* salt_text, double opslimit,
                            double memlimit) {
  if (password_length < 0) return fail({ErrorCode::invalid_argument, "The password length is negative."});
  Result<AccountSalt> salt = account_salt_from_text(salt_text);
  if (!salt.ok()) return fail(salt.status());
  Result<KdfParams> params = params_from_numbers(opslimit, memlimit);
  if (!params.ok()) return fail(params.status());
  Result<AccountKeys> keys =
      derive_account_keys({password, std::size_t(password_length)}, salt.value(), params.value());
  if (!keys.ok()) return fail(keys.status());
  std::string out = auth_key_to_text(keys.value());
  out.append(reinterpret_cast<const char*>(keys.value().wrap_key.data()), kKeyBytes);
  const int rc = succeed(out);
  sodium_memzero(out.data(), out.size());
  return rc;
}

// Output: "public\nsecret" in text form.
int sealshot_account_keypair_generate() {
  Result<KeyPair> pair = keypair_generate();
  if (!pair.ok()) return fail(pair.status());
  std::string out = key_to_text(pair.value().public_key) + "\n" + key_to_text(pair.value().secret_key);
  const int rc = succeed(out);
  sodium_memzero(out.data(), out.size());
  return rc;
}

int sealshot_account_wrap(const char* secret_text, const std::uint8_t* wrap_key) {
  Result<SecretKey> secret = secret_key_from_text(secret_text);
  if (!secret.ok()) return fail(secret.status());
  Result<std::string> wrapped = wrap_secret_key(secret.value(), key_span(wrap_key));
  if (!wrapped.ok()) return fail(wrapped.status());
  return succeed(wrapped.value());
}

int sealshot_account_unwrap(const char* text, const std::uint8_t* wrap_key, const char* expected_public_text) {
  Result<PublicKey> expected = public_key_from_text(expected_public_text);
  if (!expected.ok()) return fail(expected.status());
  Result<SecretKey> secret = unwrap_secret_key(text, key_span(wrap_key), expected.value());
  if (!secret.ok()) return fail(secret.status());
  std::string out = key_to_text(secret.value());
  const int rc = succeed(out);
  sodium_memzero(out.data(), out.size());
  return rc;
}

// The same secret key as its 32 bytes, for the console's sign-in page: it
// copies them into the workspace module's memory and zeroes its array, so
// the key never becomes a JS string (which nothing can wipe).
int sealshot_account_unwrap_bytes(const char* text, const std::uint8_t* wrap_key, const char* expected_public_text) {
  Result<PublicKey> expected = public_key_from_text(expected_public_text);
  if (!expected.ok()) return fail(expected.status());
  Result<SecretKey> secret = unwrap_secret_key(text, key_span(wrap_key), expected.value());
  if (!secret.ok()) return fail(secret.status());
  std::string out(reinterpret_cast<const char*>(secret.value().bytes.data()), secret.value().bytes.size());
  const int rc = succeed(out);
  sodium_memzero(out.data(), out.size());
  return rc;
}

int sealshot_account_seal_grant(const char* project_secret_text, const char* person_public_text) {
  Result<SecretKey> project = secret_key_from_text(project_secret_text);
  if (!project.ok()) return fail(project.status());
  Result<PublicKey> person = public_key_from_text(person_public_text);
  if (!person.ok()) return fail(person.status());
  Result<std::string> grant = seal_grant(project.value(), person.value());
  if (!grant.ok()) return fail(grant.status());
  return succeed(grant.value());
}

int sealshot_account_open_grant(const char* text, const char* person_public_text, const char* person_secret_text,
                                const char* expected_project_public_text) {
  Result<PublicKey> person_public = public_key_from_text(person_public_text);
  if (!person_public.ok()) return fail(person_public.status());
  Result<SecretKey> person_secret = secret_key_from_text(person_secret_text);
  if (!person_secret.ok()) return fail(person_secret.status());
  Result<PublicKey> expected = public_key_from_text(expected_project_public_text);
  if (!expected.ok()) return fail(expected.status());
  Result<SecretKey> project = open_grant(text, {person_public.value(), person_secret.value()}, expected.value());
  if (!project.ok()) return fail(project.status());
  std::string out = key_to_text(project.value());
  const int rc = succeed(out);
  sodium_memzero(out.data(), out.size());
  return rc;
}

int sealshot_account_fingerprint(const char* public_text) {
  Result<PublicKey> key = public_key_from_text(public_text);
  if (!key.ok()) return fail(key.status());
  return succeed(key_fingerprint(key.value()));
}

int sealshot_account_password_check(const char* password, int password_length, const char* email, int email_length) {
  if (password_length < 0 || email_length < 0) return fail({ErrorCode::invalid_argument, "A length is negative."});
  Status s = password_check({password, std::size_t(password_length)}, {email, std::size_t(email_length)});
  if (!s.ok()) return fail(s);
  g_error.clear();
  return 0;
}

}  // extern "C"
