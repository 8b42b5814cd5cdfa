// IP addresses. IPv4 is a strict dotted quad; IPv6 follows RFC 4291 text
// forms (full, "::"-compressed, IPv4-suffixed). Both parsers stop after a
// fixed number of groups, so a long run of dots or colons costs O(1) per anchor.
#include <array>

#include "detectors.h"

namespace sealshot::pii {

namespace {

// End of a decimal octet at i, or 0. Leading zeros are refused: "01.02.03.04"
// is a date or a version far more often than an address, and some parsers
// read a leading zero as octal.
std::size_t octet_end(Text t, std::size_t i) noexcept {
  const std::size_t e = digit_run_end(t, i, 3);
  const std::size_t n = e - i;
  if (n == 0 || n > 3 || (n > 1 && t[i] == u'0')) return 0;
  int v = 0;
  for (std::size_t k = i; k < e; ++k) v = v * 10 + (t[k] - u'0');
  return v <= 255 ? e : 0;
}

// End of a dotted quad at i, or 0; boundaries are the caller's business.
std::size_t quad_end(Text t, std::size_t i) noexcept {
  std::size_t e = i;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (at(t, e) != u'.') return 0;
      ++e;
    }
    e = octet_end(t, e);
    if (e == 0) return 0;
  }
  return e;
}

// "Version 1.2.3.4", "build: 10.0.0.1": four-part version numbers after a
// word that says so are not addresses.
bool after_version_word(Text t, std::size_t s) noexcept {
  static constexpr std::array<std::u16string_view, 9> kWords = {u"v",     u"ver",     u"version", u"versión", u"versie",
                                                                u"build", u"release", u"rev",     u"revision"};
  std::size_t j = s;
  for (int k = 0; k < 3 && j > 0 && (t[j - 1] == u' ' || t[j - 1] == u':' || t[j - 1] == u'.'); ++k) --j;
  std::size_t b = j;
  while (b > 0 && j - b < 10 && is_letter(t[b - 1])) --b;
  if (b == j || is_letter(before(t, b))) return false;
  for (std::u16string_view w : kWords) {
    if (w.size() != j - b) continue;
    bool same = true;
    for (std::size_t k = 0; k < w.size() && same; ++k) same = to_lower(t[b + k]) == w[k];
    if (same) return true;
  }
  return false;
}

std::size_t ipv4_at(Text t, std::size_t s) noexcept {
  const char16_t p = before(t, s);
  if (is_word(p) || p == u'.') return 0;
  const std::size_t e = quad_end(t, s);
  if (e == 0) return 0;
  // A fifth part ("1.2.3.4.5") makes it a version or an OID.
  const char16_t n = at(t, e);
  if (is_word(n) || (n == u'.' && is_digit(at(t, e + 1)))) return 0;
  return after_version_word(t, s) ? 0 : e;
}

// Hex group of 1-4 digits at i: returns its length, or 0 if none or too long.
std::size_t hex_group(Text t, std::size_t i, bool& has_long_group) noexcept {
  std::size_t e = i;
  while (is_hex(at(t, e)) && e - i <= 4) ++e;
  if (e - i > 4) return 0;
  if (e - i >= 3) has_long_group = true;
  return e - i;
}

// A ':' before s is fine when it ends a word ("IPv6:", "Server:", or a
// full-width colon folded to ':'), but not when it ends a hex group of a
// longer colon chain, where starting here would match a tail of it.
bool colon_chain_before(Text t, std::size_t s) noexcept {
  if (before(t, s) != u':') return false;
  std::size_t j = s - 1;
  if (before(t, j) == u':') return true;
  std::size_t k = 0;
  while (k < 5 && is_hex(before(t, j))) {
    --j;
    ++k;
  }
  return k > 0 && !is_word(before(t, j));
}

std::size_t ipv6_at(Text t, std::size_t s) noexcept {
  const char16_t p = before(t, s);
  if (is_word(p) || p == u'.' || colon_chain_before(t, s)) return 0;
  if (t[s] == u':' && p == u':') return 0;
  std::size_t i = s;
  int groups = 0;
  bool compressed = false;
  bool long_group = false;
  bool any_digit = false;
  if (at(t, i) == u':') {
    if (at(t, i + 1) != u':') return 0;
    compressed = true;
    i += 2;
  }
  while (groups <= 8) {
    const std::size_t len = hex_group(t, i, long_group);
    if (len == 0) {
      // Only a trailing "::" may be followed by no group; five hex digits never may.
      if (is_hex(at(t, i))) return 0;
      break;
    }
    // An embedded IPv4 ends the address and stands for two groups.
    if (at(t, i + len) == u'.') {
      const std::size_t q = quad_end(t, i);
      if (q != 0 && (compressed ? groups <= 5 : groups == 6)) {
        groups += 2;
        any_digit = true;
        i = q;
        break;
      }
    }
    for (std::size_t k = i; k < i + len; ++k) any_digit = any_digit || is_digit(t[k]);
    ++groups;
    i += len;
    if (at(t, i) != u':') break;
    if (at(t, i + 1) == u':') {
      if (compressed) return 0;  // a second "::" is ambiguous, hence invalid
      compressed = true;
      i += 2;
    } else if (is_hex(at(t, i + 1))) {
      ++i;
    } else {
      break;  // "fe80::1: see" - that colon is punctuation
    }
  }
  if (groups == 0 || groups > 8 || (compressed ? groups > 7 : groups != 8)) return 0;
  // "12::30" and "a::b" (times, C++ scopes) parse as IPv6; real compressed
  // addresses nearly always have a 3-4 digit group or start with "::".
  if (compressed && !long_group && t[s] != u':') return 0;
  if (!any_digit) return 0;  // "dead:beef::cafe" reads as words; we let it go
  const char16_t n = at(t, i);
  if (is_word(n) || (n == u'.' && is_hex(at(t, i + 1)))) return 0;
  if (n == u':' && (at(t, i + 1) == u':' || is_hex(at(t, i + 1)))) return 0;  // "2001:db8:::1"
  return i;
}

}  // namespace

void find_ipv4(Text t, Hits& out) {
  std::size_t i = 0;
  while (i < t.size()) {
    if (is_digit(t[i])) {
      const std::size_t end = ipv4_at(t, i);
      if (end != 0) {
        emit(out, i, end, PiiKind::ipv4);
        i = end;
        continue;
      }
      while (i < t.size() && is_digit(t[i])) ++i;
      continue;
    }
    ++i;
  }
}

void find_ipv6(Text t, Hits& out) {
  std::size_t i = 0;
  while (i < t.size()) {
    if (is_hex(t[i]) || t[i] == u':') {
      const std::size_t end = ipv6_at(t, i);
      if (end != 0) {
        emit(out, i, end, PiiKind::ipv6);
        i = end;
        continue;
      }
    }
    ++i;
  }
}

}  // namespace sealshot::pii
