#include "blob_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sealshot::server {
namespace {

constexpr std::size_t kWriteBufferBytes = 64 * 1024;

// The last path components, enough to identify a file in an error sentence.
std::string short_name(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return path;
  const std::size_t parent = path.rfind('/', slash - 1);
  return path.substr(parent == std::string::npos ? 0 : parent + 1);
}

}  // namespace

// --- StagingFile ---------------------------------------------------------------

StagingFile::StagingFile(int fd, std::string path, const FaultHook* hook)
    : fd_(fd), path_(std::move(path)), hook_(hook), buffer_(std::make_unique<std::uint8_t[]>(kWriteBufferBytes)) {}

StagingFile::StagingFile(StagingFile&& other) noexcept
    : fd_(other.fd_),
      path_(std::move(other.path_)),
      hook_(other.hook_),
      buffer_(std::move(other.buffer_)),
      buffered_(other.buffered_),
      size_(other.size_),
      failure_(std::move(other.failure_)),
      published_(other.published_) {
  other.fd_ = -1;
  other.published_ = true;  // the moved-from object owns nothing to clean up
}

StagingFile::~StagingFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!published_) ::unlink(path_.c_str());
}

Status StagingFile::write(std::span<const std::uint8_t> bytes) {
  if (!failure_.ok()) return failure_;
  if (fd_ < 0) return failure_ = {ErrorCode::storage_error, "The upload is already closed."};
  if (buffered_ + bytes.size() > kWriteBufferBytes) {
    if (Status s = flush(); !s.ok()) return s;
  }
  if (bytes.size() >= kWriteBufferBytes) {
    const int injected = hook_ && *hook_ ? (*hook_)(FsOp::write) : 0;
    if (injected != 0 || !write_all(fd_, bytes.data(), bytes.size())) {
      return failure_ = io_error(injected != 0 ? injected : errno, "write " + short_name(path_));
    }
  } else {
    std::memcpy(buffer_.get() + buffered_, bytes.data(), bytes.size());
    buffered_ += bytes.size();
  }
  size_ += bytes.size();
  return {};
}

Status StagingFile::flush() {
  if (buffered_ == 0) return {};
  const int injected = hook_ && *hook_ ? (*hook_)(FsOp::write) : 0;
  if (injected != 0 || !write_all(fd_, buffer_.get(), buffered_)) {
    return failure_ = io_error(injected != 0 ? injected : errno, "write " + short_name(path_));
  }
  buffered_ = 0;
  return {};
}

Status StagingFile::sync_and_close() {
  if (!failure_.ok()) return failure_;
  if (Status s = flush(); !s.ok()) return s;
  const int injected = hook_ && *hook_ ? (*hook_)(FsOp::sync) : 0;
  // fsync is where delayed allocation reports ENOSPC on many file systems.
  if (injected != 0 || ::fsync(fd_) != 0) {
    return failure_ = io_error(injected != 0 ? injected : errno, "sync " + short_name(path_));
  }
  const int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) return failure_ = io_error(errno, "close " + short_name(path_));
  return {};
}

// --- BlobStore -----------------------------------------------------------------

BlobStore::BlobStore(std::string data_dir, FaultHook hook) : data_dir_(std::move(data_dir)), hook_(std::move(hook)) {}

Status BlobStore::prepare() {
  if (Status s = make_directory(blobs_dir()); !s.ok()) return s;
  return make_directory(staging_dir());
}

std::string BlobStore::project_dir(std::string_view project_id) const {
  return blobs_dir() + "/" + std::string(project_id);
}

std::string BlobStore::blob_path(std::string_view project_id, std::string_view submission_id) const {
  return project_dir(project_id) + "/" + std::string(submission_id) + std::string(kBlobSuffix);
}

std::string BlobStore::staging_path(std::string_view submission_id) const {
  return staging_dir() + "/" + std::string(submission_id) + std::string(kStagingSuffix);
}

Result<StagingFile> BlobStore::create_staging(std::string_view submission_id) const {
  const std::string path = staging_path(submission_id);
  const int injected = fault(FsOp::create);
  const int fd = injected != 0 ? -1 : ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return io_error(injected != 0 ? injected : errno, "create " + short_name(path));
  return StagingFile(fd, path, &hook_);
}

Status BlobStore::ensure_project_dir(std::string_view project_id) {
  {
    std::lock_guard lock(dirs_mutex_);
    if (known_project_dirs_.count(project_id) != 0) return {};
  }
  const int injected = fault(FsOp::mkdir);
  if (injected != 0) return io_error(injected, "create directory blobs/" + std::string(project_id));
  bool created = false;
  if (Status s = make_directory(project_dir(project_id), &created); !s.ok()) return s;
  // The new directory's own name must be durable before a blob inside it
  // counts as durable. Synced even when another thread won the mkdir race:
  // that thread may not have synced yet.
  if (Status s = fsync_directory(blobs_dir()); !s.ok()) return s;
  std::lock_guard lock(dirs_mutex_);
  known_project_dirs_.emplace(project_id);
  return {};
}

Status BlobStore::publish(StagingFile& file, std::string_view project_id, std::string_view submission_id) {
  if (Status s = file.sync_and_close(); !s.ok()) return s;
  if (Status s = ensure_project_dir(project_id); !s.ok()) return s;
  const std::string target = blob_path(project_id, submission_id);
  const int injected = fault(FsOp::rename);
  if (injected != 0 || ::rename(file.path_.c_str(), target.c_str()) != 0) {
    return io_error(injected != 0 ? injected : errno, "publish " + short_name(target));
  }
  file.published_ = true;
  // Not syncing staging/: if the rename is lost in a crash the file is back
  // in staging/ and repair removes it; no row was committed for it.
  return {};
}

Status BlobStore::remove(std::string_view project_id, std::string_view submission_id) const {
  const std::string path = blob_path(project_id, submission_id);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return io_error(errno, "remove " + short_name(path));
  return {};
}

Result<std::vector<std::uint8_t>> BlobStore::read(std::string_view project_id, std::string_view submission_id,
                                                  std::uint64_t expected_size) const {
  const std::string path = blob_path(project_id, submission_id);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return Status(ErrorCode::storage_error,
                    "The blob of submission " + std::string(submission_id) + " is missing from the data directory.");
    }
    return io_error(errno, "open " + short_name(path));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || std::uint64_t(st.st_size) != expected_size) {
    ::close(fd);
    return Status(ErrorCode::storage_error,
                  "The blob of submission " + std::string(submission_id) + " has the wrong size (damaged?).");
  }
  std::vector<std::uint8_t> data(expected_size);
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::read(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      ::close(fd);
      return io_error(err, "read " + short_name(path));
    }
    done += std::size_t(n);
  }
  ::close(fd);
  return data;
}

}  // namespace sealshot::server
