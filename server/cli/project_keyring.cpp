#include "project_keyring.h"

#include <iostream>

#include "cli_error.h"
#include "key_fingerprint.h"
#include "key_wrap.h"

namespace sealshot::cli {

using nlohmann::json;

std::string project_key_pin_id(const std::string& project_id, std::int64_t number) {
  return number == 1 ? project_id : project_id + "#" + std::to_string(number);
}

namespace {

PublicKey pinned_project_key(KeyPins& pins, const std::string& project_id, std::int64_t number,
                             const std::string& text) {
  const PublicKey key = take(public_key_from_text(text));
  const std::string id = project_key_pin_id(project_id, number);
  if (!pins.has("project", id)) {
    std::cerr << "Pinned key " << number << " of project " << project_id << ", fingerprint " << key_fingerprint(key)
              << ".\n";
  }
  pins.check_or_pin("project", id, key);
  return key;
}

}  // namespace

std::vector<HeldProjectKey> open_held_keys(ReviewClient& client, KeyPins& pins, const std::string& project_path,
                                           const std::string& project_id, const KeyPair& me,
                                           const std::string& expected_current) {
  const json grant = client.get(project_path + "/grant").json();
  json items = grant.value("keys", json::array());
  if (!items.is_array() || items.empty()) {
    // A server before key rotation: one grant, of the project's only key.
    const json project = client.get(project_path).json();
    items = json::array({{{"key_number", 1},
                          {"public_key", project.value("public_key", "")},
                          {"sealed_key", grant.value("sealed_key", "")},
                          {"retired_at_ms", 0}}});
  }
  std::vector<HeldProjectKey> held;
  std::size_t unopened = 0;
  for (const json& item : items) {
    if (!item.is_object() || !item.contains("key_number") || !item["key_number"].is_number_integer()) {
      throw CommandError("The server's list of your project keys is malformed.");
    }
    HeldProjectKey key;
    key.number = item["key_number"].get<std::int64_t>();
    key.current = item.value("retired_at_ms", std::int64_t(0)) == 0;
    key.public_key = pinned_project_key(pins, project_id, key.number, item.value("public_key", ""));
    if (key.current && !expected_current.empty() &&
        key_to_text(take(public_key_from_text(expected_current))) != key_to_text(key.public_key)) {
      throw CommandError("The server's public key for " + project_id + " is not the one given with --project-key.");
    }
    Result<SecretKey> secret = open_grant(item.value("sealed_key", ""), me, key.public_key);
    if (!secret.ok()) {
      if (secret.code() == ErrorCode::key_mismatch) {
        throw CommandError("Your grant of key " + std::to_string(key.number) +
                           " holds a key that is not this project's: refusing it (the server may have substituted "
                           "it).");
      }
      ++unopened;  // e.g. sealed before a password reset; the others may still open
      continue;
    }
    key.secret_key = secret.value();
    held.push_back(key);
  }
  if (held.empty()) {
    throw CommandError(
        "Your grant for this project does not open with your key (made before a password reset?); "
        "ask an owner or admin to grant it again.");
  }
  if (unopened > 0) {
    std::cerr << unopened << " of your grants for this project do not open with your key; ask an owner or admin "
              << "to grant them again.\n";
  }
  return held;
}

std::vector<SecretKey> secret_keys_of(const std::vector<HeldProjectKey>& keys) {
  std::vector<SecretKey> out;
  for (const HeldProjectKey& k : keys) out.push_back(k.secret_key);
  return out;
}

std::string key_numbers_text(const std::vector<HeldProjectKey>& keys) {
  std::string out = keys.size() == 1 ? "key " : "keys ";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += i + 1 == keys.size() ? " and " : ", ";
    out += std::to_string(keys[i].number);
  }
  return out;
}

}  // namespace sealshot::cli
