// Turns fuzzer bytes into the UTF-16 text the PII scanner takes. Bytes are
// read as UTF-8, leniently: a well-formed sequence becomes its code units
// (supplementary characters as surrogate pairs), an encoded surrogate
// (ED A0..BF xx) becomes that lone surrogate, and any other byte that does
// not start a sequence becomes U+0080 + byte. So ASCII seeds and dictionary
// words stay readable to the mutator, yet every code unit value is reachable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace sealshot::fuzz {

inline std::u16string utf16_from_fuzz_bytes(const std::uint8_t* data, std::size_t size) {
  std::u16string out;
  out.reserve(size);
  std::size_t i = 0;
  const auto cont = [&](std::size_t k) { return i + k < size && (data[i + k] & 0xC0) == 0x80; };
  while (i < size) {
    const std::uint8_t b = data[i];
    if (b < 0x80) {
      out.push_back(b);
      i += 1;
    } else if (b >= 0xC2 && b < 0xE0 && cont(1)) {
      out.push_back(char16_t(((b & 0x1F) << 6) | (data[i + 1] & 0x3F)));
      i += 2;
    } else if (b >= 0xE0 && b < 0xF0 && cont(1) && cont(2)) {
      out.push_back(char16_t(((b & 0x0F) << 12) | ((data[i + 1] & 0x3F) << 6) | (data[i + 2] & 0x3F)));
      i += 3;
    } else if (b >= 0xF0 && b < 0xF5 && cont(1) && cont(2) && cont(3)) {
      const std::uint32_t cp =
          ((b & 0x07u) << 18) | ((data[i + 1] & 0x3Fu) << 12) | ((data[i + 2] & 0x3Fu) << 6) | (data[i + 3] & 0x3Fu);
      if (cp >= 0x10000 && cp <= 0x10FFFF) {
        out.push_back(char16_t(0xD800 + ((cp - 0x10000) >> 10)));
        out.push_back(char16_t(0xDC00 + ((cp - 0x10000) & 0x3FF)));
      } else {
        out.push_back(char16_t(cp & 0xFFFF));
      }
      i += 4;
    } else {
      out.push_back(char16_t(0x80 + b));
      i += 1;
    }
  }
  return out;
}

}  // namespace sealshot::fuzz
