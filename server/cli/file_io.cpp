#include "file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

namespace sealshot::cli {
namespace {

Status io_error(const std::string& what, const std::string& path) {
  return {ErrorCode::invalid_argument, "Cannot " + what + " '" + path + "': " + std::strerror(errno) + "."};
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
    return Status(ErrorCode::invalid_argument, "'" + path + "' is not a regular file.");
  }
  if (std::uint64_t(st.st_size) > max_bytes) {
    ::close(fd);
    return Status(ErrorCode::invalid_argument,
                  "'" + path + "' is larger than " + std::to_string(max_bytes) + " bytes.");
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

Status write_file_atomic(const std::string& path, const void* data, std::size_t size, unsigned mode) {
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
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    Status s = io_error("rename into", path);
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
      return {ErrorCode::invalid_argument, "'" + path + "' already exists; a secret key is never overwritten."};
    return io_error("create", path);
  }
  const bool ok = write_all(fd, text.data(), text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return io_error("write", path);
  return {};
}

Result<std::string> read_key_file(const std::string& path) {
  Result<std::vector<std::uint8_t>> bytes = read_file(path, 4096);
  if (!bytes.ok()) return bytes.status();
  std::istringstream lines(std::string(bytes.value().begin(), bytes.value().end()));
  for (std::string line; std::getline(lines, line);) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    return line;
  }
  return Status(ErrorCode::bad_key, "'" + path + "' holds no key.");
}

}  // namespace sealshot::cli
