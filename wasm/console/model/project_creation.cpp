#include "project_creation.h"

#include <memory>

#include "key_wrap.h"

namespace sealshot::console {

std::vector<std::string> origins_from_text(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text) {
    if (c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

void project_create(ReviewClient& api, Session& session, const std::string& org_id, const NewProject& project,
                    Reply<ProjectItem> reply) {
  Result<KeyPair> keys = keypair_generate();
  Result<std::string> grant = keys.ok() ? seal_grant(keys.value().secret_key, session.person_keys().public_key)
                                        : Result<std::string>(keys.status());
  if (!grant.ok() || project.name.empty()) {
    const Status refusal =
        !grant.ok() ? grant.status() : Status(ErrorCode::invalid_argument, "Give the project a name.");
    // Through the client's queue: the answer comes from pump() as always.
    return api.defer([reply, refusal] { reply(refusal); });
  }
  // The secret key waits here for the server's id; it is wiped with this
  // KeyPair's SecretKey when the reply has run.
  auto pending = std::make_shared<KeyPair>(keys.value());
  api.create_project(org_id, project.name, key_to_text(pending->public_key), project.allowed_origins, grant.value(),
                     [&session, pending, reply](Result<ProjectItem> created) {
                       if (created.ok()) session.adopt_project_key(created.value().id, pending->secret_key);
                       reply(std::move(created));
                     });
}

std::string embed_snippet(const std::string& origin, const ProjectItem& project, const std::string& integrity) {
  std::string tag = "<script src=\"" + origin + "/widget.js\" data-project=\"" + project.id + "\" data-key=\"" +
                    project.public_key + "\"";
  if (!integrity.empty()) tag += " integrity=\"" + integrity + "\" crossorigin=\"anonymous\"";
  return tag + " async></script>";
}

}  // namespace sealshot::console
