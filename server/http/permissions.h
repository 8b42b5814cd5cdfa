// Who may do what on the review API: the permission table of
// docs/permissions.md as code. Each review route names one Action
// (routes.cpp); the handler asks allowed() with the caller's role in the
// route's organisation and, for project routes, their role on the project.
// tests/permission_matrix_test.cpp checks every route x role against the
// table in the document, so the two cannot drift apart.
#pragma once

#include <optional>
#include <string_view>

#include "storage/storage.h"

namespace sealshot::http {

enum class Action {
  read_org,             // see the organisation, its members and the projects one may read
  read_reports,         // list submissions, fetch envelopes, one's own grant
  triage,               // status, assignee
  delete_reports,       // delete submissions
  manage_projects,      // create projects, settings, origins, retention
  manage_people,        // invite, roles, project access and grants, remove
  read_audit,           // the audit log
  manage_org_security,  // MFA policy, IP allowlist
  delete_org,           // delete the organisation, transfer ownership
};

[[nodiscard]] const char* action_name(Action action) noexcept;
[[nodiscard]] std::optional<Action> action_from_name(std::string_view name) noexcept;

// `project_role`: the caller's role on the project the request is about
// (nullopt: none, or not a project route).
[[nodiscard]] bool allowed(Action action, server::OrgRole org_role,
                           std::optional<server::ProjectRole> project_role) noexcept;

// True when the role reads every project of its organisation (owner, admin,
// viewer); members read the projects they have a role on.
[[nodiscard]] bool reads_all_projects(server::OrgRole role) noexcept;

}  // namespace sealshot::http
