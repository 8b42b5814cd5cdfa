#include "org_commands.h"

#include <array>
#include <chrono>
#include <iostream>
#include <memory>

#include "admin_support.h"
#include "cli_error.h"

namespace sealshot::cli {
namespace {

// How long a link printed here stays valid (docs/security.md).
constexpr std::int64_t kLinkLifetimeMs = 7LL * 24 * 3600 * 1000;
constexpr std::int64_t kResetLifetimeMs = 30LL * 60 * 1000;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The console opens links at /console/link with the token in the fragment,
// which browsers never send to a server (so it stays out of proxy logs).
std::string link_url(const std::string& console_url, const std::string& token) {
  std::string base = console_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/console/link#" + token;
}

void print_link(const std::string& what, const std::string& org_id, const std::string& email, const std::string& url,
                std::int64_t expires_at_ms, bool json) {
  if (json) {
    std::cout << nlohmann::json{{"organisation", org_id},
                                {"email", email},
                                {"link", url},
                                {"expires_at", format_utc(expires_at_ms)}}
                     .dump(2)
              << "\n";
    return;
  }
  std::cout << what << " for " << email << " (single use, until " << format_utc(expires_at_ms) << "):\n  " << url
            << "\nOpen it in a browser to choose a password. Anyone holding this link can use it: send it privately.\n";
}

struct OrgCreateOptions {
  std::string data_dir, name, owner_email, console_url = "https://localhost:8443";
  bool json = false;
};

void org_create(const OrgCreateOptions& o) {
  std::unique_ptr<server::Storage> storage = open_storage(o.data_dir, DataDir::create);
  const std::string token = server::token_generate();
  const std::int64_t expires = now_ms() + kLinkLifetimeMs;
  server::Organisation org =
      take(storage->accounts().create_organisation(o.name, o.owner_email, server::token_hash(token), expires));
  server::AuditEntry entry;
  entry.org_id = org.id;
  entry.actor = "cli";
  entry.action = "org.create";
  entry.target = org.id;
  check(storage->accounts().append_audit(entry));
  if (!o.json) std::cout << "Organisation " << org.name << " created: " << org.id << "\n";
  print_link("Owner set-up link", org.id, take(server::email_normalize(o.owner_email)), link_url(o.console_url, token),
             expires, o.json);
}

struct InviteOptions {
  std::string data_dir, org_id, email, role = "member", console_url = "https://localhost:8443";
  bool json = false;
};

void org_invite(const InviteOptions& o) {
  std::unique_ptr<server::Storage> storage = open_storage(o.data_dir, DataDir::must_exist);
  std::optional<server::OrgRole> role = server::org_role_from_name(o.role);
  if (!role) throw CommandError("--role must be owner, admin, member or viewer.");
  take(storage->accounts().get_organisation(o.org_id));
  const std::string token = server::token_generate();
  server::Link link;
  link.kind = server::LinkKind::invite;
  link.org_id = o.org_id;
  link.email = take(server::email_normalize(o.email));
  link.role = *role;
  link.created_by = "cli";
  link.created_at_ms = now_ms();
  link.expires_at_ms = link.created_at_ms + kLinkLifetimeMs;
  check(storage->accounts().create_link(server::token_hash(token), link));
  server::AuditEntry entry{o.org_id, 0, 0, "cli", std::string("member.invite.") + o.role, "", ""};
  check(storage->accounts().append_audit(entry));
  print_link("Invitation", o.org_id, link.email, link_url(o.console_url, token), link.expires_at_ms, o.json);
}

// A password reset link (30 minutes, single use). The person keeps their
// account and memberships; their old grants and sessions end, since the new
// password comes with a new key pair (docs/security.md).
void org_reset_link(const InviteOptions& o) {
  std::unique_ptr<server::Storage> storage = open_storage(o.data_dir, DataDir::must_exist);
  server::Person person = take(storage->accounts().find_person_by_email(o.email));
  std::vector<server::Membership> orgs = take(storage->accounts().memberships_of(person.id));
  if (orgs.empty()) throw CommandError("That person belongs to no organisation.");
  const std::string token = server::token_generate();
  server::Link link;
  link.kind = server::LinkKind::reset;
  link.org_id = orgs.front().org.id;
  link.email = person.email;
  link.role = orgs.front().role;
  link.created_by = "cli";
  link.created_at_ms = now_ms();
  link.expires_at_ms = link.created_at_ms + kResetLifetimeMs;
  check(storage->accounts().create_link(server::token_hash(token), link));
  for (const server::Membership& m : orgs) {
    server::AuditEntry entry{m.org.id, 0, 0, "cli", "password.reset_link", person.id, ""};
    check(storage->accounts().append_audit(entry));
  }
  print_link("Password reset link", link.org_id, person.email, link_url(o.console_url, token), link.expires_at_ms,
             o.json);
  if (!o.json) {
    std::cout << "After the reset, the reports of each project open again only once an owner or admin grants "
                 "access anew (the console offers it).\n";
  }
}

void org_adopt(const std::string& data_dir, const std::string& org_id, const std::string& project_id) {
  std::unique_ptr<server::Storage> storage = open_storage(data_dir, DataDir::must_exist);
  check(storage->accounts().assign_project(project_id, org_id));
  server::AuditEntry entry{org_id, 0, 0, "cli", "project.adopt", project_id, ""};
  check(storage->accounts().append_audit(entry));
  std::cout << "Project " << project_id << " now belongs to " << org_id
            << ". Its reports open in the console once someone holding the project's secret key grants it "
               "(sealshot project import-key).\n";
}

// The audit log as JSON lines, oldest first (what log shippers and `jq`
// read). Pages through the log newest-first and prints in reverse.
void audit_export(const std::string& data_dir, const std::string& org_id) {
  std::unique_ptr<server::Storage> storage = open_storage(data_dir, DataDir::must_exist);
  take(storage->accounts().get_organisation(org_id));
  std::vector<server::AuditEntry> all;
  std::int64_t before = 0;
  for (;;) {
    std::vector<server::AuditEntry> page = take(storage->accounts().list_audit(org_id, before, 1000));
    if (page.empty()) break;
    before = page.back().seq;
    all.insert(all.end(), page.begin(), page.end());
  }
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    std::cout << nlohmann::json{{"seq", it->seq},        {"at", format_utc(it->at_ms)}, {"at_ms", it->at_ms},
                                {"actor", it->actor},    {"action", it->action},        {"target", it->target},
                                {"address", it->address}}
                     .dump()
              << "\n";
  }
}

}  // namespace

void register_org_commands(CLI::App& app) {
  auto* audit = app.add_subcommand("audit", "The organisations' audit log.");
  audit->require_subcommand(1);
  auto ae = std::make_shared<std::array<std::string, 2>>();
  auto* export_cmd = audit->add_subcommand("export", "Print an organisation's audit log as JSON lines, oldest first.");
  add_data_dir_option(export_cmd, (*ae)[0]);
  export_cmd->add_option("--org", (*ae)[1], "Organisation id (org_…)")->required();
  export_cmd->callback([ae] { audit_export((*ae)[0], (*ae)[1]); });

  auto* org = app.add_subcommand("org", "Organisations and people of the review console.");
  org->require_subcommand(1);

  auto co = std::make_shared<OrgCreateOptions>();
  auto* create = org->add_subcommand("create", "Create an organisation and print its owner's single-use set-up link.");
  add_data_dir_option(create, co->data_dir);
  create->add_option("--name", co->name, "The organisation's name")->required();
  create->add_option("--owner-email", co->owner_email, "The first owner's email address")->required();
  create->add_option("--console-url", co->console_url, "Where the server is reached (for the printed link)")
      ->capture_default_str();
  create->add_flag("--json", co->json, "Print JSON");
  create->callback([co] { org_create(*co); });

  auto io = std::make_shared<InviteOptions>();
  auto* invite = org->add_subcommand("invite", "Print a single-use invitation link (when no mail relay is set up).");
  add_data_dir_option(invite, io->data_dir);
  invite->add_option("--org", io->org_id, "Organisation id (org_…)")->required();
  invite->add_option("--email", io->email, "The invited person's email address")->required();
  invite->add_option("--role", io->role, "owner, admin, member or viewer")->capture_default_str();
  invite->add_option("--console-url", io->console_url, "Where the server is reached (for the printed link)")
      ->capture_default_str();
  invite->add_flag("--json", io->json, "Print JSON");
  invite->callback([io] { org_invite(*io); });

  auto ro = std::make_shared<InviteOptions>();
  auto* reset =
      org->add_subcommand("reset-link", "Print a 30-minute password reset link for a person (no mail needed).");
  add_data_dir_option(reset, ro->data_dir);
  reset->add_option("--email", ro->email, "The person's email address")->required();
  reset->add_option("--console-url", ro->console_url, "Where the server is reached (for the printed link)")
      ->capture_default_str();
  reset->add_flag("--json", ro->json, "Print JSON");
  reset->callback([ro] { org_reset_link(*ro); });

  auto ad = std::make_shared<std::array<std::string, 3>>();
  auto* adopt = org->add_subcommand("adopt-project", "Move a project made before organisations into one.");
  add_data_dir_option(adopt, (*ad)[0]);
  adopt->add_option("--org", (*ad)[1], "Organisation id (org_…)")->required();
  adopt->add_option("--project", (*ad)[2], "Project id (prj_…)")->required();
  adopt->callback([ad] { org_adopt((*ad)[0], (*ad)[1], (*ad)[2]); });
}

}  // namespace sealshot::cli
