// The review API (docs/http-api.md) as the console's model calls it: typed
// answers, one clear error per failure, and the same-site header every
// state-changing request needs. Holds no key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "http_client.h"
#include "result.h"

namespace sealshot::console {

struct KdfAnswer {
  std::string salt;
  std::uint64_t opslimit = 0;
  std::uint64_t memlimit = 0;
};

struct OrganisationItem {
  std::string id, name, role;
};

struct MeAnswer {
  std::string id, email, display_name, public_key, wrapped_secret_key;
  std::vector<OrganisationItem> organisations;
};

struct ProjectItem {
  std::string id, name, public_key;
};

struct SubmissionItem {
  std::string id;
  std::int64_t created_at_ms = 0;
  std::uint64_t size_bytes = 0;
  std::string status;
};

struct SubmissionPage {
  std::vector<SubmissionItem> items;
  std::string next_cursor;  // empty: no more
};

class ReviewClient {
 public:
  explicit ReviewClient(HttpClient& http) : http_(http) {}

  [[nodiscard]] Result<KdfAnswer> prelogin(const std::string& email);
  [[nodiscard]] Result<MeAnswer> login(const std::string& email, const std::string& auth_key_text);
  [[nodiscard]] Result<std::vector<ProjectItem>> projects(const std::string& org_id);
  [[nodiscard]] Result<SubmissionPage> submissions(const std::string& org_id, const std::string& project_id,
                                                   const std::string& cursor, int limit);
  // The project key sealed to the signed-in person ("ssgr1.…").
  [[nodiscard]] Result<std::string> grant(const std::string& org_id, const std::string& project_id);
  // Bytes [0, length) of the envelope (HTTP Range); fewer when it is shorter.
  [[nodiscard]] Result<std::string> envelope_prefix(const std::string& org_id, const std::string& project_id,
                                                    const std::string& submission_id, std::uint64_t length);
  [[nodiscard]] Result<SubmissionItem> set_status(const std::string& org_id, const std::string& project_id,
                                                  const std::string& submission_id, const std::string& status);

 private:
  HttpResponse call(const std::string& method, const std::string& path, const std::string& body = "",
                    std::vector<std::pair<std::string, std::string>> headers = {});
  HttpClient& http_;
};

// The server's error answer as a Status: 401 → unauthenticated (back to
// sign-in), 404 → not_found, 0 → unavailable, and so on.
[[nodiscard]] Status status_of(const HttpResponse& response);

}  // namespace sealshot::console
