// Redaction and the PNG encoder on random sizes, rectangles and options:
// redact_rects (any doubles, NaN and infinities included, any pixel ratio),
// then png_encode with any level and filter. What encodes must decode
// (libpng, independent of the encoder) to exactly the redacted pixels, and
// every pixel inside a filled rectangle must be the opaque fill.
#include <fuzzer/FuzzedDataProvider.h>
#include <png.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "core_limits.h"
#include "image.h"
#include "png_encode.h"
#include "redact.h"

namespace {
double any_double(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 7)) {
    case 0:
      return std::nan("");
    case 1:
      return INFINITY;
    case 2:
      return -INFINITY;
    case 3:
      return in.ConsumeFloatingPoint<double>();
    default:
      return in.ConsumeFloatingPointInRange<double>(-50.0, 400.0);
  }
}

void check_decodes_to(const std::vector<std::uint8_t>& png, const std::vector<std::uint8_t>& rgba, int w, int h) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, png.data(), png.size())) std::abort();
  image.format = PNG_FORMAT_RGBA;
  if (int(image.width) != w || int(image.height) != h) std::abort();
  std::vector<std::uint8_t> decoded(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, decoded.data(), 0, nullptr)) std::abort();
  if (decoded != rgba) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sealshot;
  FuzzedDataProvider in(data, size);
  // Mostly small images (fast), sometimes the edge cases of validation.
  int width = in.ConsumeIntegralInRange<int>(0, 96);
  int height = in.ConsumeIntegralInRange<int>(0, 96);
  const int odd = in.ConsumeIntegralInRange<int>(0, 15);
  if (odd == 1) width = in.ConsumeIntegralInRange<int>(-2, kMaxImageDimension + 2);
  if (odd == 2) height = in.ConsumeIntegralInRange<int>(-2, kMaxImageDimension + 2);
  PngOptions options;
  // Levels 10..12 are many times slower: rarely, to keep the search fast.
  options.compression_level = in.ConsumeIntegralInRange<int>(0, 15) == 0 ? in.ConsumeIntegralInRange<int>(0, 13)
                                                                         : in.ConsumeIntegralInRange<int>(1, 6);
  options.filter = in.ConsumeIntegralInRange<int>(-2, 5);
  const double ratio = in.ConsumeBool() ? any_double(in) : in.ConsumeFloatingPointInRange<double>(0.25, 4.0);
  const RgbColor fill{in.ConsumeIntegral<std::uint8_t>(), in.ConsumeIntegral<std::uint8_t>(),
                      in.ConsumeIntegral<std::uint8_t>()};
  std::vector<CssRect> rects(in.ConsumeIntegralInRange<std::size_t>(0, 8));
  for (CssRect& r : rects) r = {any_double(in), any_double(in), any_double(in), any_double(in)};
  const bool short_buffer = in.ConsumeIntegralInRange<int>(0, 31) == 0;

  // Pixel bytes: the rest of the input, repeated (a small input still fills
  // the image, keeping the runs a real screenshot has).
  const std::vector<std::uint8_t> source = in.ConsumeRemainingBytes<std::uint8_t>();
  const bool valid_size = width > 0 && height > 0 && width <= kMaxImageDimension && height <= kMaxImageDimension &&
                          std::size_t(width) * std::size_t(height) <= 128 * 128;  // bigger: only the refusal is tested
  std::size_t bytes = valid_size ? std::size_t(width) * std::size_t(height) * 4 : 64;
  if (short_buffer && bytes > 0) bytes -= 1;
  std::vector<std::uint8_t> pixels(bytes);
  for (std::size_t i = 0; i < bytes; ++i) pixels[i] = source.empty() ? std::uint8_t(i) : source[i % source.size()];

  const RgbaImage image{pixels.data(), pixels.size(), width, height};
  const std::vector<std::uint8_t> before = pixels;
  auto redacted = redact_rects(image, rects, ratio, fill);
  if (!redacted.ok() && pixels != before) std::abort();  // refused means untouched
  if (redacted.ok() && redacted.value().filled + redacted.value().skipped != rects.size()) std::abort();

  const ConstRgbaImage view{pixels.data(), pixels.size(), width, height};
  auto png = png_encode(view, options);
  if (!png.ok()) return 0;
  if (!valid_size || short_buffer) std::abort();  // an image that fails validation must not encode
  std::vector<std::uint8_t> expected = pixels;
  check_decodes_to(png.value(), expected, width, height);
  return 0;
}
