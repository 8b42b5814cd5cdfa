// Credentials pasted into pages: JWTs, "Bearer" tokens, vendor API keys with
// documented prefixes, and high-entropy values assigned to api_key / token /
// secret style names. Anchors are word starts; each probe reads one token.
#include <array>
#include <cmath>

#include "detectors.h"

namespace sealshot::pii {

namespace {

constexpr std::size_t kMaxToken = 4096;  // longer runs are data blobs, not credentials
constexpr std::size_t kMaxKeyName = 48;
constexpr std::size_t kMinGenericValue = 16;
constexpr std::size_t kMaxGenericValue = 512;

enum class Charset { upper_digit, alnum, alnum_underscore, alnum_dash, base64url };

constexpr bool in_charset(char16_t c, Charset cs) noexcept {
  switch (cs) {
    case Charset::upper_digit:
      return is_upper(c) || is_digit(c);
    case Charset::alnum:
      return is_alnum(c);
    case Charset::alnum_underscore:
      return is_alnum(c) || c == u'_';
    case Charset::alnum_dash:
      return is_alnum(c) || c == u'-';
    case Charset::base64url:
      return is_alnum(c) || c == u'-' || c == u'_';
  }
  return false;
}

struct Prefixed {
  std::u16string_view prefix;
  Charset body;
  unsigned short min_len;  // of the body after the prefix
  unsigned short max_len;
};

// Documented token formats. Exact lengths where the vendor fixes them, so a
// longer run of the same characters is not mistaken for a key.
constexpr std::array<Prefixed, 22> kPrefixed = {{
    {u"AKIA", Charset::upper_digit, 16, 16},  // AWS access key id
    {u"ASIA", Charset::upper_digit, 16, 16},  // AWS temporary access key id
    {u"AIza", Charset::base64url, 35, 35},    // Google API key
    {u"ghp_", Charset::alnum, 36, 255},       // GitHub tokens
    {u"gho_", Charset::alnum, 36, 255},
    {u"ghu_", Charset::alnum, 36, 255},
    {u"ghs_", Charset::alnum, 36, 255},
    {u"ghr_", Charset::alnum, 36, 255},
    {u"github_pat_", Charset::alnum_underscore, 22, 255},
    {u"sk_live_", Charset::alnum, 10, 255},  // Stripe
    {u"sk_test_", Charset::alnum, 10, 255},
    {u"rk_live_", Charset::alnum, 10, 255},
    {u"rk_test_", Charset::alnum, 10, 255},
    {u"pk_live_", Charset::alnum, 10, 255},
    {u"pk_test_", Charset::alnum, 10, 255},
    {u"xoxa-", Charset::alnum_dash, 10, 255},  // Slack
    {u"xoxb-", Charset::alnum_dash, 10, 255},
    {u"xoxe-", Charset::alnum_dash, 10, 255},
    {u"xoxo-", Charset::alnum_dash, 10, 255},
    {u"xoxp-", Charset::alnum_dash, 10, 255},
    {u"xoxr-", Charset::alnum_dash, 10, 255},
    {u"xoxs-", Charset::alnum_dash, 10, 255},
}};

bool starts_with(Text t, std::size_t i, std::u16string_view p, bool fold_case = false) noexcept {
  if (p.size() > t.size() - i) return false;
  for (std::size_t k = 0; k < p.size(); ++k) {
    const char16_t c = fold_case ? to_lower(t[i + k]) : t[i + k];
    if (c != p[k]) return false;
  }
  return true;
}

std::size_t run_end(Text t, std::size_t i, Charset cs, std::size_t cap) noexcept {
  std::size_t j = i;
  while (j < t.size() && j - i <= cap && in_charset(t[j], cs)) ++j;
  return j;
}

std::size_t prefixed_at(Text t, std::size_t s) noexcept {
  for (const Prefixed& p : kPrefixed) {
    if (!starts_with(t, s, p.prefix)) continue;
    const std::size_t b = s + p.prefix.size();
    const std::size_t e = run_end(t, b, p.body, p.max_len);
    const std::size_t len = e - b;
    if (len < p.min_len || len > p.max_len || is_word(at(t, e))) return 0;
    return e;
  }
  return 0;
}

// Header and payload of a JWS are base64url JSON objects, so both begin with
// "eyJ" ('{"'). The signature may be empty (alg "none").
std::size_t jwt_at(Text t, std::size_t s) noexcept {
  if (!starts_with(t, s, u"eyJ")) return 0;
  const std::size_t h = run_end(t, s, Charset::base64url, kMaxToken);
  if (h - s < 10 || h - s > kMaxToken || at(t, h) != u'.' || !starts_with(t, h + 1, u"eyJ")) return 0;
  const std::size_t p = run_end(t, h + 1, Charset::base64url, kMaxToken);
  if (p - (h + 1) > kMaxToken || at(t, p) != u'.') return 0;
  const std::size_t sig = run_end(t, p + 1, Charset::base64url, kMaxToken);
  if (sig - (p + 1) > kMaxToken || at(t, sig) == u'.') return 0;  // five parts: a JWE, not ours to parse
  return sig;
}

constexpr bool is_token68(char16_t c) noexcept {
  return is_alnum(c) || c == u'-' || c == u'.' || c == u'_' || c == u'~' || c == u'+' || c == u'/';
}

// Hit covers the credential only, "Bearer " stays readable. Prose such as
// "the bearer of this letter" is ruled out by requiring letters and digits.
std::size_t bearer_token(Text t, std::size_t s, std::size_t& token_start) noexcept {
  if (!starts_with(t, s, u"bearer", true) || at(t, s + 6) != u' ') return 0;
  std::size_t b = s + 6;
  while (at(t, b) == u' ' && b - s < 10) ++b;
  std::size_t e = b;
  bool letter = false, digit = false;
  while (e < t.size() && e - b <= kMaxToken && is_token68(t[e])) {
    letter = letter || is_alpha(t[e]);
    digit = digit || is_digit(t[e]);
    ++e;
  }
  while (at(t, e) == u'=' && e - b <= kMaxToken) ++e;
  if (e - b < kMinGenericValue || e - b > kMaxToken || !letter || !digit || is_word(at(t, e))) return 0;
  token_start = b;
  return e;
}

constexpr bool is_key_name_char(char16_t c) noexcept { return is_alnum(c) || c == u'_' || c == u'-' || c == u'.'; }

bool ends_with_lower(Text t, std::size_t b, std::size_t e, std::u16string_view suffix) noexcept {
  if (e - b < suffix.size()) return false;
  const std::size_t o = e - suffix.size();
  for (std::size_t k = 0; k < suffix.size(); ++k) {
    if (to_lower(t[o + k]) != suffix[k]) return false;
  }
  return true;
}

bool is_secret_name(Text t, std::size_t b, std::size_t e) noexcept {
  static constexpr std::array<std::u16string_view, 9> kSuffixes = {u"api_key",    u"apikey",      u"api-key",
                                                                   u"token",      u"secret",      u"secret_key",
                                                                   u"access_key", u"private_key", u"password"};
  for (auto sfx : kSuffixes) {
    if (ends_with_lower(t, b, e, sfx)) return true;
  }
  return false;
}

// Printable ASCII except what delimits values in prose, query strings, JSON
// and markup, so passwords with symbols are covered up to their end.
constexpr bool is_value_char(char16_t c) noexcept {
  if (c <= u' ' || c > u'~') return false;
  switch (c) {
    case u'"':
    case u'\'':
    case u'`':
    case u',':
    case u';':
    case u'&':
    case u'<':
    case u'>':
    case u'(':
    case u')':
    case u'[':
    case u']':
    case u'{':
    case u'}':
      return false;
    default:
      return true;
  }
}

// Random keys mix character classes and rarely repeat; identifiers and words
// ("my_session_cookie_name") do neither. Threshold 3.0 bits per character is
// well below a random 16-character alphanumeric key (~3.7) and above most words.
bool high_entropy(Text t, std::size_t b, std::size_t e) noexcept {
  std::array<unsigned, 128> counts{};
  bool lower = false, upper = false, digit = false;
  for (std::size_t k = b; k < e; ++k) {
    const char16_t c = t[k];
    ++counts[c & 0x7F];
    lower = lower || is_lower(c);
    upper = upper || is_upper(c);
    digit = digit || is_digit(c);
  }
  if (int(lower) + int(upper) + int(digit) < 2) return false;
  const double n = static_cast<double>(e - b);
  double bits = 0;
  for (unsigned c : counts) {
    if (c == 0) continue;
    const double p = c / n;
    bits -= p * std::log2(p);
  }
  return bits >= 3.0;
}

// `api_key = "..."`, `"token": "..."`, `?secret=...`: the hit is the value.
std::size_t assigned_value(Text t, std::size_t s, std::size_t& value_start) noexcept {
  std::size_t e = s;
  while (e < t.size() && e - s <= kMaxKeyName && is_key_name_char(t[e])) ++e;
  if (e - s > kMaxKeyName || !is_secret_name(t, s, e)) return 0;
  std::size_t i = e;
  if (at(t, i) == u'"' || at(t, i) == u'\'') ++i;
  while (at(t, i) == u' ' && i - e < 6) ++i;
  if (at(t, i) != u'=' && at(t, i) != u':') return 0;
  ++i;
  while (at(t, i) == u' ' && i - e < 12) ++i;
  if (at(t, i) == u'"' || at(t, i) == u'\'') ++i;
  const std::size_t b = i;
  std::size_t v = b;
  while (v < t.size() && v - b <= kMaxGenericValue && is_value_char(t[v])) ++v;
  while (v > b && (t[v - 1] == u'.' || t[v - 1] == u':')) --v;  // sentence punctuation
  const std::size_t len = v - b;
  if (len < kMinGenericValue || len > kMaxGenericValue || is_word(at(t, v))) return 0;
  if (!high_entropy(t, b, v)) return 0;
  value_start = b;
  return v;
}

// Tokens and key names contain '-', '_' and '.', so only a letter that none of
// those (nor a letter or digit) precede starts one. This also keeps each
// token to a single probe.
bool is_token_start(Text t, std::size_t i) noexcept {
  const char16_t p = before(t, i);
  return is_alpha(t[i]) && !is_word(p) && p != u'-' && p != u'.';
}

}  // namespace

void find_secrets(Text t, Hits& out) {
  std::size_t i = 0;
  while (i < t.size()) {
    if (!is_token_start(t, i)) {
      ++i;
      continue;
    }
    std::size_t start = i;
    std::size_t end = jwt_at(t, i);
    if (end == 0) end = prefixed_at(t, i);
    if (end == 0) end = bearer_token(t, i, start);
    if (end == 0) end = assigned_value(t, i, start);
    if (end != 0) {
      emit(out, start, end, PiiKind::secret);
      i = end;
      continue;
    }
    ++i;
  }
}

}  // namespace sealshot::pii
