// Named limits of the core. Exposed to JavaScript through the wasm module
// (sealshot_limit()) so the widget checks the same numbers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sealshot {

// Images above this in either dimension are refused (16384² RGBA is 1 GiB).
inline constexpr int kMaxImageDimension = 16384;
// A page with more redaction boxes than this is almost certainly a bug or an attack.
inline constexpr std::size_t kMaxRedactRects = 16384;
// Largest decrypted payload (manifest + attachments) an envelope may carry.
inline constexpr std::uint64_t kMaxPayloadBytes = std::uint64_t{256} << 20;
// Plaintext bytes per secretstream chunk in an envelope we write.
inline constexpr std::uint32_t kEnvelopeChunkBytes = 64 * 1024;
// Chunk sizes a reader accepts (powers of two only).
inline constexpr std::uint32_t kEnvelopeMinChunkBytes = 1024;
inline constexpr std::uint32_t kEnvelopeMaxChunkBytes = 1024 * 1024;
// Project ids are 1..64 characters of [A-Za-z0-9_-].
inline constexpr std::size_t kMaxProjectIdLength = 64;
// Attachments per payload, including the manifest.
inline constexpr std::size_t kMaxPayloadParts = 16;

}  // namespace sealshot
