// POSIX file helpers shared by the blob log, backup and restore: errno to
// Status (disk full is its own code, the server answers 507 to it), durable
// directory entries, and copies that are on disk before they return.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace sealshot::server {

// Test hook: called before each file-system step that can fail for lack of
// space or I/O; a non-zero return is treated as that errno. Lets the tests
// reach ENOSPC and EIO paths without filling a real disk.
enum class FsOp { create, write, sync };
using FaultHook = std::function<int(FsOp)>;

// storage_full for ENOSPC/EDQUOT, storage_error otherwise. `what` names the
// operation and file (ids and paths only, never contents).
[[nodiscard]] Status io_error(int error_number, std::string_view what);

[[nodiscard]] bool write_all(int fd, const void* data, std::size_t size);
// fsync of a directory: makes the names created or renamed in it durable.
[[nodiscard]] Status fsync_directory(const std::string& path);
// mkdir that accepts an existing directory; `created` says whether it was new.
[[nodiscard]] Status make_directory(const std::string& path, bool* created = nullptr);

// Copies a regular file to `to` (must not exist) and fsyncs it. not_found
// when `from` does not exist.
[[nodiscard]] Status copy_file_durable(const std::string& from, const std::string& to);

// Names in a directory (no "." or ".."). A missing directory is empty.
[[nodiscard]] Result<std::vector<std::string>> list_directory(const std::string& path);

// flock(fd, operation | LOCK_NB) tried every `step` until it succeeds (true)
// or `timeout` has passed (false). Polled, not a blocking flock, so a stopped
// holder costs a timeout, never a hang. Any other failure: its errno as a
// Status, `what` naming the lock.
[[nodiscard]] Result<bool> flock_within(int fd, int operation, std::chrono::milliseconds timeout,
                                        std::chrono::milliseconds step, std::string_view what);

// True when `path` does not exist or is an empty directory.
[[nodiscard]] Result<bool> directory_is_absent_or_empty(const std::string& path);

}  // namespace sealshot::server
