#include "admin_commands.h"

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>

#include "admin_support.h"
#include "cli_error.h"
#include "envelope.h"
#include "file_io.h"
#include "key_files.h"
#include "keys.h"
#include "project_option.h"
#include "report_open.h"
#include "snippet.h"

namespace sealshot::cli {
namespace {

using server::Project;
using server::Storage;
using server::Submission;

// --- project ----------------------------------------------------------------------

nlohmann::json integrity_json(const std::optional<std::string>& integrity) {
  return integrity ? nlohmann::json(*integrity) : nlohmann::json(nullptr);
}

struct CreateOptions {
  std::string data_dir, name, secret_key_out;
  SnippetOptions snippet;
  std::vector<std::string> origins;
  std::uint64_t max_body_bytes = 0;
  std::uint32_t retention_days = 90;
  bool json = false;
};

void project_create(const CreateOptions& o) {
  // Everything that can be checked is checked before a key file is written.
  take(server::origins_normalize(o.origins));
  const std::string origin = snippet_origin(o.snippet);
  const std::optional<std::string> integrity = loader_integrity(o.snippet);

  std::unique_ptr<Storage> storage = open_storage(o.data_dir, DataDir::create);
  KeyPair pair = take(keypair_generate());
  server::NewProject input{o.name, key_to_text(pair.public_key), o.origins, o.max_body_bytes, o.retention_days, {}, {}};
  // The secret key first: a project whose key was lost could never be read.
  check(write_secret_file(o.secret_key_out, secret_key_file_text(pair.secret_key)));
  Result<Project> created = storage->create_project(input);
  if (!created.ok()) {
    std::remove(o.secret_key_out.c_str());
    throw CommandError(created.message());
  }
  const Project& p = created.value();
  const std::string snippet = embed_snippet(origin, p, integrity);
  if (o.json) {
    const nlohmann::json out{
        {"project", project_to_json(p)}, {"snippet", snippet}, {"integrity", integrity_json(integrity)}};
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << p.id << "\n" << snippet << "\n";
  }
  if (!integrity) note_unpinned();
  std::cerr << "Secret key written to " << o.secret_key_out
            << " (mode 0600). It alone opens this project's reports and the server has no copy: keep it safe.\n";
}

// The snippet of an existing project again, e.g. after a widget upgrade
// changed widget.js and so its integrity hash.
struct SnippetCommandOptions {
  std::string data_dir, project;
  SnippetOptions snippet;
  bool json = false;
};

void project_snippet(const SnippetCommandOptions& o) {
  const std::string origin = snippet_origin(o.snippet);
  std::unique_ptr<Storage> storage = open_storage(o.data_dir, DataDir::must_exist);
  const Project p = take(storage->get_project(o.project));
  const std::optional<std::string> integrity = loader_integrity(o.snippet);
  const std::string snippet = embed_snippet(origin, p, integrity);
  if (o.json) {
    std::cout << nlohmann::json{{"project", p.id}, {"snippet", snippet}, {"integrity", integrity_json(integrity)}}.dump(
                     2)
              << "\n";
  } else {
    std::cout << snippet << "\n";
  }
  if (!integrity) note_unpinned();
}

void project_list(const std::string& data_dir, bool json) {
  std::unique_ptr<Storage> storage = open_storage(data_dir, DataDir::must_exist);
  const std::vector<Project> projects = take(storage->list_projects());
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const Project& p : projects) out.push_back(project_to_json(p));
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows{{"ID", "NAME", "ORIGINS", "RETENTION", "MAX BODY", "CREATED"}};
  for (const Project& p : projects) {
    std::string origins;
    for (const std::string& origin : p.allowed_origins) origins += (origins.empty() ? "" : ",") + origin;
    rows.push_back({p.id, p.name, origins, p.retention_days ? std::to_string(p.retention_days) + " days" : "forever",
                    p.max_body_bytes ? format_bytes(p.max_body_bytes) : "default", format_utc(p.created_at_ms)});
  }
  print_table(rows);
}

void project_set_origins(const std::string& data_dir, const std::string& project_id,
                         const std::vector<std::string>& origins) {
  std::unique_ptr<Storage> storage = open_storage(data_dir, DataDir::must_exist);
  check(storage->set_project_origins(project_id, origins));
  for (const std::string& origin : take(storage->get_project(project_id)).allowed_origins) std::cout << origin << "\n";
}

struct QuotaOptions {
  std::string data_dir, project;
  std::optional<std::uint64_t> daily_submissions, daily_bytes, stored_bytes;
  bool json = false;
};

// Unset options keep their value; 0 returns a quota to the server's default.
void project_set_quota(const QuotaOptions& o) {
  std::unique_ptr<Storage> storage = open_storage(o.data_dir, DataDir::must_exist);
  server::ProjectQuotas quotas = take(storage->get_project(o.project)).quotas;
  if (o.daily_submissions) quotas.daily_submissions = *o.daily_submissions;
  if (o.daily_bytes) quotas.daily_bytes = *o.daily_bytes;
  if (o.stored_bytes) quotas.stored_bytes = *o.stored_bytes;
  check(storage->set_project_quotas(o.project, quotas));
  const auto now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const server::ProjectUsage usage = take(storage->get_project_usage(o.project, now_ms));
  if (o.json) {
    const nlohmann::json out{{"project", o.project},
                             {"quotas",
                              {{"daily_submissions", quotas.daily_submissions},
                               {"daily_bytes", quotas.daily_bytes},
                               {"stored_bytes", quotas.stored_bytes}}},
                             {"usage",
                              {{"today_submissions", usage.day_submissions},
                               {"today_bytes", usage.day_bytes},
                               {"stored_submissions", usage.stored_submissions},
                               {"stored_bytes", usage.stored_bytes}}}};
    std::cout << out.dump(2) << "\n";
    return;
  }
  const auto shown = [](std::uint64_t value, bool bytes) {
    if (value == 0) return std::string("server default");
    return bytes ? format_bytes(value) : std::to_string(value);
  };
  print_table({{"LIMIT", "QUOTA", "USED"},
               {"reports per day (UTC)", shown(quotas.daily_submissions, false), std::to_string(usage.day_submissions)},
               {"bytes per day (UTC)", shown(quotas.daily_bytes, true), format_bytes(usage.day_bytes)},
               {"bytes stored", shown(quotas.stored_bytes, true), format_bytes(usage.stored_bytes)}});
}

// --- submissions ------------------------------------------------------------------

struct ListOptions {
  std::string data_dir, project, status, cursor;
  std::uint32_t limit = 50;
  bool json = false;
};

server::SubmissionStatus parse_status(const std::string& name) {
  std::optional<server::SubmissionStatus> status = server::submission_status_from_name(name);
  if (!status) throw UsageError("--status must be one of new, triaged, in_progress, resolved, spam.");
  return *status;
}

void submissions_list(const ListOptions& o) {
  std::unique_ptr<Storage> storage = open_storage(o.data_dir, DataDir::must_exist);
  server::ListQuery query;
  if (!o.status.empty()) query.status = parse_status(o.status);
  query.limit = o.limit;
  query.cursor = o.cursor;
  const server::SubmissionPage page = take(storage->list_submissions(o.project, query));
  if (o.json) {
    nlohmann::json items = nlohmann::json::array();
    for (const Submission& s : page.items) items.push_back(submission_to_json(s));
    std::cout << nlohmann::json{{"items", items}, {"next_cursor", page.next_cursor}}.dump(2) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows{{"ID", "CREATED", "SIZE", "STATUS"}};
  for (const Submission& s : page.items) {
    rows.push_back(
        {s.id, format_utc(s.created_at_ms), format_bytes(s.size_bytes), server::submission_status_name(s.status)});
  }
  print_table(rows);
  if (!page.next_cursor.empty()) std::cerr << "More: --cursor " << page.next_cursor << "\n";
}

struct GetOptions {
  std::string data_dir, project, id, out, open_dir;
  std::vector<std::string> secret_keys;  // a project's keys after rotations: each is tried
  bool force = false;
};

void submissions_get(GetOptions o) {
  if (!o.open_dir.empty() && o.secret_keys.empty()) throw UsageError("--open-dir needs --secret-key.");
  if (o.out.empty() && o.secret_keys.empty()) {
    throw UsageError("Give --out FILE to save the envelope, --secret-key FILE to open the report, or both.");
  }
  if (!o.secret_keys.empty() && o.open_dir.empty()) o.open_dir = o.id;  // a new folder named after the submission
  const Existing existing = o.force ? Existing::replace : Existing::refuse;
  if (!o.out.empty()) check(check_can_write(o.out, existing));
  // Read the keys before touching storage: a wrong key file fails fast.
  std::vector<SecretKey> keys;
  for (const std::string& file : o.secret_keys) keys.push_back(take(read_secret_key_file(file, "--secret-key")));
  std::unique_ptr<Storage> storage = open_storage(o.data_dir, DataDir::must_exist);
  const std::vector<std::uint8_t> envelope = take(storage->read_envelope(o.project, o.id));
  // The stored project id is the expected one: a blob that was moved here
  // from another project is refused.
  if (!keys.empty()) {
    report_open_into(envelope, keys, o.project, o.open_dir, existing,
                     keys.size() == 1
                         ? std::string()  // the core's own sentence
                         : "None of the " + std::to_string(keys.size()) + " secret keys given opens the envelope.");
  }
  if (!o.out.empty()) {
    check(write_file_atomic(o.out, envelope.data(), envelope.size(), 0644, existing));
    std::cerr << "Envelope written to " << o.out << " (" << envelope.size() << " bytes).\n";
  }
}

void submissions_set_status(const std::string& data_dir, const std::string& project, const std::string& id,
                            const std::string& status) {
  const server::SubmissionStatus parsed = parse_status(status);
  std::unique_ptr<Storage> storage = open_storage(data_dir, DataDir::must_exist);
  check(storage->set_status(project, id, parsed));
}

void submissions_delete(const std::string& data_dir, const std::string& project, const std::string& id) {
  std::unique_ptr<Storage> storage = open_storage(data_dir, DataDir::must_exist);
  check(storage->delete_submission(project, id));
  std::cerr << "Deleted " << id << ".\n";
}

// Stores envelope files as submissions, e.g. reports that arrived by mail or
// from another installation. The same header checks as the ingest route.
void submissions_import(const std::string& data_dir, const std::string& project_id,
                        const std::vector<std::string>& files) {
  std::unique_ptr<Storage> storage = open_storage(data_dir, DataDir::must_exist);
  const Project project = take(storage->get_project(project_id));
  for (const std::string& file : files) {
    const std::vector<std::uint8_t> envelope = take(read_file(file, kMaxEnvelopeFileBytes));
    const EnvelopeHeader header = take(envelope_parse_header(envelope));
    if (header.project_id != project.id) {
      throw CommandError("'" + file + "' is an envelope for project " + header.project_id + ", not " + project.id +
                         ".");
    }
    check(envelope_check_length(header, envelope.size()));
    if (project.max_body_bytes != 0 && envelope.size() > project.max_body_bytes) {
      throw CommandError("'" + file + "' is larger than the project's limit of " +
                         std::to_string(project.max_body_bytes) + " bytes.");
    }
    std::unique_ptr<server::SubmissionWriter> writer = take(storage->begin_submission(project.id));
    check(writer->write(envelope));
    const server::CommitResult result = take(writer->commit());
    std::cout << result.submission.id << "\n";
  }
}

// --- backup and restore -----------------------------------------------------------

void backup(const std::string& data_dir, const std::string& to) {
  std::unique_ptr<Storage> storage = open_storage(data_dir, DataDir::must_exist);
  check(storage->backup_to(to));
  const server::BackupManifest m = take(server::backup_verify(to));  // read back what was written
  std::cout << "Backup written to " << to << ": " << m.projects << " project(s), " << m.submissions
            << " submission(s), " << format_bytes(m.blob_bytes) << " of envelopes; verified.\n";
}

void restore(const std::string& from, const std::string& data_dir) {
  refuse_other_owner_as_root(data_dir);
  check(server::restore_sqlite_backup(from, data_dir));
  const server::BackupManifest m = take(server::backup_verify(from));
  std::cout << "Restored " << m.projects << " project(s) and " << m.submissions << " submission(s) into " << data_dir
            << ".\n";
}

}  // namespace

void register_admin_commands(CLI::App& app) {
  // project create | snippet | list | set-origins
  auto* project = app.add_subcommand("project", "Create and configure projects.");
  project->require_subcommand(1);

  auto* create = project->add_subcommand("create", "Create a project: a new keypair, allowed origins, retention.");
  auto co = std::make_shared<CreateOptions>();
  add_data_dir_option(create, co->data_dir);
  create->add_option("--name", co->name, "Project name, for people")->required();
  create->add_option("--origin", co->origins, "Allowed origin, scheme://host[:port] (repeatable)")->required();
  create->add_option("--max-body-bytes", co->max_body_bytes, "Largest envelope accepted (0: the server's default)");
  create->add_option("--retention-days", co->retention_days, "Delete reports after this many days (0: keep)")
      ->capture_default_str();
  create->add_option("--secret-key-out", co->secret_key_out, "New file for the secret key (mode 0600)")->required();
  add_snippet_options(create, co->snippet);
  create->add_flag("--json", co->json, "Print JSON");
  create->callback([co] { project_create(*co); });

  auto* snippet =
      project->add_subcommand("snippet", "Print a project's embed snippet (with widget.js's integrity hash).");
  auto sn = std::make_shared<SnippetCommandOptions>();
  add_data_dir_option(snippet, sn->data_dir);
  add_project_option(snippet, sn->project, "Project id")->required();
  add_snippet_options(snippet, sn->snippet);
  snippet->add_flag("--json", sn->json, "Print JSON");
  snippet->callback([sn] { project_snippet(*sn); });

  auto* list = project->add_subcommand("list", "List projects.");
  auto list_dir = std::make_shared<std::string>();
  auto list_json = std::make_shared<bool>(false);
  add_data_dir_option(list, *list_dir);
  list->add_flag("--json", *list_json, "Print JSON");
  list->callback([=] { project_list(*list_dir, *list_json); });

  auto* set_origins = project->add_subcommand("set-origins", "Replace a project's allowed origins.");
  auto so_dir = std::make_shared<std::string>();
  auto so_project = std::make_shared<std::string>();
  auto so_origins = std::make_shared<std::vector<std::string>>();
  add_data_dir_option(set_origins, *so_dir);
  add_project_option(set_origins, *so_project, "Project id")->required();
  set_origins->add_option("--origin", *so_origins, "Allowed origin (repeatable)")->required();
  set_origins->callback([=] { project_set_origins(*so_dir, *so_project, *so_origins); });

  auto* set_quota = project->add_subcommand(
      "set-quota", "Set a project's quotas (unset ones are kept; 0 means the server's default) and show its usage.");
  auto qo = std::make_shared<QuotaOptions>();
  add_data_dir_option(set_quota, qo->data_dir);
  add_project_option(set_quota, qo->project, "Project id")->required();
  set_quota->add_option("--daily-submissions", qo->daily_submissions, "Reports accepted per UTC day");
  // Sizes take a unit: 500MB, 2GiB (KB = 1024 bytes), or plain bytes.
  set_quota->add_option("--daily-bytes", qo->daily_bytes, "Envelope bytes accepted per UTC day")
      ->transform(CLI::AsSizeValue(false));
  set_quota->add_option("--stored-bytes", qo->stored_bytes, "Envelope bytes the project may hold")
      ->transform(CLI::AsSizeValue(false));
  set_quota->add_flag("--json", qo->json, "Print JSON");
  set_quota->callback([qo] { project_set_quota(*qo); });

  // submissions list | get | set-status | delete | import
  auto* submissions = app.add_subcommand("submissions", "List, fetch, open and delete stored reports.");
  submissions->require_subcommand(1);

  auto* sub_list = submissions->add_subcommand("list", "List a project's submissions, newest first.");
  auto lo = std::make_shared<ListOptions>();
  add_data_dir_option(sub_list, lo->data_dir);
  add_project_option(sub_list, lo->project, "Project id")->required();
  sub_list->add_option("--status", lo->status, "Only this status: new, triaged, in_progress, resolved, spam");
  sub_list->add_option("--limit", lo->limit, "Page size, 1..500")->capture_default_str();
  sub_list->add_option("--cursor", lo->cursor, "Next page, as printed by the previous one");
  sub_list->add_flag("--json", lo->json, "Print JSON");
  sub_list->callback([lo] { submissions_list(*lo); });

  auto* get = submissions->add_subcommand(
      "get", "Open a submission (--secret-key) into a private folder, and/or save its envelope (--out).");
  auto go = std::make_shared<GetOptions>();
  add_data_dir_option(get, go->data_dir);
  add_project_option(get, go->project, "Project id")->required();
  get->add_option("--id", go->id, "Submission id")->required();
  get->add_option("--out", go->out, "Envelope file to write");
  get->add_option("--secret-key", go->secret_keys,
                  "The project's secret key file: decrypt the report (repeatable: each key is tried, for a project "
                  "whose key was rotated)")
      ->allow_extra_args(false);
  get->add_option("--open-dir", go->open_dir, "Folder for the decrypted parts (default: the submission id)");
  get->add_flag("--force", go->force, "Replace the envelope file and files in the folder if they exist");
  get->callback([go] { submissions_get(*go); });

  auto* set_status = submissions->add_subcommand("set-status", "Change a submission's review status.");
  auto ss = std::make_shared<std::array<std::string, 4>>();  // data dir, project, id, status
  add_data_dir_option(set_status, (*ss)[0]);
  add_project_option(set_status, (*ss)[1], "Project id")->required();
  set_status->add_option("--id", (*ss)[2], "Submission id")->required();
  set_status->add_option("--status", (*ss)[3], "new, triaged, in_progress, resolved or spam")->required();
  set_status->callback([ss] { submissions_set_status((*ss)[0], (*ss)[1], (*ss)[2], (*ss)[3]); });

  auto* del = submissions->add_subcommand("delete", "Delete a submission and its envelope.");
  auto dl = std::make_shared<std::array<std::string, 3>>();  // data dir, project, id
  add_data_dir_option(del, (*dl)[0]);
  add_project_option(del, (*dl)[1], "Project id")->required();
  del->add_option("--id", (*dl)[2], "Submission id")->required();
  del->callback([dl] { submissions_delete((*dl)[0], (*dl)[1], (*dl)[2]); });

  auto* import = submissions->add_subcommand("import", "Store envelope files as new submissions; prints their ids.");
  auto im_dir = std::make_shared<std::string>();
  auto im_project = std::make_shared<std::string>();
  auto im_files = std::make_shared<std::vector<std::string>>();
  add_data_dir_option(import, *im_dir);
  add_project_option(import, *im_project, "Project id")->required();
  import->add_option("files", *im_files, "Envelope files")->required();
  import->callback([=] { submissions_import(*im_dir, *im_project, *im_files);
});

// backup | restore
auto* backup_cmd = app.add_subcommand("backup", "Copy the data directory consistently, also while serving.");
auto bk_dir = std::make_shared<std::string>();
auto bk_to = std::make_shared<std::string>();
add_data_dir_option(backup_cmd, *bk_dir);
backup_cmd->add_option("--to", *bk_to, "New or empty directory for the backup")->required();
backup_cmd->callback([=] { backup(*bk_dir, *bk_to); });

auto* restore_cmd = app.add_subcommand("restore", "Verify a backup and restore it into a new data directory.");
auto rs_dir = std::make_shared<std::string>();
auto rs_from = std::make_shared<std::string>();
add_data_dir_option(restore_cmd, *rs_dir);
restore_cmd->add_option("--from", *rs_from, "Backup directory (made by sealshot backup)")->required();
restore_cmd->callback([=] { restore(*rs_from, *rs_dir); });
}  // namespace sealshot::cli

}  // namespace sealshot::cli
