#include "account_unlock.h"

#include "cli_error.h"
#include "key_wrap.h"

namespace sealshot::cli {
namespace {

std::string text_field(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) {
    throw CommandError(std::string("The server's answer has no '") + key + "'.");
  }
  return j[key].get<std::string>();
}

}  // namespace

AccountKeys derive_from_kdf(const nlohmann::json& kdf, const Password& password) {
  if (!kdf.is_object() || !kdf.contains("opslimit") || !kdf["opslimit"].is_number_unsigned() ||
      !kdf.contains("memlimit") || !kdf["memlimit"].is_number_unsigned()) {
    throw CommandError("The server sent no key-derivation parameters.");
  }
  const KdfParams params{kdf["opslimit"].get<std::uint64_t>(), kdf["memlimit"].get<std::size_t>()};
  if (Status st = kdf_params_acceptable(params); !st.ok()) {
    throw CommandError("Refusing the server's key-derivation parameters: " + st.message());
  }
  const AccountSalt salt = take(account_salt_from_text(text_field(kdf, "salt")));
  return take(derive_account_keys(password.text, salt, params));
}

KeyPair open_person_keys(const nlohmann::json& account, const AccountKeys& keys) {
  KeyPair pair;
  pair.public_key = take(public_key_from_text(text_field(account, "public_key")));
  Result<SecretKey> secret =
      unwrap_secret_key(text_field(account, "wrapped_secret_key"), keys.wrap_key, pair.public_key);
  if (!secret.ok()) {
    if (secret.code() == ErrorCode::key_unwrap_failed) throw CommandError("The password is wrong.");
    throw CommandError("Your secret key does not open: " + secret.message());
  }
  pair.secret_key = secret.value();
  return pair;
}

UnlockedAccount unlock_account(ReviewClient& client, const Password& password, KeyPins& pins) {
  UnlockedAccount out;
  out.account = client.get("/v1/me").json();
  const AccountKeys keys = derive_from_kdf(out.account.value("kdf", nlohmann::json()), password);
  out.keys = open_person_keys(out.account, keys);
  pins.check_or_pin("person", text_field(out.account, "id"), out.keys.public_key);
  return out;
}

}  // namespace sealshot::cli
