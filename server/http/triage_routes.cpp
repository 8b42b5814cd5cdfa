// Triage beyond one report at a time: bulk status and bulk delete, and
// reviewer notes. A note is sealed by the reviewer's browser to the
// project's public key (crypto_box_seal), like a report: the server stores
// and returns ciphertext it cannot open (docs/security.md).
#include <nlohmann/json.hpp>

#include "http/json_error.h"
#include "http/review_request.h"
#include "http/review_routes.h"

namespace sealshot::http {
namespace {

using nlohmann::json;

// {"ids": [...]} as strings; writes 400 otherwise.
std::optional<std::vector<std::string>> bulk_ids(const json& body, httplib::Response& res) {
  auto it = body.find("ids");
  if (it == body.end() || !it->is_array() || it->empty() || it->size() > server::kMaxBulkIds) {
    write_error(res, 400, "invalid_argument",
                "Send ids: a list of 1 to " + std::to_string(server::kMaxBulkIds) + " submission ids.");
    return std::nullopt;
  }
  std::vector<std::string> ids;
  for (const json& id : *it) {
    if (!id.is_string()) {
      write_error(res, 400, "invalid_argument", "Every id is a submission id (text).");
      return std::nullopt;
    }
    ids.push_back(id.get<std::string>());
  }
  return ids;
}

// {"ids": [...], "status": "..."}. Answers the ids changed; ids that are not
// in the project are left out (not an error: another reviewer may have
// deleted one meanwhile).
void handle_bulk_update(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::triage);
  if (!call) return;
  std::optional<json> body = json_body(req, res);
  if (!body) return;
  std::optional<std::vector<std::string>> ids = bulk_ids(*body, res);
  if (!ids) return;
  auto status = server::submission_status_from_name(json_string(*body, "status"));
  if (!status) return write_error(res, 400, "invalid_argument", kStatusSentence);
  Result<std::vector<std::string>> changed = s.storage.set_status_many(call->project->id, *ids, *status);
  if (!changed.ok()) return write_error(res, changed.status());
  for (const std::string& id : changed.value()) {
    audit(s, call->org_id, call->caller.person_id,
          std::string("submission.status.") + server::submission_status_name(*status), call->project->id + "/" + id);
  }
  write_json(res, 200, {{"updated", changed.value()}, {"status", server::submission_status_name(*status)}});
}

void handle_bulk_delete(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::delete_reports);
  if (!call) return;
  std::optional<json> body = json_body(req, res);
  if (!body) return;
  std::optional<std::vector<std::string>> ids = bulk_ids(*body, res);
  if (!ids) return;
  Result<std::vector<std::string>> deleted = s.storage.delete_many(call->project->id, *ids);
  if (!deleted.ok()) return write_error(res, deleted.status());
  for (const std::string& id : deleted.value()) {
    audit(s, call->org_id, call->caller.person_id, "submission.delete", call->project->id + "/" + id);
  }
  write_json(res, 200, {{"deleted", deleted.value()}});
}

// --- sealed notes -----------------------------------------------------------------

json note_json(const server::Note& n) {
  return {{"id", n.id}, {"author", n.author}, {"created_at_ms", n.created_at_ms}, {"sealed", n.sealed}};
}

void handle_notes_list(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::read_reports);
  if (!call) return;
  const std::string& id = req.path_params.at("submission");
  if (Result<server::Submission> sub = s.storage.get_submission(call->project->id, id); !sub.ok()) {
    return write_error(res, sub.status());
  }
  Result<std::vector<server::Note>> notes = s.storage.list_notes(call->project->id, id);
  if (!notes.ok()) return write_error(res, notes.status());
  json items = json::array();
  for (const server::Note& n : notes.value()) items.push_back(note_json(n));
  write_json(res, 200, {{"items", items}});
}

// {"sealed": "<base64url of crypto_box_seal(note, project public key)>"}
void handle_note_create(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::triage);
  if (!call) return;
  std::optional<json> body = json_body(req, res);
  if (!body) return;
  const std::string sealed = json_string(*body, "sealed");
  if (sealed.empty()) {
    return write_error(res, 400, "invalid_argument",
                       "Send sealed: the note sealed to the project's public key by your browser.");
  }
  const std::string& id = req.path_params.at("submission");
  Result<server::Note> note = s.storage.add_note(call->project->id, id, call->caller.person_id, sealed);
  if (!note.ok()) return write_error(res, note.status());
  audit(s, call->org_id, call->caller.person_id, "note.create", call->project->id + "/" + id + "/" + note.value().id);
  write_json(res, 201, note_json(note.value()));
}

// One's own note; owners and admins may delete anyone's.
void handle_note_delete(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::triage);
  if (!call) return;
  const std::string& id = req.path_params.at("submission");
  const std::string& note_id = req.path_params.at("note");
  const bool any_author = allowed(Action::delete_reports, call->role, call->project_role);
  if (Status st = s.storage.delete_note(call->project->id, id, note_id, any_author ? "" : call->caller.person_id);
      !st.ok()) {
    return write_error(res, st);
  }
  audit(s, call->org_id, call->caller.person_id, "note.delete", call->project->id + "/" + id + "/" + note_id);
  write_json(res, 200, {{"deleted", note_id}});
}

}  // namespace

void register_triage_routes(Router& r, Services& s) {
  const std::string submissions = "/v1/orgs/:org/projects/:project/submissions";
  const std::string notes = submissions + "/:submission/notes";
  r.json("POST", submissions + "/bulk-update", "submissions_bulk_update", bound(s, handle_bulk_update));
  r.json("POST", submissions + "/bulk-delete", "submissions_bulk_delete", bound(s, handle_bulk_delete));
  r.json("GET", notes, "notes_list", bound(s, handle_notes_list));
  r.json("POST", notes, "note_create", bound(s, handle_note_create));
  r.json("DELETE", notes + "/:note", "note_delete", bound(s, handle_note_delete));
}

}  // namespace sealshot::http
