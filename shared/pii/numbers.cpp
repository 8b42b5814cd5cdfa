// Payment card numbers and US social security numbers: fixed-shape digit
// groups with a checksum (cards) or a blocklist of never-issued values (SSNs).
#include "detectors.h"

namespace sealshot::pii {

namespace {

constexpr std::size_t kMinCard = 13;
constexpr std::size_t kMaxCard = 19;
constexpr std::size_t kMaxCardGroups = 6;
constexpr std::size_t kSsnWindow = 32;

struct Digits {
  char16_t d[kMaxCard];
  std::size_t n = 0;
  int prefix(std::size_t k) const noexcept {
    int v = 0;
    for (std::size_t i = 0; i < k && i < n; ++i) v = v * 10 + (d[i] - u'0');
    return v;
  }
};

bool luhn_ok(const Digits& x) noexcept {
  int sum = 0;
  bool twice = false;
  for (std::size_t i = x.n; i-- > 0;) {
    int v = x.d[i] - u'0';
    if (twice) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
    twice = !twice;
  }
  return sum % 10 == 0;
}

// Issuer prefixes of the major networks. One random digit string in ten passes
// Luhn, so without this, order and account numbers of card length would
// routinely be blacked out as cards.
bool known_issuer(const Digits& x) noexcept {
  const int p1 = x.prefix(1), p2 = x.prefix(2), p3 = x.prefix(3), p4 = x.prefix(4);
  if (p1 == 4) return true;                                                                     // Visa
  if (p2 >= 51 && p2 <= 55) return true;                                                        // Mastercard
  if (p4 >= 2221 && p4 <= 2720) return true;                                                    // Mastercard 2-series
  if (p4 >= 2200 && p4 <= 2204) return true;                                                    // Mir
  if (p2 == 34 || p2 == 37) return true;                                                        // American Express
  if ((p3 >= 300 && p3 <= 305) || p4 == 3095 || p2 == 36 || p2 == 38 || p2 == 39) return true;  // Diners
  if (p4 >= 3528 && p4 <= 3589) return true;                                                    // JCB
  if (p2 == 50 || (p2 >= 56 && p2 <= 58)) return true;                                          // Maestro
  if (p1 == 6) return true;               // Discover, UnionPay, Maestro, RuPay
  if (p2 == 81 || p2 == 82) return true;  // UnionPay, RuPay
  return false;
}

bool card_ok(const Digits& x) noexcept { return x.n >= kMinCard && x.n <= kMaxCard && known_issuer(x) && luhn_ok(x); }

struct CardGroup {
  std::size_t end;
  std::size_t len;
};

// Separated layouts in use: 4-4-4-4 with a shorter or absent tail (13-19
// digits) and the 4-6-5 / 4-6-4 layout of Amex and Diners. Anything else
// with separators is more likely a phone, account or reference number.
bool card_layout(const CardGroup* g, std::size_t k) noexcept {
  if (k == 3 && g[0].len == 4 && g[1].len == 6 && (g[2].len == 5 || g[2].len == 4)) return true;
  for (std::size_t i = 0; i + 1 < k; ++i) {
    if (g[i].len != 4) return false;
  }
  return g[k - 1].len >= 1 && g[k - 1].len <= 4;
}

// End of a card number whose first group starts at s, or 0.
std::size_t card_at(Text t, std::size_t s, std::size_t first_end) noexcept {
  const std::size_t first_len = first_end - s;
  // Ungrouped 13-digit runs are left alone: EAN-13 barcodes print that way and
  // start with the same digits as Visa and Maestro, while 13-digit card
  // numbers have not been issued for decades.
  if (first_len > kMinCard && first_len <= kMaxCard) {
    Digits x;
    for (std::size_t i = s; i < first_end; ++i) x.d[x.n++] = t[i];
    return clean_right(t, first_end) && card_ok(x) ? first_end : 0;
  }
  const char16_t sep = at(t, first_end);
  if (first_len != 4 || (sep != u' ' && sep != u'-') || !is_digit(at(t, first_end + 1))) return 0;

  CardGroup g[kMaxCardGroups];
  std::size_t count = 0;
  g[count++] = CardGroup{first_end, 4};
  std::size_t i = first_end;
  while (count < kMaxCardGroups && at(t, i) == sep && is_digit(at(t, i + 1))) {
    const std::size_t e = digit_run_end(t, i + 1, 7);
    if (e - (i + 1) > 6) break;
    g[count++] = CardGroup{e, e - (i + 1)};
    i = e;
  }
  // Longest layout first: "4111 1111 1111 1111 05/27" keeps the card.
  for (std::size_t k = count; k >= 2; --k) {
    if (!card_layout(g, k) || !clean_right(t, g[k - 1].end)) continue;
    Digits x;
    for (std::size_t p = s; p < g[k - 1].end && x.n < kMaxCard + 1; ++p) {
      if (!is_digit(t[p])) continue;
      if (x.n == kMaxCard) {
        x.n = kMaxCard + 1;
        break;
      }
      x.d[x.n++] = t[p];
    }
    if (card_ok(x)) return g[k - 1].end;
  }
  return 0;
}

bool ssn_ok(int area, int group, int serial) noexcept {
  // Never issued: area 000, 666 and 900-999, group 00, serial 0000.
  return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
}

int number_at(Text t, std::size_t i, std::size_t n) noexcept {
  int v = 0;
  for (std::size_t k = 0; k < n; ++k) v = v * 10 + (t[i + k] - u'0');
  return v;
}

// End of an SSN starting at s (whose first digit run ends at e1), or 0.
std::size_t ssn_at(Text t, std::size_t s, std::size_t e1, const KeywordIndex& keywords) noexcept {
  if (e1 - s == 9) {
    // Nine bare digits are as often an order or account number; only a
    // nearby "SSN" / "social security" makes them one.
    if (!clean_right(t, e1) || !keywords.ends_within(s, kSsnWindow)) return 0;
    return ssn_ok(number_at(t, s, 3), number_at(t, s + 3, 2), number_at(t, s + 5, 4)) ? e1 : 0;
  }
  const char16_t sep = at(t, e1);
  if (e1 - s != 3 || (sep != u'-' && sep != u' ')) return 0;
  const std::size_t e2 = digit_run_end(t, e1 + 1, 3);
  if (e2 - (e1 + 1) != 2 || at(t, e2) != sep) return 0;
  const std::size_t e3 = digit_run_end(t, e2 + 1, 5);
  if (e3 - (e2 + 1) != 4 || !clean_right(t, e3)) return 0;
  return ssn_ok(number_at(t, s, 3), number_at(t, e1 + 1, 2), number_at(t, e2 + 1, 4)) ? e3 : 0;
}

}  // namespace

void find_cards(Text t, Hits& out) {
  std::size_t i = 0;
  while (i < t.size()) {
    if (!is_digit(t[i])) {
      ++i;
      continue;
    }
    const std::size_t run_end = digit_run_end(t, i, kMaxCard);
    if (run_end - i <= kMaxCard && clean_left(t, i)) {
      const std::size_t end = card_at(t, i, run_end);
      if (end != 0) {
        emit(out, i, end, PiiKind::card);
        i = end;
        continue;
      }
    }
    // Skip the whole run: its inner digits can never start a number.
    while (i < t.size() && is_digit(t[i])) ++i;
  }
}

namespace {

// True when the digits at i follow a '+' and at most one group: "+688 90 1234"
// (Tuvalu) and "+992 372 12 3456" (Tajikistan) are phone numbers in SSN shape.
bool in_international_number(Text t, std::size_t i) noexcept {
  std::size_t k = i;
  if (before(t, k) == u' ') --k;
  if (before(t, k) == u'+') return true;
  const std::size_t group_end = k;
  while (k > 0 && group_end - k < 4 && is_digit(before(t, k))) --k;
  if (k == group_end) return false;
  if (before(t, k) == u' ') --k;
  return before(t, k) == u'+';
}

}  // namespace

void find_ssns(Text t, Hits& out) {
  const KeywordIndex keywords(t, {u"ssn", u"social security", u"ss#", u"soc. sec", u"soc sec"});
  std::size_t i = 0;
  while (i < t.size()) {
    if (!is_digit(t[i])) {
      ++i;
      continue;
    }
    const std::size_t run_end = digit_run_end(t, i, 9);
    if (run_end - i <= 9 && clean_left(t, i) && !in_international_number(t, i)) {
      const std::size_t end = ssn_at(t, i, run_end, keywords);
      if (end != 0) {
        emit(out, i, end, PiiKind::ssn);
        i = end;
        continue;
      }
    }
    while (i < t.size() && is_digit(t[i])) ++i;
  }
}

}  // namespace sealshot::pii
