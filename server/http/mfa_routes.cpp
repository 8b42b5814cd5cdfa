// One's own account: sessions (list, end one) and multi-factor sign-in: set up a TOTP authenticator,
// confirm it with a first code (which turns it on and hands out 10 recovery
// codes, shown once, stored hashed), turn it off with a code. Sign-in asks
// for a code once it is on (account_routes.cpp); an organisation can require
// it of its members (review_request.cpp).
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "http/json_error.h"
#include "http/review_request.h"
#include "http/review_routes.h"
#include "http/totp.h"

namespace sealshot::http {
namespace {

using nlohmann::json;

void handle_mfa_setup(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<Caller> caller = require_session(s, req, res);
  if (!caller) return;
  Result<server::Person> person = s.accounts.get_person(caller->person_id);
  if (!person.ok()) return write_error(res, person.status());
  std::vector<std::uint8_t> secret(kTotpSecretBytes);
  randombytes_buf(secret.data(), secret.size());
  if (Status st = s.accounts.mfa_begin(caller->person_id, secret, s.auth.now_ms()); !st.ok()) {
    return write_error(res, st);
  }
  write_json(res, 200, {{"secret", base32_encode(secret)}, {"otpauth_uri", totp_uri(secret, person.value().email)}});
  sodium_memzero(secret.data(), secret.size());
}

void handle_mfa_enable(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<Caller> caller = require_session(s, req, res);
  if (!caller) return;
  std::optional<json> body = json_body(req, res);
  if (!body) return;
  Result<server::MfaState> mfa = s.accounts.get_mfa(caller->person_id);
  if (!mfa.ok() || mfa.value().enabled) {
    return write_error(res, 409, "conflict", "Start the set-up first (POST /v1/me/mfa/setup).");
  }
  std::optional<std::int64_t> step = totp_match(mfa.value().secret, json_string(*body, "code"), s.auth.now_ms(), 0);
  if (!step) return write_error(res, 400, "mfa_code_wrong", "That code does not match; check the device's clock.");
  std::vector<std::string> codes;
  std::vector<server::TokenHash> hashes;
  for (int i = 0; i < kRecoveryCodes; ++i) {
    codes.push_back(recovery_code_generate());
    hashes.push_back(server::token_hash(recovery_code_normalize(codes.back())));
  }
  if (Status st = s.accounts.mfa_enable(caller->person_id, *step, hashes); !st.ok()) return write_error(res, st);
  audit_in_each_org(s, caller->person_id, "mfa.enable");
  write_json(res, 200, {{"recovery_codes", codes}});
}

void handle_mfa_disable(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<Caller> caller = require_session(s, req, res);
  if (!caller) return;
  std::optional<json> body = json_body(req, res);
  if (!body) return;
  Result<server::MfaState> mfa = s.accounts.get_mfa(caller->person_id);
  if (!mfa.ok() || !mfa.value().enabled) return write_error(res, 409, "conflict", "Multi-factor sign-in is off.");
  if (const char* refusal = second_factor_refusal(s, caller->person_id, json_string(*body, "code"))) {
    return write_second_factor_refusal(res, refusal);
  }
  if (Status st = s.accounts.mfa_disable(caller->person_id); !st.ok()) return write_error(res, st);
  audit_in_each_org(s, caller->person_id, "mfa.disable");
  write_json(res, 200, {{"mfa", false}});
}

// A session's public id: the first 8 bytes of its token hash, in hex. Enough
// to name it in a list; useless to take it over.
std::string session_id(const server::TokenHash& hash) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (std::size_t i = 0; i < 8 && i < hash.size(); ++i) {
    id.push_back(kHex[hash[i] >> 4]);
    id.push_back(kHex[hash[i] & 15]);
  }
  return id;
}

void handle_sessions_list(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<Caller> caller = require_session(s, req, res);
  if (!caller) return;
  Result<std::vector<server::Session>> sessions = s.accounts.list_sessions(caller->person_id);
  if (!sessions.ok()) return write_error(res, sessions.status());
  json items = json::array();
  for (const server::Session& session : sessions.value()) {
    items.push_back({{"id", session_id(session.token_hash)},
                     {"created_at_ms", session.created_at_ms},
                     {"last_seen_ms", session.last_seen_ms},
                     {"current", session.token_hash == caller->token}});
  }
  write_json(res, 200, {{"items", items}});
}

void handle_session_end(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::optional<Caller> caller = require_session(s, req, res);
  if (!caller) return;
  Result<std::vector<server::Session>> sessions = s.accounts.list_sessions(caller->person_id);
  if (!sessions.ok()) return write_error(res, sessions.status());
  for (const server::Session& session : sessions.value()) {
    if (session_id(session.token_hash) != req.path_params.at("session")) continue;
    if (Status st = s.accounts.delete_session(session.token_hash); !st.ok()) return write_error(res, st);
    return write_json(res, 200, {{"ended", req.path_params.at("session")}});
  }
  write_error(res, 404, "not_found", "No such session.");
}

}  // namespace

const char* second_factor_refusal(Services& s, const std::string& person_id, const std::string& code) {
  Result<server::MfaState> mfa = s.accounts.get_mfa(person_id);
  if (!mfa.ok() || !mfa.value().enabled) return nullptr;  // MFA off: nothing to check
  if (code.empty()) return "mfa_required";
  if (std::optional<std::int64_t> step = totp_match(mfa.value().secret, code, s.auth.now_ms(), mfa.value().last_step)) {
    // Fails only for a racing second use of the same code.
    return s.accounts.mfa_use_step(person_id, *step).ok() ? nullptr : "mfa_code_wrong";
  }
  const server::TokenHash hash = server::token_hash(recovery_code_normalize(code));
  return s.accounts.mfa_use_recovery_code(person_id, hash, s.auth.now_ms()).ok() ? nullptr : "mfa_code_wrong";
}

void write_second_factor_refusal(httplib::Response& res, const char* refusal) {
  write_error(res, 401, refusal,
              std::string_view(refusal) == "mfa_required"
                  ? "Enter the code from your authenticator app, or a recovery code."
                  : "That code is wrong or was already used.");
}

void register_mfa_routes(Router& router, Services& s) {
  router.json("POST", "/v1/me/mfa/setup", "mfa_setup",
              [&s](const auto& req, auto& res) { handle_mfa_setup(s, req, res); });
  router.json("POST", "/v1/me/mfa/enable", "mfa_enable",
              [&s](const auto& req, auto& res) { handle_mfa_enable(s, req, res); });
  router.json("POST", "/v1/me/mfa/disable", "mfa_disable",
              [&s](const auto& req, auto& res) { handle_mfa_disable(s, req, res); });
  router.json("GET", "/v1/me/sessions", "sessions_list",
              [&s](const auto& req, auto& res) { handle_sessions_list(s, req, res); });
  router.json("DELETE", "/v1/me/sessions/:session", "session_end",
              [&s](const auto& req, auto& res) { handle_session_end(s, req, res); });
}

}  // namespace sealshot::http
