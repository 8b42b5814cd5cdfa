// The keys of one project a person holds, in this process's memory. A
// project has a numbered key history (each rotation adds a key; numbers start
// at 1 and are never reused, docs/security.md); envelopes do not say which
// key sealed them, so everything that opens a report or a note tries the
// held keys newest first. Only the keys the person was granted are here: a
// lowest number above 1 means older keys exist that they were not given.
#pragma once

#include <cstdint>
#include <vector>

#include "keys.h"
#include "result.h"

namespace sealshot::console {

struct HeldProjectKey {
  std::int64_t number = 0;  // 0: not known (a key handed in directly, e.g. by a test)
  PublicKey public_key;
  SecretKey secret_key;  // zeroes itself when destroyed
  bool current = false;  // the key new reports are sealed to
};

struct ProjectKeys {
  std::vector<HeldProjectKey> keys;  // newest first

  const HeldProjectKey* current() const {
    for (const HeldProjectKey& k : keys) {
      if (k.current) return &k;
    }
    return nullptr;
  }
  // Older keys exist that this person was not given.
  bool lacks_older() const { return !keys.empty() && keys.back().number > 1; }
};

// One key handed in directly (number unknown), for callers with a single key.
[[nodiscard]] Result<ProjectKeys> single_project_key(const SecretKey& secret);

// The refusal when none of `keys` opens a report: envelope_wrong_key, and
// when older keys exist that the person was not given, a sentence saying so
// (the likely cause: the report was sent before a rotation).
[[nodiscard]] Status none_of_the_keys_opens(const ProjectKeys& keys);
// Whether `status` is that "older key you were not given" refusal.
bool is_older_key_refusal(const Status& status);

}  // namespace sealshot::console
