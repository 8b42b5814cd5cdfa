// Turning a password into the person's keys, as the console does
// (docs/security.md): the salt and Argon2id parameters come from the
// server but are accepted only inside the range pinned in the client
// (kdf_params_acceptable); the secret key is unwrapped with the wrap key
// and checked against the person's public key (and the pin, key_pins.h).
#pragma once

#include <nlohmann/json.hpp>

#include "account_keys.h"
#include "key_pins.h"
#include "keys.h"
#include "password_input.h"
#include "review_client.h"

namespace sealshot::cli {

// Reads {"salt", "opslimit", "memlimit"} and derives; refuses parameters
// outside the pinned range before spending anything on them.
AccountKeys derive_from_kdf(const nlohmann::json& kdf, const Password& password);

// Opens a wrapped secret key: "The password is wrong." when it does not open.
KeyPair open_person_keys(const nlohmann::json& account, const AccountKeys& keys);

struct UnlockedAccount {
  nlohmann::json account;  // GET /v1/me
  KeyPair keys;
};

// GET /v1/me, derive, unwrap, check the person's key against the pin.
UnlockedAccount unlock_account(ReviewClient& client, const Password& password, KeyPins& pins);

}  // namespace sealshot::cli
