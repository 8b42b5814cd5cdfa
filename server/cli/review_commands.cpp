#include "review_commands.h"

#include <iostream>
#include <memory>

#include "account_unlock.h"
#include "admin_support.h"
#include "cli_error.h"
#include "file_io.h"
#include "key_files.h"
#include "key_fingerprint.h"
#include "key_pins.h"
#include "key_wrap.h"
#include "report_open.h"
#include "review_client.h"
#include "review_session.h"
#include "snippet.h"
#include "storage/accounts.h"

namespace sealshot::cli {
namespace {

using nlohmann::json;

struct ReviewOptions {
  SessionOptions session;
  std::string org, project, id, out, status, email, fingerprint, role, name, project_key, secret_key, grant_to;
  std::vector<std::string> origins;
  unsigned limit = 50;
  bool json_output = false;
  bool force = false;
};

// A signed-in client plus the pins for its server.
struct Signed {
  SavedSession session;
  ReviewClient client;
  KeyPins pins;
  explicit Signed(const SessionOptions& o)
      : client(signed_in_client(o, session)), pins(pins_path_for(session_path(o)), client.address().origin) {}
};

std::string project_path(const ReviewOptions& o) {
  return "/v1/orgs/" + path_segment(o.org) + "/projects/" + path_segment(o.project);
}

UnlockedAccount unlock(Signed& s, const ReviewOptions& o) {
  Password password;
  read_password(o.session.password_file, "Password for " + s.session.email, false, password);
  return unlock_account(s.client, password, s.pins);
}

// The project's public key, checked against --project-key and the pin (the
// first use pins it, and says so).
PublicKey trusted_project_key(Signed& s, const ReviewOptions& o) {
  const json project = s.client.get(project_path(o)).json();
  const PublicKey key = take(public_key_from_text(project.value("public_key", "")));
  if (!o.project_key.empty() && key_to_text(take(public_key_from_text(o.project_key))) != key_to_text(key)) {
    throw CommandError("The server's public key for " + o.project + " is not the one given with --project-key.");
  }
  if (!s.pins.has("project", o.project)) {
    std::cerr << "Pinned the key of project " << o.project << ", fingerprint " << key_fingerprint(key) << ".\n";
  }
  s.pins.check_or_pin("project", o.project, key);
  return key;
}

// Opens the caller's own grant for the project.
SecretKey open_my_grant(Signed& s, const ReviewOptions& o, const UnlockedAccount& me) {
  const PublicKey project_key = trusted_project_key(s, o);
  const json grant = s.client.get(project_path(o) + "/grant").json();
  Result<SecretKey> secret = open_grant(grant.value("sealed_key", ""), me.keys, project_key);
  if (!secret.ok()) {
    if (secret.code() == ErrorCode::key_mismatch) {
      throw CommandError("Your grant holds a key that is not this project's: refusing it (the server may have "
                         "substituted it).");
    }
    throw CommandError("Your grant for this project does not open with your key (made before a password reset?); "
                       "ask an owner or admin to grant it again.");
  }
  return secret.value();
}

std::string fingerprint_normalised(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '-' || c == ':') continue;
    out.push_back(char(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

// Seals `project_secret` to the member with --grant-to/--email after the
// confirmed fingerprint (or the pin) matches the key the server gives for them.
void grant_to_member(Signed& s, const ReviewOptions& o, const std::string& email, const SecretKey& project_secret) {
  const std::string wanted = take(server::email_normalize(email));
  const json members = s.client.get("/v1/orgs/" + path_segment(o.org) + "/members").json();
  const json items = members.value("items", json::array());
  const json* member = nullptr;
  for (const json& m : items) {
    if (m.value("email", "") == wanted) member = &m;
  }
  if (member == nullptr) throw CommandError(wanted + " is not a member of " + o.org + ".");
  const std::string person_id = member->value("id", "");
  if (member->value("public_key", "").empty()) {
    throw CommandError(wanted + " has not set up their account yet; grant once they have.");
  }
  const PublicKey key = take(public_key_from_text(member->value("public_key", "")));
  if (o.fingerprint.empty() && !s.pins.has("person", person_id)) {
    throw CommandError("Give --fingerprint: ask " + wanted +
                       " for their key fingerprint (shown by `sealshot account setup` or `login`) outside this server.");
  }
  if (!o.fingerprint.empty() && fingerprint_normalised(o.fingerprint) != fingerprint_normalised(key_fingerprint(key))) {
    throw CommandError("The key the server gives for " + wanted + " does not match the fingerprint you confirmed (" +
                       key_fingerprint(key) + " from the server). Nothing was granted: check the fingerprint with " +
                       wanted + " again; if it is right, the server may be substituting keys.");
  }
  s.pins.check_or_pin("person", person_id, key);
  json body = {{"sealed_key", take(seal_grant(project_secret, key))}};
  if (!o.role.empty()) body["role"] = o.role;
  s.client.send("PUT", project_path(o) + "/access/" + path_segment(person_id), body);
  std::cout << "Granted " << o.project << " to " << wanted << " (key " << key_fingerprint(key) << ").\n";
}

void review_projects(const ReviewOptions& o) {
  Signed s(o.session);
  const json answer = s.client.get("/v1/orgs/" + path_segment(o.org) + "/projects").json();
  const json items = answer.value("items", json::array());
  if (o.json_output) {
    std::cout << items.dump(2) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows = {{"ID", "NAME", "ROLE", "KEY"}};
  for (const json& p : items) {
    rows.push_back({p.value("id", ""), p.value("name", ""), p.value("my_role", ""),
                    p.value("has_key", false) ? "granted" : "waiting for access"});
  }
  print_table(rows);
}

void review_list(const ReviewOptions& o) {
  Signed s(o.session);
  std::string query = "?limit=" + std::to_string(o.limit);
  if (!o.status.empty()) query += "&status=" + path_segment(o.status);
  const json answer = s.client.get(project_path(o) + "/submissions" + query).json();
  const json items = answer.value("items", json::array());
  if (o.json_output) {
    std::cout << answer.dump(2) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows = {{"ID", "RECEIVED", "SIZE", "STATUS"}};
  for (const json& sub : items) {
    rows.push_back({sub.value("id", ""), format_utc(sub.value("created_at_ms", std::int64_t(0))),
                    format_bytes(sub.value("size_bytes", std::uint64_t(0))), sub.value("status", "")});
  }
  print_table(rows);
  if (!answer.value("next_cursor", "").empty()) std::cerr << "More submissions exist; raise --limit to see them.\n";
}

void review_open(const ReviewOptions& o) {
  Signed s(o.session);
  const UnlockedAccount me = unlock(s, o);
  const SecretKey project_secret = open_my_grant(s, o, me);
  const ApiAnswer envelope = s.client.get(project_path(o) + "/submissions/" + path_segment(o.id) + "/envelope");
  if (envelope.body.size() > kMaxEnvelopeFileBytes) throw CommandError("The envelope is larger than any report can be.");
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(envelope.body.data());
  report_open_into(std::span(bytes, envelope.body.size()), project_secret, o.project, o.out,
                   o.force ? Existing::replace : Existing::refuse);
}

void review_set_status(const ReviewOptions& o) {
  Signed s(o.session);
  const json answer =
      s.client.send("PATCH", project_path(o) + "/submissions/" + path_segment(o.id), {{"status", o.status}}).json();
  std::cout << answer.value("id", "") << " " << answer.value("status", "") << "\n";
}

void review_grant(const ReviewOptions& o) {
  Signed s(o.session);
  const UnlockedAccount me = unlock(s, o);
  const SecretKey project_secret = open_my_grant(s, o, me);
  grant_to_member(s, o, o.email, project_secret);
}

void review_create_project(const ReviewOptions& o) {
  Signed s(o.session);
  const UnlockedAccount me = unlock(s, o);
  const KeyPair project_keys = take(keypair_generate());
  const json body = {{"name", o.name},
                     {"public_key", key_to_text(project_keys.public_key)},
                     {"allowed_origins", o.origins},
                     {"sealed_key", take(seal_grant(project_keys.secret_key, me.keys.public_key))}};
  const json created = s.client.send("POST", "/v1/orgs/" + path_segment(o.org) + "/projects", body).json();
  server::Project project;
  project.id = created.value("id", "");
  project.public_key = created.value("public_key", "");
  if (project.public_key != key_to_text(project_keys.public_key)) {
    throw CommandError("The server stored another public key than the one sent; do not use this project.");
  }
  s.pins.check_or_pin("project", path_segment(project.id), project_keys.public_key);
  std::cout << project.id << "\n" << embed_snippet(s.client.address().origin, project, std::nullopt) << "\n";
  std::cerr << "The project's secret key exists only sealed to you (and whoever you grant it to). Key fingerprint: "
            << key_fingerprint(project_keys.public_key) << "\n";
}

void project_import_key(const ReviewOptions& o) {
  Signed s(o.session);
  const UnlockedAccount me = unlock(s, o);
  const SecretKey project_secret = take(read_secret_key_file(o.secret_key, "--secret-key"));
  const PublicKey derived = take(public_key_from_secret(project_secret));
  const json project = s.client.get(project_path(o)).json();
  if (project.value("public_key", "") != key_to_text(derived)) {
    throw CommandError("'" + o.secret_key + "' is not the secret key of " + o.project +
                       " (its public key differs from the project's).");
  }
  s.pins.check_or_pin("project", o.project, derived);
  const std::string my_id = me.account.value("id", "");
  s.client.send("PUT", project_path(o) + "/access/" + path_segment(my_id),
                {{"sealed_key", take(seal_grant(project_secret, me.keys.public_key))}});
  std::cout << "Imported the key of " << o.project << ": granted to you (" << me.account.value("email", "") << ").\n";
  if (!o.grant_to.empty()) grant_to_member(s, o, o.grant_to, project_secret);
}

void add_org_project(CLI::App* c, ReviewOptions& o) {
  c->add_option("--org", o.org, "Organisation id (org_…)")->required();
  c->add_option("--project", o.project, "Project id (prj_…)")->required();
}

}  // namespace

void register_review_commands(CLI::App& app) {
  auto o = std::make_shared<ReviewOptions>();
  auto* review = app.add_subcommand("review", "Read and triage reports through a running server (after `sealshot login`).");
  review->require_subcommand(1);

  auto* projects = review->add_subcommand("projects", "List the organisation's projects you may read.");
  add_session_options(projects, o->session, true, false);
  projects->add_option("--org", o->org, "Organisation id (org_…)")->required();
  projects->add_flag("--json", o->json_output, "Print JSON");
  projects->callback([o] { review_projects(*o); });

  auto* list = review->add_subcommand("list", "List a project's submissions, newest first.");
  add_session_options(list, o->session, true, false);
  add_org_project(list, *o);
  list->add_option("--status", o->status, "Only this status (new, triaged, in_progress, resolved, spam)");
  list->add_option("--limit", o->limit, "At most this many (1-500)")->capture_default_str();
  list->add_flag("--json", o->json_output, "Print JSON");
  list->callback([o] { review_list(*o); });

  auto* open = review->add_subcommand("open", "Decrypt a submission into a private folder (asks for your password).");
  add_session_options(open, o->session, true, true);
  add_org_project(open, *o);
  open->add_option("--id", o->id, "Submission id")->required();
  open->add_option("--out", o->out, "Folder to write the report's files into (made 0700)")->required();
  open->add_option("--project-key", o->project_key, "The project's public key as in its snippet, to check the server's");
  open->add_flag("--force", o->force, "Replace files of an earlier open in --out");
  open->callback([o] { review_open(*o); });

  auto* status = review->add_subcommand("set-status", "Change a submission's status.");
  add_session_options(status, o->session, true, false);
  add_org_project(status, *o);
  status->add_option("--id", o->id, "Submission id")->required();
  status->add_option("--status", o->status, "new, triaged, in_progress, resolved or spam")->required();
  status->callback([o] { review_set_status(*o); });

  auto* grant = review->add_subcommand(
      "grant", "Give a member the project's key, sealed to their public key after checking its fingerprint.");
  add_session_options(grant, o->session, true, true);
  add_org_project(grant, *o);
  grant->add_option("--email", o->email, "The member's email address")->required();
  grant->add_option("--fingerprint", o->fingerprint, "Their key fingerprint, as they told you (not from the server)");
  grant->add_option("--role", o->role, "Also give a project role: reviewer or viewer");
  grant->add_option("--project-key", o->project_key, "The project's public key as in its snippet, to check the server's");
  grant->callback([o] { review_grant(*o); });

  auto* create = review->add_subcommand(
      "create-project", "Create a project: its keypair is made here; the server gets the public key and your grant.");
  add_session_options(create, o->session, true, true);
  create->add_option("--org", o->org, "Organisation id (org_…)")->required();
  create->add_option("--name", o->name, "Project name")->required();
  create->add_option("--origin", o->origins, "An origin allowed to send reports (repeatable)");
  create->callback([o] { review_create_project(*o); });

  auto* project = app.get_subcommand("project");
  auto* import = project->add_subcommand(
      "import-key", "Turn a project's secret key file (a project made before organisations) into grants.");
  add_session_options(import, o->session, true, true);
  add_org_project(import, *o);
  import->add_option("--secret-key", o->secret_key, "The project's secret key file")->required();
  import->add_option("--grant-to", o->grant_to, "Also grant it to this member (email)");
  import->add_option("--fingerprint", o->fingerprint, "The --grant-to member's key fingerprint, as they told you");
  import->add_option("--role", o->role, "With --grant-to: also a project role, reviewer or viewer");
  import->callback([o] { project_import_key(*o); });
}

}  // namespace sealshot::cli
