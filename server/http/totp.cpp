#include "http/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <array>
#include <cctype>
#include <cstdio>

namespace sealshot::http {

std::string totp_code(std::span<const std::uint8_t> secret, std::int64_t step) {
  std::array<std::uint8_t, 8> counter{};
  for (int i = 7; i >= 0; --i) {
    counter[std::size_t(i)] = std::uint8_t(step & 0xff);
    step >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha1(), secret.data(), int(secret.size()), counter.data(), counter.size(), mac, &length);
  const int offset = mac[length - 1] & 0x0f;  // dynamic truncation (RFC 4226 §5.3)
  const std::uint32_t binary = (std::uint32_t(mac[offset] & 0x7f) << 24) | (std::uint32_t(mac[offset + 1]) << 16) |
                               (std::uint32_t(mac[offset + 2]) << 8) | std::uint32_t(mac[offset + 3]);
  char digits[8];
  std::snprintf(digits, sizeof digits, "%06u", binary % 1'000'000);
  return digits;
}

std::optional<std::int64_t> totp_match(std::span<const std::uint8_t> secret, std::string_view code, std::int64_t now_ms,
                                       std::int64_t last_used_step) {
  std::string digits;
  for (char c : code) {
    if (c == ' ') continue;
    if (c < '0' || c > '9' || digits.size() == 6) return std::nullopt;
    digits.push_back(c);
  }
  if (digits.size() != 6) return std::nullopt;
  const std::int64_t now_step = now_ms / kTotpStepMs;
  for (std::int64_t step = now_step - 1; step <= now_step + 1; ++step) {
    if (step <= last_used_step) continue;
    const std::string expected = totp_code(secret, step);
    if (sodium_memcmp(expected.data(), digits.data(), 6) == 0) return step;
  }
  return std::nullopt;
}

std::string base32_encode(std::span<const std::uint8_t> bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::string totp_uri(std::span<const std::uint8_t> secret, std::string_view account) {
  std::string label;
  for (char c : account) {
    const bool plain = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
    if (plain) {
      label.push_back(c);
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned char>(c));
      label += escaped;
    }
  }
  return "otpauth://totp/Sealshot:" + label + "?secret=" + base32_encode(secret) +
         "&issuer=Sealshot&algorithm=SHA1&digits=6&period=30";
}

std::string recovery_code_generate() {
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";  // 31 characters: no 0/o, 1/l/i
  std::string code;
  for (int i = 0; i < 12; ++i) {
    if (i > 0 && i % 4 == 0) code.push_back('-');
    code.push_back(kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)]);
  }
  return code;
}

std::string recovery_code_normalize(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    out.push_back(c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c);
  }
  return out;
}

}  // namespace sealshot::http
