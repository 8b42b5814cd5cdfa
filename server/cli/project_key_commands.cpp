// `sealshot project rotate-key` and `sealshot project revoke [--rotate]`:
// a new key pair for a project's new reports, made here and sealed to each
// person who keeps access, after their public key was confirmed (pinned, or
// --fingerprint); and taking a person's access away, optionally rotating in
// the same step so they cannot open reports sent from then on. Old reports
// keep their old key (docs/security.md says what that means).
#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "cli_error.h"
#include "key_fingerprint.h"
#include "key_wrap.h"
#include "project_keyring.h"
#include "review_support.h"
#include "snippet.h"
#include "storage/accounts.h"

namespace sealshot::cli {
namespace {

using nlohmann::json;

struct RotationPlan {
  std::int64_t replaces = 0;          // the key number being retired
  std::vector<MemberKey> people;      // who gets the new key (the caller first)
  std::vector<std::string> left_out;  // --leave-out emails that held the current key
};

// --fingerprint EMAIL=FINGERPRINT, by normalised email.
std::map<std::string, std::string> confirmed_fingerprints(const ReviewOptions& o) {
  std::map<std::string, std::string> out;
  for (const std::string& entry : o.fingerprints) {
    const std::size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == entry.size()) {
      throw UsageError("--fingerprint takes EMAIL=FINGERPRINT (as the person told you), not '" + entry + "'.");
    }
    out[take(server::email_normalize(entry.substr(0, eq)))] = entry.substr(eq + 1);
  }
  return out;
}

// Who holds the current key now (except `excluded`), each with a confirmed
// public key. Nothing is sent: an unconfirmed key stops the whole rotation.
RotationPlan plan_rotation(Signed& s, const ReviewOptions& o, const UnlockedAccount& me, const std::string& excluded) {
  RotationPlan plan;
  plan.replaces = current_key_number(s, o);
  const std::string my_id = me.account.value("id", "");
  plan.people.push_back({my_id, me.account.value("email", ""), me.keys.public_key});
  std::set<std::string> holders;
  const json grants = s.client.get(project_path(o) + "/access").json().value("grants", json::array());
  for (const json& g : grants) {
    if (g.value("key_number", std::int64_t(0)) == plan.replaces) holders.insert(g.value("person_id", ""));
  }
  const std::map<std::string, std::string> fingerprints = confirmed_fingerprints(o);
  std::set<std::string> leave_out;
  for (const std::string& email : o.leave_out) leave_out.insert(take(server::email_normalize(email)));
  const json members = list_members(s, o);
  std::vector<std::string> unconfirmed;
  for (const std::string& person_id : holders) {
    if (person_id == my_id || person_id == excluded) continue;
    const MemberKey member = member_by_id(members, person_id, o.org);
    if (leave_out.count(member.email)) {
      plan.left_out.push_back(member.email);
      continue;
    }
    const auto fp = fingerprints.find(member.email);
    if (member_key_confirmed(s, member, fp == fingerprints.end() ? "" : fp->second)) {
      plan.people.push_back(member);
    } else {
      unconfirmed.push_back(member.email);
    }
  }
  std::sort(plan.people.begin() + 1, plan.people.end(),
            [](const MemberKey& a, const MemberKey& b) { return a.email < b.email; });
  if (!unconfirmed.empty()) {
    std::string names;
    for (const std::string& e : unconfirmed) names += (names.empty() ? "" : ", ") + e;
    throw CommandError("Nothing was changed: nobody confirmed the key fingerprint of " + names +
                       " on this computer. Ask each for their fingerprint outside this server and give --fingerprint "
                       "EMAIL=FINGERPRINT, or --leave-out EMAIL (grant them later with `sealshot review grant`).");
  }
  return plan;
}

// Makes the new key pair, seals it to everyone in the plan, uploads, pins
// it and prints the new snippet (stdout) and who got the key (stderr).
void rotate(Signed& s, const ReviewOptions& o, const RotationPlan& plan) {
  const KeyPair fresh = take(keypair_generate());
  json grants = json::array();
  for (const MemberKey& m : plan.people) {
    grants.push_back({{"person_id", m.person_id}, {"sealed_key", take(seal_grant(fresh.secret_key, m.public_key))}});
  }
  const json answer =
      s.client
          .send("POST", project_path(o) + "/keys",
                {{"public_key", key_to_text(fresh.public_key)}, {"grants", grants}, {"replaces", plan.replaces}})
          .json();
  if (answer.value("public_key", "") != key_to_text(fresh.public_key) || !answer.contains("key_number") ||
      !answer["key_number"].is_number_integer()) {
    throw CommandError("The server stored another public key than the one sent; do not use this project's snippet.");
  }
  const std::int64_t number = answer["key_number"].get<std::int64_t>();
  s.pins.check_or_pin("project", project_key_pin_id(o.project, number), fresh.public_key);
  server::Project project;
  project.id = o.project;
  project.public_key = key_to_text(fresh.public_key);
  std::cout << embed_snippet(s.client.address().origin, project, std::nullopt) << "\n";
  std::string names;
  for (const MemberKey& m : plan.people) names += (names.empty() ? "" : ", ") + m.email;
  std::cerr << "Rotated " << o.project << " to key " << number << " (fingerprint " << key_fingerprint(fresh.public_key)
            << "), sealed to " << names << ". Put the snippet above on your site: new reports need the new key; "
            << "reports sent before keep opening with the older keys.\n";
  for (const std::string& e : plan.left_out) {
    std::cerr << "Left out: " << e << " (grant them the new key with `sealshot review grant`).\n";
  }
}

void project_rotate_key(const ReviewOptions& o) {
  Signed s(o.session);
  const UnlockedAccount me = unlock(s, o);
  rotate(s, o, plan_rotation(s, o, me, ""));
}

void project_revoke(const ReviewOptions& o) {
  Signed s(o.session);
  const std::string wanted = take(server::email_normalize(o.email));
  std::string person_id;
  for (const json& m : list_members(s, o)) {
    if (m.value("email", "") == wanted) person_id = m.value("id", "");
  }
  if (person_id.empty()) throw CommandError(wanted + " is not a member of " + o.org + ".");
  // With --rotate every check comes first, so a refused rotation leaves the
  // access as it was.
  std::optional<RotationPlan> plan;
  if (o.rotate) {
    const UnlockedAccount me = unlock(s, o);
    if (me.account.value("id", "") == person_id) throw UsageError("You cannot revoke your own access and rotate.");
    plan = plan_rotation(s, o, me, person_id);
  }
  checked_answer(s.client.request("DELETE", project_path(o) + "/access/" + path_segment(person_id), nullptr));
  std::cerr << "Revoked " << wanted << "'s access to " << o.project << ": their project role and key grants are gone."
            << (o.rotate ? ""
                         : " Reports still open with the keys they may have kept; `--rotate` (or `sealshot project "
                           "rotate-key`) gives new reports a key they never had.")
            << "\n";
  if (plan) rotate(s, o, *plan);
}

void add_confirmations(CLI::App* c, ReviewOptions& o) {
  c->add_option("--fingerprint", o.fingerprints,
                "EMAIL=FINGERPRINT of a person who keeps access, as they told you (repeatable; needed once per "
                "person this computer has not confirmed)");
  c->add_option("--leave-out", o.leave_out, "Do not give this person (email) the new key (repeatable)");
}

}  // namespace

void register_project_key_commands(CLI::App& project, const std::shared_ptr<ReviewOptions>& o) {
  auto* rotate_cmd = project.add_subcommand(
      "rotate-key",
      "Give a project a new key pair for new reports (made here), sealed to each person who holds its key now.");
  add_session_options(rotate_cmd, o->session, true, true);
  add_org_project(rotate_cmd, *o);
  add_confirmations(rotate_cmd, *o);
  rotate_cmd->callback([o] { project_rotate_key(*o); });

  auto* revoke = project.add_subcommand(
      "revoke", "Take a person's access to a project away (role and key grants); --rotate also rotates its key.");
  add_session_options(revoke, o->session, true, true);
  add_org_project(revoke, *o);
  revoke->add_option("--email", o->email, "The member's email address")->required();
  revoke->add_flag("--rotate", o->rotate, "Then rotate the project's key, so they cannot open new reports");
  add_confirmations(revoke, *o);
  revoke->callback([o] { project_revoke(*o); });
}

}  // namespace sealshot::cli
