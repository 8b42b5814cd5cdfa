// Telephone numbers. Digits alone say little (dates, prices, order numbers and
// ISBNs are digit groups too), so a candidate chain of digit groups must match
// one of a few layouts that real numbers use and other numbers rarely do:
//   international  "+CC ..." (or "00CC ..."), 8-15 digits in total
//   North American "(415) 555-0132", "415-555-0132", "1-800-555-0199"
//   trunk-prefixed "020 7946 0958", "030/901820", "06-12345678", "03-1234-5678"
//   anything 7-15 digits long right after a word such as "Tel", "Fax", "電話"
// and none of the national layouts right after a word such as "Nr.", "Order",
// "Rechnung" that says the number is a reference.
// A chain is read from a trigger ('+', '(' or a digit starting a token) and is
// capped in groups and digits, so each trigger costs a bounded amount of work.
#include "detectors.h"

namespace sealshot::pii {

namespace {

constexpr std::size_t kMaxGroups = 10;
constexpr unsigned kMaxDigits = 17;  // two past E.164, so an overlong chain stays visible
constexpr std::size_t kMaxParenDigits = 5;
constexpr std::size_t kContextWindow = 24;
constexpr std::size_t kReferenceWindow = 16;

struct Group {
  std::size_t begin = 0;
  std::size_t end = 0;  // one past the last digit, or past ')'
  unsigned digits = 0;
  char16_t sep = 0;  // separator before the group; 0 when glued to a parenthesis
  bool paren = false;
  char16_t d0 = 0;  // first three digits, for trunk, exit-code and area-code rules
  char16_t d1 = 0;
  char16_t cc = 0;
};

struct Chain {
  Group g[kMaxGroups];
  std::size_t count = 0;
  bool plus = false;
};

constexpr bool is_phone_sep(char16_t c) noexcept { return c == u' ' || c == u'-' || c == u'.' || c == u'/'; }

bool read_group(Text t, std::size_t i, Group& g) noexcept {
  if (at(t, i) == u'(') {
    std::size_t j = i + 1;
    while (is_digit(at(t, j)) && j - i <= kMaxParenDigits) ++j;
    const std::size_t d = j - i - 1;
    if (d == 0 || d > kMaxParenDigits || at(t, j) != u')') return false;
    g.begin = i;
    g.end = j + 1;
    g.digits = static_cast<unsigned>(d);
    g.paren = true;
    g.d0 = t[i + 1];
    g.d1 = at(t, i + 2);
    g.cc = at(t, i + 3);
    return true;
  }
  if (!is_digit(at(t, i))) return false;
  const std::size_t j = digit_run_end(t, i, kMaxDigits);
  if (j - i > kMaxDigits) return false;  // a digit run longer than any phone number
  g.begin = i;
  g.end = j;
  g.digits = static_cast<unsigned>(j - i);
  g.paren = false;
  g.d0 = t[i];
  g.d1 = at(t, i + 1);
  g.cc = at(t, i + 2);
  return true;
}

Chain read_chain(Text t, std::size_t s) noexcept {
  Chain c;
  std::size_t i = s;
  if (t[i] == u'+') {
    c.plus = true;
    ++i;
  }
  unsigned total = 0;
  while (c.count < kMaxGroups) {
    std::size_t j = i;
    char16_t sep = 0;
    if (c.count > 0) {
      const char16_t ch = at(t, j);
      const char16_t next = at(t, j + 1);
      const char16_t after = at(t, j + 2);
      const char16_t after2 = at(t, j + 3);
      if (is_phone_sep(ch) && (is_digit(next) || next == u'(')) {
        sep = ch;
        ++j;
      } else if (ch == u' ' && (next == u'/' || next == u'-') && after == u' ' && is_digit(after2)) {
        sep = next;  // "030 / 901820", "030 - 901820"
        j += 3;
      } else if (!(ch == u'(' || (is_digit(ch) && c.g[c.count - 1].paren))) {
        break;
      }
    }
    Group g;
    if (!read_group(t, j, g)) break;
    g.sep = sep;
    total += g.digits;
    if (total > kMaxDigits) break;
    c.g[c.count++] = g;
    i = g.end;
  }
  return c;
}

unsigned digits_in(const Chain& c, std::size_t k) noexcept {
  unsigned d = 0;
  for (std::size_t i = 0; i < k; ++i) d += c.g[i].digits;
  return d;
}

// Dates are the commonest digit chains that look like trunk-prefixed numbers
// ("01.05.2024", "05/17/2024", "2024-05-01").
bool is_date_shape(const Chain& c, std::size_t k) noexcept {
  if (k != 3) return false;
  const unsigned a = c.g[0].digits, b = c.g[1].digits, y = c.g[2].digits;
  return (a <= 2 && b <= 2 && y == 4) || (a == 4 && b <= 2 && y <= 2);
}

// After the first separator (which may differ: "030/90 18 20", "(030) 90-18"),
// real numbers keep one separator throughout; "01.05.2024 12" does not.
bool uniform_tail(const Chain& c, std::size_t k) noexcept {
  for (std::size_t i = 2; i < k; ++i) {
    if (c.g[i].paren || c.g[i].sep == 0 || c.g[i].sep == u'/' || c.g[i].sep != c.g[2].sep) {
      return false;
    }
  }
  return k < 2 || !c.g[1].paren;
}

// A final group may be a single digit only as a dashed extension ("-0" is the
// switchboard in German numbers); after a space it is more likely unrelated.
bool tail_ok(const Chain& c, std::size_t k) noexcept {
  return k < 2 || c.g[k - 1].digits >= 2 || c.g[k - 1].sep == u'-';
}

bool is_international(const Chain& c, std::size_t k) noexcept {
  const unsigned d = digits_in(c, k);
  if (d < 8 || d > 15) return false;
  if (k == 1) return !c.g[0].paren;  // "+14155550132"
  if (c.g[0].paren || c.g[0].digits > 3 || !tail_ok(c, k)) return false;
  for (std::size_t i = 1; i < k; ++i) {
    if (c.g[i].paren && c.g[i].digits > 4) return false;
  }
  return true;
}

// "0049 30 901820", "001 415 555 0132": the 00 exit code plus country code.
bool is_exit_code_international(const Chain& c, std::size_t k) noexcept {
  const unsigned d = digits_in(c, k);
  const Group& first = c.g[0];
  return k >= 2 && !first.paren && first.d0 == u'0' && first.d1 == u'0' && first.digits >= 3 && first.digits <= 5 &&
         first.cc != u'0' && d >= 10 && d <= 17 && tail_ok(c, k) && uniform_tail(c, k);
}

bool is_north_american(const Chain& c, std::size_t k) noexcept {
  std::size_t o = 0;
  if (k == 4 && !c.g[0].paren && c.g[0].digits == 1 && c.g[0].d0 == u'1' && c.g[1].sep != u'/') o = 1;
  if (k - o != 3) return false;
  const Group& area = c.g[o];
  const Group& exchange = c.g[o + 1];
  const Group& line = c.g[o + 2];
  if (area.digits != 3 || exchange.digits != 3 || line.digits != 4) return false;
  if (exchange.paren || line.paren) return false;
  // Area codes and exchanges never start with 0 or 1 (NANP).
  if (area.d0 < u'2' || exchange.d0 < u'2') return false;
  if (area.paren) {
    return (exchange.sep == u' ' || exchange.sep == 0) && line.sep != u'/';
  }
  return exchange.sep == line.sep && line.sep != u'/';
}

// National numbers in most of Europe and Japan start with the trunk prefix 0.
bool is_trunk_prefixed(const Chain& c, std::size_t k) noexcept {
  const Group& first = c.g[0];
  if (k < 2 || first.d0 != u'0' || first.d1 == u'0') return false;
  if (first.digits < 2 || first.digits > 5) return false;
  const unsigned d = digits_in(c, k);
  // Nine digits minimum: shorter trunk numbers exist (Berlin "030 12345") but
  // are outnumbered by article and reference numbers such as "0815-4711".
  if (d < 9 || d > 12) return false;
  for (std::size_t i = 1; i + 1 < k; ++i) {
    if (c.g[i].digits < 2 || c.g[i].paren) return false;  // "0-306-40615-2" is an ISBN
  }
  if (c.g[k - 1].paren || !tail_ok(c, k)) return false;
  if (first.paren && c.g[1].sep != u' ' && c.g[1].sep != 0) return false;
  return !is_date_shape(c, k) && uniform_tail(c, k);
}

bool is_after_keyword(const Chain& c, std::size_t k) noexcept {
  const unsigned d = digits_in(c, k);
  if (d < 7 || d > 15) return false;
  if (!tail_ok(c, k)) return false;
  return !is_date_shape(c, k) && uniform_tail(c, k);
}

enum class Context { none, phone, reference };

bool valid_prefix(const Chain& c, std::size_t k, Context context) noexcept {
  if (c.plus) return is_international(c, k);
  // "Bestellnr. 0123 4567 89", "Order # 0151 2345678": the word before says
  // what the number is, and it is not a phone number.
  if (context == Context::reference) return false;
  return is_exit_code_international(c, k) || is_north_american(c, k) || is_trunk_prefixed(c, k) ||
         (context == Context::phone && is_after_keyword(c, k));
}

struct Keywords {
  KeywordIndex phone;
  KeywordIndex reference;
};

// End of the phone number starting at s, or 0. Prefers the longest valid
// prefix so "020 7946 0958 2 Mal" still yields the number; prefixes are only
// cut at spaces, because "415-555-0132-99" is one token, not a number.

std::size_t match_at(Text t, std::size_t s, const Keywords& keywords) noexcept {
  const Chain c = read_chain(t, s);
  if (c.count == 0) return 0;
  Context context = Context::none;
  if (!c.plus) {
    if (keywords.phone.ends_within(s, kContextWindow)) {
      context = Context::phone;
    } else if (keywords.reference.ends_within(s, kReferenceWindow)) {
      context = Context::reference;
    }
  }
  for (std::size_t k = c.count; k >= 1; --k) {
    if (k < c.count && c.g[k].sep != u' ') continue;
    const std::size_t end = c.g[k - 1].end;
    if (!clean_right(t, end)) continue;
    if (valid_prefix(c, k, context)) return end;
  }
  return 0;
}

// True when the code units before i are one space or dash and a token that
// mixes letters and digits ("AA1 01 2345 6784" of the UPS number
// "1Z 999 AA1 01 2345 6784"): the digits continue a code, not a phone
// number. Looks back at most 24 units, so scanning stays linear.
bool follows_mixed_token(Text t, std::size_t i) noexcept {
  if (i < 2 || (t[i - 1] != u' ' && t[i - 1] != u'-')) return false;
  bool letter = false, digit = false;
  for (std::size_t k = i - 1, steps = 0; k > 0 && steps < 24 && is_alnum(t[k - 1]); --k, ++steps) {
    letter = letter || is_alpha(t[k - 1]);
    digit = digit || is_digit(t[k - 1]);
  }
  return letter && digit;
}

bool is_trigger(Text t, std::size_t i) noexcept {
  const char16_t c = t[i];
  const char16_t p = before(t, i);
  if (c == u'+') {
    // Letters may touch the '+': DOM text of adjacent elements is often
    // concatenated without a space ("info@example.com+49 30 901820").
    return is_digit(at(t, i + 1)) && !is_digit(p) && p != u'+' && p != u'_';
  }
  if (c == u'(') return is_digit(at(t, i + 1)) && !is_word(p);
  // A digit right after '+' belongs to the '+' trigger; trying it alone would
  // turn a rejected "+5 123 4567" into a national number.
  return is_digit(c) && p != u'+' && clean_left(t, i) && !follows_mixed_token(t, i);
}

}  // namespace

void find_phones(Text t, Hits& out) {
  const Keywords keywords{
      KeywordIndex(t, {u"tel", u"tél", u"phone", u"fon", u"mobil", u"móvil", u"handy", u"cell", u"fax", u"portable",
                       u"gsm", u"call", u"tfno", u"tlf", u"ruf", u"whatsapp", u"電話", u"携帯"}),
      KeywordIndex(t, {u"nr",       u"no.",     u"n°",      u"nº",         u"#",       u"order",    u"bestell",
                       u"rechnung", u"invoice", u"kunden",  u"artikel",    u"ref",     u"commande", u"facture",
                       u"pedido",   u"factura", u"factuur", u"bestelling", u"sku",     u"iban",     u"konto",
                       u"account",  u"ticket",  u"serial",  u"tracking",   u"sendung", u"注文",     u"番号"}),
  };
  std::size_t i = 0;
  while (i < t.size()) {
    if (is_trigger(t, i)) {
      const std::size_t end = match_at(t, i, keywords);
      if (end != 0) {
        emit(out, i, end, PiiKind::phone);
        i = end;
        continue;
      }
    }
    ++i;
  }
}

}  // namespace sealshot::pii
