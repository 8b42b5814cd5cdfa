#include "envelope_reader.h"

#include <algorithm>

namespace sealshot::console {

Result<EnvelopeReader> EnvelopeReader::begin(std::span<const std::uint8_t> prefix, const SecretKey& secret,
                                             std::string_view expected_project_id, std::uint64_t reserve_bytes) {
  Result<ProjectKeys> keys = single_project_key(secret);
  if (!keys.ok()) return keys.status();
  Result<EnvelopeReader> reader = begin(prefix, keys.value(), expected_project_id, reserve_bytes);
  if (reader.code() == ErrorCode::envelope_wrong_key) {
    return Status(ErrorCode::envelope_wrong_key, "This project key does not open the report.");
  }
  return reader;
}

Result<EnvelopeReader> EnvelopeReader::begin(std::span<const std::uint8_t> prefix, const ProjectKeys& keys,
                                             std::string_view expected_project_id, std::uint64_t reserve_bytes) {
  if (Status init = crypto_init(); !init.ok()) return init;
  Result<EnvelopeHeader> parsed = envelope_parse_header(prefix);
  if (!parsed.ok()) return parsed.status();
  if (parsed.value().project_id != expected_project_id) {
    return Status(ErrorCode::envelope_wrong_project, "The envelope belongs to another project.");
  }
  EnvelopeReader reader;
  reader.header_ = std::move(parsed).value();
  const std::uint8_t* sealed_key = prefix.data() + kEnvelopeFixedBytes + reader.header_.project_id.size();
  std::array<std::uint8_t, 32> key{};
  bool opened = false;
  for (const HeldProjectKey& held : keys.keys) {
    if (crypto_box_seal_open(key.data(), sealed_key, kEnvelopeSealedKeyBytes, held.public_key.bytes.data(),
                             held.secret_key.bytes.data()) == 0) {
      opened = true;
      break;
    }
  }
  if (!opened) return none_of_the_keys_opens(keys);
  reader.state_ = std::make_unique<crypto_secretstream_xchacha20poly1305_state>();
  const int init_pull = crypto_secretstream_xchacha20poly1305_init_pull(
      reader.state_.get(), sealed_key + kEnvelopeSealedKeyBytes, key.data());
  sodium_memzero(key.data(), key.size());
  if (init_pull != 0) return Status(ErrorCode::envelope_corrupt, "The envelope's stream header is invalid.");
  reader.cursor_ = reader.header_.header_size;
  reader.plain_.reserve(std::size_t(std::min<std::uint64_t>(reader.header_.payload_size, reserve_bytes)));
  return reader;
}

EnvelopeReader::~EnvelopeReader() {
  if (state_) sodium_memzero(state_.get(), sizeof *state_);
  if (!plain_.empty()) sodium_memzero(plain_.data(), plain_.size());
}

Result<bool> EnvelopeReader::next(std::span<const std::uint8_t> envelope) {
  if (done() || !state_) return false;
  const std::uint64_t offset = plain_.size();
  const std::size_t length = std::size_t(std::min<std::uint64_t>(header_.chunk_size, header_.payload_size - offset));
  if (envelope.size() < cursor_ || envelope.size() - cursor_ < length + kEnvelopeChunkOverhead) return false;
  if (plain_.capacity() < offset + length) {
    // Growing in place would leave a copy of the plaintext in freed memory.
    std::vector<std::uint8_t> bigger;
    bigger.reserve(std::size_t(std::max<std::uint64_t>(offset + length, 2 * plain_.capacity())));
    bigger.assign(plain_.begin(), plain_.end());
    if (!plain_.empty()) sodium_memzero(plain_.data(), plain_.size());
    plain_ = std::move(bigger);
  }
  plain_.resize(std::size_t(offset) + length);
  unsigned long long written = 0;
  unsigned char tag = 0;
  const std::uint8_t* p = envelope.data();
  if (crypto_secretstream_xchacha20poly1305_pull(state_.get(), plain_.data() + offset, &written, &tag, p + cursor_,
                                                 length + kEnvelopeChunkOverhead, p, header_.header_size) != 0) {
    plain_.resize(std::size_t(offset));
    return Status(ErrorCode::envelope_corrupt,
                  "Part " + std::to_string(chunks_done_ + 1) + " of the report failed authentication: it was altered.");
  }
  // The core's tag rule (MESSAGE, then FINAL on the last chunk only; PUSH
  // and REKEY refused even though they authenticate).
  if (Status st = envelope_check_chunk_tag(tag, chunks_done_, header_.chunk_count); !st.ok()) {
    sodium_memzero(plain_.data() + offset, length);  // decrypted, but not to be handed out
    plain_.resize(std::size_t(offset));
    return st;
  }
  cursor_ += length + kEnvelopeChunkOverhead;
  ++chunks_done_;
  return true;
}

}  // namespace sealshot::console
