// Sign-in state of the review API: session tokens (256 random bits in the
// `__Host-sealshot_session` cookie, only their SHA-256 stored), idle and
// absolute expiry on an injectable clock, the CSRF rule for state-changing
// requests, the server-side hash of each person's authentication key, and
// login throttling. docs/security.md explains the whole design.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "account_keys.h"
#include "http/rate_limiter.h"
#include "storage/storage.h"

namespace sealshot::http {

inline constexpr std::string_view kSessionCookie = "__Host-sealshot_session";
// Custom header every state-changing review request carries: a cross-site
// form or a simple fetch cannot send it without a CORS preflight, which the
// review routes never grant.
inline constexpr std::string_view kCsrfHeader = "X-Sealshot-Request";

struct ReviewSettings {
  std::chrono::minutes session_idle{30};
  std::chrono::minutes session_absolute{12 * 60};
  std::chrono::minutes link_lifetime{7 * 24 * 60};  // set-up links and invitations
  std::chrono::minutes reset_lifetime{30};          // password reset links
  std::chrono::days audit_retention{90};
  double login_per_minute_per_address = 20;  // burst the same
  double login_per_minute_per_account = 6;   // burst 10
  std::function<std::int64_t()> clock;       // ms since the Unix epoch; empty: the system clock (tests step it)
  // What /v1/auth/prelogin answers for an email without an account, so the
  // answer looks like a real one: the parameters new accounts get.
  std::uint64_t default_kdf_opslimit = kKdfDefaultParams.opslimit;
  std::uint64_t default_kdf_memlimit = kKdfDefaultParams.memlimit;
};

struct Caller {
  std::string person_id;
  server::TokenHash token;
};

class ReviewAuth {
 public:
  ReviewAuth(server::AccountStore& accounts, ReviewSettings settings);

  [[nodiscard]] std::int64_t now_ms() const;
  [[nodiscard]] const ReviewSettings& settings() const { return settings_; }

  // 32 random bytes as base64url (43 characters), and the hash stored for it.
  [[nodiscard]] static std::string token_generate();
  [[nodiscard]] static server::TokenHash token_hash(std::string_view token);

  // The caller of a request with a live session cookie; unauthenticated
  // otherwise (no cookie, unknown, idle or past its absolute lifetime: an
  // expired session is deleted). Refreshes last-seen at most once a minute.
  [[nodiscard]] Result<Caller> authenticate(const httplib::Request& req);
  // For every request that changes state: the custom header is present and
  // the Origin, if sent, is this server's own (same host as Host).
  [[nodiscard]] Status check_csrf(const httplib::Request& req) const;

  [[nodiscard]] std::string session_cookie(std::string_view token) const;
  [[nodiscard]] static std::string cleared_cookie();

  // crypto_pwhash_str of a 32-byte authentication key, and its check. At
  // most a few run at once (each holds its memory), the rest wait.
  [[nodiscard]] Result<std::string> hash_auth_key(std::span<const std::uint8_t> auth_key);
  [[nodiscard]] bool verify_auth_key(const std::string& stored_hash, std::span<const std::uint8_t> auth_key);
  // A hash of a random key, verified against for unknown emails so they
  // cost the same time as known ones.
  [[nodiscard]] const std::string& decoy_hash() const { return decoy_hash_; }

  // Login attempts: false when this address or this account has tried too often.
  [[nodiscard]] RateDecision take_login_attempt(const std::string& address, const std::string& email);

 private:
  class HashSlot;

  server::AccountStore& accounts_;
  const ReviewSettings settings_;
  TokenBucketLimiter per_address_;
  TokenBucketLimiter per_account_;
  std::string decoy_hash_;
  std::mutex hash_mutex_;
  std::condition_variable hash_free_;
  int hashes_running_ = 0;
};

// Reads the value of one cookie from the Cookie header(s); empty if absent.
[[nodiscard]] std::string cookie_value(const httplib::Request& req, std::string_view name);

}  // namespace sealshot::http
