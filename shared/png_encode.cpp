#include "png_encode.h"

#include <libdeflate.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>

namespace sealshot {
namespace {
inline std::uint32_t load_u32(const unsigned char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);  // one unaligned load in wasm and on x86
  return v;
}
inline void store_u32(unsigned char* p, std::uint32_t v) { std::memcpy(p, &v, 4); }
constexpr bool kLittleEndian = std::endian::native == std::endian::little;
// The bytes of a 4-byte load that come first in memory, whatever the byte order.
constexpr std::uint32_t kFirstThreeBytes = kLittleEndian ? 0x00ffffffu : 0xffffff00u;
}  // namespace

namespace detail {
unsigned char* stb_png_to_mem(const unsigned char* pixels, int width, int height, int channels, int filter, int level,
                              int* out_len);
void stb_free(void* p);

namespace {
// stb keeps its options in globals, and so does this file (the adaptive-filter
// request and the cached compressor below): one encode at a time.
std::mutex png_mutex;

// Set by png_encode() for the zlib hook when the adaptive filter (-1) was
// asked for: stb then writes unfiltered rows (filter 0) and the hook filters
// them before compressing. stb has no way to take rows we filtered ourselves,
// and its own per-row trial of all five filters is both the slowest part of
// the encode and worse on screenshots (docs/benchmarks.md).
struct AdaptiveRows {
  bool active = false;
  std::size_t stride = 0;  // bytes of pixels per row, without the filter byte
  int bpp = 0;             // bytes per pixel, 3 or 4
  int height = 0;
} adaptive_rows;

// A compressor holds several hundred KB of match-finder state: keep the last
// one instead of allocating and freeing it per encode (guarded by png_mutex).
libdeflate_compressor* cached_compressor = nullptr;
int cached_level = 0;

libdeflate_compressor* compressor_for(int level) {
  if (cached_compressor != nullptr && cached_level != level) {
    libdeflate_free_compressor(cached_compressor);
    cached_compressor = nullptr;
  }
  if (cached_compressor == nullptr) {
    cached_compressor = libdeflate_alloc_compressor(level);
    cached_level = level;
  }
  return cached_compressor;
}

// A row is "flat" when at least half of its pixels repeat their left
// neighbour: UI (backgrounds, borders, text on plain colour). Deflate finds
// runs and repeated glyphs best in unfiltered bytes there; Paeth's residuals
// depend on the row above and break those matches (about 20% larger on the
// demo page). Rows of photos or gradients rarely repeat a pixel, and there
// Paeth's small residuals win (about 25% smaller than unfiltered).
bool row_is_flat(const unsigned char* row, std::size_t stride, int bpp) {
  const std::size_t pixels = stride / std::size_t(bpp);
  const std::size_t needed = pixels / 2;
  const std::size_t allowed_misses = pixels - needed;  // more than this and it cannot be flat
  std::size_t repeats = 0;
  // In chunks of 64 pixels, stopping as soon as the answer is known: a UI
  // row is decided after little more than half of it.
  std::size_t i = std::size_t(bpp);
  while (i < stride) {
    const std::size_t chunk_end = std::min(stride, i + 64 * std::size_t(bpp));
    if (bpp == 4) {
      for (; i < chunk_end; i += 4) repeats += load_u32(row + i) == load_u32(row + i - 4);
    } else {
      // A 4-byte load per pixel, masked to 3, is much faster than byte
      // compares (in wasm especially); the row's last pixel has no 4th byte.
      const std::size_t word_end = std::min(chunk_end, stride - 3);
      for (; i < word_end; i += 3) {
        repeats += ((load_u32(row + i) ^ load_u32(row + i - 3)) & kFirstThreeBytes) == 0;
      }
      if (i == stride - 3 && i < chunk_end) {
        repeats += std::memcmp(row + i, row + i - 3, 3) == 0;
        i += 3;
      }
    }
    if (repeats >= needed) return true;
    if (i / std::size_t(bpp) - 1 - repeats > allowed_misses) return false;
  }
  return repeats >= needed;
}

// PNG's Paeth predictor, written with the differences so it needs no 9-bit p.
inline int paeth(int a, int b, int c) {
  const int pa = std::abs(b - c), pb = std::abs(a - c), pc = std::abs(a + b - 2 * c);
  return (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
}

// Filters stb's unfiltered rows in place: bottom row first and right to left,
// so every byte the predictor reads (left, above, upper left) is still raw.
void filter_rows_adaptively(unsigned char* data, const AdaptiveRows& rows) {
  const std::size_t row_bytes = rows.stride + 1;
  const std::size_t bpp = std::size_t(rows.bpp);
  for (int y = rows.height - 1; y >= 0; --y) {
    unsigned char* row = data + std::size_t(y) * row_bytes + 1;
    if (row_is_flat(row, rows.stride, rows.bpp)) continue;  // stb wrote filter byte 0 already
    row[-1] = 4;
    const unsigned char* above = y > 0 ? row - row_bytes : nullptr;
    if (above == nullptr) {  // no row above: Paeth reduces to "left"
      for (std::size_t i = rows.stride; i-- > bpp;) row[i] = static_cast<unsigned char>(row[i] - row[i - bpp]);
      continue;
    }
    for (std::size_t i = rows.stride; i-- > bpp;) {
      row[i] = static_cast<unsigned char>(row[i] - paeth(row[i - bpp], above[i], above[i - bpp]));
    }
    for (std::size_t i = 0; i < bpp; ++i) row[i] = static_cast<unsigned char>(row[i] - above[i]);
  }
}
}  // namespace

// stb's STBIW_ZLIB_COMPRESS hook: `quality` is the libdeflate level we set.
// Returns a malloc'd zlib stream, or nullptr on failure.
unsigned char* zlib_compress_for_stb(unsigned char* data, int data_len, int* out_len, int quality) {
  if (adaptive_rows.active) {
    if (std::size_t(data_len) != (adaptive_rows.stride + 1) * std::size_t(adaptive_rows.height)) return nullptr;
    filter_rows_adaptively(data, adaptive_rows);
  }
  libdeflate_compressor* compressor = compressor_for(quality);
  if (compressor == nullptr) return nullptr;
  const std::size_t bound = libdeflate_zlib_compress_bound(compressor, std::size_t(data_len));
  auto* out = static_cast<unsigned char*>(std::malloc(bound));
  if (out == nullptr) return nullptr;
  const std::size_t written = libdeflate_zlib_compress(compressor, data, std::size_t(data_len), out, bound);
  if (written == 0) {
    std::free(out);
    return nullptr;
  }
  *out_len = int(written);
  return out;
}
}  // namespace detail

bool image_is_opaque(const ConstRgbaImage& image) {
  if (!image_validate(image).ok()) return false;  // never read an invalid buffer
  const std::size_t count = std::size_t(image.width) * std::size_t(image.height);
  for (std::size_t i = 0; i < count; ++i) {
    if (image.pixels[i * 4 + 3] != 255) return false;
  }
  return true;
}

namespace {
// RGB copy of an opaque image in one pass over the pixels (checking opacity
// first would read the whole image twice); false at the first pixel that is
// not opaque. Works on four pixels at a time: 16 bytes in, 12 out, as three
// word stores instead of twelve byte stores.
bool copy_rgb_if_opaque(const ConstRgbaImage& image, unsigned char* rgb) {
  const std::size_t count = std::size_t(image.width) * std::size_t(image.height);
  const unsigned char* p = image.pixels;
  std::size_t i = 0;
  if constexpr (kLittleEndian) {
    for (; i + 4 <= count; i += 4, p += 16, rgb += 12) {
      const std::uint32_t a = load_u32(p), b = load_u32(p + 4), c = load_u32(p + 8), d = load_u32(p + 12);
      if ((a & b & c & d) < 0xff000000u) return false;   // some alpha byte (the top one) is not 255
      store_u32(rgb, (a & 0xffffffu) | b << 24);         // R0 G0 B0 R1
      store_u32(rgb + 4, (b >> 8 & 0xffffu) | c << 16);  // G1 B1 R2 G2
      store_u32(rgb + 8, (c >> 16 & 0xffu) | d << 8);    // B2 R3 G3 B3
    }
  }
  for (; i < count; ++i, p += 4, rgb += 3) {
    if (p[3] != 255) return false;
    rgb[0] = p[0];
    rgb[1] = p[1];
    rgb[2] = p[2];
  }
  return true;
}
}  // namespace

Result<std::vector<std::uint8_t>> png_encode(const ConstRgbaImage& image, const PngOptions& options) {
  Status valid = image_validate(image);
  if (!valid.ok()) return valid;
  if (options.compression_level < kPngMinLevel || options.compression_level > kPngMaxLevel) {
    return Status(ErrorCode::invalid_argument, "The PNG compression level must be between 1 and 12.");
  }
  if (options.filter < -1 || options.filter > 4) {
    return Status(ErrorCode::invalid_argument, "The PNG filter must be -1 (adaptive) or 0..4.");
  }
  // stb indexes rows with int: refuse what would overflow it.
  const std::size_t pixels = std::size_t(image.width) * std::size_t(image.height);
  if (pixels * 4 + std::size_t(image.height) > std::size_t(INT32_MAX)) {
    return Status(ErrorCode::image_too_large, "The image is too large to encode as PNG here.");
  }

  // Uninitialised on purpose: zeroing 6 MB first would cost a whole extra pass.
  std::unique_ptr<unsigned char[]> rgb(new (std::nothrow) unsigned char[pixels * 3]);
  if (rgb == nullptr) return Status(ErrorCode::out_of_memory, "Out of memory for the PNG's RGB copy.");
  const bool opaque = copy_rgb_if_opaque(image, rgb.get());
  if (!opaque) rgb.reset();
  const unsigned char* source = opaque ? rgb.get() : image.pixels;
  const int channels = opaque ? 3 : 4;

  int length = 0;
  unsigned char* png = nullptr;
  {
    std::lock_guard<std::mutex> lock(detail::png_mutex);
    const bool adaptive = options.filter == -1;
    detail::adaptive_rows = {adaptive, std::size_t(image.width) * std::size_t(channels), channels, image.height};
    png = detail::stb_png_to_mem(source, image.width, image.height, channels, adaptive ? 0 : options.filter,
                                 options.compression_level, &length);
    detail::adaptive_rows = {};
  }
  if (png == nullptr) return Status(ErrorCode::encode_failed, "PNG encoding failed (out of memory?).");
  std::vector<std::uint8_t> out(png, png + length);
  detail::stb_free(png);
  return out;
}

}  // namespace sealshot
