#include "report_image.h"

#include <nlohmann/json.hpp>

#include "envelope.h"
#include "payload.h"

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_NO_STDIO
#include "stb_image.h"

namespace sealshot::console {

Result<OpenedReport> open_report(const std::string& envelope, const SecretKey& key, const std::string& project_id) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(envelope.data());
  Result<std::vector<std::uint8_t>> payload = envelope_open({bytes, envelope.size()}, key, project_id);
  if (!payload.ok()) return payload.status();
  Result<std::vector<PayloadPart>> parts = payload_unpack(payload.value());
  if (!parts.ok()) return parts.status();
  OpenedReport out;
  for (const PayloadPart& part : parts.value()) {
    if (part.name == kManifestPartName) {
      nlohmann::json j = nlohmann::json::parse(part.data.begin(), part.data.end(), nullptr, false);
      if (j.is_discarded()) return Status(ErrorCode::payload_malformed, "The report's manifest is not JSON.");
      out.manifest_json = j.dump(2);
      if (j.contains("comment") && j["comment"].is_string()) out.comment = j["comment"];
    } else if (part.name == kScreenshotPartName) {
      int channels = 0;
      unsigned char* pixels = stbi_load_from_memory(part.data.data(), static_cast<int>(part.data.size()), &out.width,
                                                    &out.height, &channels, 4);
      if (pixels == nullptr) return Status(ErrorCode::payload_malformed, "The screenshot is not a readable PNG.");
      out.rgba.assign(pixels, pixels + std::size_t(out.width) * std::size_t(out.height) * 4);
      stbi_image_free(pixels);
    }
  }
  return out;
}

}  // namespace sealshot::console
