#include "report_preview.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "payload.h"

namespace sealshot::console {
namespace {

// The payload's first part, read from the front of the payload (the part
// table, then part 0's bytes); envelope_truncated if `plain` ends first.
Result<std::string> first_part(std::span<const std::uint8_t> plain, std::string& name, bool& more_parts) {
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
      if (i == 0 && s == 0) name.assign(reinterpret_cast<const char*>(plain.data() + pos), length);
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
  if (Status init = crypto_init(); !init.ok()) return init;
  Result<EnvelopeHeader> parsed = envelope_parse_header(prefix);
  if (!parsed.ok()) return parsed.status();
  const EnvelopeHeader& h = parsed.value();
  if (h.project_id != expected_project_id) {
    return Status(ErrorCode::envelope_wrong_project, "The envelope belongs to another project.");
  }
  Result<PublicKey> recipient = public_key_from_secret(secret);
  if (!recipient.ok()) return recipient.status();
  const std::uint8_t* p = prefix.data();
  const std::uint8_t* sealed_key = p + kEnvelopeFixedBytes + h.project_id.size();
  std::array<std::uint8_t, 32> key{};
  if (crypto_box_seal_open(key.data(), sealed_key, kEnvelopeSealedKeyBytes, recipient.value().bytes.data(),
                           secret.bytes.data()) != 0) {
    return Status(ErrorCode::envelope_wrong_key, "This project key does not open the report.");
  }
  crypto_secretstream_xchacha20poly1305_state state;
  const int init_pull =
      crypto_secretstream_xchacha20poly1305_init_pull(&state, sealed_key + kEnvelopeSealedKeyBytes, key.data());
  sodium_memzero(key.data(), key.size());
  if (init_pull != 0) return Status(ErrorCode::envelope_corrupt, "The envelope's stream header is invalid.");

  // Whole chunks only, in order, as envelope_open does; stop at the prefix's end.
  std::vector<std::uint8_t> plain;
  std::size_t cursor = h.header_size;
  std::uint64_t offset = 0;
  Result<ReportPreview> out = Status(ErrorCode::envelope_truncated, "The prefix holds no whole chunk.");
  for (std::uint64_t i = 0; i < h.chunk_count; ++i) {
    const std::size_t length = std::size_t(std::min<std::uint64_t>(h.chunk_size, h.payload_size - offset));
    if (prefix.size() - cursor < length + kEnvelopeChunkOverhead) break;
    plain.resize(std::size_t(offset) + length);
    unsigned long long written = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&state, plain.data() + offset, &written, &tag, p + cursor,
                                                   length + kEnvelopeChunkOverhead, p, h.header_size) != 0) {
      out = Status(ErrorCode::envelope_corrupt, "Chunk " + std::to_string(i) + " of the report failed authentication.");
      break;
    }
    if ((tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) != (i + 1 == h.chunk_count)) {
      out = Status(ErrorCode::envelope_stream_truncated, "The report's stream is cut or reordered.");
      break;
    }
    cursor += length + kEnvelopeChunkOverhead;
    offset += length;
    std::string name;
    bool more_parts = false;
    Result<std::string> manifest = first_part(plain, name, more_parts);
    if (manifest.code() == ErrorCode::envelope_truncated) continue;  // the next chunk may complete it
    if (!manifest.ok()) {
      out = manifest.status();
      break;
    }
    if (name != kManifestPartName) {
      out = Status(ErrorCode::payload_malformed, "The report's first part is not its manifest.");
      break;
    }
    nlohmann::json j = nlohmann::json::parse(manifest.value(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      out = Status(ErrorCode::payload_malformed, "The report's manifest is not JSON.");
      break;
    }
    const auto text = [&j](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : ""; };
    out = ReportPreview{first_line(text("comment")), text("page_url"), text("category"), more_parts};
    break;
  }
  sodium_memzero(&state, sizeof state);
  sodium_memzero(plain.data(), plain.size());
  return out;
}

}  // namespace sealshot::console
