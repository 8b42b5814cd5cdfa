#include "envelope.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace sealshot {
namespace {

static_assert(kEnvelopeSealedKeyBytes == crypto_box_SEALBYTES + crypto_secretstream_xchacha20poly1305_KEYBYTES);
static_assert(kEnvelopeStreamHeaderBytes == crypto_secretstream_xchacha20poly1305_HEADERBYTES);
static_assert(kEnvelopeChunkOverhead == crypto_secretstream_xchacha20poly1305_ABYTES);

void put_u32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = std::uint8_t(v >> (8 * i));
}
void put_u64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = std::uint8_t(v >> (8 * i));
}
std::uint32_t get_u32(const std::uint8_t* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
std::uint64_t get_u64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

bool chunk_size_is_valid(std::uint32_t size) {
  return size >= kEnvelopeMinChunkBytes && size <= kEnvelopeMaxChunkBytes && (size & (size - 1)) == 0;
}

std::uint64_t chunk_count_for(std::uint64_t payload_size, std::uint32_t chunk_size) {
  return payload_size == 0 ? 1 : (payload_size + chunk_size - 1) / chunk_size;
}

// Wipes the content key however the function returns.
struct ContentKey {
  std::uint8_t bytes[crypto_secretstream_xchacha20poly1305_KEYBYTES];
  ~ContentKey() { sodium_memzero(bytes, sizeof bytes); }
};

}  // namespace

bool project_id_is_valid(std::string_view id) {
  if (id.empty() || id.size() > kMaxProjectIdLength) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

Result<EnvelopeHeader> envelope_parse_header(std::span<const std::uint8_t> prefix) {
  if (prefix.empty()) return Status(ErrorCode::envelope_truncated, "The envelope is empty.");
  const std::size_t magic_seen = std::min(prefix.size(), sizeof kEnvelopeMagic);
  if (std::memcmp(prefix.data(), kEnvelopeMagic, magic_seen) != 0) {
    return Status(ErrorCode::envelope_bad_magic, "This is not a Sealshot envelope (wrong magic bytes).");
  }
  if (prefix.size() < kEnvelopeFixedBytes) {
    return Status(ErrorCode::envelope_truncated, "The envelope ends inside its header.");
  }
  const std::uint8_t* p = prefix.data();
  EnvelopeHeader h;
  h.version = p[8];
  if (h.version != kEnvelopeVersion) {
    return Status(ErrorCode::envelope_bad_version,
                  "Envelope version " + std::to_string(h.version) + " is not supported (this build reads version 1).");
  }
  const std::uint8_t flags = p[9], id_length = p[10], reserved = p[11];
  if (flags != 0 || reserved != 0) {
    return Status(ErrorCode::envelope_bad_header, "The envelope header has reserved bits set.");
  }
  if (id_length == 0 || id_length > kMaxProjectIdLength) {
    return Status(ErrorCode::envelope_bad_header, "The envelope's project id length is out of range.");
  }
  h.chunk_size = get_u32(p + 12);
  if (!chunk_size_is_valid(h.chunk_size)) {
    return Status(ErrorCode::envelope_bad_header, "The envelope's chunk size is not a power of two in [1 KiB, 1 MiB].");
  }
  h.payload_size = get_u64(p + 16);
  if (h.payload_size > kMaxPayloadBytes) {
    return Status(ErrorCode::envelope_size_mismatch,
                  "The envelope declares a payload of " + std::to_string(h.payload_size) +
                      " bytes, above the limit of " + std::to_string(kMaxPayloadBytes) + ".");
  }
  h.header_size = kEnvelopeFixedBytes + id_length + kEnvelopeSealedKeyBytes + kEnvelopeStreamHeaderBytes;
  if (prefix.size() < kEnvelopeFixedBytes + id_length) {
    return Status(ErrorCode::envelope_truncated, "The envelope ends inside its header.");
  }
  h.project_id.assign(reinterpret_cast<const char*>(p + kEnvelopeFixedBytes), id_length);
  if (!project_id_is_valid(h.project_id)) {
    return Status(ErrorCode::envelope_bad_header, "The envelope's project id has characters outside [A-Za-z0-9_-].");
  }
  if (prefix.size() < h.header_size) {
    return Status(ErrorCode::envelope_truncated, "The envelope ends inside its header.");
  }
  h.chunk_count = chunk_count_for(h.payload_size, h.chunk_size);
  h.total_size = h.header_size + h.payload_size + h.chunk_count * kEnvelopeChunkOverhead;
  return h;
}

Status envelope_check_length(const EnvelopeHeader& header, std::uint64_t length) {
  if (length < header.total_size) {
    return {ErrorCode::envelope_truncated, "The envelope is " + std::to_string(length) +
                                               " bytes but its header announces " + std::to_string(header.total_size) +
                                               "."};
  }
  if (length > header.total_size) {
    return {ErrorCode::envelope_trailing_bytes,
            "The envelope has " + std::to_string(length - header.total_size) + " bytes after its last chunk."};
  }
  return {};
}

Status envelope_check_declared_length(const EnvelopeHeader& header, std::uint64_t declared) {
  if (declared != header.total_size) {
    return {ErrorCode::envelope_size_mismatch, "The body is announced as " + std::to_string(declared) +
                                                   " bytes but the envelope header describes " +
                                                   std::to_string(header.total_size) + "."};
  }
  return {};
}

Result<std::vector<std::uint8_t>> envelope_seal(std::string_view project_id, const PublicKey& recipient,
                                                std::span<const std::uint8_t> payload, std::uint32_t chunk_size) {
  Status init = crypto_init();
  if (!init.ok()) return init;
  if (!project_id_is_valid(project_id)) {
    return Status(ErrorCode::invalid_argument, "The project id must be 1 to 64 characters of [A-Za-z0-9_-].");
  }
  if (!chunk_size_is_valid(chunk_size)) {
    return Status(ErrorCode::invalid_argument, "The chunk size must be a power of two in [1 KiB, 1 MiB].");
  }
  if (payload.size() > kMaxPayloadBytes) {
    return Status(ErrorCode::payload_too_large,
                  "The payload is larger than " + std::to_string(kMaxPayloadBytes) + " bytes.");
  }
  const std::size_t header_size =
      kEnvelopeFixedBytes + project_id.size() + kEnvelopeSealedKeyBytes + kEnvelopeStreamHeaderBytes;
  const std::uint64_t chunks = chunk_count_for(payload.size(), chunk_size);
  std::vector<std::uint8_t> out(header_size + payload.size() + chunks * kEnvelopeChunkOverhead);

  std::uint8_t* p = out.data();
  std::memcpy(p, kEnvelopeMagic, sizeof kEnvelopeMagic);
  p[8] = kEnvelopeVersion;
  p[9] = 0;
  p[10] = std::uint8_t(project_id.size());
  p[11] = 0;
  put_u32(p + 12, chunk_size);
  put_u64(p + 16, payload.size());
  std::memcpy(p + kEnvelopeFixedBytes, project_id.data(), project_id.size());
  std::uint8_t* sealed_key = p + kEnvelopeFixedBytes + project_id.size();
  std::uint8_t* stream_header = sealed_key + kEnvelopeSealedKeyBytes;

  ContentKey key;
  crypto_secretstream_xchacha20poly1305_keygen(key.bytes);
  if (crypto_box_seal(sealed_key, key.bytes, sizeof key.bytes, recipient.bytes.data()) != 0) {
    return Status(ErrorCode::bad_key, "The public key was refused by crypto_box_seal.");
  }
  crypto_secretstream_xchacha20poly1305_state state;
  crypto_secretstream_xchacha20poly1305_init_push(&state, stream_header, key.bytes);

  // Every chunk authenticates the whole header: version, project id, sizes,
  // the sealed key. Moving or editing any of it breaks every chunk.
  std::uint8_t* cursor = p + header_size;
  std::size_t offset = 0;
  for (std::uint64_t i = 0; i < chunks; ++i) {
    const std::size_t length = std::min<std::size_t>(chunk_size, payload.size() - offset);
    const bool last = i + 1 == chunks;
    unsigned long long written = 0;
    crypto_secretstream_xchacha20poly1305_push(
        &state, cursor, &written, payload.data() + offset, length, p, header_size,
        last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
    cursor += written;
    offset += length;
  }
  sodium_memzero(&state, sizeof state);
  return out;
}

Status envelope_check_chunk_tag(unsigned char tag, std::uint64_t index, std::uint64_t chunk_count) {
  // Writers use MESSAGE and FINAL only. PUSH would split the stream where
  // this format has no boundaries, and REKEY would silently change keys
  // mid-stream: a chunk carrying either is refused even though it
  // authenticates (only a content key holder can make one).
  if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE &&
      tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
    return {ErrorCode::envelope_corrupt, "Chunk " + std::to_string(index) + " of the envelope carries tag " +
                                             std::to_string(tag) + ", neither MESSAGE nor FINAL."};
  }
  const bool last = index + 1 == chunk_count;
  if ((tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) != last) {
    return {ErrorCode::envelope_stream_truncated,
            last ? "The envelope's last chunk is not marked final." : "The envelope's stream ends early."};
  }
  return {};
}

Result<std::vector<std::uint8_t>> envelope_open(std::span<const std::uint8_t> envelope, const SecretKey& secret,
                                                std::string_view expected_project_id) {
  Status init = crypto_init();
  if (!init.ok()) return init;
  Result<EnvelopeHeader> parsed = envelope_parse_header(envelope);
  if (!parsed.ok()) return parsed.status();
  const EnvelopeHeader& h = parsed.value();
  Status length = envelope_check_length(h, envelope.size());
  if (!length.ok()) return length;
  if (h.project_id != expected_project_id) {
    return Status(ErrorCode::envelope_wrong_project, "The envelope belongs to another project.");
  }
  Result<PublicKey> recipient = public_key_from_secret(secret);
  if (!recipient.ok()) return recipient.status();

  const std::uint8_t* p = envelope.data();
  const std::uint8_t* sealed_key = p + kEnvelopeFixedBytes + h.project_id.size();
  const std::uint8_t* stream_header = sealed_key + kEnvelopeSealedKeyBytes;
  ContentKey key;
  if (crypto_box_seal_open(key.bytes, sealed_key, kEnvelopeSealedKeyBytes, recipient.value().bytes.data(),
                           secret.bytes.data()) != 0) {
    return Status(ErrorCode::envelope_wrong_key, "This secret key does not open the envelope.");
  }
  crypto_secretstream_xchacha20poly1305_state state;
  if (crypto_secretstream_xchacha20poly1305_init_pull(&state, stream_header, key.bytes) != 0) {
    return Status(ErrorCode::envelope_corrupt, "The envelope's stream header is invalid.");
  }

  std::vector<std::uint8_t> payload(h.payload_size);
  const std::uint8_t* cursor = p + h.header_size;
  std::size_t offset = 0;
  for (std::uint64_t i = 0; i < h.chunk_count; ++i) {
    const std::size_t length = std::min<std::uint64_t>(h.chunk_size, h.payload_size - offset);
    unsigned long long written = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&state, payload.data() + offset, &written, &tag, cursor,
                                                   length + kEnvelopeChunkOverhead, p, h.header_size) != 0) {
      sodium_memzero(payload.data(), payload.size());
      return Status(ErrorCode::envelope_corrupt,
                    "Chunk " + std::to_string(i) + " of the envelope failed authentication.");
    }
    if (Status tag_ok = envelope_check_chunk_tag(tag, i, h.chunk_count); !tag_ok.ok()) {
      sodium_memzero(payload.data(), payload.size());
      return tag_ok;
    }
    cursor += length + kEnvelopeChunkOverhead;
    offset += length;
  }
  sodium_memzero(&state, sizeof state);
  return payload;
}

}  // namespace sealshot
