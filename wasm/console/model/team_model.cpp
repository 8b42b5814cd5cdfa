#include "team_model.h"

#include <algorithm>
#include <memory>

#include "key_fingerprint.h"
#include "key_wrap.h"

namespace sealshot::console {

TeamModel::TeamModel(ReviewClient& api, Session& session, std::string org_id, KeyPins& pins)
    : api_(api), session_(session), org_id_(std::move(org_id)), pins_(pins) {}

void TeamModel::load(const std::vector<ProjectItem>& projects) {
  reload_members();
  for (const ProjectItem& p : projects) load_access(p.id);
}

void TeamModel::reload_members() {
  ++waiting_answers_;
  api_.members(org_id_, lifetime_.guard([this](Result<std::vector<MemberItem>> members) {
    --waiting_answers_;
    if (!members.ok()) {
      status_ = members.status();
      return;
    }
    members_ = std::move(members).value();
  }));
}

void TeamModel::load_access(const std::string& project_id) {
  ++waiting_answers_;
  api_.access(org_id_, project_id, lifetime_.guard([this, project_id](Result<ProjectAccess> access) {
    --waiting_answers_;
    if (!access.ok()) {
      status_ = access.status();
      return;
    }
    access_[project_id] = std::move(access).value();
  }));
  ++waiting_answers_;
  api_.project_keys(org_id_, project_id, lifetime_.guard([this, project_id](Result<std::vector<ProjectKeyItem>> keys) {
    --waiting_answers_;
    if (!keys.ok()) {
      status_ = keys.status();
      return;
    }
    key_history_[project_id] = std::move(keys).value();
  }));
}

const std::vector<ProjectKeyItem>& TeamModel::key_history(const std::string& project_id) const {
  static const std::vector<ProjectKeyItem> none;
  auto it = key_history_.find(project_id);
  return it == key_history_.end() ? none : it->second;
}

std::int64_t TeamModel::current_key_number(const std::string& project_id) const {
  for (const ProjectKeyItem& k : key_history(project_id)) {
    if (k.current) return k.key_number;
  }
  return 0;
}

std::vector<std::int64_t> TeamModel::keys_held(const std::string& project_id, const std::string& person_id) const {
  std::vector<std::int64_t> out;
  const ProjectAccess* a = access(project_id);
  if (a == nullptr) return out;
  for (const KeyGrantRow& g : a->grants) {
    if (g.person_id == person_id) out.push_back(g.key_number);
  }
  std::sort(out.rbegin(), out.rend());
  return out;
}

bool TeamModel::holds_current_key(const std::string& project_id, const std::string& person_id) const {
  const std::vector<std::int64_t> held = keys_held(project_id, person_id);
  const std::int64_t current = current_key_number(project_id);
  // Before the key history is known, any grant counts (a server before rotation has one key).
  if (current == 0) return !held.empty();
  return std::find(held.begin(), held.end(), current) != held.end();
}

const MemberItem* TeamModel::member(const std::string& person_id) const {
  for (const MemberItem& m : members_) {
    if (m.id == person_id) return &m;
  }
  return nullptr;
}

std::string TeamModel::fingerprint(const MemberItem& member) {
  Result<PublicKey> key = public_key_from_text(member.public_key);
  return key.ok() ? key_fingerprint(key.value()) : std::string();
}

KeyPins::Check TeamModel::pin_check(const MemberItem& member) const {
  // One's own key is the one this session opened: nothing to compare.
  if (member.id == session_.me().id && member.public_key == key_to_text(session_.person_keys().public_key)) {
    return KeyPins::Check::matches;
  }
  return pins_.check(member.id, member.public_key);
}

void TeamModel::confirm_key(const std::string& person_id) {
  const MemberItem* m = member(person_id);
  if (m != nullptr && public_key_from_text(m->public_key).ok()) pins_.pin(m->id, m->public_key);
}

const ProjectAccess* TeamModel::access(const std::string& project_id) const {
  auto it = access_.find(project_id);
  return it == access_.end() ? nullptr : &it->second;
}

std::vector<const MemberItem*> TeamModel::waiting_for_access(const std::string& project_id) const {
  std::vector<const MemberItem*> out;
  const ProjectAccess* a = access(project_id);
  if (a == nullptr) return out;
  for (const MemberItem& m : members_) {
    if (m.public_key.empty()) continue;  // not set up yet: nothing to seal to
    const bool reads_all = m.role == "owner" || m.role == "admin" || m.role == "viewer";
    const bool has_role = std::any_of(a->roles.begin(), a->roles.end(), [&](const auto& r) { return r.first == m.id; });
    if ((reads_all || has_role) && !holds_current_key(project_id, m.id)) out.push_back(&m);
  }
  return out;
}

std::size_t TeamModel::waiting_total() const {
  std::size_t n = 0;
  for (const auto& [project_id, access] : access_) n += waiting_for_access(project_id).size();
  return n;
}

void TeamModel::grant(const ProjectItem& project, const std::string& person_id, const std::string& project_role,
                      std::function<void(Status)> done) {
  const MemberItem* m = member(person_id);
  Status refusal = m == nullptr ? Status(ErrorCode::not_found, "No such member in this organisation.")
                   : m->public_key.empty()
                       ? Status(ErrorCode::invalid_argument, name_of(*m) +
                                                                 " has not set up their account yet: there is no key "
                                                                 "to seal the project key to.")
                       : pin_refusal(pin_check(*m), name_of(*m));
  Result<PublicKey> person_key = m != nullptr ? public_key_from_text(m->public_key) : Result<PublicKey>(refusal);
  if (refusal.ok() && !person_key.ok()) refusal = person_key.status();
  if (!refusal.ok()) return api_.defer(lifetime_.guard([done, refusal] { done(refusal); }));
  session_.project_keys(api_, org_id_, project,
                        lifetime_.guard([this, project, person_id, project_role, key = person_key.value(),
                                         done](Result<ProjectKeys> keys) {
                          if (!keys.ok()) return done(keys.status());
                          const HeldProjectKey* current = keys.value().current();
                          const std::int64_t listed = current_key_number(project.id);
                          if (current == nullptr || (listed != 0 && current->number != listed)) {
                            return done(Status(ErrorCode::conflict,
                                               "You do not hold the project's current key (it was rotated since you "
                                               "opened it, or you were not given it). Nothing was granted; reload "
                                               "the console and try again."));
                          }
                          Result<std::string> sealed = seal_grant(current->secret_key, key);
                          if (!sealed.ok()) return done(sealed.status());
                          std::vector<std::pair<std::int64_t, std::string>> older;
                          for (const HeldProjectKey& k : keys.value().keys) {
                            if (&k == current || k.number < 1) continue;
                            Result<std::string> o = seal_grant(k.secret_key, key);
                            if (!o.ok()) return done(o.status());
                            older.emplace_back(k.number, o.value());
                          }
                          const std::string project_id = project.id;
                          api_.set_access(org_id_, project_id, person_id, project_role, sealed.value(),
                                          lifetime_.guard([this, project_id, done](Result<Done> r) {
                                            if (r.ok()) load_access(project_id);
                                            done(r.status());
                                          }),
                                          older);
                        }));
}

void TeamModel::revoke(const ProjectItem& project, const std::string& person_id, std::function<void(Status)> done) {
  const std::string project_id = project.id;
  api_.revoke_access(org_id_, project_id, person_id, lifetime_.guard([this, project_id, done](Result<Done> r) {
    if (r.ok()) load_access(project_id);
    done(r.status());
  }));
}

void TeamModel::rotate(const ProjectItem& project, Reply<ProjectItem> done) {
  const auto refuse = [this, done](Status st) { api_.defer(lifetime_.guard([done, st] { done(st); })); };
  const std::int64_t replaces = current_key_number(project.id);
  if (replaces == 0 || access(project.id) == nullptr) {
    return refuse(Status(ErrorCode::invalid_argument, "The project's keys and access are still loading."));
  }
  // Everyone who holds the current key keeps access, each sealed to a key
  // confirmed here; the caller first.
  std::vector<std::pair<std::string, PublicKey>> people{{session_.me().id, session_.person_keys().public_key}};
  std::string unconfirmed;
  for (const KeyGrantRow& g : access(project.id)->grants) {
    if (g.key_number != replaces || g.person_id == session_.me().id) continue;
    const MemberItem* m = member(g.person_id);
    Result<PublicKey> key = m != nullptr ? public_key_from_text(m->public_key)
                                         : Result<PublicKey>(Status(ErrorCode::not_found, "No such member."));
    if (m == nullptr || !key.ok() || pin_check(*m) != KeyPins::Check::matches) {
      unconfirmed += (unconfirmed.empty() ? "" : ", ") + (m != nullptr ? name_of(*m) : g.person_id);
      continue;
    }
    people.emplace_back(m->id, key.value());
  }
  if (!unconfirmed.empty()) {
    return refuse(Status(ErrorCode::key_mismatch, "Nothing was changed: confirm the key fingerprint of " + unconfirmed +
                                                      " first (Compare…), or remove their access, then rotate."));
  }
  Result<KeyPair> fresh = keypair_generate();
  if (!fresh.ok()) return refuse(fresh.status());
  std::vector<std::pair<std::string, std::string>> grants;
  for (const auto& [person_id, key] : people) {
    Result<std::string> sealed = seal_grant(fresh.value().secret_key, key);
    if (!sealed.ok()) return refuse(sealed.status());
    grants.emplace_back(person_id, sealed.value());
  }
  // The new secret key waits here for the server's answer; wiped with the KeyPair.
  auto pending = std::make_shared<KeyPair>(fresh.value());
  const std::string sent = key_to_text(pending->public_key);
  api_.rotate_key(org_id_, project.id, sent, grants, replaces,
                  lifetime_.guard([this, project, pending, sent, done](Result<RotatedKey> rotated) {
                    if (!rotated.ok()) return done(rotated.status());
                    if (rotated.value().key.public_key != sent) {
                      return done(Status(ErrorCode::key_mismatch,
                                         "The server stored another public key than the one sent; do not use this "
                                         "project's snippet and tell an owner."));
                    }
                    session_.adopt_project_key(project.id, pending->secret_key, rotated.value().key.key_number);
                    load_access(project.id);
                    ProjectItem updated = project;
                    updated.public_key = sent;
                    done(updated);
                  }));
}

void TeamModel::set_role(const std::string& person_id, const std::string& role, std::function<void(Status)> done) {
  api_.set_member_role(org_id_, person_id, role, lifetime_.guard([this, done](Result<Done> r) {
    if (r.ok()) reload_members();
    done(r.status());
  }));
}

void TeamModel::remove_member(const std::string& person_id, std::function<void(Status)> done) {
  api_.remove_member(org_id_, person_id, lifetime_.guard([this, done](Result<Done> r) {
    if (r.ok()) {
      reload_members();
      for (const auto& [project_id, a] : access_) load_access(project_id);
    }
    done(r.status());
  }));
}

void TeamModel::invite(const std::string& email, const std::string& role, Reply<Invitation> reply) {
  api_.invite(org_id_, email, role, std::move(reply));
}

}  // namespace sealshot::console
