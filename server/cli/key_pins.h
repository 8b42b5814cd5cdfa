// Public keys this CLI has confirmed, per server (pins.json next to the
// session file, 0600). The server may be malicious and substitute keys
// (docs/security.md): a person's key is pinned when someone confirmed its
// fingerprint (or when it is one's own, proven by unwrapping the secret key);
// a project's key when this CLI made or imported it, or on first use. Later
// answers must match the pin, or the command refuses.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "keys.h"

namespace sealshot::cli {

class KeyPins {
 public:
  KeyPins(std::string path, std::string server_origin);

  // Refuses (CommandError) when `key` differs from the key pinned for `id`;
  // pins it when nothing was. kind: "person" or "project".
  void check_or_pin(const std::string& kind, const std::string& id, const PublicKey& key);
  bool has(const std::string& kind, const std::string& id) const;

 private:
  void save() const;
  std::string path_;
  std::string origin_;
  nlohmann::json pins_;
};

// pins.json in the session file's folder.
std::string pins_path_for(const std::string& session_path);

}  // namespace sealshot::cli
