// Character classes, boundary rules and keyword look-behind shared by the PII
// detectors. Everything works on UTF-16 code units and never decodes
// surrogates: a surrogate (paired or lone) is simply a non-letter, so no input
// can derail a scanner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "../pii_scan.h"

namespace sealshot::pii {

using Text = std::u16string_view;
using Hits = std::vector<PiiHit>;

constexpr bool is_digit(char16_t c) noexcept { return c >= u'0' && c <= u'9'; }
constexpr bool is_upper(char16_t c) noexcept { return c >= u'A' && c <= u'Z'; }
constexpr bool is_lower(char16_t c) noexcept { return c >= u'a' && c <= u'z'; }
constexpr bool is_alpha(char16_t c) noexcept { return is_upper(c) || is_lower(c); }
constexpr bool is_alnum(char16_t c) noexcept { return is_alpha(c) || is_digit(c); }
constexpr bool is_hex(char16_t c) noexcept {
  return is_digit(c) || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
}
constexpr char16_t to_lower(char16_t c) noexcept { return is_upper(c) ? char16_t(c + 32) : c; }
constexpr char16_t to_upper(char16_t c) noexcept { return is_lower(c) ? char16_t(c - 32) : c; }

// Letters of scripts that separate words with spaces (Latin, Greek, Cyrillic,
// Armenian, Hebrew, Arabic, Devanagari). They glue to neighbouring digits and
// may appear inside e-mail addresses. CJK, kana and Hangul are deliberately
// absent: those scripts write numbers and addresses without spaces around
// them, so their characters must act as boundaries.
constexpr bool is_intl_letter(char16_t c) noexcept {
  if (c < 0x00AA) return false;
  if (c == 0x00AA || c == 0x00B5 || c == 0x00BA) return true;
  if (c >= 0x00C0 && c <= 0x024F) return c != 0x00D7 && c != 0x00F7;
  if (c >= 0x0250 && c <= 0x036F) return true;  // IPA, combining marks
  if (c >= 0x0370 && c <= 0x03FF) return c != 0x037E && c != 0x0387;
  if (c >= 0x0400 && c <= 0x052F) return true;  // Cyrillic
  if (c >= 0x0531 && c <= 0x0587) return true;  // Armenian
  if (c >= 0x05D0 && c <= 0x05EA) return true;  // Hebrew
  if (c >= 0x0620 && c <= 0x064A) return true;  // Arabic
  if (c >= 0x0900 && c <= 0x0963) return true;  // Devanagari
  if (c >= 0x1E00 && c <= 0x1FFF) return true;  // Latin/Greek extended
  return false;
}

constexpr bool is_word(char16_t c) noexcept { return is_alnum(c) || c == u'_' || is_intl_letter(c); }
constexpr bool is_letter(char16_t c) noexcept { return is_alpha(c) || is_intl_letter(c); }

// Out-of-range reads yield NUL, which every class rejects; this keeps the
// look-ahead and look-behind code free of separate bounds checks.
constexpr char16_t at(Text t, std::size_t i) noexcept { return i < t.size() ? t[i] : u'\0'; }
constexpr char16_t before(Text t, std::size_t i, std::size_t back = 1) noexcept {
  return back <= i && i - back < t.size() ? t[i - back] : u'\0';
}

// Characters that glue digit groups into one token ("2024-05", "1.2", "12:30").
constexpr bool joins_numbers(char16_t c) noexcept {
  return c == u'-' || c == u'.' || c == u'/' || c == u',' || c == u':';
}
// Characters that glue a number to a word into one identifier ("ORD-2024").
constexpr bool joins_words(char16_t c) noexcept { return c == u'-' || c == u'/'; }

// A number may start at i only if it is not the tail of a longer token:
// "A123", "1-123" and "ORD-123" all continue something to their left.
constexpr bool clean_left(Text t, std::size_t i) noexcept {
  const char16_t p = before(t, i);
  if (is_word(p) || p == u'@') return false;  // "@123" is a handle or a domain
  const char16_t pp = before(t, i, 2);
  if (is_digit(pp) && joins_numbers(p)) return false;
  if (is_letter(pp) && joins_words(p)) return false;
  return true;
}

// Mirror of clean_left for the code unit just past a candidate.
constexpr bool clean_right(Text t, std::size_t j) noexcept {
  const char16_t c = at(t, j);
  if (is_word(c) || c == u'@') return false;  // "0151234@" is the local part of an address
  const char16_t n = at(t, j + 1);
  if (is_digit(n) && joins_numbers(c)) return false;
  if (is_letter(n) && joins_words(c)) return false;
  return true;
}

// End of the digit run starting at i, scanning at most cap + 1 digits so that a
// result with (end - i) > cap means "longer than anything we care about"
// without walking the whole run.
constexpr std::size_t digit_run_end(Text t, std::size_t i, std::size_t cap) noexcept {
  std::size_t j = i;
  while (j < t.size() && is_digit(t[j]) && j - i <= cap) ++j;
  return j;
}

inline void emit(Hits& out, std::size_t start, std::size_t end, PiiKind kind) {
  out.push_back(PiiHit{static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(end), kind});
}

// Where context words ("Tel", "SSN", ...) end in the text, found in one linear
// pass up front so each candidate asks "was there a keyword just before me?"
// in O(log k) instead of rescanning a window per candidate.
class KeywordIndex {
 public:
  // Keywords are lower case; ASCII letters in the text match either case. A
  // keyword only counts at the start of a word so "hotel" does not say "tel".
  KeywordIndex(Text text, std::initializer_list<std::u16string_view> keywords);
  // True if some keyword ends at or before pos and at most `window` units before it.
  [[nodiscard]] bool ends_within(std::size_t pos, std::size_t window) const noexcept;

 private:
  std::vector<std::uint32_t> ends_;
};

// Maps look-alike code units onto their ASCII counterparts one-for-one, so the
// detectors see "０３－１２３４" as "03-1234" and a no-break space as a space,
// while every offset stays valid for the original text.
[[nodiscard]] std::u16string fold_text(Text text);

}  // namespace sealshot::pii
