#include "key_pins.h"

#include <filesystem>

#include "cli_error.h"
#include "file_io.h"

namespace sealshot::cli {

std::string pins_path_for(const std::string& session_path) {
  return (std::filesystem::path(session_path).parent_path() / "pins.json").string();
}

KeyPins::KeyPins(std::string path, std::string server_origin)
    : path_(std::move(path)), origin_(std::move(server_origin)), pins_(nlohmann::json::object()) {
  if (!std::filesystem::exists(path_)) return;
  std::vector<std::uint8_t> bytes = take(read_file(path_, 16 * 1024 * 1024));
  pins_ = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (!pins_.is_object()) {
    throw CommandError("'" + path_ + "' is damaged; it holds the keys you confirmed, so it is not replaced silently.");
  }
}

bool KeyPins::has(const std::string& kind, const std::string& id) const {
  return pins_.contains(origin_) && pins_[origin_].contains(kind) && pins_[origin_][kind].contains(id);
}

void KeyPins::check_or_pin(const std::string& kind, const std::string& id, const PublicKey& key) {
  const std::string text = key_to_text(key);
  if (has(kind, id)) {
    const nlohmann::json& pinned = pins_[origin_][kind][id];
    if (!pinned.is_string() || pinned.get<std::string>() != text) {
      throw CommandError("The server now gives a different public key for " + kind + " " + id +
                         " than the one confirmed before (" + path_ +
                         "). Nothing was sent. If the key really changed (a password reset or a new project key), "
                         "confirm the new fingerprint in person and remove the old pin.");
    }
    return;
  }
  pins_[origin_][kind][id] = text;
  save();
}

void KeyPins::save() const {
  const std::string text = pins_.dump(2) + "\n";
  check(write_file_atomic(path_, text.data(), text.size(), 0600));
}

}  // namespace sealshot::cli
