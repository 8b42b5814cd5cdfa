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
  // Lists saved before project keys were pinned have no "projects".
  if (auto projects = j.find("projects"); projects != j.end()) {
    if (!projects->is_object()) {
      return Status(ErrorCode::invalid_argument, "The saved key confirmations are not readable; confirm keys again.");
    }
    for (const auto& [id, key] : projects->items()) {
      if (!key.is_string() || !public_key_from_text(key.get<std::string>()).ok()) {
        return Status(ErrorCode::invalid_argument, "The saved key confirmations are not readable; confirm keys again.");
      }
      pins.project_keys_[id] = key.get<std::string>();
    }
  }
  return pins;
}

std::string KeyPins::to_json() const {
  return nlohmann::json{{"version", 1}, {"keys", keys_}, {"projects", project_keys_}}.dump();
}

KeyPins::Check KeyPins::check_project(const std::string& project_id, std::int64_t number,
                                      const std::string& public_key) const {
  auto it = project_keys_.find(project_pin_id(project_id, number));
  if (it == project_keys_.end()) return Check::unpinned;
  return it->second == public_key ? Check::matches : Check::changed;
}

namespace {
constexpr std::string_view kProjectPinStart = "The server now lists a different key ";
}  // namespace

Status project_pin_refusal(const std::string& project_name, std::int64_t number) {
  return Status(ErrorCode::key_mismatch,
                std::string(kProjectPinStart) + std::to_string(number) + " for project \"" + project_name +
                    "\" than the one this browser saw before. Key numbers are never reused, so this key was "
                    "substituted: nothing was opened or sealed with it. Tell an owner of the organisation.");
}

bool is_project_pin_refusal(const Status& status) {
  return status.code() == ErrorCode::key_mismatch && status.message().rfind(kProjectPinStart, 0) == 0;
}

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
