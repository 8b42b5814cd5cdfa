#include "image.h"

#include <string>

#include "core_limits.h"

namespace sealshot {

Status image_validate(const ConstRgbaImage& image) {
  if (image.width <= 0 || image.height <= 0) {
    return {ErrorCode::invalid_argument, "Image width and height must be positive, got " + std::to_string(image.width) +
                                             "x" + std::to_string(image.height) + "."};
  }
  if (image.width > kMaxImageDimension || image.height > kMaxImageDimension) {
    return {ErrorCode::image_too_large,
            "Images larger than " + std::to_string(kMaxImageDimension) + " pixels in either dimension are refused."};
  }
  const std::size_t needed = std::size_t(image.width) * std::size_t(image.height) * 4;
  if (image.pixels == nullptr || image.size < needed) {
    return {ErrorCode::buffer_too_small, "The pixel buffer holds " + std::to_string(image.size) + " bytes but a " +
                                             std::to_string(image.width) + "x" + std::to_string(image.height) +
                                             " RGBA image needs " + std::to_string(needed) + "."};
  }
  return {};
}

}  // namespace sealshot
