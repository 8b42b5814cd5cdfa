#include "session.h"

#include <sodium.h>

#include <algorithm>
#include <memory>

#include "key_wrap.h"

namespace sealshot::console {

void Session::sign_in(ReviewClient& api, const std::string& email, const std::string& password,
                      std::function<void(Result<Session>)> done) {
  // The password is held until the KDF parameters arrive, then wiped.
  auto secret = std::make_shared<std::string>(password);
  api.prelogin(email, [&api, email, secret, done](Result<KdfAnswer> kdf) {
    const auto finish = [&](Result<Session> r) {
      sodium_memzero(secret->data(), secret->size());
      done(std::move(r));
    };
    if (!kdf.ok()) return finish(kdf.status());
    // A malicious server could offer cheaper parameters; the core refuses
    // anything outside the pinned range before the password is used.
    const KdfParams params{kdf.value().opslimit, static_cast<std::size_t>(kdf.value().memlimit)};
    if (Status st = kdf_params_acceptable(params); !st.ok()) return finish(st);
    Result<AccountSalt> salt = account_salt_from_text(kdf.value().salt);
    if (!salt.ok()) return finish(salt.status());
    Result<AccountKeys> keys = derive_account_keys(*secret, salt.value(), params);
    sodium_memzero(secret->data(), secret->size());
    if (!keys.ok()) return finish(keys.status());
    auto wrap = std::make_shared<AccountKeys>(std::move(keys).value());
    api.login(email, auth_key_to_text(*wrap), [wrap, done](Result<MeAnswer> me) {
      if (!me.ok()) return done(me.status());
      Result<PublicKey> public_key = public_key_from_text(me.value().public_key);
      if (!public_key.ok()) return done(public_key.status());
      Result<SecretKey> secret_key =
          unwrap_secret_key(me.value().wrapped_secret_key, wrap->wrap_key, public_key.value());
      if (!secret_key.ok()) return done(secret_key.status());
      Session session;
      session.me_ = std::move(me).value();
      session.keys_.public_key = public_key.value();
      session.keys_.secret_key = secret_key.value();
      done(std::move(session));
    });
  });
}

Result<Session> Session::from_keys(MeAnswer me, const std::string& secret_key_text) {
  Result<SecretKey> secret = secret_key_from_text(secret_key_text);
  if (!secret.ok()) return secret.status();
  return from_keys(std::move(me), std::span<const std::uint8_t, kKeyBytes>(secret.value().bytes));
}

Result<Session> Session::from_keys(MeAnswer me, std::span<const std::uint8_t, kKeyBytes> secret_key) {
  Result<PublicKey> public_key = public_key_from_text(me.public_key);
  if (!public_key.ok()) return public_key.status();
  Result<SecretKey> secret = SecretKey{};
  std::copy(secret_key.begin(), secret_key.end(), secret.value().bytes.begin());
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

void Session::project_keys(ReviewClient& api, const std::string& org_id, const ProjectItem& project,
                           Reply<ProjectKeys> reply) {
  if (auto it = project_keys_.find(project.id); it != project_keys_.end()) return reply(it->second);
  std::vector<Reply<ProjectKeys>>& waiting = asking_[project.id];
  waiting.push_back(std::move(reply));
  if (waiting.size() > 1) return;  // the grant is already on its way
  api.grant(org_id, project.id, lifetime_.guard([this, project](Result<std::vector<HeldGrant>> grants) {
    std::vector<Reply<ProjectKeys>> waiting = std::move(asking_[project.id]);
    asking_.erase(project.id);
    Result<ProjectKeys> keys = grants.ok() ? open_keys(project, grants.value()) : Result<ProjectKeys>(grants.status());
    if (keys.ok()) project_keys_[project.id] = keys.value();
    for (auto& r : waiting) r(keys);
  }));
}

Result<ProjectKeys> Session::open_keys(const ProjectItem& project, const std::vector<HeldGrant>& grants) {
  ProjectKeys out;
  Status first_failure;
  bool pinned = false;
  for (const HeldGrant& g : grants) {
    // A server before key rotation names no public key: the project's.
    const std::string listed = g.public_key.empty() ? project.public_key : g.public_key;
    Result<PublicKey> public_key = public_key_from_text(listed);
    if (!public_key.ok()) return public_key.status();
    const KeyPins::Check check = pins().check_project(project.id, g.key_number, listed);
    if (check == KeyPins::Check::changed) return project_pin_refusal(project.name, g.key_number);
    Result<SecretKey> secret = open_grant(g.sealed_key, keys_, public_key.value());
    if (secret.code() == ErrorCode::key_mismatch) {
      return Status(ErrorCode::key_mismatch, "Your grant of key " + std::to_string(g.key_number) + " of project \"" +
                                                 project.name +
                                                 "\" holds a key that is not the project's: it was refused (the "
                                                 "server may have substituted it).");
    }
    if (!secret.ok()) {
      // E.g. sealed to a key this person had before a password reset; the others may still open.
      if (first_failure.ok()) first_failure = secret.status();
      continue;
    }
    if (check == KeyPins::Check::unpinned) {
      pins().pin_project(project.id, g.key_number, listed);
      pinned = true;
    }
    out.keys.push_back({g.key_number, public_key.value(), secret.value(), g.retired_at_ms == 0});
  }
  if (pinned && pins_saved_) pins_saved_();
  if (out.keys.empty()) {
    return first_failure.ok() ? Status(ErrorCode::grant_open_failed, "You hold no key of this project.")
                              : first_failure;
  }
  return out;
}

void Session::adopt_project_key(const std::string& project_id, const SecretKey& key, std::int64_t number) {
  Result<PublicKey> public_key = public_key_from_secret(key);
  if (!public_key.ok()) return;
  ProjectKeys& held = project_keys_[project_id];
  for (HeldProjectKey& k : held.keys) k.current = false;
  held.keys.insert(held.keys.begin(), HeldProjectKey{number, public_key.value(), key, true});
  pins().pin_project(project_id, number, key_to_text(public_key.value()));
  if (pins_saved_) pins_saved_();
}

}  // namespace sealshot::console
