// Error reporting for the core: every fallible function returns a Status or a
// Result<T> that cannot be silently dropped. No exceptions cross the wasm
// boundary and no input makes the core abort.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace sealshot {

// Stable codes: callers (CLI, server, JS) branch on these; the names returned by
// error_code_name() are part of the public API (JSON "error" fields, JS errors).
enum class ErrorCode : int {
  ok = 0,
  invalid_argument = 1,  // a size, pointer or option is out of range
  image_too_large = 2,   // width or height above kMaxImageDimension
  buffer_too_small = 3,  // pixel buffer shorter than width*height*4
  too_many_rects = 4,    // more redaction rectangles than kMaxRedactRects
  bad_key = 5,           // key text malformed or of the wrong length
  out_of_memory = 6,
  encode_failed = 7,        // PNG encoder failed
  text_too_long = 8,        // PII scan input above kMaxScanChars
  envelope_truncated = 20,  // fewer bytes than the header announces
  envelope_bad_magic = 21,
  envelope_bad_version = 22,
  envelope_bad_header = 23,        // reserved bits set, bad project id, bad chunk size
  envelope_size_mismatch = 24,     // header sizes inconsistent (with each other or a declared length)
  envelope_trailing_bytes = 25,    // more bytes than the header announces
  envelope_wrong_project = 26,     // header project id differs from the expected one
  envelope_wrong_key = 27,         // the content key does not open with this secret key
  envelope_corrupt = 28,           // a chunk failed authentication (tampered, moved or reordered)
  envelope_stream_truncated = 29,  // stream ended without its final chunk, or final came early
  payload_malformed = 30,          // decrypted payload framing is invalid
  payload_too_large = 31,
  // Server-side codes (storage and services), in the same space so every
  // layer reports errors one way.
  not_found = 40,
  already_exists = 41,
  storage_full = 42,     // disk full: the server answers 507
  storage_error = 43,    // I/O or database failure
  conflict = 44,         // e.g. an idempotency key reused for a different body
  unauthenticated = 45,  // no valid session or wrong credentials: 401
  forbidden = 46,        // signed in, but the role does not allow it: 403
  gone = 47,             // a single-use link already used or expired: 410
  throttled = 48,        // too many attempts: 429
  // Account keys (shared/account_keys.h, key_wrap.h, password_policy.h).
  kdf_params_rejected = 60,  // sign-in KDF parameters outside the client's pinned range
  key_unwrap_failed = 61,    // a wrapped secret key does not open: wrong password or altered text
  grant_open_failed = 62,    // a project key grant not sealed to this person's key, or altered
  key_mismatch = 63,         // an opened secret key does not belong to the expected public key
  password_too_weak = 64,    // the password policy refuses the password (message says why)
};

[[nodiscard]] const char* error_code_name(ErrorCode code) noexcept;

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status success() { return {}; }

  bool ok() const noexcept { return code_ == ErrorCode::ok; }
  ErrorCode code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }

 private:
  ErrorCode code_ = ErrorCode::ok;
  std::string message_;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}       // NOLINT: implicit by design
  Result(Status error) : state_(std::move(error)) {}  // NOLINT: must not be ok()
  Result(ErrorCode code, std::string message) : state_(Status(code, std::move(message))) {}

  bool ok() const noexcept { return std::holds_alternative<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  Status status() const { return ok() ? Status() : std::get<Status>(state_); }
  ErrorCode code() const { return ok() ? ErrorCode::ok : std::get<Status>(state_).code(); }
  const std::string& message() const {
    static const std::string empty;
    return ok() ? empty : std::get<Status>(state_).message();
  }

 private:
  std::variant<T, Status> state_;
};

}  // namespace sealshot
