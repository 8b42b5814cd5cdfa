#include "http/permissions.h"

#include <array>
#include <utility>

namespace sealshot::http {
namespace {

using server::OrgRole;
using server::ProjectRole;

constexpr std::array<std::pair<Action, const char*>, 9> kNames = {{
    {Action::read_org, "read_org"},
    {Action::read_reports, "read_reports"},
    {Action::triage, "triage"},
    {Action::delete_reports, "delete_reports"},
    {Action::manage_projects, "manage_projects"},
    {Action::manage_people, "manage_people"},
    {Action::read_audit, "read_audit"},
    {Action::manage_org_security, "manage_org_security"},
    {Action::delete_org, "delete_org"},
}};

}  // namespace

const char* action_name(Action action) noexcept {
  for (const auto& [a, name] : kNames) {
    if (a == action) return name;
  }
  return "unknown";
}

std::optional<Action> action_from_name(std::string_view name) noexcept {
  for (const auto& [a, n] : kNames) {
    if (name == n) return a;
  }
  return std::nullopt;
}

bool reads_all_projects(OrgRole role) noexcept { return role != OrgRole::member; }

bool allowed(Action action, OrgRole role, std::optional<ProjectRole> project_role) noexcept {
  const bool owner = role == OrgRole::owner;
  const bool admin_or_owner = owner || role == OrgRole::admin;
  switch (action) {
    case Action::read_org:
      return true;  // any member of the organisation
    case Action::read_reports:
      return reads_all_projects(role) || project_role.has_value();
    case Action::triage:
      return admin_or_owner || (role == OrgRole::member && project_role == ProjectRole::reviewer);
    case Action::delete_reports:
    case Action::manage_projects:
    case Action::manage_people:
    case Action::read_audit:
      return admin_or_owner;
    case Action::manage_org_security:
    case Action::delete_org:
      return owner;
  }
  return false;
}

}  // namespace sealshot::http
