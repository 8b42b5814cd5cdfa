// E-mail addresses, anchored on '@'. The local part is read backwards and the
// domain forwards, each capped at its RFC 5321 length, and neither may contain
// '@', so every code unit is looked at by at most two anchors.
#include <array>

#include "detectors.h"

namespace sealshot::pii {

namespace {

constexpr std::size_t kMaxLocal = 64;
constexpr std::size_t kMaxDomain = 253;
constexpr std::size_t kMaxLabel = 63;

// A practical subset of RFC 5322 atext: the rarer symbols (!#$&*/=?^`{|}~)
// turn up next to addresses in prose and URLs far more often than inside them.
constexpr bool is_local_char(char16_t c) noexcept {
  return is_alnum(c) || is_intl_letter(c) || c == u'.' || c == u'_' || c == u'%' || c == u'+' || c == u'-' ||
         c == u'\'';
}
constexpr bool is_label_char(char16_t c) noexcept { return is_alnum(c) || is_intl_letter(c) || c == u'-'; }

struct Label {
  std::size_t begin;
  std::size_t end;
};

bool equals_lower(Text t, Label l, std::u16string_view word) noexcept {
  if (l.end - l.begin != word.size()) return false;
  for (std::size_t k = 0; k < word.size(); ++k) {
    if (to_lower(t[l.begin + k]) != word[k]) return false;
  }
  return true;
}

// "logo@2x.png" has the shape of an address; its "TLD" is a file extension
// that no registry delegates, which is what gives it away.
bool is_file_extension(Text t, Label l) noexcept {
  static constexpr std::array<std::u16string_view, 13> kExt = {
      u"png", u"jpg", u"jpeg", u"gif", u"svg", u"webp", u"avif", u"bmp", u"ico", u"tif", u"tiff", u"heic", u"css"};
  for (auto e : kExt) {
    if (equals_lower(t, l, e)) return true;
  }
  return false;
}

bool is_tld(Text t, Label l) noexcept {
  const std::size_t len = l.end - l.begin;
  if (len < 2) return false;
  if (len > 4 && equals_lower(t, Label{l.begin, l.begin + 4}, u"xn--")) {
    for (std::size_t k = l.begin + 4; k < l.end; ++k) {
      if (!is_alnum(t[k])) return false;
    }
    return true;
  }
  for (std::size_t k = l.begin; k < l.end; ++k) {
    if (!is_letter(t[k])) return false;
  }
  return !is_file_extension(t, l);
}

bool label_ok(Text t, Label l) noexcept { return t[l.begin] != u'-' && t[l.end - 1] != u'-'; }

// Start of the local part ending at `at`, or `at` if there is none.
std::size_t local_start(Text t, std::size_t at_pos) noexcept {
  std::size_t s = at_pos;
  while (s > 0 && at_pos - s <= kMaxLocal && is_local_char(t[s - 1])) --s;
  // Too long for RFC 5321, or the tail of "a@b.com@c.de", which is not one address.
  if (at_pos - s > kMaxLocal || before(t, s) == u'@') return at_pos;
  // Leading punctuation belongs to the sentence ("--john@", "+jane@").
  while (s < at_pos && !(is_alnum(t[s]) || is_intl_letter(t[s]) || t[s] == u'_')) ++s;
  if (s == at_pos || t[at_pos - 1] == u'.') return at_pos;
  for (std::size_t k = s + 1; k < at_pos; ++k) {
    if (t[k] == u'.' && t[k - 1] == u'.') return at_pos;
  }
  return s;
}

// End of the domain starting at `first`, or 0 if there is no valid one. Takes
// the longest run of well-formed labels that ends in a TLD, so
// "a@example.com.2" still yields "a@example.com".
std::size_t domain_end(Text t, std::size_t first) noexcept {
  std::size_t i = first;
  std::size_t count = 0;
  std::size_t best = 0;
  bool well_formed = true;
  for (;;) {
    const std::size_t b = i;
    while (is_label_char(at(t, i)) && i - b <= kMaxLabel) ++i;
    if (i - b > kMaxLabel || i - first > kMaxDomain) return 0;
    // Trailing hyphens are punctuation ("write to a@b.com--or call"), and
    // they end the domain.
    bool dashes = false;
    while (i > b && t[i - 1] == u'-') {
      --i;
      dashes = true;
    }
    if (i == b) break;
    const Label label{b, i};
    ++count;
    well_formed = well_formed && label_ok(t, label);
    if (well_formed && count >= 2 && is_tld(t, label)) best = i;
    if (!dashes && at(t, i) == u'.' && is_label_char(at(t, i + 1))) {
      ++i;
      continue;
    }
    break;
  }
  // "a@b.com@c.de" is not one address and we cannot tell which half is.
  if (at(t, i) == u'@') return 0;
  return best;
}

}  // namespace

void find_emails(Text t, Hits& out) {
  std::size_t last_end = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] != u'@') continue;
    const std::size_t s = local_start(t, i);
    if (s == i || s < last_end) continue;
    const std::size_t e = domain_end(t, i + 1);
    if (e == 0) continue;
    emit(out, s, e, PiiKind::email);
    last_end = e;
  }
}

}  // namespace sealshot::pii
