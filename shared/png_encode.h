// PNG encoding of an RGBA image: stb_image_write for the PNG structure, with
// its zlib step replaced by libdeflate (smaller and several times faster than
// stb's own static-Huffman deflate); the adaptive row filter runs in that same
// hook (png_encode.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "image.h"
#include "result.h"

namespace sealshot {

struct PngOptions {
  // libdeflate level, 1..12. Higher is smaller and slower; 10..12 are several
  // times slower for a few percent. The default is the measured sweet spot.
  int compression_level = 6;
  // PNG row filter: -1 (adaptive) chooses per row between none, for UI rows
  // where most pixels repeat their left neighbour, and Paeth, for photos and
  // gradients. 0..4 force one filter on every row. Adaptive is the smallest
  // and fastest on screenshots (see docs/benchmarks.md).
  int filter = -1;
};

inline constexpr int kPngMinLevel = 1;
inline constexpr int kPngMaxLevel = 12;

// Encodes into a fresh buffer. Writes RGB (colour type 2) when every pixel is
// opaque, RGBA otherwise, so redacted screenshots carry no alpha channel.
[[nodiscard]] Result<std::vector<std::uint8_t>> png_encode(const ConstRgbaImage& image, const PngOptions& options = {});

// True when every alpha byte is 255; false for an invalid image.
[[nodiscard]] bool image_is_opaque(const ConstRgbaImage& image);

}  // namespace sealshot
