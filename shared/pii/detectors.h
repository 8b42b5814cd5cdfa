// One entry point per detector. Each takes folded text (see fold_text), appends
// candidate hits in increasing start order, and runs in time linear in the text:
// it anchors on a cheap trigger and inspects only a bounded window around it.
// Candidates of different detectors may overlap; pii_scan() arbitrates.
#pragma once

#include "text_cursor.h"

namespace sealshot::pii {

void find_emails(Text text, Hits& out);
void find_phones(Text text, Hits& out);
void find_cards(Text text, Hits& out);
void find_ssns(Text text, Hits& out);
void find_ibans(Text text, Hits& out);
void find_ipv4(Text text, Hits& out);
void find_ipv6(Text text, Hits& out);
void find_secrets(Text text, Hits& out);

}  // namespace sealshot::pii
