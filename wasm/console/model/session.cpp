#include "session.h"

#include "key_wrap.h"

namespace sealshot::console {

Result<Session> Session::sign_in(ReviewClient& api, const std::string& email, const std::string& password) {
  Result<KdfAnswer> kdf = api.prelogin(email);
  if (!kdf.ok()) return kdf.status();
  // A malicious server could offer cheaper parameters; the core refuses
  // anything outside the pinned range before the password is used.
  const KdfParams params{kdf.value().opslimit, static_cast<std::size_t>(kdf.value().memlimit)};
  if (Status st = kdf_params_acceptable(params); !st.ok()) return st;
  Result<AccountSalt> salt = account_salt_from_text(kdf.value().salt);
  if (!salt.ok()) return salt.status();
  Result<AccountKeys> keys = derive_account_keys(password, salt.value(), params);
  if (!keys.ok()) return keys.status();

  Result<MeAnswer> me = api.login(email, auth_key_to_text(keys.value()));
  if (!me.ok()) return me.status();
  Result<PublicKey> public_key = public_key_from_text(me.value().public_key);
  if (!public_key.ok()) return public_key.status();
  Result<SecretKey> secret = unwrap_secret_key(me.value().wrapped_secret_key, keys.value().wrap_key, public_key.value());
  if (!secret.ok()) return secret.status();
  Session session;
  session.me_ = std::move(me).value();
  session.keys_.public_key = public_key.value();
  session.keys_.secret_key = secret.value();
  return session;
}

Result<Session> Session::from_keys(MeAnswer me, const std::string& secret_key_text) {
  Result<PublicKey> public_key = public_key_from_text(me.public_key);
  if (!public_key.ok()) return public_key.status();
  Result<SecretKey> secret = secret_key_from_text(secret_key_text);
  if (!secret.ok()) return secret.status();
  Result<PublicKey> derived = public_key_from_secret(secret.value());
  if (!derived.ok()) return derived.status();
  if (derived.value().bytes != public_key.value().bytes) {
    return Status(ErrorCode::key_mismatch, "The secret key does not belong to this person's public key.");
  }
  Session session;
  session.me_ = std::move(me);
  session.keys_.public_key = public_key.value();
  session.keys_.secret_key = secret.value();
  return session;
}

Result<SecretKey> Session::project_key(ReviewClient& api, const std::string& org_id, const ProjectItem& project) {
  if (auto it = project_keys_.find(project.id); it != project_keys_.end()) return it->second;
  Result<PublicKey> expected = public_key_from_text(project.public_key);
  if (!expected.ok()) return expected.status();
  Result<std::string> grant = api.grant(org_id, project.id);
  if (!grant.ok()) return grant.status();
  Result<SecretKey> key = open_grant(grant.value(), keys_, expected.value());
  if (!key.ok()) return key.status();
  project_keys_.emplace(project.id, key.value());
  return key;
}

}  // namespace sealshot::console
