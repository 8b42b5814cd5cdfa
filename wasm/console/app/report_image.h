// A report opened whole: the envelope downloaded, decrypted and unpacked;
// the screenshot decoded to RGBA for a texture. Plain C++ (stb_image).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "keys.h"
#include "result.h"

namespace sealshot::console {

struct OpenedReport {
  std::string manifest_json;  // pretty-printed for the report view
  std::string comment;
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgba;  // width * height * 4; empty: no screenshot
};

[[nodiscard]] Result<OpenedReport> open_report(const std::string& envelope, const SecretKey& key,
                                               const std::string& project_id);

}  // namespace sealshot::console
