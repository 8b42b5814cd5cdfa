// PNG → RGBA for the CLI (stb_image, PNG only). The browser decodes for the
// widget; natively only the CLI and tests need this.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "result.h"

namespace sealshot::cli {

struct DecodedImage {
  std::vector<std::uint8_t> rgba;
  int width = 0;
  int height = 0;
};

[[nodiscard]] Result<DecodedImage> png_decode(std::span<const std::uint8_t> png);

}  // namespace sealshot::cli
