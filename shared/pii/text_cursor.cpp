#include "text_cursor.h"

#include <algorithm>

namespace sealshot::pii {

namespace {

constexpr char16_t fold_unit(char16_t c) noexcept {
  if (c >= 0xFF01 && c <= 0xFF5E) return static_cast<char16_t>(c - 0xFEE0);  // full-width ASCII
  switch (c) {
    case 0x00A0:  // no-break space (French "01 42 68 53 00" often uses it)
    case 0x2000:
    case 0x2001:
    case 0x2002:
    case 0x2003:
    case 0x2004:
    case 0x2005:
    case 0x2006:
    case 0x2007:
    case 0x2008:
    case 0x2009:
    case 0x200A:
    case 0x202F:  // narrow no-break space
    case 0x205F:
    case 0x3000:  // ideographic space
      return u' ';
    // Hyphen look-alikes only. En and em dashes are left alone on purpose: they
    // separate phrases ("mail me at a@b.com—thanks"), not digit groups.
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2212:
    case 0xFE63:
      return u'-';
    default:
      return c;
  }
}

bool keyword_at(Text t, std::size_t i, std::u16string_view kw) noexcept {
  if (kw.size() > t.size() - i) return false;
  for (std::size_t k = 0; k < kw.size(); ++k) {
    if (to_lower(t[i + k]) != kw[k]) return false;
  }
  return true;
}

}  // namespace

std::u16string fold_text(Text text) {
  std::u16string out(text.size(), u'\0');
  for (std::size_t i = 0; i < text.size(); ++i) out[i] = fold_unit(text[i]);
  return out;
}

KeywordIndex::KeywordIndex(Text t, std::initializer_list<std::u16string_view> keywords) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (is_letter(before(t, i))) continue;
    for (std::u16string_view kw : keywords) {
      if (keyword_at(t, i, kw)) {
        ends_.push_back(static_cast<std::uint32_t>(i + kw.size()));
        break;
      }
    }
  }
  // Keywords of different lengths starting at increasing positions can end out of order.
  std::sort(ends_.begin(), ends_.end());
}

bool KeywordIndex::ends_within(std::size_t pos, std::size_t window) const noexcept {
  auto it = std::upper_bound(ends_.begin(), ends_.end(), pos);
  if (it == ends_.begin()) return false;
  return pos - *(it - 1) <= window;
}

}  // namespace sealshot::pii
