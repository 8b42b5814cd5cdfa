// The envelope's plaintext header parser (what the server runs on every
// upload before any key is involved). Checks that what it accepts is
// consistent: the header fits in the input, its sizes agree with each other
// and the length checks agree with the parsed total.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "envelope.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sealshot;
  auto parsed = envelope_parse_header(std::span<const std::uint8_t>(data, size));
  if (!parsed.ok()) return 0;
  const EnvelopeHeader& h = parsed.value();
  if (h.header_size > size || h.header_size > kEnvelopeMaxHeaderBytes) std::abort();
  if (!project_id_is_valid(h.project_id)) std::abort();
  if (h.total_size < h.header_size || h.total_size > kMaxEnvelopeBytes) std::abort();
  if (!envelope_check_length(h, h.total_size).ok()) std::abort();
  if (envelope_check_length(h, h.total_size + 1).ok()) std::abort();
  if (!envelope_check_declared_length(h, h.total_size).ok()) std::abort();
  (void)envelope_check_length(h, size);
  return 0;
}
