#include "report_preview.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "envelope_reader.h"
#include "payload.h"

namespace sealshot::console {
namespace {

// The payload's first part, read from the front of the payload (the part
// table, then part 0's bytes); envelope_truncated if `plain` ends first.
Result<std::string> first_part(std::span<const std::uint8_t> plain, std::string& name, std::string& type,
                               bool& more_parts) {
  const auto truncated = [] { return Status(ErrorCode::envelope_truncated, "The manifest goes on past this prefix."); };
  if (plain.size() < 6) return truncated();
  if (std::memcmp(plain.data(), kPayloadMagic, 4) != 0 || plain[4] != kPayloadVersion || plain[5] == 0) {
    return Status(ErrorCode::payload_malformed, "The report's payload is malformed.");
  }
  const std::size_t count = plain[5];
  more_parts = count > 1;
  std::size_t pos = 6;
  std::uint64_t first_size = 0;
  for (std::size_t i = 0; i < count; ++i) {
    for (int s = 0; s < 2; ++s) {  // name, content type
      if (pos >= plain.size()) return truncated();
      const std::size_t length = plain[pos++];
      if (plain.size() - pos < length) return truncated();
      if (i == 0) (s == 0 ? name : type).assign(reinterpret_cast<const char*>(plain.data() + pos), length);
      pos += length;
    }
    if (plain.size() - pos < 8) return truncated();
    std::uint64_t size = 0;
    for (int b = 7; b >= 0; --b) size = (size << 8) | plain[pos + std::size_t(b)];
    if (i == 0) first_size = size;
    pos += 8;
  }
  if (plain.size() - pos < first_size) return truncated();
  return std::string(reinterpret_cast<const char*>(plain.data() + pos), std::size_t(first_size));
}

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.size() > kPreviewLineBytes) {
    std::size_t cut = kPreviewLineBytes;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;  // not inside a code point
    line = line.substr(0, cut) + "…";
  }
  return line;
}

}  // namespace

Result<ReportPreview> preview_from_prefix(std::span<const std::uint8_t> prefix, const SecretKey& secret,
                                          std::string_view expected_project_id) {
  Result<ProjectKeys> keys = single_project_key(secret);
  if (!keys.ok()) return keys.status();
  Result<ReportPreview> preview = preview_from_prefix(prefix, keys.value(), expected_project_id);
  if (preview.code() == ErrorCode::envelope_wrong_key) {
    return Status(ErrorCode::envelope_wrong_key, "This project key does not open the report.");
  }
  return preview;
}

Result<ReportPreview> preview_from_prefix(std::span<const std::uint8_t> prefix, const ProjectKeys& keys,
                                          std::string_view expected_project_id) {
  Result<EnvelopeReader> reader = EnvelopeReader::begin(prefix, keys, expected_project_id, kPreviewPrefixBytes);
  if (!reader.ok()) return reader.status();
  // Whole chunks only, in order; stop at the prefix's end.
  while (true) {
    Result<bool> more = reader.value().next(prefix);
    if (!more.ok()) return more.status();
    if (!more.value()) {
      return Status(ErrorCode::envelope_truncated, reader.value().chunks_done() == 0
                                                       ? "The prefix holds no whole chunk."
                                                       : "The manifest goes on past this prefix.");
    }
    std::string name, type;
    bool more_parts = false;
    Result<std::string> manifest = first_part(reader.value().plain(), name, type, more_parts);
    if (manifest.code() == ErrorCode::envelope_truncated) continue;  // the next chunk may complete it
    if (!manifest.ok()) return manifest.status();
    // As report_check_parts: a report starts with manifest.json, application/json.
    if (name != kManifestPartName)
      return Status(ErrorCode::payload_malformed, "The report's first part is not its manifest.");
    if (type != "application/json") return Status(ErrorCode::payload_malformed, "The report's manifest is not JSON.");
    nlohmann::json j = nlohmann::json::parse(manifest.value(), nullptr, false);
    sodium_memzero(manifest.value().data(), manifest.value().size());
    if (j.is_discarded() || !j.is_object())
      return Status(ErrorCode::payload_malformed, "The report's manifest is not JSON.");
    const auto text = [&j](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : ""; };
    const std::string comment = text("comment");
    return ReportPreview{first_line(comment), text("page_url"), text("category"), more_parts,
                         comment.substr(0, kPreviewSearchBytes)};
  }
}

}  // namespace sealshot::console
