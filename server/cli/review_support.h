// What the review commands (review_commands.cpp, project_key_commands.cpp)
// share: their options, a signed-in client with the pins of its server,
// unlocking one's own keys, and confirming another person's public key.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "account_unlock.h"
#include "key_pins.h"
#include "review_client.h"
#include "review_session.h"

namespace sealshot::cli {

struct ReviewOptions {
  SessionOptions session;
  std::string org, project, id, out, status, email, fingerprint, role, name, project_key, secret_key, grant_to;
  std::vector<std::string> origins;
  std::vector<std::string> fingerprints;  // rotate-key, revoke: EMAIL=FINGERPRINT
  std::vector<std::string> leave_out;     // rotate-key, revoke: emails not given the new key
  unsigned limit = 50;
  bool json_output = false;
  bool force = false;
  bool rotate = false;
  bool current_key_only = false;
};

// A signed-in client plus the pins for its server.
struct Signed {
  SavedSession session;
  ReviewClient client;
  KeyPins pins;
  explicit Signed(const SessionOptions& o)
      : client(signed_in_client(o, session)), pins(pins_path_for(session_path(o)), client.address().origin) {}
};

std::string project_path(const ReviewOptions& o);
UnlockedAccount unlock(Signed& s, const ReviewOptions& o);

// A member of the organisation as GET …/members lists them.
struct MemberKey {
  std::string person_id;
  std::string email;
  PublicKey public_key;
};

// The organisation's members, keyed lookups by email or id (throws
// CommandError when absent or not set up yet).
nlohmann::json list_members(Signed& s, const ReviewOptions& o);
MemberKey member_by_email(const nlohmann::json& members, const std::string& email, const std::string& org);
MemberKey member_by_id(const nlohmann::json& members, const std::string& person_id, const std::string& org);

// Fingerprints as people read them out: spaces, dashes, colons and case ignored.
std::string fingerprint_normalised(const std::string& text);

// True when the member's key is one this CLI confirmed before (pinned; a
// different key is refused) or matches `confirmed_fingerprint` (then
// pinned). False: nobody confirmed it yet. A fingerprint that does not
// match throws: the server may be substituting keys.
bool member_key_confirmed(Signed& s, const MemberKey& member, const std::string& confirmed_fingerprint);

// The number of the project's current key (GET …/keys).
std::int64_t current_key_number(Signed& s, const ReviewOptions& o);

// --org and --project, both required.
void add_org_project(CLI::App* command, ReviewOptions& o);

// `sealshot project rotate-key` and `project revoke` (project_key_commands.cpp).
void register_project_key_commands(CLI::App& project, const std::shared_ptr<ReviewOptions>& o);

}  // namespace sealshot::cli
