#include "http/review_auth.h"

#include <sodium.h>

#include <array>

namespace sealshot::http {
namespace {

// The authentication key has 256 bits of entropy (it comes out of the
// client's Argon2id), so this hash does not protect a password: it only
// keeps a stolen database from being a list of keys that sign in. Modest
// parameters keep a burst of sign-ins from eating the server's memory.
constexpr unsigned long long kAuthHashOps = 2;
constexpr std::size_t kAuthHashMemory = std::size_t{8} << 20;
constexpr int kMaxConcurrentHashes = 4;
constexpr std::int64_t kTouchEveryMs = 60'000;

// Host part of an Origin ("https://host:port" → "host:port").
std::string_view origin_authority(std::string_view origin) {
  const std::size_t scheme = origin.find("://");
  return scheme == std::string_view::npos ? std::string_view{} : origin.substr(scheme + 3);
}

}  // namespace

class ReviewAuth::HashSlot {
 public:
  explicit HashSlot(ReviewAuth& auth) : auth_(auth) {
    std::unique_lock lock(auth_.hash_mutex_);
    auth_.hash_free_.wait(lock, [&] { return auth_.hashes_running_ < kMaxConcurrentHashes; });
    ++auth_.hashes_running_;
  }
  ~HashSlot() {
    {
      std::lock_guard lock(auth_.hash_mutex_);
      --auth_.hashes_running_;
    }
    auth_.hash_free_.notify_one();
  }

 private:
  ReviewAuth& auth_;
};

ReviewAuth::ReviewAuth(server::AccountStore& accounts, ReviewSettings settings)
    : accounts_(accounts),
      settings_(std::move(settings)),
      per_address_(settings_.login_per_minute_per_address, settings_.login_per_minute_per_address, 100'000),
      per_account_(settings_.login_per_minute_per_account, 10, 100'000) {
  std::array<std::uint8_t, 32> random{};
  randombytes_buf(random.data(), random.size());
  Result<std::string> decoy = hash_auth_key(random);
  decoy_hash_ = decoy.ok() ? decoy.value() : std::string();
}

std::int64_t ReviewAuth::now_ms() const {
  if (settings_.clock) return settings_.clock();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string ReviewAuth::token_generate() { return server::token_generate(); }

server::TokenHash ReviewAuth::token_hash(std::string_view token) { return server::token_hash(token); }

std::string cookie_value(const httplib::Request& req, std::string_view name) {
  const std::size_t count = req.get_header_value_count("Cookie");
  for (std::size_t i = 0; i < count; ++i) {
    const std::string value = req.get_header_value("Cookie", "", i);
    std::string_view header = value;
    while (!header.empty()) {
      const std::size_t semi = header.find(';');
      std::string_view pair = header.substr(0, semi);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      const std::size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
      if (semi == std::string_view::npos) break;
      header.remove_prefix(semi + 1);
    }
  }
  return {};
}

Result<Caller> ReviewAuth::authenticate(const httplib::Request& req) {
  const Status signed_out{ErrorCode::unauthenticated, "Sign in first."};
  const std::string token = cookie_value(req, kSessionCookie);
  if (token.size() != 43) return signed_out;
  server::TokenHash hash = token_hash(token);
  Result<server::Session> session = accounts_.get_session(hash);
  if (!session.ok()) return session.code() == ErrorCode::not_found ? signed_out : session.status();
  const std::int64_t now = now_ms();
  const auto idle_ms = std::chrono::duration_cast<std::chrono::milliseconds>(settings_.session_idle).count();
  const auto absolute_ms = std::chrono::duration_cast<std::chrono::milliseconds>(settings_.session_absolute).count();
  if (now - session.value().last_seen_ms >= idle_ms || now - session.value().created_at_ms >= absolute_ms) {
    (void)accounts_.delete_session(hash);
    return Status(ErrorCode::unauthenticated, "Your session has ended; sign in again.");
  }
  // Sessions of people whose keys were reset end with the reset (accept_link).
  if (now - session.value().last_seen_ms >= kTouchEveryMs) {
    if (Status s = accounts_.touch_session(hash, now); !s.ok()) return s;
  }
  return Caller{session.value().person_id, std::move(hash)};
}

Status ReviewAuth::check_csrf(const httplib::Request& req) const {
  if (req.get_header_value(std::string(kCsrfHeader)) != "1") {
    return {ErrorCode::forbidden, "State-changing requests need the header X-Sealshot-Request: 1."};
  }
  if (req.has_header("Origin")) {
    const std::string origin = req.get_header_value("Origin");
    if (origin_authority(origin) != req.get_header_value("Host")) {
      return {ErrorCode::forbidden, "Requests from another site are refused."};
    }
  }
  return {};
}

std::string ReviewAuth::session_cookie(std::string_view token) const {
  // No Max-Age: the cookie lives as long as the browser session; the server
  // decides expiry. __Host-: Secure, Path=/, no Domain (this host only).
  return std::string(kSessionCookie) + "=" + std::string(token) + "; Path=/; Secure; HttpOnly; SameSite=Strict";
}

std::string ReviewAuth::cleared_cookie() {
  return std::string(kSessionCookie) + "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0";
}

Result<std::string> ReviewAuth::hash_auth_key(std::span<const std::uint8_t> auth_key) {
  if (auth_key.size() != 32) return Status(ErrorCode::invalid_argument, "The authentication key is 32 bytes.");
  HashSlot slot(*this);
  std::string out(crypto_pwhash_STRBYTES, '\0');
  if (crypto_pwhash_str(out.data(), reinterpret_cast<const char*>(auth_key.data()), auth_key.size(), kAuthHashOps,
                        kAuthHashMemory) != 0) {
    return Status(ErrorCode::out_of_memory, "Could not hash the authentication key.");
  }
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

bool ReviewAuth::verify_auth_key(const std::string& stored_hash, std::span<const std::uint8_t> auth_key) {
  if (stored_hash.empty() || auth_key.size() != 32) return false;
  HashSlot slot(*this);
  return crypto_pwhash_str_verify(stored_hash.c_str(), reinterpret_cast<const char*>(auth_key.data()),
                                  auth_key.size()) == 0;
}

RateDecision ReviewAuth::take_login_attempt(const std::string& address, const std::string& email) {
  RateDecision by_address = per_address_.take(address);
  if (!by_address.allowed) return by_address;
  return per_account_.take(email);
}

}  // namespace sealshot::http
