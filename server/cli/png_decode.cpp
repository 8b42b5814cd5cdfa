#include "png_decode.h"

#include <climits>
#include <string>

#include "core_limits.h"

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#define STBI_NO_STDIO
#define STBI_MAX_DIMENSIONS 16384  // == kMaxImageDimension: refuse decompression bombs early
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#endif
#include <stb_image.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace sealshot::cli {

static_assert(STBI_MAX_DIMENSIONS == kMaxImageDimension);

Result<DecodedImage> png_decode(std::span<const std::uint8_t> png) {
  if (png.size() > std::size_t(INT_MAX)) return Status(ErrorCode::invalid_argument, "The PNG file is too large.");
  int width = 0, height = 0, channels = 0;
  unsigned char* pixels = stbi_load_from_memory(png.data(), int(png.size()), &width, &height, &channels, 4);
  if (pixels == nullptr) {
    return Status(ErrorCode::invalid_argument,
                  std::string("The input is not a readable PNG (") + stbi_failure_reason() + ").");
  }
  DecodedImage image;
  image.width = width;
  image.height = height;
  image.rgba.assign(pixels, pixels + std::size_t(width) * std::size_t(height) * 4);
  stbi_image_free(pixels);
  return image;
}

}  // namespace sealshot::cli
