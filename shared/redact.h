// Solid, opaque redaction of rectangles in an RGBA image. Never blur or
// pixelate: both can be reversed. Every covered pixel is overwritten.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "image.h"
#include "result.h"

namespace sealshot {

// A rectangle in CSS pixels, as Element.getBoundingClientRect() gives it.
struct CssRect {
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
};

struct RgbColor {
  std::uint8_t r = 0;
  std::uint8_t g = 0;
  std::uint8_t b = 0;
};

struct RedactStats {
  std::size_t filled = 0;   // rectangles that covered at least one pixel
  std::size_t skipped = 0;  // empty rectangles or ones entirely outside the image
};

// Scales each rectangle by device_pixel_ratio, rounds outward (a partly covered
// pixel is filled), clips to the image and fills with `fill` at alpha 255.
// Refuses non-finite or negative sizes, a ratio outside (0, 16], and more than
// kMaxRedactRects rectangles. Validates everything before touching a pixel.
[[nodiscard]] Result<RedactStats> redact_rects(const RgbaImage& image, std::span<const CssRect> rects,
                                               double device_pixel_ratio, RgbColor fill = {});

}  // namespace sealshot
