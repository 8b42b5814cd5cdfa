// A project made in the browser: its key pair is generated here (wasm
// memory), the secret key sealed to the creator's own public key (their
// grant) and only the public key and that grant are sent. The session keeps
// the secret key, so the new project's reports open without asking for the
// grant back. The embed snippet is then shown to copy.
#pragma once

#include <string>
#include <vector>

#include "review_client.h"
#include "session.h"

namespace sealshot::console {

struct NewProject {
  std::string name;
  std::vector<std::string> allowed_origins;  // "https://shop.example"; the server checks them
};

// Origins as a person types them: separated by commas, spaces or new lines.
std::vector<std::string> origins_from_text(std::string_view text);

// Answers (from a later pump()) the project as the server stored it.
void project_create(ReviewClient& api, Session& session, const std::string& org_id, const NewProject& project,
                    Reply<ProjectItem> reply);

// The script tag a site adds (the CLI's `project snippet` makes the same):
// served by `origin` (this server), carrying the project id and public key;
// with `integrity` (SRI of /widget.js as served now) browsers refuse a
// widget.js that changed.
std::string embed_snippet(const std::string& origin, const ProjectItem& project, const std::string& integrity);

}  // namespace sealshot::console
