// The minimum password strength for sign-in (docs/security.md, "Password
// policy"). A stolen database lets an attacker guess passwords offline at the
// cost of one Argon2id run each, so the policy refuses what guessing tools try
// first. Deliberately small (no dictionary library is packaged for C/C++ here):
//   - at least kPasswordMinCodePoints characters (Unicode code points), valid UTF-8,
//     at most kMaxPasswordBytes bytes;
//   - not containing the local part of the person's email address (3+ characters);
//   - at least kPasswordMinEffectiveChars "effective" characters, counting
//     a run of repeats ("aaaa"), a step sequence ("abcd", "4321"), a keyboard
//     row walk ("qwerty", "asdf"), a repeated block ("abcabc") as its first
//     character, and a built-in common password word, a piece of the email
//     address (also in leet spelling: "p@ssw0rd"), a year (1900-2099) or a
//     zig-zag or column keyboard walk ("1q2w3e4r", "1qaz2wsx") as one character.
#pragma once

#include <cstddef>
#include <string_view>

#include "result.h"

namespace sealshot {

inline constexpr std::size_t kPasswordMinCodePoints = 12;
inline constexpr std::size_t kPasswordMinEffectiveChars = 8;

// ok(), or password_too_weak with one sentence a person can act on
// (invalid_argument for invalid UTF-8 or more than kMaxPasswordBytes bytes).
// `email` may be empty (then only the email rule is skipped).
[[nodiscard]] Status password_check(std::string_view password, std::string_view email);

// The effective length described above (exposed for tests and for a strength meter).
[[nodiscard]] std::size_t password_effective_length(std::string_view password, std::string_view email);

}  // namespace sealshot
