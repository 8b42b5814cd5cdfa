#include "file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace sealshot::cli {
namespace {

Status io_error(const std::string& what, const std::string& path) {
  return {ErrorCode::storage_error, "Cannot " + what + " '" + path + "': " + std::strerror(errno) + "."};
}

Status exists_error(const std::string& path) {
  return {ErrorCode::already_exists, "'" + path + "' already exists; pass --force to replace it."};
}

// rename() that fails with EEXIST instead of replacing. RENAME_NOREPLACE where
// the file system has it, else link() (which never replaces) and unlink().
int rename_no_replace(const char* from, const char* to) {
  if (::renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return -1;
  if (::link(from, to) != 0) return -1;
  ::unlink(from);
  return 0;
}

bool write_all(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const std::uint8_t*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= std::size_t(n);
  }
  return true;
}

}  // namespace

Result<std::vector<std::uint8_t>> read_file(const std::string& path, std::uint64_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("open", path);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status(ErrorCode::storage_error, "'" + path + "' is not a regular file.");
  }
  if (std::uint64_t(st.st_size) > max_bytes) {
    ::close(fd);
    return Status(ErrorCode::storage_error, "'" + path + "' is larger than " + std::to_string(max_bytes) + " bytes.");
  }
  std::vector<std::uint8_t> data(std::size_t(st.st_size));
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::read(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return io_error("read", path);
    }
    done += std::size_t(n);
  }
  ::close(fd);
  return data;
}

Status check_can_write(const std::string& path, Existing existing) {
  struct stat st {};
  if (existing == Existing::refuse && ::lstat(path.c_str(), &st) == 0) return exists_error(path);
  return {};
}

Status write_file_atomic(const std::string& path, const void* data, std::size_t size, unsigned mode,
                         Existing existing) {
  if (Status s = check_can_write(path, existing); !s.ok()) return s;
  const std::filesystem::path target(path);
  const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
  const std::string temp = (dir / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()))).string();
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(mode));
  if (fd < 0) return io_error("create", temp);
  // A private file stays private even if a leftover temp file had a wider mode.
  const bool private_mode = (mode & 077) == 0;
  if ((private_mode && ::fchmod(fd, mode_t(mode)) != 0) || !write_all(fd, data, size) || ::fsync(fd) != 0) {
    Status s = io_error("write", temp);
    ::close(fd);
    ::unlink(temp.c_str());
    return s;
  }
  ::close(fd);
  const int renamed = existing == Existing::replace ? ::rename(temp.c_str(), path.c_str())
                                                    : rename_no_replace(temp.c_str(), path.c_str());
  if (renamed != 0) {
    Status s = errno == EEXIST ? exists_error(path) : io_error("rename into", path);
    ::unlink(temp.c_str());
    return s;
  }
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return {};
}

Status write_secret_file(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      return {ErrorCode::already_exists,
              "'" + path +
                  "' already exists; a secret key file is never replaced (remove it yourself if you really mean to)."};
    return io_error("create", path);
  }
  const bool ok = write_all(fd, text.data(), text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return io_error("write", path);
  return {};
}

}  // namespace sealshot::cli
