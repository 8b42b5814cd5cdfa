// Team and keys of one organisation, for owners and admins: members with
// their roles and key fingerprints, invitations, and per project the roles
// and grants. A grant is made here: the project's secret key (in this
// process's memory, from the person's own grant) sealed to the member's
// public key, and only if that key's fingerprint was confirmed once and is
// still the key the server lists (KeyPins). People who may read a project
// but hold no grant (new, or their password was reset) are "waiting for
// access"; the console offers to grant them.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "key_pins.h"
#include "lifetime.h"
#include "review_client.h"
#include "session.h"

namespace sealshot::console {

class TeamModel {
 public:
  // `pins` outlives the model (the app keeps it per signed-in person).
  TeamModel(ReviewClient& api, Session& session, std::string org_id, KeyPins& pins);
  TeamModel(const TeamModel&) = delete;
  TeamModel& operator=(const TeamModel&) = delete;

  // The members, and the access of each project given.
  void load(const std::vector<ProjectItem>& projects);
  bool loading() const { return waiting_answers_ > 0; }
  const Status& status() const { return status_; }
  const std::vector<MemberItem>& members() const { return members_; }
  const MemberItem* member(const std::string& person_id) const;
  // "3F7A 91C2 …", or "" for someone who has not set up their account.
  static std::string fingerprint(const MemberItem& member);
  KeyPins::Check pin_check(const MemberItem& member) const;
  // The person compared the fingerprint now listed with its owner.
  void confirm_key(const std::string& person_id);

  const ProjectAccess* access(const std::string& project_id) const;
  // The project's key history (GET …/keys), newest first; empty until loaded.
  const std::vector<ProjectKeyItem>& key_history(const std::string& project_id) const;
  std::int64_t current_key_number(const std::string& project_id) const;
  // The key numbers a person holds, newest first; "has the key" means
  // holding the current number.
  std::vector<std::int64_t> keys_held(const std::string& project_id, const std::string& person_id) const;
  bool holds_current_key(const std::string& project_id, const std::string& person_id) const;
  // Members who may read the project (owners, admins and org viewers read
  // every project; others by a project role) and do not hold its current key.
  std::vector<const MemberItem*> waiting_for_access(const std::string& project_id) const;
  std::size_t waiting_total() const;

  // Seals the project's current key, and every older key the granter
  // holds (for reports sent before a rotation), to the member's confirmed
  // key and sends them with `project_role` ("reviewer", "viewer", or "" to
  // keep theirs). A key never confirmed, or changed since, is refused here
  // and nothing is sent.
  void grant(const ProjectItem& project, const std::string& person_id, const std::string& project_role,
             std::function<void(Status)> done);
  void revoke(const ProjectItem& project, const std::string& person_id, std::function<void(Status)> done);
  // Rotation: a new key pair made here, its secret key sealed to each
  // holder of the current key (their confirmed keys; anyone unconfirmed
  // stops it, nothing sent) and to the caller, POST …/keys replacing the
  // current number. The session then holds the new key (pinned); `done`
  // gets the project with its new public key, for the new snippet.
  void rotate(const ProjectItem& project, Reply<ProjectItem> done);
  // Organisation roles and membership; the server's refusals (an admin
  // touching an owner, the last owner) come back as sentences.
  void set_role(const std::string& person_id, const std::string& role, std::function<void(Status)> done);
  void remove_member(const std::string& person_id, std::function<void(Status)> done);
  void invite(const std::string& email, const std::string& role, Reply<Invitation> reply);

 private:
  void load_access(const std::string& project_id);
  std::string name_of(const MemberItem& m) const { return m.display_name.empty() ? m.email : m.display_name; }

  ReviewClient& api_;
  Session& session_;
  std::string org_id_;
  KeyPins& pins_;
  std::vector<MemberItem> members_;
  void reload_members();
  std::map<std::string, ProjectAccess> access_;                     // by project id
  std::map<std::string, std::vector<ProjectKeyItem>> key_history_;  // by project id
  int waiting_answers_ = 0;
  Status status_;
  Lifetime lifetime_;  // last: answers after the view closed are dropped
};

}  // namespace sealshot::console
