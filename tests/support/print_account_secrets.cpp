// Prints every secret a person's password leads to, for the privacy scan of
// tests/cli/review.test.mjs: after a review session, none of these may be
// found in the server's data directory, its logs or the CLI's session file.
// Reads JSON on stdin:
//   {"password", "kdf": {"salt", "opslimit", "memlimit"}, "public_key",
//    "wrapped_secret_key", "grants": [{"sealed_key", "project_public_key"}]}
// and prints {"auth_key_text", "auth_key_hex", "wrap_key_hex",
// "wrap_key_text", "secret_key_text", "project_secret_keys": [text…]}.
// Exits 1 with a sentence on stderr if anything does not open.
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "account_keys.h"
#include "base64url.h"
#include "key_wrap.h"
#include "keys.h"
#include "support/hex.h"

namespace {

template <class T>
T take(sealshot::Result<T> r, const char* what) {
  if (!r.ok()) {
    std::cerr << what << ": " << r.message() << "\n";
    std::exit(1);
  }
  return std::move(r).value();
}

}  // namespace

int main() {
  using namespace sealshot;
  const std::string input{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  const nlohmann::json in = nlohmann::json::parse(input);
  const KdfParams params{in["kdf"]["opslimit"].get<std::uint64_t>(), in["kdf"]["memlimit"].get<std::size_t>()};
  const AccountSalt salt = take(account_salt_from_text(in["kdf"]["salt"].get<std::string>()), "salt");
  const AccountKeys keys = take(derive_account_keys(in["password"].get<std::string>(), salt, params), "derive");
  KeyPair person;
  person.public_key = take(public_key_from_text(in["public_key"].get<std::string>()), "public key");
  person.secret_key =
      take(unwrap_secret_key(in["wrapped_secret_key"].get<std::string>(), keys.wrap_key, person.public_key), "unwrap");
  nlohmann::json project_keys = nlohmann::json::array();
  for (const auto& grant : in.value("grants", nlohmann::json::array())) {
    const PublicKey project = take(public_key_from_text(grant["project_public_key"].get<std::string>()), "project key");
    project_keys.push_back(
        key_to_text(take(open_grant(grant["sealed_key"].get<std::string>(), person, project), "grant")));
  }
  std::cout << nlohmann::json{{"auth_key_text", auth_key_to_text(keys)},
                              {"auth_key_hex", test::to_hex(keys.auth_key)},
                              {"wrap_key_hex", test::to_hex(keys.wrap_key)},
                              {"wrap_key_text", base64url_encode(keys.wrap_key)},
                              {"secret_key_text", key_to_text(person.secret_key)},
                              {"project_secret_keys", project_keys}}
                   .dump()
            << "\n";
  return 0;
}
