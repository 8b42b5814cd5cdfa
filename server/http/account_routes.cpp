// Sign-in, sign-out, one's own account, and single-use links (set-up,
// invitation, reset). The password never arrives here: the browser derives
// an authentication key from it (docs/security.md) and the server stores a
// hash of that key, the person's public key and their wrapped secret key.
#include <openssl/hmac.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "base64url.h"
#include "http/json_error.h"
#include "http/mailer.h"
#include "http/request_context.h"
#include "http/review_request.h"
#include "http/review_routes.h"

namespace sealshot::http {
namespace {

using nlohmann::json;

constexpr const char* kWrongCredentials = "The email or the password is wrong.";

// Parameters and salt the client needs before it can derive its keys. For
// an email nobody has, a salt that is stable (keyed hash of the email with
// this installation's secret) and the default parameters, so the answer
// does not tell who has an account.
json prelogin_answer(Services& s, const std::string& email, const server::Person* person) {
  if (person != nullptr && !person->keys.auth_hash.empty()) {
    return {{"kdf",
             {{"salt", person->keys.kdf_salt},
              {"opslimit", person->keys.kdf_opslimit},
              {"memlimit", person->keys.kdf_memlimit}}}};
  }
  std::vector<std::uint8_t> salt(16);
  Result<std::vector<std::uint8_t>> secret = s.accounts.server_secret("decoy_salt");
  if (secret.ok()) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_length = 0;
    HMAC(EVP_sha256(), secret.value().data(), int(secret.value().size()),
         reinterpret_cast<const unsigned char*>(email.data()), email.size(), mac, &mac_length);
    std::copy(mac, mac + salt.size(), salt.begin());
  }
  const ReviewSettings& settings = s.auth.settings();
  return {{"kdf",
           {{"salt", base64url_encode(salt)},
            {"opslimit", settings.default_kdf_opslimit},
            {"memlimit", settings.default_kdf_memlimit}}}};
}

json memberships_json(Services& s, const std::string& person_id) {
  json orgs = json::array();
  Result<std::vector<server::Membership>> memberships = s.accounts.memberships_of(person_id);
  if (memberships.ok()) {
    for (const server::Membership& m : memberships.value()) {
      orgs.push_back({{"id", m.org.id},
                      {"name", m.org.name},
                      {"role", server::org_role_name(m.role)},
                      {"require_mfa", m.org.require_mfa}});
    }
  }
  return orgs;
}

// What a signed-in browser needs to open its keys.
json account_json(Services& s, const server::Person& person) {
  json out = person_json(person);
  out["wrapped_secret_key"] = person.keys.wrapped_secret_key;
  out["kdf"] = {
      {"salt", person.keys.kdf_salt}, {"opslimit", person.keys.kdf_opslimit}, {"memlimit", person.keys.kdf_memlimit}};
  out["organisations"] = memberships_json(s, person.id);
  Result<server::MfaState> mfa = s.accounts.get_mfa(person.id);
  out["mfa"] = mfa.ok() && mfa.value().enabled;
  return out;
}

void start_session(Services& s, httplib::Response& res, const server::Person& person) {
  const std::string token = ReviewAuth::token_generate();
  if (Status st = s.accounts.create_session(ReviewAuth::token_hash(token), person.id, s.auth.now_ms()); !st.ok()) {
    write_error(res, st);
    return;
  }
  res.set_header("Set-Cookie", s.auth.session_cookie(token));
  write_json(res, 200, account_json(s, person));
}

void handle_prelogin(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<json> body = json_body(req, res);
  if (!body) return;
  Result<std::string> email = server::email_normalize(json_string(*body, "email"));
  if (!email.ok()) return write_error(res, 400, "invalid_argument", email.message());
  Result<server::Person> person = s.accounts.find_person_by_email(email.value());
  if (!person.ok() && person.code() != ErrorCode::not_found) return write_error(res, person.status());
  write_json(res, 200, prelogin_answer(s, email.value(), person.ok() ? &person.value() : nullptr));
}

void handle_login(Services& s, const httplib::Request& req, httplib::Response& res) {
  if (Status csrf = s.auth.check_csrf(req); !csrf.ok()) return write_error(res, csrf);  // login CSRF
  std::optional<json> body = json_body(req, res);
  if (!body) return;
  Result<std::string> email = server::email_normalize(json_string(*body, "email"));
  std::optional<std::vector<std::uint8_t>> auth_key = base64url_decode(json_string(*body, "auth_key"), 32);
  if (!email.ok() || !auth_key) {
    return write_error(res, 400, "invalid_argument", "Send an email and a 32-byte auth_key (base64url).");
  }
  const RateDecision attempt = s.auth.take_login_attempt(current_request().client_address, email.value());
  if (!attempt.allowed) {
    res.set_header("Retry-After", std::to_string(attempt.retry_after_seconds));
    return write_error(res, 429, "throttled", "Too many sign-in attempts; wait a minute and try again.");
  }
  Result<server::Person> person = s.accounts.find_person_by_email(email.value());
  if (!person.ok() && person.code() != ErrorCode::not_found) return write_error(res, person.status());
  // Unknown emails and accounts not set up verify against a decoy hash:
  // the answer takes the same time either way.
  const bool known = person.ok() && !person.value().keys.auth_hash.empty();
  const bool match = s.auth.verify_auth_key(known ? person.value().keys.auth_hash : s.auth.decoy_hash(), *auth_key);
  sodium_memzero(auth_key->data(), auth_key->size());
  if (!known || !match) {
    if (known) audit_in_each_org(s, person.value().id, "signin.failure");
    s.metrics.add_review_signin(false);
    return write_error(res, 401, "unauthenticated", kWrongCredentials);
  }
  // The second factor is asked for only after the password was right, as
  // every service does (the answer does say the password was right).
  if (const char* refusal = second_factor_refusal(s, person.value().id, json_string(*body, "mfa_code"))) {
    if (std::string_view(refusal) != "mfa_required") audit_in_each_org(s, person.value().id, "signin.mfa_failure");
    return write_second_factor_refusal(res, refusal);
  }
  audit_in_each_org(s, person.value().id, "signin.success");
  s.metrics.add_review_signin(true);
  start_session(s, res, person.value());
}

void handle_logout(Services& s, const httplib::Request& req, httplib::Response& res, bool everywhere) {
  std::optional<Caller> caller = require_session(s, req, res);
  if (!caller) return;
  const Status st =
      everywhere ? s.accounts.delete_sessions_of(caller->person_id) : s.accounts.delete_session(caller->token);
  if (!st.ok()) return write_error(res, st);
  audit_in_each_org(s, caller->person_id, everywhere ? "signout.everywhere" : "signout");
  res.set_header("Set-Cookie", ReviewAuth::cleared_cookie());
  write_json(res, 200, {{"signed_out", true}});
}

void handle_me(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<Caller> caller = require_session(s, req, res);
  if (!caller) return;
  Result<server::Person> person = s.accounts.get_person(caller->person_id);
  if (!person.ok()) return write_error(res, person.status());
  write_json(res, 200, account_json(s, person.value()));
}

// The link's token is the last path segment; only its hash is looked up.
Result<server::Link> live_link(Services& s, const httplib::Request& req) {
  Result<server::Link> link = s.accounts.get_link(ReviewAuth::token_hash(req.path_params.at("token")));
  if (!link.ok()) {
    if (link.code() == ErrorCode::not_found) return Status(ErrorCode::not_found, "This link is not valid.");
    return link.status();
  }
  if (link.value().used_at_ms != 0) return Status(ErrorCode::gone, "This link was already used.");
  if (s.auth.now_ms() >= link.value().expires_at_ms) {
    return Status(ErrorCode::gone, "This link has expired; ask for a new one.");
  }
  return link;
}

void handle_link_show(Services& s, const httplib::Request& req, httplib::Response& res) {
  Result<server::Link> link = live_link(s, req);
  if (!link.ok()) return write_error(res, link.status());
  Result<server::Organisation> org = s.accounts.get_organisation(link.value().org_id);
  Result<server::Person> person = s.accounts.find_person_by_email(link.value().email);
  json out = {{"kind", server::link_kind_name(link.value().kind)},
              {"email", link.value().email},
              {"role", server::org_role_name(link.value().role)},
              {"organisation", org.ok() ? org.value().name : ""},
              {"expires_at_ms", link.value().expires_at_ms},
              {"account_exists", person.ok() && !person.value().keys.auth_hash.empty()}};
  if (out["account_exists"].get<bool>()) out["kdf"] = prelogin_answer(s, link.value().email, &person.value())["kdf"];
  write_json(res, 200, out);
}

// Accepting: a new person sends their keys; someone who already has an
// account (an invitation to a second organisation) proves it with their
// authentication key instead; a reset replaces the keys.
void handle_link_accept(Services& s, const httplib::Request& req, httplib::Response& res) {
  if (Status csrf = s.auth.check_csrf(req); !csrf.ok()) return write_error(res, csrf);
  Result<server::Link> link = live_link(s, req);
  if (!link.ok()) return write_error(res, link.status());
  std::optional<json> body = json_body(req, res);
  if (!body) return;
  std::optional<std::vector<std::uint8_t>> auth_key = base64url_decode(json_string(*body, "auth_key"), 32);
  if (!auth_key) return write_error(res, 400, "invalid_argument", "Send a 32-byte auth_key (base64url).");

  Result<server::Person> existing = s.accounts.find_person_by_email(link.value().email);
  const bool has_account = existing.ok() && !existing.value().keys.auth_hash.empty();
  // A reset link alone must not undo the second factor: whoever holds the
  // link (a mailbox, a forwarded message) also needs a code or recovery code.
  if (has_account && link.value().kind == server::LinkKind::reset) {
    if (const char* refusal = second_factor_refusal(s, existing.value().id, json_string(*body, "mfa_code"))) {
      return write_second_factor_refusal(res, refusal);
    }
  }
  server::LinkAcceptance acceptance;
  acceptance.display_name = json_string(*body, "display_name");
  if (has_account && link.value().kind != server::LinkKind::reset) {
    if (!s.auth.verify_auth_key(existing.value().keys.auth_hash, *auth_key)) {
      return write_error(res, 401, "unauthenticated", "The password is wrong.");
    }
    acceptance.keys = existing.value().keys;  // unchanged
  } else {
    const auto number = [&](const char* name) -> std::uint64_t {
      auto it = body->find(name);
      return it != body->end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
    };
    Result<std::string> hash = s.auth.hash_auth_key(*auth_key);
    if (!hash.ok()) return write_error(res, hash.status());
    acceptance.keys.auth_hash = hash.value();
    acceptance.keys.kdf_salt = json_string(*body, "kdf_salt");
    acceptance.keys.kdf_opslimit = number("kdf_opslimit");
    acceptance.keys.kdf_memlimit = number("kdf_memlimit");
    acceptance.keys.public_key = json_string(*body, "public_key");
    acceptance.keys.wrapped_secret_key = json_string(*body, "wrapped_secret_key");
  }
  sodium_memzero(auth_key->data(), auth_key->size());
  Result<std::string> person_id =
      s.accounts.accept_link(ReviewAuth::token_hash(req.path_params.at("token")), acceptance, s.auth.now_ms());
  if (!person_id.ok()) return write_error(res, person_id.status());
  const char* action = link.value().kind == server::LinkKind::reset ? "password.reset" : "member.joined";
  audit(s, link.value().org_id, person_id.value(), action, person_id.value());
  Result<server::Person> person = s.accounts.get_person(person_id.value());
  if (!person.ok()) return write_error(res, person.status());
  start_session(s, res, person.value());
}

// "I forgot my password": mails a 30-minute single-use reset link when the
// email has an account. The answer is the same either way (no account
// enumeration), and throttled like sign-in. Without a mail relay the
// operator prints links instead (sealshot org reset-link), and says so.
void handle_reset_request(Services& s, const httplib::Request& req, httplib::Response& res) {
  if (Status csrf = s.auth.check_csrf(req); !csrf.ok()) return write_error(res, csrf);
  if (!s.mailer || !s.mailer->enabled()) {
    return write_error(res, 503, "mail_not_configured",
                       "This server cannot send mail; ask your administrator for a reset link.");
  }
  std::optional<json> body = json_body(req, res);
  if (!body) return;
  Result<std::string> email = server::email_normalize(json_string(*body, "email"));
  if (!email.ok()) return write_error(res, 400, "invalid_argument", "Send the email address of your account.");
  const RateDecision attempt = s.auth.take_login_attempt(current_request().client_address, email.value());
  if (!attempt.allowed) {
    res.set_header("Retry-After", std::to_string(attempt.retry_after_seconds));
    return write_error(res, 429, "throttled", "Too many attempts; wait a minute and try again.");
  }
  Result<server::Person> person = s.accounts.find_person_by_email(email.value());
  Result<std::vector<server::Membership>> orgs =
      person.ok() ? s.accounts.memberships_of(person.value().id)
                  : Result<std::vector<server::Membership>>(std::vector<server::Membership>{});
  if (person.ok() && !person.value().keys.auth_hash.empty() && orgs.ok() && !orgs.value().empty()) {
    const std::string token = ReviewAuth::token_generate();
    server::Link link;
    link.kind = server::LinkKind::reset;
    link.org_id = orgs.value().front().org.id;
    link.email = person.value().email;
    link.role = orgs.value().front().role;
    link.created_by = person.value().id;
    link.created_at_ms = s.auth.now_ms();
    link.expires_at_ms =
        link.created_at_ms +
        std::chrono::duration_cast<std::chrono::milliseconds>(s.auth.settings().reset_lifetime).count();
    if (Status st = s.accounts.create_link(ReviewAuth::token_hash(token), link); !st.ok()) {
      return write_error(res, st);
    }
    for (const server::Membership& m : orgs.value()) {
      audit(s, m.org.id, person.value().id, "password.reset_requested", person.value().id);
    }
    s.mailer->send({link.email, "Reset your Sealshot password",
                    "Someone (hopefully you) asked to reset the password of this Sealshot account.\n\n"
                    "Open this link within 30 minutes to choose a new one (it works once):\n\n" +
                        s.mailer->link_url(token) +
                        "\n\nAfter a reset your account stays, but the reports of each project open again "
                        "only once an owner or admin gives you access anew (their console offers it).\n"
                        "If you did not ask for this, ignore this mail; your password stays as it is.\n"});
  }
  write_json(res, 202,
             {{"message",
               "If this email has an account, a reset link is on its way. It works for 30 "
               "minutes, once."}});
}

}  // namespace

void register_account_routes(Router& router, Services& s) {
  router.json("POST", "/v1/auth/prelogin", "auth_prelogin",
              [&s](const auto& req, auto& res) { handle_prelogin(s, req, res); });
  router.json("POST", "/v1/auth/login", "auth_login", [&s](const auto& req, auto& res) { handle_login(s, req, res); });
  router.json("POST", "/v1/auth/logout", "auth_logout",
              [&s](const auto& req, auto& res) { handle_logout(s, req, res, false); });
  router.json("POST", "/v1/auth/logout-everywhere", "auth_logout_everywhere",
              [&s](const auto& req, auto& res) { handle_logout(s, req, res, true); });
  router.json("GET", "/v1/me", "me", [&s](const auto& req, auto& res) { handle_me(s, req, res); });
  router.json("POST", "/v1/auth/reset", "auth_reset_request",
              [&s](const auto& req, auto& res) { handle_reset_request(s, req, res); });
  router.json("GET", "/v1/links/:token", "link_show",
              [&s](const auto& req, auto& res) { handle_link_show(s, req, res); });
  router.json("POST", "/v1/links/:token/accept", "link_accept",
              [&s](const auto& req, auto& res) { handle_link_accept(s, req, res); });
}

}  // namespace sealshot::http
