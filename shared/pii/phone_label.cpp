// Phone labels (phone_label.h). The word lists are the whole words that label
// a phone number on real pages in the languages the detector is tested in;
// docs/pii-detectors.md lists them and says why "call" is one.
#include "phone_label.h"

#include <iterator>

namespace sealshot::pii {

namespace {

constexpr std::size_t kMaxWord = 16;
constexpr std::size_t kMaxPunctuation = 4;
constexpr int kMaxLinkingWords = 2;

// Lower case; matched against the whole word before the number.
// clang-format off
constexpr std::u16string_view kCues[] = {
    // English
    u"phone", u"phones", u"ph", u"tel", u"tele", u"telephone", u"mobile", u"mob", u"cell", u"cellphone", u"fax",
    u"call", u"hotline", u"whatsapp", u"sms",
    // German
    u"telefon", u"telefonnummer", u"telefonnr", u"mobil", u"mobilnummer", u"handy", u"handynummer", u"fon",
    u"festnetz", u"ruf", u"rufnummer", u"durchwahl",
    // French, Spanish, Italian, Portuguese
    u"tél", u"téléphone", u"portable", u"fixe", u"appelez", u"teléfono", u"telefono", u"tfno", u"tlf", u"telf",
    u"móvil", u"movil", u"celular", u"cellulare", u"telefone",
    // Dutch, Scandinavian
    u"telefoon", u"telefoonnummer", u"mobiel", u"bel", u"gsm",
    // Russian
    u"тел", u"телефон", u"моб", u"мобильный",
};
// Words that may stand between a cue and the number: "Call us at", "Phone
// number:", "Ruf uns an:", "Tel. Nr.".
constexpr std::u16string_view kLinkingWords[] = {
    u"at", u"on", u"us", u"me", u"to", u"number", u"no", u"nr", u"an", u"uns", u"unter", u"au", u"le", u"al", u"op",
};
// Scripts without spaces: the text before the number ends with one of these.
constexpr std::u16string_view kCjkCues[] = {
    u"電話", u"電話番号", u"携帯", u"携帯電話", u"電話は", u"电话", u"手机", u"전화", u"전화번호",
};
// clang-format on

constexpr char16_t lower(char16_t c) noexcept {
  if (c >= u'A' && c <= u'Z') return static_cast<char16_t>(c + 32);
  if (c >= 0x00C0 && c <= 0x00DE && c != 0x00D7) return static_cast<char16_t>(c + 32);  // Latin-1
  if (c >= 0x0410 && c <= 0x042F) return static_cast<char16_t>(c + 32);                 // Cyrillic
  return c;
}

constexpr bool is_label_punctuation(char16_t c) noexcept {
  // Tabs and line breaks: a label and its number often sit in neighbouring
  // table cells or elements, whose DOM text arrives joined by them.
  return c == u' ' || c == u'\t' || c == u'\n' || c == u'\r' || c == u':' || c == u'.' || c == u'-' || c == u'#' ||
         c == u'(' || c == u')' || c == 0x3000;
}

bool word_in(Text t, std::size_t begin, std::size_t end, const std::u16string_view* list, std::size_t size) noexcept {
  for (std::size_t w = 0; w < size; ++w) {
    const std::u16string_view word = list[w];
    if (word.size() != end - begin) continue;
    std::size_t i = 0;
    while (i < word.size() && lower(t[begin + i]) == word[i]) ++i;
    if (i == word.size()) return true;
  }
  return false;
}

bool ends_with(Text t, std::size_t end, std::u16string_view s) noexcept {
  return end >= s.size() && t.substr(end - s.size(), s.size()) == s;
}

}  // namespace

bool follows_phone_label(Text t, std::size_t s) noexcept {
  std::size_t end = s;
  for (int linking = 0; linking <= kMaxLinkingWords; ++linking) {
    std::size_t skipped = 0;
    while (end > 0 && skipped < kMaxPunctuation && is_label_punctuation(t[end - 1])) {
      --end;
      ++skipped;
    }
    for (std::u16string_view cue : kCjkCues) {
      if (ends_with(t, end, cue)) return true;
    }
    std::size_t begin = end;
    while (begin > 0 && end - begin <= kMaxWord && is_letter(t[begin - 1])) --begin;
    if (begin == end || end - begin > kMaxWord) return false;
    if (word_in(t, begin, end, kCues, std::size(kCues))) return true;
    if (!word_in(t, begin, end, kLinkingWords, std::size(kLinkingWords))) return false;
    end = begin;
  }
  return false;
}

}  // namespace sealshot::pii
