// Time-based one-time passwords (RFC 6238: HMAC-SHA-1, 30-second steps, 6
// digits), as every authenticator app makes them, and the recovery codes
// that stand in for a lost device.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sealshot::http {

inline constexpr std::int64_t kTotpStepMs = 30'000;
inline constexpr std::size_t kTotpSecretBytes = 20;
inline constexpr int kRecoveryCodes = 10;

// The 6-digit code of `step` (Unix time / 30 s).
[[nodiscard]] std::string totp_code(std::span<const std::uint8_t> secret, std::int64_t step);
// The step whose code `code` is, within ±1 step of `now_ms` and after
// `last_used_step` (a code works once); nullopt otherwise. Spaces ignored.
[[nodiscard]] std::optional<std::int64_t> totp_match(std::span<const std::uint8_t> secret, std::string_view code,
                                                     std::int64_t now_ms, std::int64_t last_used_step);
// RFC 4648 base32 without padding (what authenticator apps take).
[[nodiscard]] std::string base32_encode(std::span<const std::uint8_t> bytes);
// otpauth://totp/Sealshot:<account>?secret=…&issuer=Sealshot&digits=6&period=30
[[nodiscard]] std::string totp_uri(std::span<const std::uint8_t> secret, std::string_view account);

// "xxxx-xxxx-xxxx" of 60 random bits in a lower-case alphabet without look-alikes.
[[nodiscard]] std::string recovery_code_generate();
// Lower-cased, dashes and spaces dropped: what is hashed and compared.
[[nodiscard]] std::string recovery_code_normalize(std::string_view code);

}  // namespace sealshot::http
