// Small, careful file helpers for the CLI: whole-file reads with a size cap,
// atomic writes (temp file, fsync, rename, fsync of the directory) that
// replace an existing file only when asked, and secret files created 0600
// without overwriting. Failures are storage_error (or already_exists).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "result.h"

namespace sealshot::cli {

[[nodiscard]] Result<std::vector<std::uint8_t>> read_file(const std::string& path, std::uint64_t max_bytes);
// What a write does when the file is already there. `refuse` fails with
// already_exists ("pass --force"), also when the file appears meanwhile.
enum class Existing { refuse, replace };
// `mode` 0600 for anything private (decrypted reports, the session file).
[[nodiscard]] Status write_file_atomic(const std::string& path, const void* data, std::size_t size,
                                       unsigned mode = 0644, Existing existing = Existing::replace);
// Fails if the file exists: a secret key is never silently replaced.
[[nodiscard]] Status write_secret_file(const std::string& path, const std::string& text);
// already_exists unless `existing` is replace; for checking every output of a
// command before it writes the first one.
[[nodiscard]] Status check_can_write(const std::string& path, Existing existing);

}  // namespace sealshot::cli
