// png_encode: every output is decoded by an independent decoder (libpng, plus
// zlib to look at the raw filter bytes) and compared pixel by pixel.
#include "png_encode.h"

#include <gtest/gtest.h>
#include <png.h>
#include <zlib.h>

#include <csetjmp>
#include <cstring>
#include <string>
#include <vector>

#include "core_limits.h"
#include "support/synthetic_image.h"

namespace sealshot {
namespace {

// ---- independent decoder (libpng, no transforms) ----------------------------

struct Decoded {
  bool ok = false;
  png_uint_32 width = 0, height = 0;
  int bit_depth = 0, color_type = -1, interlace = -1;
  int channels = 0;
  std::vector<std::uint8_t> raw;  // as stored: 3 or 4 bytes per pixel
  std::vector<png_bytep> rows;
  std::vector<std::uint8_t> rgba;  // expanded to 4 bytes per pixel
};

struct MemoryReader {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t pos;
};

void read_from_memory(png_structp png, png_bytep out, png_size_t n) {
  auto* r = static_cast<MemoryReader*>(png_get_io_ptr(png));
  if (r->size - r->pos < n) png_error(png, "read past the end of the PNG");
  std::memcpy(out, r->data + r->pos, n);
  r->pos += n;
}

void quiet_warning(png_structp, png_const_charp) {}

// Everything that outlives a longjmp lives in *out or *reader, never in a
// local with a destructor.
bool decode_into(Decoded* out, MemoryReader* reader) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, quiet_warning);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  png_set_read_fn(png, reader, read_from_memory);
  png_read_info(png, info);
  png_get_IHDR(png, info, &out->width, &out->height, &out->bit_depth, &out->color_type, &out->interlace, nullptr,
               nullptr);
  out->channels = png_get_channels(png, info);
  const std::size_t rowbytes = png_get_rowbytes(png, info);
  out->raw.assign(rowbytes * out->height, 0);
  out->rows.resize(out->height);
  for (png_uint_32 y = 0; y < out->height; ++y) out->rows[y] = out->raw.data() + y * rowbytes;
  png_read_image(png, out->rows.data());
  png_read_end(png, info);  // reads IEND and checks the remaining CRCs
  const bool consumed_all = reader->pos == reader->size;
  png_destroy_read_struct(&png, &info, nullptr);
  return consumed_all;
}

Decoded decode_png(const std::vector<std::uint8_t>& png) {
  Decoded d;
  MemoryReader reader{png.data(), png.size(), 0};
  d.ok = decode_into(&d, &reader);
  if (d.ok && d.bit_depth == 8 && (d.channels == 3 || d.channels == 4)) {
    d.rgba.resize(std::size_t(d.width) * d.height * 4);
    for (std::size_t i = 0; i < std::size_t(d.width) * d.height; ++i) {
      for (int c = 0; c < d.channels; ++c) d.rgba[i * 4 + c] = d.raw[i * d.channels + c];
      if (d.channels == 3) d.rgba[i * 4 + 3] = 255;
    }
  }
  return d;
}

// ---- raw chunk walk + zlib, to check the filter byte of each row ------------

std::uint32_t be32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}

// Concatenated IDAT data inflated with zlib; empty on any structural problem.
std::vector<std::uint8_t> inflate_idat(const std::vector<std::uint8_t>& png, std::size_t expected) {
  std::vector<std::uint8_t> z;
  std::size_t pos = 8;
  while (pos + 12 <= png.size()) {
    const std::uint32_t len = be32(&png[pos]);
    if (pos + 12 + len > png.size()) return {};
    if (std::memcmp(&png[pos + 4], "IDAT", 4) == 0) z.insert(z.end(), &png[pos + 8], &png[pos + 8] + len);
    pos += 12 + len;
  }
  std::vector<std::uint8_t> out(expected);
  uLongf out_len = uLongf(expected);
  if (uncompress(out.data(), &out_len, z.data(), uLong(z.size())) != Z_OK || out_len != expected) return {};
  return out;
}

// ---- helpers ------------------------------------------------------------------

const std::uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

ConstRgbaImage view(const std::vector<std::uint8_t>& px, int w, int h) { return {px.data(), px.size(), w, h}; }

// Encodes, decodes independently and compares every pixel. Returns the PNG.
std::vector<std::uint8_t> round_trip(const std::vector<std::uint8_t>& px, int w, int h, PngOptions options,
                                     int want_color_type) {
  SCOPED_TRACE("level " + std::to_string(options.compression_level) + " filter " + std::to_string(options.filter) +
               " " + std::to_string(w) + "x" + std::to_string(h));
  auto encoded = png_encode(view(px, w, h), options);
  EXPECT_TRUE(encoded.ok()) << encoded.message();
  if (!encoded.ok()) return {};
  const std::vector<std::uint8_t>& png = encoded.value();
  EXPECT_GE(png.size(), 8u + 25u + 12u);
  if (png.size() < 8 + 25 + 12) return png;
  EXPECT_EQ(std::memcmp(png.data(), kSignature, 8), 0);
  // IHDR is the first chunk: length 13, then width, height, depth, colour type.
  EXPECT_EQ(be32(&png[8]), 13u);
  EXPECT_EQ(std::memcmp(&png[12], "IHDR", 4), 0);
  EXPECT_EQ(be32(&png[16]), std::uint32_t(w));
  EXPECT_EQ(be32(&png[20]), std::uint32_t(h));
  EXPECT_EQ(png[24], 8) << "bit depth";
  EXPECT_EQ(png[25], want_color_type) << "colour type byte";
  EXPECT_EQ(std::memcmp(&png[png.size() - 8], "IEND", 4), 0);

  const Decoded d = decode_png(png);
  EXPECT_TRUE(d.ok) << "libpng refused the output";
  if (!d.ok) return png;
  EXPECT_EQ(d.width, png_uint_32(w));
  EXPECT_EQ(d.height, png_uint_32(h));
  EXPECT_EQ(d.bit_depth, 8);
  EXPECT_EQ(d.color_type, want_color_type);
  EXPECT_EQ(d.interlace, PNG_INTERLACE_NONE);
  EXPECT_EQ(d.rgba.size(), px.size());
  if (d.rgba.size() == px.size()) {
    std::size_t bad = 0;
    for (std::size_t i = 0; i < px.size(); ++i) {
      if (d.rgba[i] != px[i] && ++bad <= 5) {
        ADD_FAILURE() << "pixel " << i / 4 << " channel " << i % 4 << ": decoded " << int(d.rgba[i]) << ", original "
                      << int(px[i]);
      }
    }
    EXPECT_EQ(bad, 0u);
  }
  return png;
}

constexpr int kW = 300, kH = 200;

// ---- round trips --------------------------------------------------------------

TEST(PngEncode, OpaqueScreenshotAllFiltersAndLevels) {
  const auto px = test::make_screenshot(kW, kH);
  ASSERT_TRUE(image_is_opaque(view(px, kW, kH)));
  for (int level : {1, 6, 9, 12}) {
    for (int filter = -1; filter <= 4; ++filter) {
      round_trip(px, kW, kH, {level, filter}, PNG_COLOR_TYPE_RGB);
      if (HasFatalFailure()) return;
    }
  }
}

TEST(PngEncode, TranslucentScreenshotAllFiltersAndLevels) {
  const auto px = test::make_translucent_screenshot(kW, kH);
  ASSERT_FALSE(image_is_opaque(view(px, kW, kH)));
  // The fixture really has alpha 0 pixels with non-zero colour, whose colour must survive.
  bool has_transparent_colour = false;
  for (std::size_t i = 0; i < px.size(); i += 4) has_transparent_colour |= px[i + 3] == 0 && px[i] != 0;
  ASSERT_TRUE(has_transparent_colour);
  for (int level : {1, 6, 9, 12}) {
    for (int filter = -1; filter <= 4; ++filter) {
      round_trip(px, kW, kH, {level, filter}, PNG_COLOR_TYPE_RGBA);
      if (HasFatalFailure()) return;
    }
  }
}

TEST(PngEncode, DefaultOptions) {
  const auto px = test::make_screenshot(kW, kH);
  round_trip(px, kW, kH, PngOptions{}, PNG_COLOR_TYPE_RGB);
}

TEST(PngEncode, OneNonOpaquePixelSwitchesToRgba) {
  auto px = test::make_screenshot(kW, kH);
  px[(std::size_t(kH - 1) * kW + (kW - 1)) * 4 + 3] = 254;  // the very last pixel
  EXPECT_FALSE(image_is_opaque(view(px, kW, kH)));
  round_trip(px, kW, kH, {6, 4}, PNG_COLOR_TYPE_RGBA);
}

TEST(PngEncode, TinyAndThinImages) {
  for (auto [w, h] : {std::pair{1, 1}, std::pair{1, 257}, std::pair{257, 1}, std::pair{2, 3}}) {
    auto opaque = test::make_screenshot(w, h);
    for (std::size_t i = 0; i < opaque.size(); i += 4) opaque[i] = std::uint8_t(i * 7);  // vary colour
    for (int filter = -1; filter <= 4; ++filter) round_trip(opaque, w, h, {6, filter}, PNG_COLOR_TYPE_RGB);
    auto translucent = opaque;
    for (std::size_t i = 3; i < translucent.size(); i += 4) translucent[i] = std::uint8_t(i % 256);
    for (int filter = -1; filter <= 4; ++filter) round_trip(translucent, w, h, {6, filter}, PNG_COLOR_TYPE_RGBA);
  }
}

TEST(PngEncode, ForcedFilterIsWrittenOnEveryRow) {
  const auto px = test::make_screenshot(64, 40);
  for (int filter = 0; filter <= 4; ++filter) {
    auto png = png_encode(view(px, 64, 40), {6, filter});
    ASSERT_TRUE(png.ok()) << png.message();
    const std::size_t row = 1 + 64 * 3;
    const auto raw = inflate_idat(png.value(), row * 40);
    ASSERT_EQ(raw.size(), row * 40) << "zlib could not inflate the IDAT stream";
    for (int y = 0; y < 40; ++y) ASSERT_EQ(raw[std::size_t(y) * row], filter) << "row " << y;
  }
}

TEST(PngEncode, AdaptiveFilterUsesMoreThanOneFilter) {
  // If -1 were ignored (or mapped to one fixed filter) every row would carry
  // the same filter byte on this picture.
  const auto px = test::make_screenshot(kW, kH);
  auto png = png_encode(view(px, kW, kH), {6, -1});
  ASSERT_TRUE(png.ok()) << png.message();
  const std::size_t row = 1 + kW * 3;
  const auto raw = inflate_idat(png.value(), row * kH);
  ASSERT_EQ(raw.size(), row * kH);
  bool seen[5] = {};
  for (int y = 0; y < kH; ++y) {
    ASSERT_LE(raw[std::size_t(y) * row], 4);
    seen[raw[std::size_t(y) * row]] = true;
  }
  EXPECT_GE(seen[0] + seen[1] + seen[2] + seen[3] + seen[4], 2);
}

TEST(PngEncode, AdaptiveFilterPicksNoneForFlatRowsAndPaethForBusyRows) {
  // png_encode.h: -1 chooses per row between none (rows where most pixels
  // repeat their left neighbour) and Paeth (photos, gradients).
  for (bool with_alpha : {false, true}) {
    SCOPED_TRACE(with_alpha ? "RGBA" : "RGB");
    const int w = 64, h = 20;
    std::vector<std::uint8_t> px(std::size_t(w) * h * 4);
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        std::uint8_t* p = &px[(std::size_t(y) * w + x) * 4];
        if (y < h / 2) {  // flat UI rows: one colour per row
          p[0] = std::uint8_t(y * 10);
          p[1] = 200;
          p[2] = 30;
          p[3] = with_alpha ? 128 : 255;
        } else {  // busy rows: no pixel repeats its left neighbour
          p[0] = std::uint8_t(x * 3 + y);
          p[1] = std::uint8_t(x * 7 + y * 5);
          p[2] = std::uint8_t(x * x + y);
          p[3] = with_alpha ? std::uint8_t(100 + x) : 255;
        }
      }
    }
    const std::vector<std::uint8_t> png =
        round_trip(px, w, h, {6, -1}, with_alpha ? PNG_COLOR_TYPE_RGBA : PNG_COLOR_TYPE_RGB);
    const std::size_t row = 1 + std::size_t(w) * (with_alpha ? 4 : 3);
    const auto raw = inflate_idat(png, row * h);
    ASSERT_EQ(raw.size(), row * h);
    for (int y = 0; y < h; ++y) {
      EXPECT_EQ(raw[std::size_t(y) * row], y < h / 2 ? 0 : 4) << "row " << y;
    }
  }
}

TEST(PngEncode, CompressionLevelReachesTheCompressor) {
  const auto px = test::make_screenshot(kW, kH);
  auto fast = png_encode(view(px, kW, kH), {1, 4});
  auto best = png_encode(view(px, kW, kH), {12, 4});
  ASSERT_TRUE(fast.ok() && best.ok());
  EXPECT_NE(fast.value(), best.value());
  EXPECT_LT(best.value().size(), fast.value().size());
}

TEST(PngEncode, DeterministicAndFreshBuffer) {
  auto px = test::make_screenshot(kW, kH);
  auto first = png_encode(view(px, kW, kH), {6, 4});
  ASSERT_TRUE(first.ok());
  const std::vector<std::uint8_t> copy = first.value();
  auto again = png_encode(view(px, kW, kH), {6, 4});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), copy) << "same input, same options, different bytes";
  EXPECT_NE(static_cast<const void*>(first.value().data()), static_cast<const void*>(px.data()));

  const auto original = px;
  for (std::size_t i = 0; i < px.size(); i += 4) px[i] ^= 0x5a;  // mutate the source afterwards
  EXPECT_EQ(first.value(), copy) << "mutating the input changed an earlier output";
  const Decoded d = decode_png(first.value());
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(d.rgba, original);
  auto mutated = png_encode(view(px, kW, kH), {6, 4});
  ASSERT_TRUE(mutated.ok());
  EXPECT_NE(mutated.value(), copy);
}

TEST(PngEncode, BufferLargerThanNeededIsFine) {
  auto px = test::make_screenshot(10, 10);
  px.resize(px.size() + 100, 0);  // trailing bytes (alpha 0) must be ignored
  auto png = png_encode({px.data(), px.size(), 10, 10});
  ASSERT_TRUE(png.ok()) << png.message();
  EXPECT_EQ(png.value()[25], PNG_COLOR_TYPE_RGB);
}

// ---- refusals -------------------------------------------------------------------

TEST(PngEncode, RefusesBadLevel) {
  const auto px = test::make_screenshot(8, 8);
  for (int level : {0, -1, 13, 100}) {
    auto r = png_encode(view(px, 8, 8), {level, 4});
    ASSERT_FALSE(r.ok()) << "level " << level;
    EXPECT_EQ(r.code(), ErrorCode::invalid_argument);
  }
  for (int level : {kPngMinLevel, kPngMaxLevel}) EXPECT_TRUE(png_encode(view(px, 8, 8), {level, 4}).ok());
}

TEST(PngEncode, RefusesBadFilter) {
  const auto px = test::make_screenshot(8, 8);
  for (int filter : {-2, 5, 6, 255}) {
    auto r = png_encode(view(px, 8, 8), {6, filter});
    ASSERT_FALSE(r.ok()) << "filter " << filter;
    EXPECT_EQ(r.code(), ErrorCode::invalid_argument);
  }
}

TEST(PngEncode, RefusesBadDimensions) {
  const std::vector<std::uint8_t> px(64, 255);
  for (auto [w, h] : {std::pair{0, 1}, std::pair{1, 0}, std::pair{-3, 2}, std::pair{2, -3}}) {
    auto r = png_encode({px.data(), px.size(), w, h});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code(), ErrorCode::invalid_argument) << w << "x" << h;
  }
  // Dimensions are checked before the (far too small) buffer.
  for (auto [w, h] : {std::pair{kMaxImageDimension + 1, 1}, std::pair{1, kMaxImageDimension + 1}}) {
    auto r = png_encode({px.data(), px.size(), w, h});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code(), ErrorCode::image_too_large) << w << "x" << h;
  }
}

TEST(PngEncode, RefusesShortOrMissingBuffer) {
  const auto px = test::make_screenshot(8, 8);
  auto short_buf = png_encode({px.data(), px.size() - 1, 8, 8});
  ASSERT_FALSE(short_buf.ok());
  EXPECT_EQ(short_buf.code(), ErrorCode::buffer_too_small);
  auto null_buf = png_encode({nullptr, px.size(), 8, 8});
  ASSERT_FALSE(null_buf.ok());
  EXPECT_EQ(null_buf.code(), ErrorCode::buffer_too_small);
}

TEST(PngEncode, ImageIsOpaque) {
  std::vector<std::uint8_t> px(4 * 6, 255);
  EXPECT_TRUE(image_is_opaque(view(px, 3, 2)));
  px[4 * 5 + 3] = 0;  // last pixel's alpha
  EXPECT_FALSE(image_is_opaque(view(px, 3, 2)));
  px[4 * 5 + 3] = 255;
  px[4 * 5 + 2] = 0;  // a colour byte is not alpha
  EXPECT_TRUE(image_is_opaque(view(px, 3, 2)));
}

}  // namespace

TEST(PngEncode, ImageIsOpaqueRefusesInvalidImages) {
  EXPECT_FALSE(image_is_opaque(ConstRgbaImage{nullptr, 0, 10, 10}));
  EXPECT_FALSE(image_is_opaque(ConstRgbaImage{nullptr, 0, -3, 2}));
  const std::uint8_t px[4] = {1, 2, 3, 255};
  EXPECT_FALSE(image_is_opaque(ConstRgbaImage{px, sizeof px, 2, 1}));  // buffer too small
  EXPECT_TRUE(image_is_opaque(ConstRgbaImage{px, sizeof px, 1, 1}));
}

}  // namespace sealshot
