// A signed-in person as the console holds them: their key pair opened from
// the login answer and the project keys opened from their grants, in this
// process's memory only. Dropping the Session (sign-out, an expired session)
// wipes them: SecretKey zeroes its bytes when destroyed.
//
// Lives at one address once requests are in flight (the app holds it in a
// unique_ptr): grant replies come back to it.
#pragma once

#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "account_keys.h"
#include "key_pins.h"
#include "keys.h"
#include "lifetime.h"
#include "project_keys.h"
#include "review_client.h"

namespace sealshot::console {

class Session {
 public:
  Session() = default;
  Session(Session&&) = default;
  Session& operator=(Session&&) = default;

  // prelogin → KDF parameters checked against the range the client pins →
  // Argon2id → login → the wrapped secret key opened with the wrap key and
  // checked against the person's public key.
  static void sign_in(ReviewClient& api, const std::string& email, const std::string& password,
                      std::function<void(Result<Session>)> done);

  // A session whose keys the sign-in page already opened (the browser app:
  // the page signs in with the account module, then hands the key pair over).
  [[nodiscard]] static Result<Session> from_keys(MeAnswer me, const std::string& secret_key_text);
  // The same from the key's bytes (the browser: never a JS string).
  [[nodiscard]] static Result<Session> from_keys(MeAnswer me, std::span<const std::uint8_t, kKeyBytes> secret_key);

  const MeAnswer& me() const { return me_; }
  const KeyPair& person_keys() const { return keys_; }

  // Every key of the project this person holds, opened from GET …/grant,
  // newest first: each grant's public key is pinned per project and key
  // number on first use (KeyPins) and refused when it differs from its pin;
  // each opened secret key must belong to that public key. Cached for the
  // session; callers asking while the grant is on its way are answered
  // together. A failure is not cached (a grant may come later).
  void project_keys(ReviewClient& api, const std::string& org_id, const ProjectItem& project, Reply<ProjectKeys> reply);
  // Drops the cached keys of a project (someone else rotated it).
  void forget_project_keys(const std::string& project_id) { project_keys_.erase(project_id); }

  std::size_t project_keys_held() const { return project_keys_.size(); }
  // A project key made in this session (project_create: key 1; a rotation:
  // the new current key, the older ones kept): held like one opened from a
  // grant, and pinned.
  void adopt_project_key(const std::string& project_id, const SecretKey& key, std::int64_t number = 1);

  // Where project key pins live (the app: the signed-in person's saved
  // pins, and `saved` stores them); without this, pins last the session.
  void use_pins(KeyPins* pins, std::function<void()> saved) {
    pins_ = pins;
    pins_saved_ = std::move(saved);
  }
  KeyPins& pins() { return pins_ != nullptr ? *pins_ : own_pins_; }

 private:
  MeAnswer me_;
  KeyPair keys_;
  Result<ProjectKeys> open_keys(const ProjectItem& project, const std::vector<HeldGrant>& grants);

  std::map<std::string, ProjectKeys> project_keys_;                // by project id
  std::map<std::string, std::vector<Reply<ProjectKeys>>> asking_;  // grant requests in flight
  KeyPins* pins_ = nullptr;
  KeyPins own_pins_;
  std::function<void()> pins_saved_;
  Lifetime lifetime_;
};

}  // namespace sealshot::console
