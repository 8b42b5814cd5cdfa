// IBANs: country code, two check digits, country-specific BBAN length, and the
// ISO 13616 mod-97 check. Accepted either compact or in the printed layout of
// groups of four separated by single spaces; letters in either case.
#include "detectors.h"

namespace sealshot::pii {

namespace {

struct Country {
  char a;
  char b;
  unsigned char length;
};

// SWIFT IBAN registry lengths: all SEPA members plus the other countries that
// issue IBANs and are common in European invoices.
constexpr Country kCountries[] = {
    {'A', 'D', 24}, {'A', 'E', 23}, {'A', 'L', 28}, {'A', 'T', 20}, {'A', 'Z', 28}, {'B', 'A', 20}, {'B', 'E', 16},
    {'B', 'G', 22}, {'B', 'H', 22}, {'B', 'R', 29}, {'B', 'Y', 28}, {'C', 'H', 21}, {'C', 'R', 22}, {'C', 'Y', 28},
    {'C', 'Z', 24}, {'D', 'E', 22}, {'D', 'K', 18}, {'D', 'O', 28}, {'E', 'E', 20}, {'E', 'G', 29}, {'E', 'S', 24},
    {'F', 'I', 18}, {'F', 'O', 18}, {'F', 'R', 27}, {'G', 'B', 22}, {'G', 'E', 22}, {'G', 'I', 23}, {'G', 'L', 18},
    {'G', 'R', 27}, {'G', 'T', 28}, {'H', 'R', 21}, {'H', 'U', 28}, {'I', 'E', 22}, {'I', 'L', 23}, {'I', 'Q', 23},
    {'I', 'S', 26}, {'I', 'T', 27}, {'J', 'O', 30}, {'K', 'W', 30}, {'K', 'Z', 20}, {'L', 'B', 28}, {'L', 'C', 32},
    {'L', 'I', 21}, {'L', 'T', 20}, {'L', 'U', 20}, {'L', 'V', 21}, {'M', 'C', 27}, {'M', 'D', 24}, {'M', 'E', 22},
    {'M', 'K', 19}, {'M', 'R', 27}, {'M', 'T', 31}, {'M', 'U', 30}, {'N', 'L', 18}, {'N', 'O', 15}, {'P', 'K', 24},
    {'P', 'L', 28}, {'P', 'S', 29}, {'P', 'T', 25}, {'Q', 'A', 29}, {'R', 'O', 24}, {'R', 'S', 22}, {'S', 'A', 24},
    {'S', 'C', 31}, {'S', 'E', 24}, {'S', 'I', 19}, {'S', 'K', 24}, {'S', 'M', 27}, {'S', 'T', 25}, {'S', 'V', 28},
    {'T', 'L', 23}, {'T', 'N', 24}, {'T', 'R', 26}, {'U', 'A', 29}, {'V', 'A', 22}, {'V', 'G', 24}, {'X', 'K', 20},
};

constexpr std::size_t kMaxIban = 34;

std::size_t iban_length(char16_t a, char16_t b) noexcept {
  a = to_upper(a);
  b = to_upper(b);
  for (const Country& c : kCountries) {
    if (c.a == a && c.b == b) return c.length;
  }
  return 0;
}

int alnum_value(char16_t c) noexcept {
  if (is_digit(c)) return c - u'0';
  return to_upper(c) - u'A' + 10;
}

bool mod97_ok(const char16_t* s, std::size_t n) noexcept {
  // The check moves the first four characters to the end.
  int r = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const int v = alnum_value(s[(k + 4) % n]);
    r = (v >= 10 ? r * 100 + v : r * 10 + v) % 97;
  }
  return r == 1;
}

// End of an IBAN starting at s, or 0.
std::size_t iban_at(Text t, std::size_t s) noexcept {
  const std::size_t len = iban_length(t[s], at(t, s + 1));
  if (len == 0 || !is_digit(at(t, s + 2)) || !is_digit(at(t, s + 3))) return 0;
  char16_t buf[kMaxIban];
  std::size_t n = 0;
  std::size_t i = s;
  const bool grouped = at(t, s + 4) == u' ';
  while (n < len) {
    if (grouped && n > 0 && n % 4 == 0) {
      if (at(t, i) != u' ') return 0;
      ++i;
    }
    const char16_t c = at(t, i);
    if (!is_alnum(c)) return 0;
    buf[n++] = c;
    ++i;
  }
  if (is_word(at(t, i))) return 0;
  return mod97_ok(buf, n) ? i : 0;
}

}  // namespace

void find_ibans(Text t, Hits& out) {
  std::size_t i = 0;
  while (i < t.size()) {
    if (is_alpha(t[i]) && !is_word(before(t, i)) && is_alpha(at(t, i + 1))) {
      const std::size_t end = iban_at(t, i);
      if (end != 0) {
        emit(out, i, end, PiiKind::iban);
        i = end;
        continue;
      }
    }
    ++i;
  }
}

}  // namespace sealshot::pii
