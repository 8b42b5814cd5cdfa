// The C ABI that JavaScript calls (see sealshot-core.mjs). The only place
// where core types meet raw wasm pointers. Conventions:
//   - functions return 0 on success or a sealshot::ErrorCode value;
//   - on failure sealshot_error_message() holds one readable sentence;
//   - variable-size results go to one output buffer (sealshot_output_data /
//     _size) that JS copies out before the next call. The module is
//     single-threaded, so one buffer is enough.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core_limits.h"
#include "envelope.h"
#include "keys.h"
#include "payload.h"
#include "pii_scan.h"
#include "png_encode.h"
#include "redact.h"

using namespace sealshot;

namespace {

std::vector<std::uint8_t> g_output;
std::string g_error;
std::vector<PayloadPart> g_parts;
std::uint32_t g_png_size = 0;  // of the last sealshot_seal_screenshot_report

int fail(const Status& status) {
  g_error = status.message();
  return int(status.code());
}

int succeed(std::vector<std::uint8_t> bytes) {
  g_output = std::move(bytes);
  g_error.clear();
  return 0;
}

}  // namespace

extern "C" {

std::uint8_t* sealshot_output_data() { return g_output.data(); }
int sealshot_output_size() { return int(g_output.size()); }
void sealshot_output_clear() { std::vector<std::uint8_t>().swap(g_output); }
const char* sealshot_error_message() { return g_error.c_str(); }
const char* sealshot_error_name(int code) { return error_code_name(ErrorCode(code)); }

// What JavaScript must agree with the core on, as JSON in the output buffer,
// so sealshot-core.mjs repeats no number and no name of the core:
//   {"limits": {NAME: value, …}, "pngDefaults": {"level", "filter"}, "piiKinds": [name, …]}
// NAME is the constant's name without its k, in lower camel case
// (kMaxScanChars → maxScanChars); tests/wasm/core-info.test.mjs compares
// every value with the constants printed by a native build
// (tests/support/print_core_info.cpp).
int sealshot_core_info() {
  std::string json = "{\"limits\":{";
  const auto limit = [&json](const char* name, std::uint64_t value) {
    if (json.back() != '{') json += ',';
    json += "\"" + std::string(name) + "\":" + std::to_string(value);
  };
  limit("maxImageDimension", kMaxImageDimension);
  limit("maxRedactRects", kMaxRedactRects);
  limit("maxPayloadBytes", kMaxPayloadBytes);
  limit("maxPayloadParts", kMaxPayloadParts);
  limit("envelopeChunkBytes", kEnvelopeChunkBytes);
  limit("envelopeMinChunkBytes", kEnvelopeMinChunkBytes);
  limit("envelopeMaxChunkBytes", kEnvelopeMaxChunkBytes);
  limit("maxEnvelopeBytes", kMaxEnvelopeBytes);
  limit("maxProjectIdLength", kMaxProjectIdLength);
  limit("maxScanChars", kMaxScanChars);
  const PngOptions png{};
  json += "},\"pngDefaults\":{\"level\":" + std::to_string(png.compression_level) +
          ",\"filter\":" + std::to_string(png.filter) + "},\"piiKinds\":[";
  // PiiKind values are 0, 1, 2, … with no gap; the first without a name ends them.
  for (int kind = 0; kind < 256; ++kind) {
    const std::string name = pii_kind_name(PiiKind(kind));
    if (name == "unknown") break;
    json += (kind ? ",\"" : "\"") + name + "\"";
  }
  json += "]}";
  return succeed(std::vector<std::uint8_t>(json.begin(), json.end()));
}

// rects: rect_count groups of 4 doubles (x, y, width, height) in CSS pixels.
// Writes {filled, skipped} as two uint32 to the output buffer.
int sealshot_redact(std::uint8_t* rgba, int width, int height, const double* rects, int rect_count,
                    double device_pixel_ratio, int fill_rgb) {
  if (rect_count < 0 || (rect_count > 0 && rects == nullptr)) {
    return fail({ErrorCode::invalid_argument, "The rectangle list is invalid."});
  }
  std::vector<CssRect> list(static_cast<std::size_t>(rect_count));  // the core enforces kMaxRedactRects
  for (std::size_t i = 0; i < list.size(); ++i) {
    list[i] = {rects[i * 4], rects[i * 4 + 1], rects[i * 4 + 2], rects[i * 4 + 3]};
  }
  const RgbColor fill{std::uint8_t(fill_rgb >> 16), std::uint8_t(fill_rgb >> 8), std::uint8_t(fill_rgb)};
  const std::size_t size = (width > 0 && height > 0) ? std::size_t(width) * std::size_t(height) * 4 : 0;
  Result<RedactStats> stats = redact_rects({rgba, size, width, height}, list, device_pixel_ratio, fill);
  if (!stats.ok()) return fail(stats.status());
  std::vector<std::uint8_t> out(8);
  const std::uint32_t counts[2] = {std::uint32_t(stats.value().filled), std::uint32_t(stats.value().skipped)};
  std::memcpy(out.data(), counts, sizeof counts);
  return succeed(std::move(out));
}

int sealshot_png_encode(const std::uint8_t* rgba, int width, int height, int level, int filter) {
  const std::size_t size = (width > 0 && height > 0) ? std::size_t(width) * std::size_t(height) * 4 : 0;
  Result<std::vector<std::uint8_t>> png = png_encode({rgba, size, width, height}, {level, filter});
  if (!png.ok()) return fail(png.status());
  return succeed(std::move(png).value());
}

int sealshot_seal(const char* project_id, const char* public_key_text, const std::uint8_t* payload, int length) {
  if (length < 0) return fail({ErrorCode::invalid_argument, "The payload length is negative."});
  Result<PublicKey> key = public_key_from_text(public_key_text);
  if (!key.ok()) return fail(key.status());
  Result<std::vector<std::uint8_t>> envelope = envelope_seal(project_id, key.value(), {payload, std::size_t(length)});
  if (!envelope.ok()) return fail(envelope.status());
  return succeed(std::move(envelope).value());
}

// The widget's path: frame the manifest and the PNG, then seal, in one call.
int sealshot_seal_report(const char* project_id, const char* public_key_text, const std::uint8_t* manifest,
                         int manifest_length, const std::uint8_t* png, int png_length) {
  if (manifest_length < 0 || png_length < 0) {
    return fail({ErrorCode::invalid_argument, "A part length is negative."});
  }
  const PayloadPartView parts[] = {
      {kManifestPartName, "application/json", {manifest, std::size_t(manifest_length)}},
      {kScreenshotPartName, "image/png", {png, std::size_t(png_length)}},
  };
  Result<std::vector<std::uint8_t>> payload = payload_pack(std::span(parts, png_length > 0 ? 2 : 1));
  if (!payload.ok()) return fail(payload.status());
  return sealshot_seal(project_id, public_key_text, payload.value().data(), int(payload.value().size()));
}

// The widget's send path in one call: fill the rects (CSS pixels) in the
// pixels in place, encode the PNG and seal it with the manifest. The PNG
// never leaves the module (before, it was copied out to JS and back in);
// its size is read with sealshot_png_size. rgba may be null with width =
// height = 0 for a report without a screenshot.
int sealshot_seal_screenshot_report(const char* project_id, const char* public_key_text, const std::uint8_t* manifest,
                                    int manifest_length, std::uint8_t* rgba, int width, int height, const double* rects,
                                    int rect_count, double device_pixel_ratio, int fill_rgb, int level, int filter) {
  g_png_size = 0;
  if (manifest_length < 0) return fail({ErrorCode::invalid_argument, "The manifest length is negative."});
  std::vector<std::uint8_t> png;
  if (rgba != nullptr || width != 0 || height != 0) {
    const int redacted = sealshot_redact(rgba, width, height, rects, rect_count, device_pixel_ratio, fill_rgb);
    if (redacted != 0) return redacted;
    const std::size_t size = (width > 0 && height > 0) ? std::size_t(width) * std::size_t(height) * 4 : 0;
    Result<std::vector<std::uint8_t>> encoded = png_encode({rgba, size, width, height}, {level, filter});
    if (!encoded.ok()) return fail(encoded.status());
    png = std::move(encoded).value();
  }
  const int sealed =
      sealshot_seal_report(project_id, public_key_text, manifest, manifest_length, png.data(), int(png.size()));
  if (sealed == 0) g_png_size = std::uint32_t(png.size());
  return sealed;
}
std::uint32_t sealshot_png_size() { return g_png_size; }

int sealshot_open(const std::uint8_t* envelope, int length, const char* secret_key_text, const char* project_id) {
  if (length < 0) return fail({ErrorCode::invalid_argument, "The envelope length is negative."});
  Result<SecretKey> key = secret_key_from_text(secret_key_text);
  if (!key.ok()) return fail(key.status());
  Result<std::vector<std::uint8_t>> payload = envelope_open({envelope, std::size_t(length)}, key.value(), project_id);
  if (!payload.ok()) return fail(payload.status());
  return succeed(std::move(payload).value());
}

// Unpacks a decrypted payload; parts are then read with sealshot_part_*.
int sealshot_payload_unpack(const std::uint8_t* payload, int length) {
  g_parts.clear();
  if (length < 0) return fail({ErrorCode::invalid_argument, "The payload length is negative."});
  Result<std::vector<PayloadPart>> parts = payload_unpack({payload, std::size_t(length)});
  if (!parts.ok()) return fail(parts.status());
  g_parts = std::move(parts).value();
  return 0;
}
int sealshot_part_count() { return int(g_parts.size()); }
static const PayloadPart* part_at(int i) {
  return (i >= 0 && std::size_t(i) < g_parts.size()) ? &g_parts[std::size_t(i)] : nullptr;
}
const char* sealshot_part_name(int i) { return part_at(i) ? part_at(i)->name.c_str() : ""; }
const char* sealshot_part_type(int i) { return part_at(i) ? part_at(i)->content_type.c_str() : ""; }
const std::uint8_t* sealshot_part_data(int i) { return part_at(i) ? part_at(i)->data.data() : nullptr; }
int sealshot_part_size(int i) { return part_at(i) ? int(part_at(i)->data.size()) : 0; }
void sealshot_parts_clear() { std::vector<PayloadPart>().swap(g_parts); }

// text: UTF-16 code units. Output: uint32 triples (start, end, kind).
int sealshot_pii_scan(const std::uint16_t* text, int length) {
  if (length < 0 || (length > 0 && text == nullptr)) {
    return fail({ErrorCode::invalid_argument, "The text is invalid."});
  }
  std::u16string_view view(reinterpret_cast<const char16_t*>(text), std::size_t(length));
  Result<std::vector<PiiHit>> hits = pii_scan(view);
  if (!hits.ok()) return fail(hits.status());
  std::vector<std::uint8_t> out(hits.value().size() * 12);
  for (std::size_t i = 0; i < hits.value().size(); ++i) {
    const PiiHit& hit = hits.value()[i];
    const std::uint32_t triple[3] = {hit.start, hit.end, std::uint32_t(hit.kind)};
    std::memcpy(out.data() + i * 12, triple, 12);
  }
  return succeed(std::move(out));
}

// Output: "PUBLIC\nSECRET" in text form.
int sealshot_keypair_generate() {
  Result<KeyPair> pair = keypair_generate();
  if (!pair.ok()) return fail(pair.status());
  const std::string text = key_to_text(pair.value().public_key) + "\n" + key_to_text(pair.value().secret_key);
  return succeed(std::vector<std::uint8_t>(text.begin(), text.end()));
}

// Header check without a key (what the server does). Output: JSON text.
int sealshot_envelope_inspect(const std::uint8_t* envelope, int length) {
  if (length < 0) return fail({ErrorCode::invalid_argument, "The envelope length is negative."});
  Result<EnvelopeHeader> header = envelope_parse_header({envelope, std::size_t(length)});
  if (!header.ok()) return fail(header.status());
  Status complete = envelope_check_length(header.value(), std::uint64_t(length));
  if (!complete.ok()) return fail(complete);
  const EnvelopeHeader& h = header.value();
  const std::string json = "{\"version\":" + std::to_string(h.version) + ",\"projectId\":\"" + h.project_id +
                           "\",\"chunkSize\":" + std::to_string(h.chunk_size) +
                           ",\"payloadSize\":" + std::to_string(h.payload_size) +
                           ",\"totalSize\":" + std::to_string(h.total_size) + "}";
  return succeed(std::vector<std::uint8_t>(json.begin(), json.end()));
}

}  // extern "C"
