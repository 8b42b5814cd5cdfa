// Reviewer notes are sealed like reports: crypto_box_seal of the note's
// UTF-8 text to the project's public key, sent as URL-safe base64
// (docs/http-api.md, POST …/notes). The server stores ciphertext only; every
// reader opens notes with the project key from their grant.
//
// A sealed box is anonymous: it keeps a note confidential, but anyone who
// has the project's public key (it is in every page's snippet) could seal
// one, so the author shown is the server's word, not the note's.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "keys.h"
#include "result.h"

namespace sealshot::console {

// A note's text, in bytes (the server takes up to 64 KiB of base64).
inline constexpr std::size_t kMaxNoteBytes = 8000;

// invalid_argument for an empty note, one above kMaxNoteBytes or text that is
// not UTF-8 (it is shown to other people as text).
[[nodiscard]] Result<std::string> note_seal(std::string_view text, const PublicKey& project_public);
// grant_open_failed: not sealed to this project's key, or altered;
// invalid_argument: not base64url or not UTF-8 text inside.
[[nodiscard]] Result<std::string> note_open(std::string_view sealed, const PublicKey& project_public,
                                            const SecretKey& project_secret);

}  // namespace sealshot::console
