// The CLI's sign-in state for the review API: which server, which CA file,
// and the session cookie, kept in a 0600 file (default
// ~/.config/sealshot/session.json). Never the password, never a key: each
// command that opens reports re-derives the keys from the password.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "review_client.h"

namespace sealshot::cli {

struct SessionOptions {
  std::string session_file;   // empty: $SEALSHOT_SESSION_FILE, else the default
  std::string server;         // empty: the signed-in session's server
  std::string ca_cert;        // empty: the session's, else the system store
  std::string password_file;  // empty: SEALSHOT_PASSWORD, else the terminal
};

// --session-file, --ca-cert; with_server: --server; with_password: --password-file.
void add_session_options(CLI::App* command, SessionOptions& options, bool with_server, bool with_password);

struct SavedSession {
  std::string server;  // origin
  std::string ca_cert;
  std::string cookie;  // name=value
  std::string email;
  std::string person_id;
};

std::string session_path(const SessionOptions& options);
std::optional<SavedSession> load_session(const std::string& path);
// Written atomically, 0600, in a folder made 0700 if it is new.
void save_session(const std::string& path, const SavedSession& session);
void forget_session(const std::string& path);

// A client for the signed-in session (throws CommandError: "sign in first").
ReviewClient signed_in_client(const SessionOptions& options, SavedSession& session);

}  // namespace sealshot::cli
