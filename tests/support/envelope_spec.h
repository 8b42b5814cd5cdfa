// An independent reading and writing of envelope v1 straight from the layout
// in docs/envelope.md, using libsodium directly (not envelope.cpp):
//
//   magic "SEALSHOT" (8) | version u8 = 1 | flags u8 = 0 | project id length u8
//   | reserved u8 = 0 | chunk size u32 LE | payload size u64 LE | project id
//   | sealed content key (80, crypto_box_seal) | secretstream header (24)
//   | chunks: plaintext + 17 bytes each, the last tagged FINAL; the additional
//     data of every chunk is all header bytes before the first chunk.
//
// The tests use it to check envelope_seal's output and to build envelopes that
// envelope_seal never writes (wrong tags, edited fields) but that are still
// correctly authenticated.
#pragma once

#include <sodium.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sealshot::test::spec {

constexpr std::size_t kFixed = 24, kSealedKey = 80, kStreamHeader = 24, kAbytes = 17;

inline std::uint32_t get_u32le(const std::uint8_t* p) {
  return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}
inline std::uint64_t get_u64le(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
  return v;
}
inline void put_u64le(std::uint8_t* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = std::uint8_t(v >> (8 * i));
}
inline void put_u32le(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = std::uint8_t(v >> (8 * i));
}

struct Fields {
  std::uint8_t version, flags, id_length, reserved;
  std::uint32_t chunk_size;
  std::uint64_t payload_size;
  std::string project_id;
  std::size_t header_size;  // bytes before the first chunk
  std::uint64_t chunk_count;
  std::uint64_t total_size;
};

// No validation beyond "enough bytes to read the fields".
inline std::optional<Fields> read_fields(std::span<const std::uint8_t> e) {
  if (e.size() < kFixed) return std::nullopt;
  Fields f{};
  f.version = e[8];
  f.flags = e[9];
  f.id_length = e[10];
  f.reserved = e[11];
  f.chunk_size = get_u32le(&e[12]);
  f.payload_size = get_u64le(&e[16]);
  if (e.size() < kFixed + f.id_length) return std::nullopt;
  f.project_id.assign(reinterpret_cast<const char*>(&e[kFixed]), f.id_length);
  f.header_size = kFixed + f.id_length + kSealedKey + kStreamHeader;
  f.chunk_count = f.chunk_size == 0 ? 0 : f.payload_size == 0 ? 1 : (f.payload_size + f.chunk_size - 1) / f.chunk_size;
  f.total_size = f.header_size + f.payload_size + f.chunk_count * kAbytes;
  return f;
}

// Opens with libsodium directly. Returns nullopt on any failure (including a
// missing or early FINAL tag, or a PUSH or REKEY tag).
inline std::optional<std::vector<std::uint8_t>> open(std::span<const std::uint8_t> e, const std::uint8_t pk[32],
                                                     const std::uint8_t sk[32]) {
  const auto f = read_fields(e);
  if (!f || f->chunk_size == 0 || e.size() != f->total_size) return std::nullopt;
  const std::uint8_t* sealed = e.data() + kFixed + f->id_length;
  std::uint8_t key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
  if (crypto_box_seal_open(key, sealed, kSealedKey, pk, sk) != 0) return std::nullopt;
  crypto_secretstream_xchacha20poly1305_state st;
  if (crypto_secretstream_xchacha20poly1305_init_pull(&st, sealed + kSealedKey, key) != 0) return std::nullopt;
  std::vector<std::uint8_t> out(f->payload_size);
  std::size_t in = f->header_size, at = 0;
  for (std::uint64_t i = 0; i < f->chunk_count; ++i) {
    const std::size_t len = std::size_t(std::min<std::uint64_t>(f->chunk_size, f->payload_size - at));
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&st, out.data() + at, nullptr, &tag, e.data() + in, len + kAbytes,
                                                   e.data(), f->header_size) != 0) {
      return std::nullopt;
    }
    // MESSAGE on every chunk but the last, FINAL on the last; nothing else.
    const bool last = i + 1 == f->chunk_count;
    if (tag !=
        (last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE))
      return std::nullopt;
    in += len + kAbytes;
    at += len;
  }
  return out;
}

struct CraftOptions {
  std::vector<unsigned char> tags;             // per chunk; empty: MESSAGE..., FINAL
  std::optional<std::uint64_t> declared_size;  // payload size written in the header
};

// Writes an envelope with libsodium directly (system randomness for keys).
inline std::vector<std::uint8_t> craft(std::string_view project, const std::uint8_t pk[32],
                                       std::span<const std::uint8_t> payload, std::uint32_t chunk,
                                       const CraftOptions& options = {}) {
  const std::size_t n = payload.empty() ? 1 : (payload.size() + chunk - 1) / chunk;
  const std::size_t header_size = kFixed + project.size() + kSealedKey + kStreamHeader;
  std::vector<std::uint8_t> e(header_size + payload.size() + n * kAbytes);
  std::memcpy(e.data(), "SEALSHOT", 8);
  e[8] = 1;
  e[9] = 0;
  e[10] = std::uint8_t(project.size());
  e[11] = 0;
  put_u32le(&e[12], chunk);
  put_u64le(&e[16], options.declared_size.value_or(payload.size()));
  std::memcpy(&e[kFixed], project.data(), project.size());
  std::uint8_t key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
  crypto_secretstream_xchacha20poly1305_keygen(key);
  std::uint8_t* sealed = &e[kFixed + project.size()];
  crypto_box_seal(sealed, key, sizeof key, pk);
  crypto_secretstream_xchacha20poly1305_state st;
  crypto_secretstream_xchacha20poly1305_init_push(&st, sealed + kSealedKey, key);
  std::size_t out = header_size, at = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t len = std::min<std::size_t>(chunk, payload.size() - at);
    const unsigned char tag = i < options.tags.size() ? options.tags[i]
                              : i + 1 == n            ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                                      : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    crypto_secretstream_xchacha20poly1305_push(&st, &e[out], nullptr, payload.data() + at, len, e.data(), header_size,
                                               tag);
    out += len + kAbytes;
    at += len;
  }
  return e;
}

}  // namespace sealshot::test::spec
