// Project key files as the CLI writes and reads them (docs/envelope.md, "Key
// files"): a first line that says which kind of key the file holds, then the
// key. Every command that takes a key file checks the kind, so a secret key
// given where the public key belongs (or the reverse) is refused with a
// sentence that names the right option.
#pragma once

#include <string>
#include <string_view>

#include "keys.h"
#include "result.h"

namespace sealshot::cli {

// The first line of each kind of key file (a '#' comment, so older readers
// that skip comments still find the key).
inline constexpr std::string_view kPublicKeyFileMarker = "# sealshot-public-key-v1";
inline constexpr std::string_view kSecretKeyFileMarker = "# sealshot-secret-key-v1";

[[nodiscard]] std::string public_key_file_text(const PublicKey& key);
[[nodiscard]] std::string secret_key_file_text(const SecretKey& key);

// `option` is the command-line option the file was given to (e.g.
// "--public-key"); it is named in the error sentences. Errors are bad_key
// (wrong kind, no key, two keys, unprotected secret key) or the read error.
[[nodiscard]] Result<PublicKey> read_public_key_file(const std::string& path, std::string_view option);
// Also refuses a file that other users may read (mode & 077), as ssh does.
[[nodiscard]] Result<SecretKey> read_secret_key_file(const std::string& path, std::string_view option);

}  // namespace sealshot::cli
