// Decrypts an envelope a chunk at a time, so a caller can stop at a prefix
// (the inbox: the manifest is in the first chunk) or spread a big report
// over several frames with a progress bar. Same checks as the core's
// envelope_open (docs/envelope.md): the project id, the sealed content key,
// each chunk authenticated in order, tagged MESSAGE or FINAL, the final tag
// on the last chunk only (checked against the envelope vectors in tests);
// bytes that did not authenticate are never handed out.
#pragma once

#include <sodium.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "envelope.h"
#include "keys.h"
#include "project_keys.h"
#include "result.h"

namespace sealshot::console {

class EnvelopeReader {
 public:
  // Reads the header and opens the content key from the first bytes of the
  // envelope (envelope_truncated when they end inside the header).
  // `reserve_bytes`: the plaintext expected (the whole payload for a report,
  // a prefix's worth for a preview), allocated once so it is not copied.
  [[nodiscard]] static Result<EnvelopeReader> begin(std::span<const std::uint8_t> prefix, const SecretKey& secret,
                                                    std::string_view expected_project_id, std::uint64_t reserve_bytes);
  // The same with every key the person holds for the project, tried newest
  // first on the sealed content key (none_of_the_keys_opens when none does).
  [[nodiscard]] static Result<EnvelopeReader> begin(std::span<const std::uint8_t> prefix, const ProjectKeys& keys,
                                                    std::string_view expected_project_id, std::uint64_t reserve_bytes);

  EnvelopeReader(EnvelopeReader&&) noexcept = default;
  EnvelopeReader& operator=(EnvelopeReader&&) noexcept = default;
  ~EnvelopeReader();

  // Decrypts the next chunk if `envelope` (the bytes from the envelope's
  // start, as far as they came) holds it whole. true: a chunk was added to
  // plain(); false: more bytes are needed or all chunks are done.
  [[nodiscard]] Result<bool> next(std::span<const std::uint8_t> envelope);

  const EnvelopeHeader& header() const { return header_; }
  bool done() const { return chunks_done_ == header_.chunk_count; }
  std::uint64_t chunks_done() const { return chunks_done_; }
  // The plaintext authenticated so far (the payload's first bytes).
  std::span<const std::uint8_t> plain() const { return plain_; }
  // Hands the whole plaintext over once done() (then the reader is empty).
  std::vector<std::uint8_t> take_plain() { return std::move(plain_); }

 private:
  EnvelopeReader() = default;
  EnvelopeHeader header_;
  // Heap-held so a moved reader keeps a valid state (and one place to wipe).
  std::unique_ptr<crypto_secretstream_xchacha20poly1305_state> state_;
  std::vector<std::uint8_t> plain_;
  std::size_t cursor_ = 0;  // where the next chunk starts in the envelope
  std::uint64_t chunks_done_ = 0;
};

}  // namespace sealshot::console
