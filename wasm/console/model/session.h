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
#include <string>
#include <vector>

#include "account_keys.h"
#include "keys.h"
#include "lifetime.h"
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

  const MeAnswer& me() const { return me_; }
  const KeyPair& person_keys() const { return keys_; }

  // The project's secret key, opened from GET …/grant and checked against
  // the project's public key (the key the client trusts for the project).
  // Cached for the session; callers asking while the grant is on its way
  // are answered together. A failure is not cached (a grant may come later).
  void project_key(ReviewClient& api, const std::string& org_id, const ProjectItem& project, Reply<SecretKey> reply);

  std::size_t project_keys_held() const { return project_keys_.size(); }
  // A project key made in this session (project_create): held like one
  // opened from a grant.
  void adopt_project_key(const std::string& project_id, const SecretKey& key) { project_keys_[project_id] = key; }

 private:
  MeAnswer me_;
  KeyPair keys_;
  std::map<std::string, SecretKey> project_keys_;               // by project id
  std::map<std::string, std::vector<Reply<SecretKey>>> asking_;  // grant requests in flight
  Lifetime lifetime_;
};

}  // namespace sealshot::console
