// The project keys a person holds, opened on the client. A project has a
// key history (each rotation adds a key; docs/security.md); the server hands
// out every key grant the person holds, and envelopes do not say which key
// sealed them, so commands that open reports try the keys newest first.
//
// Each key's public key is checked against the pin of (project, key number)
// in key_pins.h (pinned on first use, and said so), and each opened secret
// key must belong to that public key: a server that substitutes a key or a
// grant is refused.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "key_pins.h"
#include "keys.h"
#include "review_client.h"

namespace sealshot::cli {

struct HeldProjectKey {
  std::int64_t number = 0;
  PublicKey public_key;
  SecretKey secret_key;
  bool current = false;
};

// The pin id of key `number` of `project_id` ("prj_…" for key 1, the only
// key before rotation, so pins made then keep working; "prj_…#n" after).
std::string project_key_pin_id(const std::string& project_id, std::int64_t number);

// Opens every grant the signed-in person holds on the project at
// `project_path` (/v1/orgs/…/projects/…), newest key first. `expected_current`
// (--project-key, may be empty) must be the current key's public key.
// Throws CommandError when nothing opens.
std::vector<HeldProjectKey> open_held_keys(ReviewClient& client, KeyPins& pins, const std::string& project_path,
                                           const std::string& project_id, const KeyPair& me,
                                           const std::string& expected_current);

// The secret keys alone, in the same order (for report_open_into).
std::vector<SecretKey> secret_keys_of(const std::vector<HeldProjectKey>& keys);

// "keys 3, 2 and 1" / "key 2".
std::string key_numbers_text(const std::vector<HeldProjectKey>& keys);

}  // namespace sealshot::cli
