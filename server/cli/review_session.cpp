#include "review_session.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_error.h"
#include "file_io.h"

namespace sealshot::cli {

void add_session_options(CLI::App* command, SessionOptions& options, bool with_server, bool with_password) {
  if (with_server) command->add_option("--server", options.server, "The server, https://host[:port]");
  command->add_option("--ca-cert", options.ca_cert,
                      "PEM file of the CA to trust for the server (default: the system's store)");
  command
      ->add_option("--session-file", options.session_file,
                   "Where the sign-in is kept (default ~/.config/sealshot/session.json)")
      ->envname("SEALSHOT_SESSION_FILE");
  if (with_password) {
    command->add_option("--password-file", options.password_file,
                        "Read the password from this file's first line (default: SEALSHOT_PASSWORD, else asked)");
  }
}

std::string session_path(const SessionOptions& options) {
  if (!options.session_file.empty()) return options.session_file;
  std::filesystem::path base;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg == '/') {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    base = std::filesystem::path(home) / ".config";
  } else {
    throw CommandError("Neither HOME nor XDG_CONFIG_HOME is set; give --session-file.");
  }
  return (base / "sealshot" / "session.json").string();
}

std::optional<SavedSession> load_session(const std::string& path) {
  if (!std::filesystem::exists(path)) return std::nullopt;
  std::vector<std::uint8_t> bytes = take(read_file(path, 64 * 1024));
  nlohmann::json j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (!j.is_object()) throw CommandError("'" + path + "' is not a sealshot session file; remove it and sign in again.");
  const auto text = [&](const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
  };
  return SavedSession{text("server"), text("ca_cert"), text("cookie"), text("email"), text("person_id")};
}

void save_session(const std::string& path, const SavedSession& s) {
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!dir.empty() && !std::filesystem::exists(dir)) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw CommandError("Cannot create '" + dir.string() + "': " + ec.message() + ".");
    ::chmod(dir.c_str(), 0700);
  }
  const std::string text = nlohmann::json{{"server", s.server},
                                          {"ca_cert", s.ca_cert},
                                          {"cookie", s.cookie},
                                          {"email", s.email},
                                          {"person_id", s.person_id}}
                               .dump(2) +
                           "\n";
  check(write_file_atomic(path, text.data(), text.size(), 0600));
}

void forget_session(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
}

ReviewClient signed_in_client(const SessionOptions& options, SavedSession& session) {
  std::optional<SavedSession> saved = load_session(session_path(options));
  if (!saved || saved->cookie.empty()) throw CommandError("Not signed in: run `sealshot login` first.");
  session = *saved;
  if (!options.server.empty() && ServerAddress::parse(options.server).origin != session.server) {
    throw CommandError("The session is for " + session.server + ", not " + options.server +
                       "; run `sealshot login` for that server.");
  }
  ReviewClient client(session.server, options.ca_cert.empty() ? session.ca_cert : options.ca_cert);
  client.set_session_cookie(session.cookie);
  return client;
}

}  // namespace sealshot::cli
