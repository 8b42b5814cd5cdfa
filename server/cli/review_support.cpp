#include "review_support.h"

#include <cctype>

#include "cli_error.h"
#include "key_fingerprint.h"
#include "password_input.h"
#include "storage/accounts.h"

namespace sealshot::cli {

using nlohmann::json;

std::string project_path(const ReviewOptions& o) {
  return "/v1/orgs/" + path_segment(o.org) + "/projects/" + path_segment(o.project);
}

UnlockedAccount unlock(Signed& s, const ReviewOptions& o) {
  Password password;
  read_password(o.session.password_file, "Password for " + s.session.email, false, password);
  return unlock_account(s.client, password, s.pins);
}

json list_members(Signed& s, const ReviewOptions& o) {
  return s.client.get("/v1/orgs/" + path_segment(o.org) + "/members").json().value("items", json::array());
}

namespace {

MemberKey member_from(const json& m) {
  MemberKey out{m.value("id", ""), m.value("email", ""), {}};
  if (m.value("public_key", "").empty()) {
    throw CommandError(out.email + " has not set up their account yet; grant once they have.");
  }
  out.public_key = take(public_key_from_text(m.value("public_key", "")));
  return out;
}

}  // namespace

MemberKey member_by_email(const json& members, const std::string& email, const std::string& org) {
  const std::string wanted = take(server::email_normalize(email));
  for (const json& m : members) {
    if (m.value("email", "") == wanted) return member_from(m);
  }
  throw CommandError(wanted + " is not a member of " + org + ".");
}

MemberKey member_by_id(const json& members, const std::string& person_id, const std::string& org) {
  for (const json& m : members) {
    if (m.value("id", "") == person_id) return member_from(m);
  }
  throw CommandError(person_id + " is not a member of " + org + " any more.");
}

std::string fingerprint_normalised(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '-' || c == ':') continue;
    out.push_back(char(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

bool member_key_confirmed(Signed& s, const MemberKey& member, const std::string& confirmed_fingerprint) {
  if (confirmed_fingerprint.empty() && !s.pins.has("person", member.person_id)) return false;
  if (!confirmed_fingerprint.empty() &&
      fingerprint_normalised(confirmed_fingerprint) != fingerprint_normalised(key_fingerprint(member.public_key))) {
    throw CommandError("The key the server gives for " + member.email +
                       " does not match the fingerprint you confirmed (" + key_fingerprint(member.public_key) +
                       " from the server). Nothing was granted: check the fingerprint with " + member.email +
                       " again; if it is right, the server may be substituting keys.");
  }
  s.pins.check_or_pin("person", member.person_id, member.public_key);
  return true;
}

std::int64_t current_key_number(Signed& s, const ReviewOptions& o) {
  const json keys = s.client.get(project_path(o) + "/keys").json().value("items", json::array());
  for (const json& k : keys) {
    if (k.value("current", false) && k.contains("key_number") && k["key_number"].is_number_integer()) {
      return k["key_number"].get<std::int64_t>();
    }
  }
  throw CommandError("The server lists no current key for " + o.project + ".");
}

void add_org_project(CLI::App* c, ReviewOptions& o) {
  c->add_option("--org", o.org, "Organisation id (org_…)")->required();
  c->add_option("--project", o.project, "Project id (prj_…)")->required();
}

}  // namespace sealshot::cli
