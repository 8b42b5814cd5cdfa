// Whether a phone-number candidate is labelled as one: "Phone: ", "Tel.",
// "Mobil", "Call us at", "電話番号：". A cue counts only as a label: a whole
// word from a short list right before the number, with at most punctuation
// and two linking words ("us at", "uns an") in between. "Call of Duty
// 455-981-221" has no label: "Duty" is neither a cue nor a linking word.
#pragma once

#include "text_cursor.h"

namespace sealshot::pii {

// True when the text before position s (the number's first code unit) ends in
// a phone label. Looks back a bounded number of code units.
[[nodiscard]] bool follows_phone_label(Text text, std::size_t s) noexcept;

}  // namespace sealshot::pii
