// The authorization matrix, generated from docs/permissions.md: every
// organisation route of the table × every role × (own project, another
// project of the same organisation, another organisation), called against
// the real TLS server, compared with the table. A route the server
// registers below /v1/ that the document does not list fails the test.
//
// Requests are built so that passing authorization has no lasting effect
// (empty JSON bodies are refused after the check; deletes name ids that do
// not exist), so one set of people and projects serves every call. A call
// counts as refused when it answers 403, or 404 for the organisation or
// project itself (the answer that hides another tenant's ids).
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "server_support/review_fixture.h"

namespace sealshot::http {
namespace {

using nlohmann::json;

constexpr const char* kRoles[] = {"owner", "admin", "member", "viewer", "project reviewer", "project viewer"};

struct TableRow {
  std::string name;
  std::string method;
  std::string path;
  std::map<std::string, bool> allowed;  // by role column
};

struct DocTables {
  std::vector<TableRow> org_routes;
  std::set<std::string> other_routes;  // account and public routes, by name
};

DocTables read_permissions_doc() {
  std::ifstream in(std::string(SEALSHOT_SOURCE_DIR) + "/docs/permissions.md");
  EXPECT_TRUE(in) << "docs/permissions.md not found";
  DocTables tables;
  // | name | METHOD `path` | cells... |
  const std::regex row(R"(^\| ([a-z_]+) \| (GET|POST|PUT|PATCH|DELETE) `([^`]+)` \|(.*)\|\s*$)");
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, row)) continue;
    std::vector<std::string> cells;
    std::string rest = m[4];
    std::size_t start = 0;
    while (start <= rest.size()) {
      std::size_t bar = rest.find('|', start);
      std::string cell = rest.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
      cell.erase(0, cell.find_first_not_of(' '));
      cell.erase(cell.find_last_not_of(' ') + 1);
      cells.push_back(cell);
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
    if (cells.size() == std::size(kRoles)) {
      TableRow r{m[1], m[2], m[3], {}};
      for (std::size_t i = 0; i < cells.size(); ++i) {
        EXPECT_TRUE(cells[i] == "✓" || cells[i] == "–") << r.name << ": cell '" << cells[i] << "'";
        r.allowed[kRoles[i]] = cells[i] == "✓";
      }
      tables.org_routes.push_back(std::move(r));
    } else {
      tables.other_routes.insert(m[1]);
    }
  }
  return tables;
}

class PermissionMatrixTest : public ReviewTest {};

TEST_F(PermissionMatrixTest, EveryRouteAndRoleAnswersAsTheTableSays) {
  config_.limits.worker_threads = 8;
  start();
  const DocTables doc = read_permissions_doc();
  ASSERT_GE(doc.org_routes.size(), 15u);

  // Every review route the server has is in the document.
  std::set<std::string> documented = doc.other_routes;
  for (const TableRow& r : doc.org_routes) documented.insert(r.name);
  for (const RouteTable::Route& route : server_->http().route_table().routes()) {
    if (route.pattern.rfind("/v1/", 0) != 0 || route.pattern.rfind("/v1/projects/", 0) == 0) continue;  // ingest
    EXPECT_TRUE(documented.count(route.name))
        << route.method << " " << route.pattern << " (" << route.name << ") is missing from docs/permissions.md";
  }

  // One organisation with a person per role, two projects; a second
  // organisation with its own project.
  auto [acme, owner] = create_org("Acme", "owner@acme.example");
  std::map<std::string, Reviewer> people = {{"owner", owner}};
  people["admin"] = enroll(acme.id, "admin@acme.example", server::OrgRole::admin);
  people["member"] = enroll(acme.id, "member@acme.example", server::OrgRole::member);
  people["viewer"] = enroll(acme.id, "viewer@acme.example", server::OrgRole::viewer);
  people["project reviewer"] = enroll(acme.id, "reviewer@acme.example", server::OrgRole::member);
  people["project viewer"] = enroll(acme.id, "pviewer@acme.example", server::OrgRole::member);
  Reviewer target = enroll(acme.id, "target@acme.example", server::OrgRole::member);
  KeyPair keys = keypair_generate().value();
  server::Project own = create_org_project(acme.id, "Own", keys);
  server::Project sibling = create_org_project(acme.id, "Sibling", keys);
  ASSERT_TRUE(accounts().set_project_role(own.id, people["project reviewer"].id, server::ProjectRole::reviewer).ok());
  ASSERT_TRUE(accounts().set_project_role(own.id, people["project viewer"].id, server::ProjectRole::viewer).ok());
  const std::string own_sub = store_submission(own, seal(own, keys));
  const std::string sibling_sub = store_submission(sibling, seal(sibling, keys));
  auto [globex, globex_owner] = create_org("Globex", "owner@globex.example");
  server::Project foreign = create_org_project(globex.id, "Foreign", keys);
  const std::string foreign_sub = store_submission(foreign, seal(foreign, keys));
  const std::string absent_person = "per_" + std::string(26, 'a');

  struct Target {
    const char* label;
    std::string org, project, submission;
  };
  const Target targets[] = {{"own project", acme.id, own.id, own_sub},
                            {"another project of the organisation", acme.id, sibling.id, sibling_sub},
                            {"another organisation", globex.id, foreign.id, foreign_sub}};

  reuse_one_connection();
  int checks = 0;
  int wrong = 0;
  for (const TableRow& row : doc.org_routes) {
    const bool project_route = row.path.find(":project") != std::string::npos;
    for (const Target& t : targets) {
      std::string path = row.path;
      const auto put = [&](const std::string& name, const std::string& value) {
        if (std::size_t at = path.find(name); at != std::string::npos) path.replace(at, name.size(), value);
      };
      put(":org", t.org);
      put(":project", t.project);
      put(":submission", row.method == "DELETE" ? "sub_" + std::string(26, 'b') : t.submission);
      put(":person", row.method == "DELETE" ? absent_person : target.id);
      put(":note", "not_" + std::string(26, 'c'));
      put(":token", "tok_" + std::string(26, 'd'));
      for (const char* role : kRoles) {
        bool expected = row.allowed.at(role);
        if (t.org != acme.id) {
          expected = false;
        } else if (project_route && t.project != own.id && std::string(role).rfind("project ", 0) == 0) {
          expected = row.allowed.at("member");  // no role on the sibling project: a plain member there
        }
        auto res =
            send(row.method, path, row.method == "GET" || row.method == "DELETE" ? "" : "{}", people[role].cookie);
        ASSERT_TRUE(res) << row.name;
        const std::string code = error_of(res->body);
        const json parsed = json::parse(res->body, nullptr, false);
        const std::string message = parsed.is_object() ? parsed.value("message", "") : "";
        const bool refused = res->status == 401 || res->status == 403 ||
                             (res->status == 404 && code == "not_found" &&
                              (message == "No such organisation." || message == "No such project."));
        ++checks;
        if (refused == expected) {
          ++wrong;
          ADD_FAILURE() << row.name << " " << row.method << " as " << role << " on " << t.label << ": expected "
                        << (expected ? "allowed" : "refused") << ", got " << res->status << " " << res->body;
        }
      }
    }
  }
  std::printf("permission matrix: %d checks, %d wrong\n", checks, wrong);
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(checks, int(doc.org_routes.size() * std::size(targets) * std::size(kRoles)));
}

}  // namespace
}  // namespace sealshot::http
