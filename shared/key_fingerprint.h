// Fingerprints people compare to verify a public key (a person's or a
// project's) outside the server, which could otherwise substitute its own.
//   fingerprint = BLAKE2b-128("sealshot key fingerprint v1" || 0x00 || public key)
// shown as 8 groups of 4 upper-case hex digits: "3F7A 91C2 0B4D E2A8 5C6F 1D90 7B3E A4C1".
// 128 bits: matching a given key's fingerprint with another key costs 2^128 tries.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "keys.h"

namespace sealshot {

inline constexpr std::string_view kFingerprintDomain = "sealshot key fingerprint v1";
inline constexpr std::size_t kFingerprintBytes = 16;
inline constexpr std::size_t kFingerprintTextLength = 39;  // 32 hex digits + 7 spaces

[[nodiscard]] std::string key_fingerprint(const PublicKey& key);

}  // namespace sealshot
