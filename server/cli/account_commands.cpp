#include "account_commands.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "account_keys.h"
#include "account_unlock.h"
#include "base64url.h"
#include "cli_error.h"
#include "key_fingerprint.h"
#include "key_pins.h"
#include "key_wrap.h"
#include "password_input.h"
#include "password_policy.h"
#include "review_client.h"
#include "review_session.h"

namespace sealshot::cli {
namespace {

using nlohmann::json;

std::string absolute_or_empty(const std::string& path) {
  return path.empty() ? path : std::filesystem::absolute(path).string();
}

// Keeps the session the server just started (its cookie only).
void keep_session(const SessionOptions& o, const ReviewClient& client, const ApiAnswer& answer, const json& account) {
  if (answer.session_cookie.empty()) throw CommandError("The server started no session.");
  save_session(session_path(o),
               SavedSession{client.address().origin, absolute_or_empty(o.ca_cert), answer.session_cookie,
                            account.value("email", ""), account.value("id", "")});
}

struct SetupOptions {
  SessionOptions session;
  std::string link, display_name;
  unsigned kdf_memlimit_mib = 0;  // hidden: tests may derive at the pinned minimum
};

// The token of a link "https://host/console/link#TOKEN", or the bare token.
std::string link_token(const std::string& link) {
  const std::size_t hash = link.rfind('#');
  const std::string token = hash == std::string::npos ? link : link.substr(hash + 1);
  if (!base64url_decode(token, 32)) throw CommandError("--link must be a set-up or invitation link, or its token.");
  return token;
}

void account_setup(const SetupOptions& o) {
  const std::string token = link_token(o.link);
  std::string server = o.session.server;
  if (server.empty()) {
    if (o.link.rfind("https://", 0) != 0) throw CommandError("Give --server (the link is only a token).");
    server = o.link;
  }
  ReviewClient client(server, o.session.ca_cert);
  const json link = client.get("/v1/links/" + token).json();
  const std::string email = link.value("email", "");
  const std::string kind = link.value("kind", "");
  const bool new_keys = !link.value("account_exists", false) || kind == "reset";
  std::cout << "Link for " << email << " (" << kind << ", " << link.value("role", "") << " of "
            << link.value("organisation", "") << ").\n";

  Password password;
  read_password(o.session.password_file, new_keys ? "Choose a password for " + email : "Your password for " + email,
                new_keys, password);
  json body = {{"display_name", o.display_name}};
  KeyPair person;
  AccountKeys keys;
  if (new_keys) {
    if (Status st = password_check(password.text, email); !st.ok()) throw CommandError(st.message());
    KdfParams params = kKdfDefaultParams;
    if (o.kdf_memlimit_mib != 0) params.memlimit = std::size_t(o.kdf_memlimit_mib) * kMiB;
    check(kdf_params_acceptable(params));
    const AccountSalt salt = take(account_salt_generate());
    keys = take(derive_account_keys(password.text, salt, params));
    person = take(keypair_generate());
    body["auth_key"] = auth_key_to_text(keys);
    body["kdf_salt"] = account_salt_to_text(salt);
    body["kdf_opslimit"] = params.opslimit;
    body["kdf_memlimit"] = params.memlimit;
    body["public_key"] = key_to_text(person.public_key);
    body["wrapped_secret_key"] = take(wrap_secret_key(person.secret_key, keys.wrap_key));
  } else {
    // Joining another organisation with an existing account: prove the password.
    keys = derive_from_kdf(link.value("kdf", json()), password);
    body["auth_key"] = auth_key_to_text(keys);
  }
  const ApiAnswer answer = client.send("POST", "/v1/links/" + token + "/accept", body);
  const json account = answer.json();
  keep_session(o.session, client, answer, account);
  // An existing account's stored keys must open with this password.
  if (!new_keys) person = open_person_keys(account, keys);
  KeyPins pins(pins_path_for(session_path(o.session)), client.address().origin);
  pins.check_or_pin("person", account.value("id", ""), person.public_key);
  std::cout << "Account ready; signed in as " << account.value("email", "") << ".\n"
            << "Your key fingerprint: " << key_fingerprint(person.public_key) << "\n"
            << "Tell it to the owner or admin who grants you projects, so they can check it.\n";
}

struct LoginOptions {
  SessionOptions session;
  std::string email, mfa_code;
};

std::string error_code_of(const ApiAnswer& answer) {
  const json parsed = json::parse(answer.body, nullptr, false);
  return parsed.is_object() && parsed.contains("error") && parsed["error"].is_string()
             ? parsed["error"].get<std::string>()
             : "";
}

// The code from an authenticator app (or a recovery code), typed at the terminal.
std::string ask_mfa_code() {
  std::ifstream tty("/dev/tty");
  if (!tty) {
    throw CommandError(
        "This account signs in with a second factor: give --mfa-code CODE (authenticator or recovery code).");
  }
  std::ofstream("/dev/tty") << "Code from your authenticator app (or a recovery code): " << std::flush;
  std::string code;
  std::getline(tty, code);
  if (code.empty()) throw CommandError("No code was typed.");
  return code;
}

void login(const LoginOptions& o) {
  if (o.session.server.empty()) throw CommandError("Give --server https://host[:port].");
  ReviewClient client(o.session.server, o.session.ca_cert);
  const json pre = client.send("POST", "/v1/auth/prelogin", {{"email", o.email}}).json();
  Password password;
  read_password(o.session.password_file, "Password for " + o.email, false, password);
  const AccountKeys keys = derive_from_kdf(pre.value("kdf", json()), password);
  json body = {{"email", o.email}, {"auth_key", auth_key_to_text(keys)}};
  if (!o.mfa_code.empty()) body["mfa_code"] = o.mfa_code;
  ApiAnswer answer = client.request("POST", "/v1/auth/login", &body);
  if (answer.status == 401 && o.mfa_code.empty() && error_code_of(answer) == "mfa_required") {
    body["mfa_code"] = ask_mfa_code();  // the keys are derived already: no second derivation
    answer = client.request("POST", "/v1/auth/login", &body);
  }
  answer = checked_answer(std::move(answer));
  const json account = answer.json();
  const KeyPair person = open_person_keys(account, keys);
  KeyPins pins(pins_path_for(session_path(o.session)), client.address().origin);
  pins.check_or_pin("person", account.value("id", ""), person.public_key);
  keep_session(o.session, client, answer, account);
  std::cout << "Signed in as " << account.value("email", "") << " on " << client.address().origin << ".\n"
            << "Your key fingerprint: " << key_fingerprint(person.public_key) << "\n";
}

void logout(const SessionOptions& o, bool everywhere) {
  const std::string path = session_path(o);
  SavedSession session;
  ReviewClient client = signed_in_client(o, session);
  const ApiAnswer answer =
      client.request("POST", everywhere ? "/v1/auth/logout-everywhere" : "/v1/auth/logout", nullptr);
  forget_session(path);
  if (answer.status == 401) {
    std::cout << "The session had already ended; signed out.\n";
    return;
  }
  if (answer.status != 200)
    throw CommandError("The server refused to end the session (HTTP " + std::to_string(answer.status) +
                       "); the local session file was removed.");
  std::cout << (everywhere ? "Signed out everywhere.\n" : "Signed out.\n");
}

}  // namespace

void register_account_commands(CLI::App& app) {
  auto* account = app.add_subcommand("account", "Your account on a sealshot-server (review console).");
  account->require_subcommand(1);
  auto so = std::make_shared<SetupOptions>();
  auto* setup = account->add_subcommand(
      "setup", "Accept a set-up or invitation link: choose a password, make your keys, print your key fingerprint.");
  add_session_options(setup, so->session, true, true);
  setup->add_option("--link", so->link, "The link (https://…/console/link#…) or its token")->required();
  setup->add_option("--name", so->display_name, "Your name as others see it");
  setup->add_option("--kdf-memlimit-mib", so->kdf_memlimit_mib, "Testing only: Argon2id memory in MiB")
      ->group("");  // hidden; the pinned range still applies
  setup->callback([so] { account_setup(*so); });

  auto lo = std::make_shared<LoginOptions>();
  auto* login_cmd = app.add_subcommand("login", "Sign in to a sealshot-server (keeps only the session cookie).");
  add_session_options(login_cmd, lo->session, true, true);
  login_cmd->add_option("--email", lo->email, "Your email address")->required();
  login_cmd->add_option("--mfa-code", lo->mfa_code,
                        "Two-factor code (authenticator or recovery code); asked if needed");
  login_cmd->callback([lo] { login(*lo); });

  auto out = std::make_shared<SessionOptions>();
  auto everywhere = std::make_shared<bool>(false);
  auto* logout_cmd = app.add_subcommand("logout", "End the session and remove the session file.");
  add_session_options(logout_cmd, *out, false, false);
  logout_cmd->add_flag("--everywhere", *everywhere, "End all your sessions (every browser and CLI)");
  logout_cmd->callback([out, everywhere] { logout(*out, *everywhere); });
}

}  // namespace sealshot::cli
