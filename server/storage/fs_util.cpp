#include "fs_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <thread>

namespace sealshot::server {

Status io_error(int error_number, std::string_view what) {
  if (error_number == ENOSPC || error_number == EDQUOT) {
    return {ErrorCode::storage_full, "The disk is full: cannot " + std::string(what) + "."};
  }
  return {ErrorCode::storage_error, "Cannot " + std::string(what) + ": " + std::strerror(error_number) + "."};
}

bool write_all(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const std::uint8_t*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) {
      errno = EIO;
      return false;
    }
    p += n;
    size -= std::size_t(n);
  }
  return true;
}

Status fsync_directory(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error(errno, "open directory " + path);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return io_error(err, "sync directory " + path);
  return {};
}

Status make_directory(const std::string& path, bool* created) {
  if (created) *created = false;
  if (::mkdir(path.c_str(), 0700) == 0) {
    if (created) *created = true;
    return {};
  }
  if (errno != EEXIST) return io_error(errno, "create directory " + path);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return {ErrorCode::storage_error, "'" + path + "' exists but is not a directory."};
  }
  return {};
}

Status copy_file_durable(const std::string& from, const std::string& to) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0 && errno == ENOENT) return {ErrorCode::not_found, "'" + from + "' does not exist."};
  if (in < 0) return io_error(errno, "open " + from);
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) {
    const int err = errno;
    ::close(in);
    return io_error(err, "create " + to);
  }
  constexpr std::size_t kBufferBytes = 64 * 1024;
  const auto buffer = std::make_unique<std::uint8_t[]>(kBufferBytes);
  Status status;
  for (;;) {
    const ssize_t n = ::read(in, buffer.get(), kBufferBytes);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = io_error(errno, "read " + from);
      break;
    }
    if (n == 0) break;
    if (!write_all(out, buffer.get(), std::size_t(n))) {
      status = io_error(errno, "write " + to);
      break;
    }
  }
  if (status.ok() && ::fsync(out) != 0) status = io_error(errno, "sync " + to);
  ::close(in);
  ::close(out);
  if (!status.ok()) ::unlink(to.c_str());
  return status;
}

Result<bool> directory_is_absent_or_empty(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::symlink_status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return Status(ErrorCode::storage_error, "Cannot inspect '" + path + "': " + ec.message() + ".");
  }
  if (!std::filesystem::exists(status)) return true;
  if (!std::filesystem::is_directory(status)) return false;
  std::filesystem::directory_iterator it(path, ec);
  if (ec) return Status(ErrorCode::storage_error, "Cannot list '" + path + "': " + ec.message() + ".");
  return it == std::filesystem::directory_iterator();
}

Result<std::vector<std::string>> list_directory(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(path.c_str());
  if (!dir) {
    if (errno == ENOENT) return names;
    return io_error(errno, "list " + path);
  }
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(dir);
  return names;
}

Result<bool> flock_within(int fd, int operation, std::chrono::milliseconds timeout, std::chrono::milliseconds step,
                          std::string_view what) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (::flock(fd, operation | LOCK_NB) == 0) return true;
    if (errno != EWOULDBLOCK && errno != EINTR) return io_error(errno, what);
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(step);
  }
}

}  // namespace sealshot::server
