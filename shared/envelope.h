// Envelope v1: a report encrypted to a project's public key. Specified in
// docs/envelope.md. The plaintext header lets a server check magic, version,
// project id and sizes without any key; everything else is ciphertext.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core_limits.h"
#include "keys.h"
#include "result.h"

namespace sealshot {

inline constexpr std::uint8_t kEnvelopeVersion = 1;
inline constexpr char kEnvelopeMagic[8] = {'S', 'E', 'A', 'L', 'S', 'H', 'O', 'T'};
// magic, version, flags, project id length, reserved, chunk size, payload size
inline constexpr std::size_t kEnvelopeFixedBytes = 24;
inline constexpr std::size_t kEnvelopeSealedKeyBytes = 80;     // crypto_box_seal of a 32-byte key
inline constexpr std::size_t kEnvelopeStreamHeaderBytes = 24;  // secretstream header
inline constexpr std::size_t kEnvelopeChunkOverhead = 17;      // secretstream ABYTES
inline constexpr std::size_t kEnvelopeMaxHeaderBytes =
    kEnvelopeFixedBytes + kMaxProjectIdLength + kEnvelopeSealedKeyBytes + kEnvelopeStreamHeaderBytes;
// The largest envelope the format allows: the largest header, a
// kMaxPayloadBytes payload in the smallest chunks, and every chunk's overhead.
inline constexpr std::uint64_t kMaxEnvelopeBytes =
    kEnvelopeMaxHeaderBytes + kMaxPayloadBytes +
    (kMaxPayloadBytes / kEnvelopeMinChunkBytes + 1) * kEnvelopeChunkOverhead;

struct EnvelopeHeader {
  std::uint8_t version = 0;
  std::string project_id;
  std::uint32_t chunk_size = 0;
  std::uint64_t payload_size = 0;
  std::size_t header_size = 0;  // bytes before the first chunk
  std::uint64_t chunk_count = 0;
  std::uint64_t total_size = 0;  // the exact length of the whole envelope
};

// Parses the plaintext header from the first bytes of an envelope (a prefix is
// enough: a server calls this while the body streams in). Needs at most
// kEnvelopeMaxHeaderBytes; returns envelope_truncated when `prefix` is shorter
// than the header.
[[nodiscard]] Result<EnvelopeHeader> envelope_parse_header(std::span<const std::uint8_t> prefix);

// Checks the length of a complete envelope against its header:
// envelope_truncated or envelope_trailing_bytes.
[[nodiscard]] Status envelope_check_length(const EnvelopeHeader& header, std::uint64_t length);

// Checks a length announced before the body arrives (a server's
// Content-Length) against the header: envelope_size_mismatch if they differ.
[[nodiscard]] Status envelope_check_declared_length(const EnvelopeHeader& header, std::uint64_t declared);

[[nodiscard]] bool project_id_is_valid(std::string_view project_id);

// Encrypts `payload` to `recipient` for `project_id`.
[[nodiscard]] Result<std::vector<std::uint8_t>> envelope_seal(std::string_view project_id, const PublicKey& recipient,
                                                              std::span<const std::uint8_t> payload,
                                                              std::uint32_t chunk_size = kEnvelopeChunkBytes);

// The tag rule for chunk `index` of `chunk_count` (docs/envelope.md, checks
// 16 and 17): MESSAGE before the last, FINAL on the last, nothing else
// (envelope_corrupt for PUSH, REKEY or any other byte; envelope_stream_truncated
// for a misplaced FINAL). For every reader that pulls chunks itself.
[[nodiscard]] Status envelope_check_chunk_tag(unsigned char tag, std::uint64_t index, std::uint64_t chunk_count);

// Decrypts an envelope. `expected_project_id` must equal the header's (a blob
// moved to another project is refused before any decryption is attempted, and
// the id is authenticated, so editing the header fails too).
[[nodiscard]] Result<std::vector<std::uint8_t>> envelope_open(std::span<const std::uint8_t> envelope,
                                                              const SecretKey& secret,
                                                              std::string_view expected_project_id);

}  // namespace sealshot
