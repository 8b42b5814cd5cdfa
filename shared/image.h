// A borrowed view of an RGBA8 image (what a canvas's ImageData holds), plus
// the one validation every image entry point shares.
#pragma once

#include <cstddef>
#include <cstdint>

#include "result.h"

namespace sealshot {

struct RgbaImage {
  std::uint8_t* pixels = nullptr;  // row-major, 4 bytes per pixel, no padding
  std::size_t size = 0;            // bytes available at pixels
  int width = 0;
  int height = 0;
};

struct ConstRgbaImage {
  const std::uint8_t* pixels = nullptr;
  std::size_t size = 0;
  int width = 0;
  int height = 0;
};

// Checks dimensions against kMaxImageDimension and that the buffer holds
// width*height*4 bytes.
[[nodiscard]] Status image_validate(const ConstRgbaImage& image);

}  // namespace sealshot
