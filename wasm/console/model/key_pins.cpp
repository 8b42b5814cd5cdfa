#include "key_pins.h"

#include <nlohmann/json.hpp>

#include "keys.h"

namespace sealshot::console {

Result<KeyPins> KeyPins::from_json(std::string_view text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || j.value("version", 0) != 1 || !j.contains("keys") ||
      !j["keys"].is_object()) {
    return Status(ErrorCode::invalid_argument, "The saved key confirmations are not readable; confirm keys again.");
  }
  KeyPins pins;
  for (const auto& [person, key] : j["keys"].items()) {
    if (!key.is_string() || !public_key_from_text(key.get<std::string>()).ok()) {
      return Status(ErrorCode::invalid_argument, "The saved key confirmations are not readable; confirm keys again.");
    }
    pins.keys_[person] = key.get<std::string>();
  }
  return pins;
}

std::string KeyPins::to_json() const { return nlohmann::json{{"version", 1}, {"keys", keys_}}.dump(); }

KeyPins::Check KeyPins::check(const std::string& person_id, const std::string& public_key) const {
  auto it = keys_.find(person_id);
  if (it == keys_.end()) return Check::unpinned;
  return it->second == public_key ? Check::matches : Check::changed;
}

Status pin_refusal(KeyPins::Check check, const std::string& who) {
  switch (check) {
    case KeyPins::Check::matches:
      return {};
    case KeyPins::Check::unpinned:
      return Status(ErrorCode::key_mismatch, "Compare " + who +
                                                 "'s key fingerprint with them (in person or on a call) and confirm it "
                                                 "before granting access.");
    case KeyPins::Check::changed:
      return Status(ErrorCode::key_mismatch,
                    who +
                        "'s key changed since you confirmed it (after a password reset, or the server offers a "
                        "key that is not theirs). Nothing was granted. Compare the new fingerprint with them before "
                        "confirming it.");
  }
  return {};
}

}  // namespace sealshot::console
