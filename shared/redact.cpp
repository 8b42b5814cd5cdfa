#include "redact.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core_limits.h"

namespace sealshot {
namespace {

struct PixelBox {
  int x0, y0, x1, y1;  // half-open
};

// Outward rounding: floor the start, ceil the end. Coordinates are clamped
// before conversion so huge values cannot overflow int.
PixelBox to_pixel_box(const CssRect& r, double ratio, int width, int height) {
  auto clamp_to = [](double v, int hi) { return std::clamp(v, 0.0, double(hi)); };
  const double x0 = clamp_to(std::floor(r.x * ratio), width);
  const double y0 = clamp_to(std::floor(r.y * ratio), height);
  const double x1 = clamp_to(std::ceil((r.x + r.width) * ratio), width);
  const double y1 = clamp_to(std::ceil((r.y + r.height) * ratio), height);
  return {int(x0), int(y0), int(x1), int(y1)};
}

}  // namespace

Result<RedactStats> redact_rects(const RgbaImage& image, std::span<const CssRect> rects, double device_pixel_ratio,
                                 RgbColor fill) {
  Status valid = image_validate({image.pixels, image.size, image.width, image.height});
  if (!valid.ok()) return valid;
  if (!std::isfinite(device_pixel_ratio) || device_pixel_ratio <= 0 || device_pixel_ratio > 16) {
    return Status(ErrorCode::invalid_argument, "The device pixel ratio must be a number in (0, 16].");
  }
  if (rects.size() > kMaxRedactRects) {
    return Status(ErrorCode::too_many_rects, std::to_string(rects.size()) +
                                                 " redaction rectangles is more than the limit of " +
                                                 std::to_string(kMaxRedactRects) + ".");
  }
  for (std::size_t i = 0; i < rects.size(); ++i) {
    const CssRect& r = rects[i];
    if (!std::isfinite(r.x) || !std::isfinite(r.y) || !std::isfinite(r.width) || !std::isfinite(r.height) ||
        r.width < 0 || r.height < 0) {
      return Status(ErrorCode::invalid_argument,
                    "Redaction rectangle " + std::to_string(i) + " has a non-finite coordinate or a negative size.");
    }
  }

  // One pre-filled row lets each rectangle row be a single memcpy.
  const std::uint8_t pixel[4] = {fill.r, fill.g, fill.b, 255};
  std::vector<std::uint8_t> fill_row(std::size_t(image.width) * 4);
  for (std::size_t x = 0; x < fill_row.size(); x += 4) std::copy_n(pixel, 4, &fill_row[x]);

  RedactStats stats;
  const std::size_t stride = std::size_t(image.width) * 4;
  for (const CssRect& r : rects) {
    const PixelBox box = to_pixel_box(r, device_pixel_ratio, image.width, image.height);
    if (r.width == 0 || r.height == 0 || box.x0 >= box.x1 || box.y0 >= box.y1) {
      ++stats.skipped;
      continue;
    }
    const std::size_t bytes = std::size_t(box.x1 - box.x0) * 4;
    for (int y = box.y0; y < box.y1; ++y) {
      std::copy_n(fill_row.data(), bytes, image.pixels + std::size_t(y) * stride + std::size_t(box.x0) * 4);
    }
    ++stats.filled;
  }
  return stats;
}

}  // namespace sealshot
