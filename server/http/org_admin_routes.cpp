// The owner's last word on an organisation: handing ownership to another
// member, and deleting the organisation with every project and envelope.
// Owners only (Action::delete_org, docs/permissions.md).
#include <nlohmann/json.hpp>

#include "http/json_error.h"
#include "http/review_request.h"
#include "http/review_routes.h"

namespace sealshot::http {
namespace {

using nlohmann::json;

// {"to": person id}: they become an owner, the caller an admin.
void handle_org_transfer(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::delete_org);
  if (!call) return;
  std::optional<json> body = json_body(req, res);
  if (!body) return;
  const std::string to = json_string(*body, "to");
  if (to.empty()) return write_error(res, 400, "invalid_argument", "Send to: the member who becomes the owner.");
  if (Status st = s.accounts.transfer_ownership(call->org_id, call->caller.person_id, to); !st.ok()) {
    return write_error(res, st);
  }
  audit(s, call->org_id, call->caller.person_id, "org.transfer", to);
  write_json(res, 200, {{"owner", to}, {"your_role", "admin"}});
}

// ?confirm=<the organisation's id>: every project (reports and their
// envelopes), then the organisation's own rows. Nothing is left to audit in,
// so the server log records the deletion (ids only).
void handle_org_delete(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<ReviewCall> call = authorize(s, req, res, Action::delete_org);
  if (!call) return;
  if (req.get_param_value("confirm") != call->org_id) {
    return write_error(res, 400, "confirmation_required",
                       "Deleting an organisation removes all its projects and reports; add ?confirm=" + call->org_id +
                           " to go ahead.");
  }
  Result<std::vector<std::string>> projects = s.accounts.projects_of(call->org_id);
  if (!projects.ok()) return write_error(res, projects.status());
  std::uint64_t reports = 0;
  for (const std::string& project : projects.value()) {
    Result<std::uint64_t> deleted = s.storage.delete_project(project);
    if (!deleted.ok()) return write_error(res, deleted.status());
    reports += deleted.value();
  }
  if (Status st = s.accounts.delete_organisation(call->org_id); !st.ok()) return write_error(res, st);
  s.log.info("organisation_deleted", {{"org", call->org_id},
                                      {"by", call->caller.person_id},
                                      {"projects", projects.value().size()},
                                      {"submissions", reports}});
  write_json(
      res, 200,
      {{"deleted", call->org_id}, {"projects_deleted", projects.value().size()}, {"submissions_deleted", reports}});
}

}  // namespace

void register_org_admin_routes(Router& r, Services& s) {
  r.json("POST", "/v1/orgs/:org/transfer", "org_transfer", bound(s, handle_org_transfer));
  r.json("DELETE", "/v1/orgs/:org", "org_delete", bound(s, handle_org_delete));
}

}  // namespace sealshot::http
