#include "review_client.h"

#include <nlohmann/json.hpp>

namespace sealshot::console {
namespace {

using nlohmann::json;

std::optional<json> parse(const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

template <typename T>
T number(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<T>() : T{};
}

Status malformed() { return Status(ErrorCode::invalid_argument, "The server's answer is not what the console expects."); }

// Ids go into paths; anything but the server's own id alphabet is refused
// rather than escaped (an id with '/' or '?' would reach another route).
bool id_ok(const std::string& id) {
  if (id.empty() || id.size() > 100) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

SubmissionItem submission_of(const json& j) {
  return {text(j, "id"), number<std::int64_t>(j, "created_at_ms"), number<std::uint64_t>(j, "size_bytes"),
          text(j, "status")};
}

}  // namespace

Status status_of(const HttpResponse& response) {
  if (response.status >= 200 && response.status < 300) return {};
  if (response.status == 0) return Status(ErrorCode::storage_error, "The server cannot be reached.");
  std::optional<json> j = parse(response.body);
  std::string message = j ? text(*j, "message") : "";
  if (message.empty()) message = "The server answered " + std::to_string(response.status) + ".";
  switch (response.status) {
    case 401: return Status(ErrorCode::unauthenticated, message);
    case 403: return Status(ErrorCode::forbidden, message);
    case 404: return Status(ErrorCode::not_found, message);
    case 410: return Status(ErrorCode::gone, message);
    case 429: return Status(ErrorCode::throttled, message);
    default: return Status(response.status >= 500 ? ErrorCode::storage_error : ErrorCode::invalid_argument, message);
  }
}

HttpResponse ReviewClient::call(const std::string& method, const std::string& path, const std::string& body,
                                std::vector<std::pair<std::string, std::string>> headers) {
  HttpRequest request{method, path, std::move(headers), body};
  request.headers.emplace_back("Accept", "application/json");
  if (method != "GET") request.headers.emplace_back("X-Sealshot-Request", "1");
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  return http_.send(request);
}

Result<KdfAnswer> ReviewClient::prelogin(const std::string& email) {
  HttpResponse r = call("POST", "/v1/auth/prelogin", json{{"email", email}}.dump());
  if (Status st = status_of(r); !st.ok()) return st;
  std::optional<json> j = parse(r.body);
  if (!j || !j->contains("kdf") || !(*j)["kdf"].is_object()) return malformed();
  const json& kdf = (*j)["kdf"];
  return KdfAnswer{text(kdf, "salt"), number<std::uint64_t>(kdf, "opslimit"), number<std::uint64_t>(kdf, "memlimit")};
}

Result<MeAnswer> ReviewClient::login(const std::string& email, const std::string& auth_key_text) {
  HttpResponse r = call("POST", "/v1/auth/login", json{{"email", email}, {"auth_key", auth_key_text}}.dump());
  if (Status st = status_of(r); !st.ok()) return st;
  std::optional<json> j = parse(r.body);
  if (!j) return malformed();
  MeAnswer me{text(*j, "id"), text(*j, "email"), text(*j, "display_name"), text(*j, "public_key"),
              text(*j, "wrapped_secret_key"), {}};
  if (auto it = j->find("organisations"); it != j->end() && it->is_array()) {
    for (const json& o : *it) {
      if (o.is_object()) me.organisations.push_back({text(o, "id"), text(o, "name"), text(o, "role")});
    }
  }
  return me;
}

Result<std::vector<ProjectItem>> ReviewClient::projects(const std::string& org_id) {
  if (!id_ok(org_id)) return Status(ErrorCode::invalid_argument, "Not an organisation id.");
  HttpResponse r = call("GET", "/v1/orgs/" + org_id + "/projects");
  if (Status st = status_of(r); !st.ok()) return st;
  std::optional<json> j = parse(r.body);
  if (!j || !j->contains("items") || !(*j)["items"].is_array()) return malformed();
  std::vector<ProjectItem> out;
  for (const json& p : (*j)["items"]) {
    if (p.is_object()) out.push_back({text(p, "id"), text(p, "name"), text(p, "public_key")});
  }
  return out;
}

Result<SubmissionPage> ReviewClient::submissions(const std::string& org_id, const std::string& project_id,
                                                 const std::string& cursor, int limit) {
  if (!id_ok(org_id) || !id_ok(project_id) || (!cursor.empty() && !id_ok(cursor))) {
    return Status(ErrorCode::invalid_argument, "Not an organisation, project or cursor id.");
  }
  std::string path = "/v1/orgs/" + org_id + "/projects/" + project_id + "/submissions?limit=" + std::to_string(limit);
  if (!cursor.empty()) path += "&cursor=" + cursor;
  HttpResponse r = call("GET", path);
  if (Status st = status_of(r); !st.ok()) return st;
  std::optional<json> j = parse(r.body);
  if (!j || !j->contains("items") || !(*j)["items"].is_array()) return malformed();
  SubmissionPage page;
  for (const json& s : (*j)["items"]) {
    if (s.is_object()) page.items.push_back(submission_of(s));
  }
  page.next_cursor = text(*j, "next_cursor");
  return page;
}

Result<std::string> ReviewClient::grant(const std::string& org_id, const std::string& project_id) {
  if (!id_ok(org_id) || !id_ok(project_id)) return Status(ErrorCode::invalid_argument, "Not a project id.");
  HttpResponse r = call("GET", "/v1/orgs/" + org_id + "/projects/" + project_id + "/grant");
  if (Status st = status_of(r); !st.ok()) return st;
  std::optional<json> j = parse(r.body);
  if (!j) return malformed();
  return text(*j, "sealed_key");
}

Result<std::string> ReviewClient::envelope_prefix(const std::string& org_id, const std::string& project_id,
                                                  const std::string& submission_id, std::uint64_t length) {
  if (!id_ok(org_id) || !id_ok(project_id) || !id_ok(submission_id) || length == 0) {
    return Status(ErrorCode::invalid_argument, "Not a submission id.");
  }
  HttpResponse r = call("GET", "/v1/orgs/" + org_id + "/projects/" + project_id + "/submissions/" + submission_id +
                                   "/envelope",
                        "", {{"Range", "bytes=0-" + std::to_string(length - 1)}});
  if (Status st = status_of(r); !st.ok()) return st;
  // 206 with the range, or 200 with the whole (shorter) envelope.
  if (r.body.size() > length) r.body.resize(length);
  return std::move(r.body);
}

Result<SubmissionItem> ReviewClient::set_status(const std::string& org_id, const std::string& project_id,
                                                const std::string& submission_id, const std::string& status) {
  if (!id_ok(org_id) || !id_ok(project_id) || !id_ok(submission_id)) {
    return Status(ErrorCode::invalid_argument, "Not a submission id.");
  }
  HttpResponse r = call("PATCH", "/v1/orgs/" + org_id + "/projects/" + project_id + "/submissions/" + submission_id,
                        json{{"status", status}}.dump());
  if (Status st = status_of(r); !st.ok()) return st;
  std::optional<json> j = parse(r.body);
  if (!j) return malformed();
  return submission_of(*j);
}

}  // namespace sealshot::console
