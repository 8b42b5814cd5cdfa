// People's public keys as the signed-in person confirmed them: trust on
// first confirmation, like SSH's known hosts. A grant is sealed only to a
// key pinned here and still listed by the server; a key that changed (a
// password reset, or a server substituting its own) is refused until the
// person compares the new fingerprint again. Holds public keys only, so the
// app may keep it in localStorage under the signed-in person's id.
//
// Project keys are pinned too, per project and key number, the first time a
// grant of that key opens (trust on first use, as the CLI does): numbers are
// never reused, so the server listing another key under a pinned number
// later is a substitution, and it is refused.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "result.h"

namespace sealshot::console {

class KeyPins {
 public:
  enum class Check { unpinned, matches, changed };

  // The text to_json() wrote; anything else is refused (the app then starts
  // with no pins rather than trusting a half-read list).
  [[nodiscard]] static Result<KeyPins> from_json(std::string_view text);
  std::string to_json() const;

  Check check(const std::string& person_id, const std::string& public_key) const;
  // After the person compared `public_key`'s fingerprint with its owner.
  void pin(const std::string& person_id, const std::string& public_key) { keys_[person_id] = public_key; }
  std::size_t size() const { return keys_.size(); }

  Check check_project(const std::string& project_id, std::int64_t number, const std::string& public_key) const;
  void pin_project(const std::string& project_id, std::int64_t number, const std::string& public_key) {
    project_keys_[project_pin_id(project_id, number)] = public_key;
  }
  std::size_t project_size() const { return project_keys_.size(); }

 private:
  static std::string project_pin_id(const std::string& project_id, std::int64_t number) {
    return project_id + "#" + std::to_string(number);
  }
  std::map<std::string, std::string> keys_;          // person id → public key text
  std::map<std::string, std::string> project_keys_;  // "prj_…#n" → public key text
};

// "Ana's key changed since you confirmed it …": the refusal for a changed
// key, or for one never confirmed, naming the person.
[[nodiscard]] Status pin_refusal(KeyPins::Check check, const std::string& who);

// The refusal when the server lists another key under a project key number
// pinned before (key_mismatch), and whether a Status is that refusal.
[[nodiscard]] Status project_pin_refusal(const std::string& project_name, std::int64_t number);
bool is_project_pin_refusal(const Status& status);

}  // namespace sealshot::console
