// Synthetic "screenshot-like" RGBA images for the tests: flat toolbar areas,
// text-ish glyph stripes, a gradient panel and a few hard edges. Deterministic
// (no RNG state), so every run and every machine sees the same pixels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sealshot::test {

// width*height*4 bytes, every alpha 255.
inline std::vector<std::uint8_t> make_screenshot(int width, int height) {
  std::vector<std::uint8_t> px(std::size_t(width) * std::size_t(height) * 4);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      std::uint8_t* p = &px[(std::size_t(y) * std::size_t(width) + std::size_t(x)) * 4];
      std::uint8_t r, g, b;
      if (y < height / 8) {
        // Flat toolbar with a 1-pixel separator line.
        r = 0x2b;
        g = 0x30;
        b = 0x3b;
        if (y == height / 8 - 1) r = g = b = 0x10;
      } else if (x < width / 4) {
        // Gradient sidebar.
        r = std::uint8_t(x * 255 / (width / 4 > 0 ? width / 4 : 1));
        g = std::uint8_t(y * 255 / (height > 0 ? height : 1));
        b = std::uint8_t((x + y) & 0xff);
      } else {
        // White page with text-ish rows: 12-pixel lines, 8 pixels of "glyphs".
        r = g = b = 0xff;
        const int line = (y - height / 8) % 12;
        if (line < 8) {
          const int glyph = (x / 6) * 7 + (y - height / 8) / 12;
          const bool ink =
              ((glyph * 2654435761u) >> 13 & 3) != 0 && ((x % 6) != 5) && (((x * 7 + y * 3) ^ glyph) % 5 < 2);
          if (ink) r = g = b = std::uint8_t(0x20 + (glyph & 0x1f));
        }
        if (x % 97 == 0) {
          r = 0xd0;
          g = 0x10;
          b = 0x10;
        }  // a red vertical rule
      }
      p[0] = r;
      p[1] = g;
      p[2] = b;
      p[3] = 255;
    }
  }
  return px;
}

// Same picture with a translucent overlay in the lower right quarter (alpha
// 0..254 varying per pixel), fully transparent pixels whose colour bytes are
// not zero, and everything else opaque.
inline std::vector<std::uint8_t> make_translucent_screenshot(int width, int height) {
  std::vector<std::uint8_t> px = make_screenshot(width, height);
  for (int y = height / 2; y < height; ++y) {
    for (int x = width / 2; x < width; ++x) {
      std::uint8_t* p = &px[(std::size_t(y) * std::size_t(width) + std::size_t(x)) * 4];
      p[3] = std::uint8_t((x * 3 + y * 5) % 255);  // 0..254, never 255
    }
  }
  return px;
}

}  // namespace sealshot::test
