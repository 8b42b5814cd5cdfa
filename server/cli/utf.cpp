#include "utf.h"

namespace sealshot::cli {

std::u16string utf8_to_utf16(std::string_view s, std::vector<std::size_t>* offsets) {
  std::u16string out;
  out.reserve(s.size());
  if (offsets) offsets->clear();
  std::size_t i = 0;
  auto emit = [&](char16_t unit, std::size_t at) {
    out.push_back(unit);
    if (offsets) offsets->push_back(at);
  };
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    int length = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
    char32_t cp = length == 1 ? b0 : length == 2 ? (b0 & 0x1F) : length == 3 ? (b0 & 0x0F) : (b0 & 0x07);
    bool valid = length > 0 && i + std::size_t(length) <= s.size();
    for (int k = 1; valid && k < length; ++k) {
      const auto b = static_cast<unsigned char>(s[i + std::size_t(k)]);
      valid = (b >> 6) == 0x2;
      cp = (cp << 6) | (b & 0x3F);
    }
    // Refuse overlong forms, surrogates and values past U+10FFFF.
    if (valid) {
      static const char32_t min_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
      valid = cp >= min_for_length[length] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    if (!valid) {
      emit(u'\uFFFD', i);
      i += 1;
      continue;
    }
    if (cp >= 0x10000) {
      emit(char16_t(0xD800 + ((cp - 0x10000) >> 10)), i);
      emit(char16_t(0xDC00 + ((cp - 0x10000) & 0x3FF)), i);
    } else {
      emit(char16_t(cp), i);
    }
    i += std::size_t(length);
  }
  if (offsets) offsets->push_back(s.size());
  return out;
}

}  // namespace sealshot::cli
