#include "password_policy.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "account_keys.h"

namespace sealshot {
namespace {

using CodePoints = std::vector<char32_t>;

// Strict UTF-8 (no overlongs, surrogates or values above U+10FFFF).
std::optional<CodePoints> decode_utf8(std::string_view text) {
  CodePoints out;
  for (std::size_t i = 0; i < text.size();) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    int extra = 0;
    char32_t cp = 0;
    if (b0 < 0x80) {
      cp = b0;
    } else if (b0 >= 0xC2 && b0 <= 0xDF) {
      extra = 1, cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      extra = 2, cp = b0 & 0x0F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      extra = 3, cp = b0 & 0x07;
    } else {
      return std::nullopt;
    }
    if (i + std::size_t(extra) >= text.size() && extra > 0) return std::nullopt;  // truncated sequence
    for (int k = 1; k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if ((b & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (b & 0x3F);
    }
    if ((extra == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return std::nullopt;
    }
    out.push_back(cp);
    i += std::size_t(extra) + 1;
  }
  return out;
}

char32_t ascii_lower(char32_t c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

CodePoints lowered(const CodePoints& text) {
  CodePoints out(text);
  std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
  return out;
}

// Leet spellings back to letters, one code point for one, so positions stay put.
char32_t unleet(char32_t c) {
  switch (c) {
    case '0':
      return 'o';
    case '1':
    case '!':
      return 'i';
    case '3':
      return 'e';
    case '4':
    case '@':
      return 'a';
    case '5':
    case '$':
      return 's';
    case '7':
      return 't';
    default:
      return c;
  }
}

// What guessing tools try first (the top of public leaked-password lists,
// reduced to their words; digits and leet variants are covered by the rules).
constexpr std::string_view kCommonWords[] = {
    "password", "passwort", "motdepasse",    "contrasena", "qwerty",   "azerty",    "qwertz",    "letmein",
    "welcome",  "admin",    "administrator", "login",      "iloveyou", "monkey",    "dragon",    "master",
    "shadow",   "sunshine", "princess",      "football",   "baseball", "soccer",    "hockey",    "basketball",
    "superman", "batman",   "spiderman",     "starwars",   "trustno",  "whatever",  "freedom",   "secret",
    "charlie",  "michael",  "jennifer",      "jordan",     "hunter",   "ranger",    "buster",    "killer",
    "summer",   "winter",   "spring",        "autumn",     "flower",   "cookie",    "cheese",    "pepper",
    "ginger",   "orange",   "banana",        "chocolate",  "computer", "internet",  "changeme",  "default",
    "hello",    "access",   "mustang",       "harley",     "matrix",   "thomas",    "daniel",    "andrew",
    "joshua",   "george",   "robert",        "jessica",    "ashley",   "amanda",    "nicole",    "hannah",
    "maggie",   "lovely",   "babygirl",      "angel",      "pokemon",  "minecraft", "fortnite",  "google",
    "facebook", "samsung",  "apple",         "liverpool",  "chelsea",  "arsenal",   "barcelona", "london",
    "sealshot", "feedback", "test",          "guest",      "user"};

// Keyboard walks that are not along one row (those are the neighbour rule's):
// zig-zags and columns, as typed on QWERTY. Any 4+ characters of one of these
// lines, forwards or backwards, count as one character.
constexpr std::string_view kKeyboardWalks[] = {"1q2w3e4r5t6y7u8i9o0p",
                                               "q1w2e3r4t5y6u7i8o9p0",
                                               "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/",
                                               "zaq12wsxcde34rfvbgt56yhnmju78ik,.lo90p;/",
                                               "qazwsxedcrfvtgbyhnujmik,ol.p;/",
                                               "!qaz@wsx#edc$rfv%tgb^yhn&ujm",
                                               "1a2s3d4f5g6h7j8k9l",
                                               "a1s2d3f4g5h6j7k8l9"};

// Neighbouring keys on one row (QWERTY; AZERTY/QWERTZ rows differ little).
constexpr std::array<std::string_view, 6> kKeyboardRows = {"1234567890", "qwertyuiop", "asdfghjkl",
                                                           "zxcvbnm",    "!@#$%^&*()", "azertyuiop"};

bool keyboard_neighbours(char32_t a, char32_t b) {
  if (a > 0x7F || b > 0x7F) return false;
  for (std::string_view row : kKeyboardRows) {
    const auto pa = row.find(char(a));
    const auto pb = row.find(char(b));
    if (pa != std::string_view::npos && pb != std::string_view::npos && (pa + 1 == pb || pb + 1 == pa)) return true;
  }
  return false;
}

bool is_ascii_alnum(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Whether text[i] adds little to a guesser who has seen text[start, i).
bool predictable(const CodePoints& text, std::size_t start, std::size_t i) {
  if (i == start) return false;
  const char32_t c = text[i], prev = text[i - 1];
  if (c == prev) return true;
  if (is_ascii_alnum(c) && is_ascii_alnum(prev) && (c + 1 == prev || prev + 1 == c)) return true;
  if (keyboard_neighbours(c, prev)) return true;
  for (std::size_t k = 2; k <= 4; ++k) {  // continuing a repeated block: "abcabc"
    if (i >= start + k + 1 && c == text[i - k] && prev == text[i - 1 - k]) return true;
  }
  return false;
}

std::vector<CodePoints> split_pieces(const CodePoints& text, bool (*is_part)(char32_t), std::size_t min_length) {
  std::vector<CodePoints> pieces;
  CodePoints piece;
  for (char32_t c : text) {
    if (is_part(c)) {
      piece.push_back(c);
      continue;
    }
    if (piece.size() >= min_length) pieces.push_back(piece);
    piece.clear();
  }
  if (piece.size() >= min_length) pieces.push_back(piece);
  return pieces;
}

struct Email {
  CodePoints local;               // lower-cased part before the last '@'
  std::vector<CodePoints> words;  // letter runs of 4+ characters in the local part and the domain
};

Email parse_email(std::string_view email) {
  Email out;
  auto cps = decode_utf8(email);
  if (!cps) return out;
  const CodePoints lower = lowered(*cps);
  const auto at = std::find(lower.rbegin(), lower.rend(), U'@');
  const auto local_end = at == lower.rend() ? lower.end() : at.base() - 1;
  out.local.assign(lower.begin(), local_end);
  auto letter = [](char32_t c) { return (c >= 'a' && c <= 'z') || c > 0x7F; };
  out.words = split_pieces(out.local, +letter, 4);
  if (local_end != lower.end()) {
    // The domain's names without the top-level domain: "example-corp.com" gives "example", "corp".
    CodePoints domain(local_end + 1, lower.end());
    const auto last_dot = std::find(domain.rbegin(), domain.rend(), U'.');
    if (last_dot != domain.rend()) domain.erase(last_dot.base() - 1, domain.end());
    for (auto& piece : split_pieces(domain, +letter, 4)) out.words.push_back(std::move(piece));
  }
  return out;
}

bool contains(const CodePoints& haystack, const CodePoints& needle) {
  return !needle.empty() &&
         std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

struct Analysis {
  std::size_t effective = 0;
  std::string first_word;  // the first known word found, for the message
  bool email_word = false;
};

void mark_word(const CodePoints& normalised, const CodePoints& word, std::vector<bool>& covered, Analysis& analysis,
               bool from_email) {
  bool found = false;
  for (auto it = normalised.begin();
       (it = std::search(it, normalised.end(), word.begin(), word.end())) != normalised.end(); ++it) {
    const auto at = std::size_t(it - normalised.begin());
    std::fill(covered.begin() + std::ptrdiff_t(at), covered.begin() + std::ptrdiff_t(at + word.size()), true);
    found = true;
  }
  if (found && analysis.first_word.empty()) {
    for (char32_t c : word) analysis.first_word.push_back(c < 0x80 ? char(c) : '?');
    analysis.email_word = from_email;
  }
}

// Marks every stretch of 4+ characters that appears in a walk line, forwards or backwards.
void mark_walks(const CodePoints& text, std::vector<bool>& covered) {
  for (std::string_view walk : kKeyboardWalks) {
    for (const CodePoints& line : {CodePoints(walk.begin(), walk.end()), CodePoints(walk.rbegin(), walk.rend())}) {
      for (std::size_t i = 0; i < text.size(); ++i) {
        std::size_t longest = 0;
        for (std::size_t start = 0; start < line.size(); ++start) {
          std::size_t n = 0;
          while (i + n < text.size() && start + n < line.size() && text[i + n] == line[start + n]) ++n;
          longest = std::max(longest, n);
        }
        if (longest >= 4) {
          std::fill(covered.begin() + std::ptrdiff_t(i), covered.begin() + std::ptrdiff_t(i + longest), true);
        }
      }
    }
  }
}

bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }

// Years 1900-2099 are guessed like words: "2024" counts as one character.
void mark_years(const CodePoints& text, std::vector<bool>& covered) {
  for (std::size_t i = 0; i + 4 <= text.size(); ++i) {
    if (!std::all_of(text.begin() + std::ptrdiff_t(i), text.begin() + std::ptrdiff_t(i + 4), is_digit)) continue;
    if ((text[i] == '1' && text[i + 1] == '9') || (text[i] == '2' && text[i + 1] == '0')) {
      std::fill(covered.begin() + std::ptrdiff_t(i), covered.begin() + std::ptrdiff_t(i + 4), true);
    }
  }
}

Analysis analyse(const CodePoints& password, const Email& email) {
  const CodePoints lower = lowered(password);
  CodePoints normalised(lower);
  std::transform(normalised.begin(), normalised.end(), normalised.begin(), unleet);

  std::vector<bool> covered(lower.size(), false);
  Analysis analysis;
  for (const auto& w : email.words) mark_word(normalised, w, covered, analysis, true);
  for (std::string_view w : kCommonWords)
    mark_word(normalised, CodePoints(w.begin(), w.end()), covered, analysis, false);
  mark_years(lower, covered);
  mark_walks(lower, covered);

  // A run of known-word characters counts as one; other runs by the rules.
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < lower.size(); ++i) {
    if (covered[i]) {
      if (i == 0 || !covered[i - 1]) ++analysis.effective;
      run_start = i + 1;
      continue;
    }
    if (!predictable(lower, run_start, i)) ++analysis.effective;
  }
  return analysis;
}

}  // namespace

std::size_t password_effective_length(std::string_view password, std::string_view email) {
  auto cps = decode_utf8(password);
  if (!cps) return 0;
  return analyse(*cps, parse_email(email)).effective;
}

Status password_check(std::string_view password, std::string_view email) {
  if (password.size() > kMaxPasswordBytes) {
    return {ErrorCode::invalid_argument,
            "The password is longer than " + std::to_string(kMaxPasswordBytes) + " bytes; choose a shorter one."};
  }
  const auto cps = decode_utf8(password);
  if (!cps) return {ErrorCode::invalid_argument, "The password is not valid UTF-8 text."};
  if (cps->size() < kPasswordMinCodePoints) {
    return {ErrorCode::password_too_weak, "The password has " + std::to_string(cps->size()) +
                                              " characters; it needs at least " +
                                              std::to_string(kPasswordMinCodePoints) + "."};
  }
  const Email parsed = parse_email(email);
  if (parsed.local.size() >= 3 && contains(lowered(*cps), parsed.local)) {
    return {ErrorCode::password_too_weak,
            "The password contains the name of your email address; choose one that does not."};
  }
  const Analysis analysis = analyse(*cps, parsed);
  if (analysis.effective < kPasswordMinEffectiveChars) {
    std::string why;
    if (analysis.email_word) {
      why = "is built on a part of your email address (\"" + analysis.first_word + "\")";
    } else if (!analysis.first_word.empty()) {
      why = "is built on a very common password word (\"" + analysis.first_word + "\")";
    } else {
      why =
          "is mostly repeated characters, sequences, years or keyboard patterns (like \"aaaa\", \"1234\", "
          "\"2024\" or \"qwer\")";
    }
    return {ErrorCode::password_too_weak,
            "The password " + why + " and would be guessed quickly; add more unrelated words or characters."};
  }
  return {};
}

}  // namespace sealshot
