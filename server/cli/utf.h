// UTF-8 → UTF-16 for `sealshot scan`: the detectors speak UTF-16 offsets
// because that is what the browser's DOM gives them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sealshot::cli {

// Invalid bytes become U+FFFD, one per byte, so offsets stay predictable.
// utf8_offsets[i] is the byte offset where UTF-16 unit i starts (size+1 entries).
std::u16string utf8_to_utf16(std::string_view text, std::vector<std::size_t>* utf8_offsets = nullptr);

}  // namespace sealshot::cli
