// A signed-in person as the console holds them: their key pair opened from
// the login answer (the secret key only in this process's memory, wiped
// when the session is dropped) and the project keys opened from their grants.
#pragma once

#include <map>
#include <string>

#include "account_keys.h"
#include "keys.h"
#include "review_client.h"

namespace sealshot::console {

class Session {
 public:
  // prelogin → KDF parameters checked against the range the client pins →
  // Argon2id → login → the wrapped secret key opened with the wrap key and
  // checked against the person's public key.
  [[nodiscard]] static Result<Session> sign_in(ReviewClient& api, const std::string& email, const std::string& password);

  // A session whose keys the sign-in page already opened (the browser app:
  // the page signs in with the account module, then hands the key pair over).
  [[nodiscard]] static Result<Session> from_keys(MeAnswer me, const std::string& secret_key_text);

  const MeAnswer& me() const { return me_; }
  const KeyPair& person_keys() const { return keys_; }

  // The project's secret key, opened from GET …/grant and checked against
  // `project_public_key` (the key the client trusts for the project).
  // Cached for the session.
  [[nodiscard]] Result<SecretKey> project_key(ReviewClient& api, const std::string& org_id, const ProjectItem& project);

 private:
  MeAnswer me_;
  KeyPair keys_;
  std::map<std::string, SecretKey> project_keys_;  // by project id
};

}  // namespace sealshot::console
