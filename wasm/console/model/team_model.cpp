#include "team_model.h"

#include <algorithm>

#include "key_fingerprint.h"
#include "key_wrap.h"

namespace sealshot::console {

TeamModel::TeamModel(ReviewClient& api, Session& session, std::string org_id, KeyPins& pins)
    : api_(api), session_(session), org_id_(std::move(org_id)), pins_(pins) {}

void TeamModel::load(const std::vector<ProjectItem>& projects) {
  ++waiting_answers_;
  api_.members(org_id_, lifetime_.guard([this](Result<std::vector<MemberItem>> members) {
    --waiting_answers_;
    if (!members.ok()) {
      status_ = members.status();
      return;
    }
    members_ = std::move(members).value();
  }));
  for (const ProjectItem& p : projects) load_access(p.id);
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
    const bool granted = std::find(a->granted.begin(), a->granted.end(), m.id) != a->granted.end();
    if ((reads_all || has_role) && !granted) out.push_back(&m);
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
  const std::string project_id = project.id;
  session_.project_key(api_, org_id_, project,
                       lifetime_.guard([this, project_id, person_id, project_role, key = person_key.value(),
                                        done](Result<SecretKey> secret) {
                         if (!secret.ok()) return done(secret.status());
                         Result<std::string> sealed = seal_grant(secret.value(), key);
                         if (!sealed.ok()) return done(sealed.status());
                         api_.set_access(org_id_, project_id, person_id, project_role, sealed.value(),
                                         lifetime_.guard([this, project_id, done](Result<Done> r) {
                                           if (r.ok()) load_access(project_id);
                                           done(r.status());
                                         }));
                       }));
}

void TeamModel::revoke(const ProjectItem& project, const std::string& person_id, std::function<void(Status)> done) {
  const std::string project_id = project.id;
  api_.revoke_access(org_id_, project_id, person_id, lifetime_.guard([this, project_id, done](Result<Done> r) {
    if (r.ok()) load_access(project_id);
    done(r.status());
  }));
}

void TeamModel::invite(const std::string& email, const std::string& role, Reply<Invitation> reply) {
  api_.invite(org_id_, email, role, std::move(reply));
}

}  // namespace sealshot::console
