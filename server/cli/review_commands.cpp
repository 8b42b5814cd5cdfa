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
#include "project_keyring.h"
#include "report_open.h"
#include "review_client.h"
#include "review_session.h"
#include "review_support.h"
#include "snippet.h"
#include "storage/accounts.h"

namespace sealshot::cli {
namespace {

using nlohmann::json;

// Opens every project key the caller holds, newest first (project_keyring.h).
std::vector<HeldProjectKey> my_keys(Signed& s, const ReviewOptions& o, const UnlockedAccount& me) {
  return open_held_keys(s.client, s.pins, project_path(o), o.project, me.keys, o.project_key);
}

// Seals the held project keys to the member with --grant-to/--email after the
// confirmed fingerprint (or the pin) matches the key the server gives for
// them: the current key as sealed_key, older ones (unless --current-key-only)
// in keys, so they can read reports sent before a rotation too.
void grant_to_member(Signed& s, const ReviewOptions& o, const std::string& email,
                     const std::vector<HeldProjectKey>& held) {
  const MemberKey member = member_by_email(list_members(s, o), email, o.org);
  if (!member_key_confirmed(s, member, o.fingerprint)) {
    throw CommandError(
        "Give --fingerprint: ask " + member.email +
        " for their key fingerprint (shown by `sealshot account setup` or `login`) outside this server.");
  }
  json body = json::object();
  json older = json::array();
  std::vector<HeldProjectKey> sent;
  for (const HeldProjectKey& key : held) {
    const std::string sealed = take(seal_grant(key.secret_key, member.public_key));
    if (key.current) {
      body["sealed_key"] = sealed;
    } else if (!o.current_key_only) {
      older.push_back({{"key_number", key.number}, {"sealed_key", sealed}});
    } else {
      continue;
    }
    sent.push_back(key);
  }
  if (!older.empty()) body["keys"] = older;
  if (sent.empty()) throw CommandError("You hold no current key of " + o.project + " to grant.");
  if (!o.role.empty()) body["role"] = o.role;
  s.client.send("PUT", project_path(o) + "/access/" + path_segment(member.person_id), body);
  std::cout << "Granted " << o.project << " (" << key_numbers_text(sent) << ") to " << member.email << " (key "
            << key_fingerprint(member.public_key) << ").\n";
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
  const std::vector<HeldProjectKey> held = my_keys(s, o, me);
  const ApiAnswer envelope = s.client.get(project_path(o) + "/submissions/" + path_segment(o.id) + "/envelope");
  if (envelope.body.size() > kMaxEnvelopeFileBytes)
    throw CommandError("The envelope is larger than any report can be.");
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(envelope.body.data());
  const std::vector<SecretKey> keys = secret_keys_of(held);
  report_open_into(std::span(bytes, envelope.body.size()), keys, o.project, o.out,
                   o.force ? Existing::replace : Existing::refuse,
                   "None of the project keys you hold (" + key_numbers_text(held) + ") opens " + o.id +
                       ": it was sealed to a key of " + o.project +
                       " nobody gave you. Ask an owner or admin to grant you the older keys (`sealshot review grant` "
                       "gives every key they hold).");
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
  grant_to_member(s, o, o.email, my_keys(s, o, me));
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
  s.pins.check_or_pin("project", project_key_pin_id(path_segment(project.id), 1), project_keys.public_key);
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
  s.pins.check_or_pin("project", project_key_pin_id(o.project, current_key_number(s, o)), derived);
  const std::string my_id = me.account.value("id", "");
  s.client.send("PUT", project_path(o) + "/access/" + path_segment(my_id),
                {{"sealed_key", take(seal_grant(project_secret, me.keys.public_key))}});
  std::cout << "Imported the key of " << o.project << ": granted to you (" << me.account.value("email", "") << ").\n";
  if (!o.grant_to.empty()) {
    HeldProjectKey imported;
    imported.number = current_key_number(s, o);
    imported.public_key = derived;
    imported.secret_key = project_secret;
    imported.current = true;
    grant_to_member(s, o, o.grant_to, {imported});
  }
}

}  // namespace

void register_review_commands(CLI::App& app) {
  auto o = std::make_shared<ReviewOptions>();
  auto* review =
      app.add_subcommand("review", "Read and triage reports through a running server (after `sealshot login`).");
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
  open->add_option("--project-key", o->project_key,
                   "The project's public key as in its snippet, to check the server's");
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
  grant->add_option("--project-key", o->project_key,
                    "The project's public key as in its snippet, to check the server's");
  grant->add_flag("--current-key-only", o->current_key_only,
                  "Only the current key: not the older keys that open reports sent before a rotation");
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
  import->callback([o] { project_import_key(*o);
});

register_project_key_commands(*project, o);
}  // namespace sealshot::cli

}  // namespace sealshot::cli
