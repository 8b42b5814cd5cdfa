// Telephone numbers. Digits alone say little (dates, prices, order numbers and
// ISBNs are digit groups too), so a chain of digit groups counts only in a form
// that the world's numbering plans allow. The plans are libphonenumber's
// (phone_metadata.h, generated at build time):
//   international  "+CC ...", "+ CC ...", "00CC ...": a real calling code and
//                  a national number of a length that country uses;
//   national       grouped the way some country's national format writes it
//                  ("(415) 555-0132", "020 7946 0958", "8 (912) 345-67-89"),
//                  starting and as long as that country's numbers are;
//   after a label  ("Phone:", "Tel.", "Call us at", "電話") also any chain of
//                  7-15 digits, and shorter numbers a plan allows.
// A national number in plain text must keep the format's separators, or keep
// one of space and dot throughout, or carry the trunk prefix: "455-981-221"
// fits a Czech format only with spaces, so a dashed serial stays legible.
// Dates, thousands-grouped quantities and numbers right after a reference word
// ("Nr.", "Order", "Rechnung") are never national numbers.
// A chain is read from a trigger ('+', '(' or a digit starting a token) and is
// capped in groups and digits, so each trigger costs a bounded amount of work.
#include <cstring>

#include "detectors.h"
#include "phone_label.h"
#include "phone_metadata.h"

namespace sealshot::pii {

namespace {

namespace md = phone_metadata;

constexpr std::size_t kMaxGroups = 10;
constexpr unsigned kMaxDigits = 17;  // two past E.164, so an overlong chain stays visible
constexpr std::size_t kMaxParenDigits = 5;
constexpr std::size_t kReferenceWindow = 16;
constexpr unsigned kMinPlainNationalDigits = 7;
constexpr unsigned kMaxExtensionDigits = 4;

struct Group {
  std::size_t begin = 0;  // first digit, or the '('
  std::size_t end = 0;    // one past the last digit, or past ')'
  unsigned digits = 0;
  unsigned inner = 0;  // digits before a space or dash inside parentheses ("(06 1)", "(8-312)"), else 0
  char16_t sep = 0;    // separator before the group; 0 when glued to a parenthesis
  bool paren = false;
  // Position of the group's nth digit.
  std::size_t digit_at(std::size_t n) const noexcept {
    return (paren ? begin + 1 : begin) + n + (inner != 0 && n >= inner ? 1 : 0);
  }
};

struct Chain {
  Group g[kMaxGroups];
  std::size_t count = 0;
  bool plus = false;
};

constexpr bool is_phone_sep(char16_t c) noexcept { return c == u' ' || c == u'-' || c == u'.' || c == u'/'; }

bool read_group(Text t, std::size_t i, Group& g) noexcept {
  if (at(t, i) == u'(') {
    // "(030)", and a trunk prefix set apart inside: "(06 1)", "(8-312)".
    std::size_t j = i + 1;
    unsigned d = 0, inner = 0;
    for (; d <= kMaxParenDigits; ++j) {
      const char16_t ch = at(t, j);
      if (is_digit(ch)) {
        ++d;
      } else if ((ch == u' ' || ch == u'-') && inner == 0 && d > 0 && is_digit(at(t, j + 1))) {
        inner = d;
      } else {
        break;
      }
    }
    if (d == 0 || d > kMaxParenDigits || at(t, j) != u')') return false;
    g.begin = i;
    g.end = j + 1;
    g.digits = d;
    g.inner = inner;
    g.paren = true;
    return true;
  }
  if (!is_digit(at(t, i))) return false;
  const std::size_t j = digit_run_end(t, i, kMaxDigits);
  if (j - i > kMaxDigits) return false;  // a digit run longer than any phone number
  g.begin = i;
  g.end = j;
  g.digits = static_cast<unsigned>(j - i);
  g.inner = 0;
  g.paren = false;
  return true;
}

// "+ 800 - 12 12 23 52": one space may follow the '+', and a dash or slash
// between groups may have a space on each side.
Chain read_chain(Text t, std::size_t s) noexcept {
  Chain c;
  std::size_t i = s;
  if (t[i] == u'+') {
    c.plus = true;
    ++i;
    if (at(t, i) == u' ') ++i;
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
      // "(415)555-0132" is "(415) 555-0132" without its space.
      if (sep == 0 && c.g[c.count - 1].paren) sep = u' ';
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

unsigned digits_in(const Chain& c, std::size_t from, std::size_t to) noexcept {
  unsigned d = 0;
  for (std::size_t i = from; i < to; ++i) d += c.g[i].digits;
  return d;
}

// Appends the digit values of group g from its (skip)th digit on.
void append_digits(Text t, const Group& g, std::size_t skip, std::uint8_t* out, std::size_t& n) noexcept {
  for (std::size_t i = skip; i < g.digits && n < md::kMaxNationalDigits; ++i) {
    out[n++] = static_cast<std::uint8_t>(t[g.digit_at(i)] - u'0');
  }
}

bool digits_equal(Text t, const Group& g, std::size_t skip, const char* s) noexcept {
  const std::size_t len = std::strlen(s);
  if (g.digits < skip + len) return false;
  for (std::size_t i = 0; i < len; ++i) {
    if (t[g.digit_at(skip + i)] != static_cast<char16_t>(s[i])) return false;
  }
  return true;
}

// ---- shapes that are something else ------------------------------------------

unsigned value_of(Text t, const Group& g) noexcept {
  unsigned v = 0;
  for (std::size_t i = 0; i < g.digits; ++i) v = v * 10 + (t[g.digit_at(i)] - u'0');
  return v;
}

// Dates are the commonest digit chains that look like phone numbers
// ("01.05.2024", "05/17/2024", "2024-05-01", "2024 05 17"). Values are
// checked too: Haiti's "34 10 1234" is no date.
bool is_date_shape(Text t, const Chain& c, std::size_t k) noexcept {
  if (k != 3 || c.g[0].paren || c.g[1].paren || c.g[2].paren) return false;
  const unsigned a = c.g[0].digits, b = c.g[1].digits, y = c.g[2].digits;
  const unsigned va = value_of(t, c.g[0]), vb = value_of(t, c.g[1]), vy = value_of(t, c.g[2]);
  const auto day_month = [](unsigned d, unsigned m) { return d >= 1 && d <= 31 && m >= 1 && m <= 12; };
  if (a <= 2 && b <= 2 && y == 4) return vy >= 1900 && vy <= 2099 && (day_month(va, vb) || day_month(vb, va));
  if (a == 4 && b <= 2 && y <= 2) return va >= 1900 && va <= 2099 && day_month(vy, vb);
  return false;
}

// "1 234 567", "83 240 525", "0 100 200 300": a quantity in thousands. Nine
// digits as 3-3-3 stay possible numbers ("601 123 456" in Czechia).
bool is_thousands_shape(Text t, const Chain& c, std::size_t k) noexcept {
  if (k < 3) return false;
  // "07 123 456": a quantity never starts with a trunk 0.
  if (c.g[0].digits >= 2 && t[c.g[0].digit_at(0)] == u'0') return false;
  for (std::size_t i = 1; i < k; ++i) {
    if (c.g[i].digits != 3 || c.g[i].paren || (c.g[i].sep != u' ' && c.g[i].sep != u'.')) return false;
  }
  return c.g[0].digits < 3 || k > 3;
}

// "94103-1234": a US ZIP+4 code, in form the same as a Brazilian mobile
// number written without its area code.
bool is_zip_plus_four(const Chain& c, std::size_t k) noexcept {
  return k == 2 && c.g[0].digits == 5 && c.g[1].digits == 4 && c.g[1].sep == u'-' && !c.g[0].paren;
}

constexpr bool is_currency_sign(char16_t c) noexcept {
  return c == u'$' || c == u'%' || c == 0x00A2 || c == 0x00A3 || c == 0x00A5 || c == 0x20AC || c == 0x20B9 ||
         c == 0x20BD || c == 0x20A9 || c == 0x20BA || c == 0x20AB || c == 0x20B4 || c == 0x20A6 || c == 0x20B1 ||
         c == 0x0E3F || c == 0x20AA;
}

// "250 000 000 €", "$ 4155550132", "250 000 000 EUR": an amount, whatever its
// grouping. Looks at the unit just around the chain [s, end).
bool is_amount(Text t, std::size_t s, std::size_t end) noexcept {
  std::size_t b = s;
  if (b > 0 && t[b - 1] == u' ') --b;
  if (is_currency_sign(before(t, b))) return true;
  std::size_t a = end;
  if (at(t, a) == u' ') ++a;
  if (is_currency_sign(at(t, a))) return true;
  // An ISO 4217 code: three capitals standing alone.
  return is_upper(at(t, a)) && is_upper(at(t, a + 1)) && is_upper(at(t, a + 2)) && !is_letter(at(t, a + 3));
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

// Spaces between every group, or dots in a number of ten or more digits
// ("415.555.0132"): typography, not a code's dashes; shorter dotted chains
// are versions, dates and addresses ("01.02.03.04").
bool spaced_or_dotted(const Chain& c, std::size_t k) noexcept {
  const char16_t sep = c.g[1].sep;
  if (sep != u' ' && (sep != u'.' || digits_in(c, 0, k) < 10)) return false;
  for (std::size_t i = 1; i < k; ++i) {
    if (c.g[i].sep != sep) return false;
  }
  return true;
}

// A final group may be a single digit only as a dashed extension ("-0" is the
// switchboard in German numbers); after a space it is more likely unrelated.
bool tail_ok(const Chain& c, std::size_t k) noexcept {
  return k < 2 || c.g[k - 1].digits >= 2 || c.g[k - 1].sep == u'-';
}

// ---- international: "+CC", "00CC" ----------------------------------------------

// The digits of groups [from, k) after `skip` digits of group `from` start
// with a calling code, and the rest (less a "(0)" trunk prefix right after
// the code) is as long as that country's numbers are.
bool is_international_number(Text t, const Chain& c, std::size_t from, std::size_t skip, std::size_t k) noexcept {
  std::uint8_t digits[md::kMaxNationalDigits];
  std::size_t n = 0;
  append_digits(t, c.g[from], skip, digits, n);
  std::size_t code_length = 0;
  const md::Country* country = md::country_of(digits, n, code_length);
  if (country == nullptr) return false;  // also when the code would run into the next group
  std::size_t national = n - code_length;
  for (std::size_t i = from + 1; i < k; ++i) {
    const Group& g = c.g[i];
    // "+44 (0)20 7946 0958": the trunk prefix, written for callers at home.
    if (i == from + 1 && g.paren && national == 0 && digits_equal(t, g, 0, country->national_prefix) &&
        g.digits == std::strlen(country->national_prefix)) {
      continue;
    }
    if (g.paren && (g.digits > 4 || g.inner != 0)) return false;
    national += g.digits;
  }
  return md::has_length(*country, national);
}

bool is_international(Text t, const Chain& c, std::size_t k) noexcept {
  const unsigned d = digits_in(c, 0, k);
  if (d < 5 || d > 17 || c.g[0].paren || !tail_ok(c, k)) return false;
  return is_international_number(t, c, 0, 0, k);
}

// "0049 30 901820", "00 44 20 7946 0958": the 00 exit code plus a calling code.
bool is_exit_code_international(Text t, const Chain& c, std::size_t k) noexcept {
  const Group& first = c.g[0];
  if (first.paren || first.digits < 2 || t[first.begin] != u'0' || t[first.begin + 1] != u'0') return false;
  const unsigned d = digits_in(c, 0, k);
  if (d < 10 || d > 17 || !tail_ok(c, k) || !uniform_tail(c, k)) return false;
  if (first.digits == 2) return k >= 3 && is_international_number(t, c, 1, 0, k);
  return k >= 2 && is_international_number(t, c, 0, 2, k);
}

// ---- national: a country's own way of writing --------------------------------------

enum class Fit { none, respaced, exact };

struct NationalFit {
  Fit fit = Fit::none;
  bool trunk = false;  // the national prefix is written ("020 …", "8 (912) …")
};

// Chain groups [first, k) against one format. The chain may write the area
// code in parentheses where the format does not ("(030) 901820"), drop the
// format's parentheses ("415 555-0132"), use other separators (Fit::respaced),
// and end in a dashed extension the last group has room for ("030 901820-12").
NationalFit fit_format(Text t, const Chain& c, std::size_t first, std::size_t k, const md::Format& f) noexcept {
  const md::Country& country = md::kCountries[f.country];
  const std::size_t written = k - first;
  const bool extension = written == std::size_t{f.group_count} + 1;
  std::uint8_t nsn[md::kMaxNationalDigits];
  std::size_t n = 0;
  for (const char* p = md::kLiterals[f.nsn_prefix]; *p != 0; ++p) nsn[n++] = static_cast<std::uint8_t>(*p - '0');
  NationalFit result{Fit::exact, first == 1};
  for (std::size_t j = 0; j < f.group_count; ++j) {
    const Group& g = c.g[first + j];
    const md::WrittenGroup& w = md::kGroups[f.first_group + j];
    const bool last = j + 1 == f.group_count;
    const Group* ext = last && extension ? &c.g[k - 1] : nullptr;
    if (ext != nullptr && (ext->sep != u'-' || ext->paren || ext->digits > kMaxExtensionDigits)) return {};
    const unsigned digits = g.digits + (ext != nullptr ? ext->digits : 0);
    if (digits < w.min_digits || digits > w.max_digits) return {};
    if (g.paren != w.paren) {
      if (g.paren && j != 0) return {};
      result.fit = Fit::respaced;
    }
    // "(06 1) 234 5678": the space may only set the trunk prefix apart.
    if (g.inner != 0 && (!w.paren || std::strlen(md::kLiterals[w.literal]) != g.inner)) return {};
    if (j > 0 || first == 1) {
      const char16_t want = j == 0 ? g.sep : static_cast<char16_t>(w.sep == 0 ? u' ' : w.sep);
      if (g.sep != want) result.fit = Fit::respaced;
    }
    const char* literal_digits = md::kLiterals[w.literal];
    const std::size_t literal = std::strlen(literal_digits);
    if (literal > 0) {
      if (!digits_equal(t, g, 0, literal_digits)) return {};
      result.trunk = true;
    }
    append_digits(t, g, literal, nsn, n);
    if (ext != nullptr) append_digits(t, *ext, 0, nsn, n);
  }
  if (!md::set_contains(f.leading(), nsn, n) || !md::set_contains(country.numbers, nsn, n)) return {};
  return result;
}

// The cheap part of fit_format, run first: digits per group within the format's ranges.
bool group_sizes_fit(const Chain& c, std::size_t first, std::size_t k, const md::Format& f) noexcept {
  const bool extension = k - first == std::size_t{f.group_count} + 1;
  for (std::size_t j = 0; j < f.group_count; ++j) {
    unsigned d = c.g[first + j].digits;
    if (extension && j + 1 == f.group_count) d += c.g[k - 1].digits;
    const md::WrittenGroup& w = md::kGroups[f.first_group + j];
    if (d < w.min_digits || d > w.max_digits) return false;
  }
  return true;
}

NationalFit fit_national(Text t, const Chain& c, std::size_t k) noexcept {
  NationalFit best;
  const Group& last = c.g[k - 1];
  const bool may_be_extension = k >= 2 && last.sep == u'-' && !last.paren && last.digits <= kMaxExtensionDigits;
  // first = 1: the national prefix as a group of its own ("1-800-555-0199", "8 (912) …"); prefixes have 1-2 digits.
  const std::size_t firsts = k >= 2 && c.g[0].digits <= 2 && !c.g[0].paren ? 2 : 1;
  for (std::size_t first = 0; first < firsts; ++first) {
    for (std::size_t written = k - first; written >= 1 && written + 1 >= k - first; --written) {
      if (written < k - first && !may_be_extension) break;
      if (written > md::kMaxGroups) continue;
      for (std::size_t i = md::kFormatsByGroupCount[written]; i < md::kFormatsByGroupCount[written + 1]; ++i) {
        const md::Format& f = md::kFormats[i];
        if (!group_sizes_fit(c, first, k, f)) continue;
        if (first == 1) {
          const md::Country& country = md::kCountries[f.country];
          const Group& np = c.g[0];
          if (country.national_prefix[0] == 0 || md::kGroups[f.first_group].literal != 0 ||
              np.digits != std::strlen(country.national_prefix) || !digits_equal(t, np, 0, country.national_prefix)) {
            continue;
          }
        }
        const NationalFit fit = fit_format(t, c, first, k, f);
        if (fit.fit > best.fit || (fit.fit == best.fit && fit.fit != Fit::none && fit.trunk && !best.trunk)) best = fit;
        if (best.fit == Fit::exact && best.trunk) return best;
      }
    }
  }
  return best;
}

// ---- putting it together -----------------------------------------------------------

enum class Context { none, label, reference };

// "07700 900 118": the trunk prefix 0 and a number of a country that dials it,
// grouped some other way than the format (people regroup). Nine to twelve
// digits, groups of two or more, one separator style.
bool is_regrouped_trunk_number(Text t, const Chain& c, std::size_t k) noexcept {
  const Group& first = c.g[0];
  if (k < 2 || first.paren || first.digits < 2 || first.digits > 5) return false;
  if (t[first.digit_at(0)] != u'0' || t[first.digit_at(1)] == u'0') return false;
  const unsigned d = digits_in(c, 0, k);
  if (d < 9 || d > 12 || !tail_ok(c, k) || !uniform_tail(c, k)) return false;
  for (std::size_t i = 1; i < k; ++i) {
    if (c.g[i].digits < 2 || c.g[i].paren) return false;
  }
  std::uint8_t nsn[md::kMaxNationalDigits];
  std::size_t n = 0;
  append_digits(t, first, 1, nsn, n);
  for (std::size_t i = 1; i < k; ++i) append_digits(t, c.g[i], 0, nsn, n);
  return md::trunk_zero_country_has(nsn, n);
}

bool is_plain_national(Text t, const Chain& c, std::size_t k) noexcept {
  if (k < 2 || digits_in(c, 0, k) < kMinPlainNationalDigits) return false;
  if (is_date_shape(t, c, k) || is_thousands_shape(t, c, k) || is_zip_plus_four(c, k)) return false;
  const NationalFit fit = fit_national(t, c, k);
  if (fit.fit == Fit::exact) return true;
  if (fit.fit == Fit::respaced && ((fit.trunk && uniform_tail(c, k)) || spaced_or_dotted(c, k))) return true;
  return is_regrouped_trunk_number(t, c, k);
}

// After a label almost any chain of phone length is a phone number; shorter
// ones (Greenland's "22 12 34", Saint Helena's "51234") when a country writes
// or numbers them so.
bool is_labelled_number(Text t, const Chain& c, std::size_t k) noexcept {
  const unsigned d = digits_in(c, 0, k);
  if (d < 4 || d > 15 || is_date_shape(t, c, k)) return false;
  if (d >= 7 && tail_ok(c, k) && uniform_tail(c, k)) return true;
  if (fit_national(t, c, k).fit != Fit::none) return true;
  if (k != 1 || c.g[0].paren) return false;
  std::uint8_t digits[md::kMaxNationalDigits];
  std::size_t n = 0;
  append_digits(t, c.g[0], 0, digits, n);
  return md::any_country_has(digits, n);
}

bool valid_prefix(Text t, std::size_t s, const Chain& c, std::size_t k, Context context) noexcept {
  if (c.plus) return is_international(t, c, k);
  if (context == Context::none && is_amount(t, s, c.g[k - 1].end)) return false;
  // "Bestellnr. 0123 4567 89", "Order # 0151 2345678": the word before says
  // what the number is, and it is not a phone number.
  if (context == Context::reference) return false;
  if (is_exit_code_international(t, c, k)) return true;
  return context == Context::label ? is_labelled_number(t, c, k) : is_plain_national(t, c, k);
}

// "SKY 8831 2290", "FI 2345 6789", "CA 94103-1234": two to four capitals
// and one space before the digits make them a code (a booking, tax or postal
// code). A label in capitals ("TEL") has been taken as a label before this.
bool follows_code_letters(Text t, std::size_t i) noexcept {
  if (i < 3 || t[i - 1] != u' ') return false;
  std::size_t k = i - 1;
  while (k > 0 && i - 1 - k < 5 && is_upper(t[k - 1])) --k;
  const std::size_t letters = i - 1 - k;
  return letters >= 2 && letters <= 4 && !is_letter(before(t, k)) && !is_digit(before(t, k));
}

// End of the phone number starting at s, or 0. Prefers the longest valid
// prefix so "020 7946 0958 2 Mal" still yields the number; prefixes are only
// cut at spaces, because "415-555-0132-99" is one token, not a number.
std::size_t match_at(Text t, std::size_t s, const Chain& c, const KeywordIndex& references) noexcept {
  if (c.count == 0) return 0;
  Context context = Context::none;
  if (!c.plus) {
    if (follows_phone_label(t, s)) {
      context = Context::label;
    } else if (references.ends_within(s, kReferenceWindow) || follows_code_letters(t, s)) {
      context = Context::reference;
    }
  }
  for (std::size_t k = c.count; k >= 1; --k) {
    if (k < c.count && c.g[k].sep != u' ') continue;
    // "1234 5678 9012 3456" goes on in the same blocks: one code, not a
    // number and some digits after it.
    if (k < c.count && !c.plus && c.g[k].digits >= 3 && c.g[k].digits == c.g[k - 1].digits) continue;
    // Unlabelled, only a short group may be cut off ("020 7946 0958 2 times"):
    // "4111 111 1111" is one code even if "4111 111" could be a number.
    if (k < c.count && context == Context::none && c.g[k].digits > 2) continue;
    const std::size_t end = c.g[k - 1].end;
    if (!clean_right(t, end)) continue;
    if (valid_prefix(t, s, c, k, context)) return end;
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

// Where to look again after the chain matched nowhere. Its groups are not
// numbers of their own ("4111 1111 1111 1112" holds no "1111 1112", a rejected
// "+5 123 4567" no "123 4567"), except after a token of joined groups: in
// "17.05.2024 030 901820" the number follows a date.
std::size_t resume_after_rejected(const Chain& c) noexcept {
  if (!c.plus) {
    for (std::size_t j = 2; j < c.count; ++j) {
      if (c.g[j].sep == u' ' && c.g[j - 1].sep != u' ' && c.g[j - 1].sep != 0) return c.g[j].begin;
    }
  }
  return c.g[c.count - 1].end;
}

bool is_trigger(Text t, std::size_t i) noexcept {
  const char16_t c = t[i];
  const char16_t p = before(t, i);
  if (c == u'+') {
    // Letters may touch the '+': DOM text of adjacent elements is often
    // concatenated without a space ("info@example.com+49 30 901820").
    const bool digit_follows = is_digit(at(t, i + 1)) || (at(t, i + 1) == u' ' && is_digit(at(t, i + 2)));
    return digit_follows && !is_digit(p) && p != u'+' && p != u'_';
  }
  if (c == u'(') return is_digit(at(t, i + 1)) && !is_word(p);
  // A digit right after '+' belongs to the '+' trigger; trying it alone would
  // turn a rejected "+5 123 4567" into a national number.
  return is_digit(c) && p != u'+' && clean_left(t, i) && !follows_mixed_token(t, i);
}

}  // namespace

void find_phones(Text t, Hits& out) {
  const KeywordIndex references(
      t, {u"nr", u"no.", u"n°", u"nº", u"#", u"order", u"bestell", u"rechnung", u"invoice", u"kunden", u"artikel",
          u"ref", u"commande", u"facture", u"pedido", u"factura", u"factuur", u"bestelling", u"sku", u"iban", u"konto",
          u"account", u"ticket", u"serial", u"tracking", u"sendung", u"注文", u"番号",
          // product, postal and case codes
          u"isbn", u"issn", u"ean", u"upc", u"model", u"item", u"lot", u"imei", u"vin", u"plz", u"zip", u"postcode",
          u"case", u"aktenzeichen", u"patient", u"mrn", u"〒"});
  std::size_t i = 0;
  while (i < t.size()) {
    // "7+1 234 567 890" is arithmetic or a code: the '+' after a digit is no
    // trigger, and the groups after it are no national number either.
    if (t[i] == u'+' && is_digit(before(t, i)) && !is_trigger(t, i)) {
      const Chain c = read_chain(t, i);
      i = c.count > 0 ? c.g[c.count - 1].end : i + 1;
      continue;
    }
    // "RF18 5390 0754 7034", "1Z 999 AA1 01 2345 6784": the digit groups after
    // a letters-and-digits token continue that code, all of them.
    if (is_digit(t[i]) && !is_digit(before(t, i)) && follows_mixed_token(t, i)) {
      const Chain c = read_chain(t, i);
      i = c.count > 0 ? c.g[c.count - 1].end : i + 1;
      continue;
    }
    if (is_trigger(t, i)) {
      const Chain c = read_chain(t, i);
      const std::size_t end = match_at(t, i, c, references);
      if (end != 0) {
        emit(out, i, end, PiiKind::phone);
        i = end;
        continue;
      }
      if (c.count > 1 || (c.plus && c.count > 0)) {
        i = resume_after_rejected(c);
        continue;
      }
    }
    ++i;
  }
}

}  // namespace sealshot::pii
