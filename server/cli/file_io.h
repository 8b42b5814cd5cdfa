// Small, careful file helpers for the CLI: whole-file reads with a size cap,
// atomic writes (temp file, fsync, rename, fsync of the directory) and
// secret files created 0600 without overwriting.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "result.h"

namespace sealshot::cli {

[[nodiscard]] Result<std::vector<std::uint8_t>> read_file(const std::string& path, std::uint64_t max_bytes);
// `mode` 0600 for anything private (decrypted reports, the session file).
[[nodiscard]] Status write_file_atomic(const std::string& path, const void* data, std::size_t size,
                                       unsigned mode = 0644);
// Fails if the file exists: a secret key is never silently replaced.
[[nodiscard]] Status write_secret_file(const std::string& path, const std::string& text);
// First non-empty line that is not a '#' comment.
[[nodiscard]] Result<std::string> read_key_file(const std::string& path);

}  // namespace sealshot::cli
