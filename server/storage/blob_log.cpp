#include "blob_log.h"

#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <map>
#include <utility>

namespace sealshot::server {
namespace {

constexpr std::string_view kSegmentSuffix = ".seg";
constexpr std::size_t kSegmentDigits = 8;

// The segment number in a file name like "00000042.seg", or 0.
std::int64_t segment_number(std::string_view name) {
  if (name.size() != kSegmentDigits + kSegmentSuffix.size() || name.substr(kSegmentDigits) != kSegmentSuffix) return 0;
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + kSegmentDigits, n);
  return ec == std::errc() && end == name.data() + kSegmentDigits ? n : 0;
}

bool pwrite_all(int fd, const std::uint8_t* data, std::size_t size, std::uint64_t offset) {
  while (size > 0) {
    const ssize_t n = ::pwrite(fd, data, size, off_t(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    data += n;
    size -= std::size_t(n);
    offset += std::uint64_t(n);
  }
  return true;
}

// Reads exactly `size` bytes at `offset` of a segment; a segment that ends
// first is damaged.
Status pread_exact(int fd, std::uint8_t* data, std::size_t size, std::uint64_t offset) {
  while (size > 0) {
    const ssize_t n = ::pread(fd, data, size, off_t(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error(errno, "read a segment in segments/");
    if (n == 0) return Status(ErrorCode::storage_error, "An envelope is cut short in segments/ (damaged?).");
    data += n;
    size -= std::size_t(n);
    offset += std::uint64_t(n);
  }
  return {};
}

// Frees the blocks of [offset, offset + length) and makes the range read as
// zeros. Where the file system cannot punch holes, writes zeros instead: a
// deleted envelope's bytes must not stay readable either way.
bool punch(int fd, std::uint64_t offset, std::uint64_t length) {
  if (length == 0) return true;
  if (::fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off_t(offset), off_t(length)) == 0) return true;
  if (errno != EOPNOTSUPP) return false;
  static const std::uint8_t zeros[64 * 1024] = {};
  while (length > 0) {
    const std::size_t n = std::size_t(std::min<std::uint64_t>(length, sizeof zeros));
    if (!pwrite_all(fd, zeros, n, offset)) return false;
    offset += n;
    length -= n;
  }
  return true;
}

// True when [offset, end) reads as anything but zeros: bytes a punch has
// not released yet. Holes are skipped without reading (SEEK_DATA), and a
// punched range's partial edge blocks read as zeros, so a second tidy finds
// nothing left to do.
bool holds_bytes(int fd, std::uint64_t offset, std::uint64_t end) {
  std::uint8_t chunk[16 * 1024];
  while (offset < end) {
    const off_t data = ::lseek(fd, off_t(offset), SEEK_DATA);
    if (data < 0) return errno != ENXIO;  // ENXIO: only holes from here on
    if (std::uint64_t(data) >= end) return false;
    offset = std::uint64_t(data);
    const ssize_t n = ::pread(fd, chunk, std::size_t(std::min<std::uint64_t>(sizeof chunk, end - offset)), data);
    if (n <= 0) return n < 0;
    for (ssize_t i = 0; i < n; ++i) {
      if (chunk[i] != 0) return true;
    }
    offset += std::uint64_t(n);
  }
  return false;
}

}  // namespace

BlobLog::BlobLog(std::string directory, FaultHook hook) : directory_(std::move(directory)), hook_(std::move(hook)) {}

BlobLog::Segment::~Segment() { ::close(fd); }

std::string BlobLog::segment_path(std::int64_t segment) const {
  char name[32];
  std::snprintf(name, sizeof name, "%0*lld.seg", int(kSegmentDigits), static_cast<long long>(segment));
  return directory_ + "/" + name;
}

Status BlobLog::open_new_segment(Lane& lane) {
  Result<std::vector<std::string>> names = list_directory(directory_);
  if (!names.ok()) return names.status();
  std::int64_t highest = 0;
  for (const std::string& name : names.value()) highest = std::max(highest, segment_number(name));
  // O_EXCL: another process may pick the same number at the same moment.
  for (std::int64_t next = highest + 1; next < highest + 100; ++next) {
    const int injected = fault(FsOp::create);
    const int fd = injected != 0 ? -1 : ::open(segment_path(next).c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && injected == 0 && errno == EEXIST) continue;
    if (fd < 0) return io_error(injected != 0 ? injected : errno, "create a segment in segments/");
    lane.active = std::make_shared<Segment>(next, fd);
    lane.end = 0;
    std::lock_guard lock(mutex_);
    to_sync_.push_back(lane.active);
    mine_.insert(next);
    directory_needs_sync_ = true;  // the new name must be durable before a row points into it
    return {};
  }
  return {ErrorCode::storage_error, "Cannot pick a new segment number in segments/."};
}

Result<BlobLocation> BlobLog::append(const UploadBuffer& body) {
  std::shared_ptr<Segment> segment;
  std::uint64_t offset = 0;
  {
    Lane& lane = lanes_[next_lane_.fetch_add(1) % kLanes];
    std::lock_guard lock(lane.mutex);
    if (!lane.active || lane.end >= kSegmentBytes) {
      if (Status s = open_new_segment(lane); !s.ok()) return s;
    }
    segment = lane.active;
    offset = lane.end;
    lane.end += body.size();
    segment->writers.fetch_add(1);
    std::lock_guard sync_lock(mutex_);
    // Back on the sync list if a sync took it off (it was clean then).
    if (std::find(to_sync_.begin(), to_sync_.end(), segment) == to_sync_.end()) to_sync_.push_back(segment);
  }
  const BlobLocation location{segment->number, offset, body.size()};
  std::uint64_t at = offset;
  Status s = body.read_all([&](std::span<const std::uint8_t> piece) -> Status {
    const int injected = fault(FsOp::write);
    if (injected != 0 || !pwrite_all(segment->fd, piece.data(), piece.size(), at)) {
      return io_error(injected != 0 ? injected : errno, "write a segment in segments/");
    }
    at += piece.size();
    return {};
  });
  // No write-back is started here (sync_file_range): the batch's one
  // fdatasync writes every envelope of the batch together, in fewer and
  // larger requests to the disk. Starting each envelope's write-back on its
  // own cost 16% more CPU per report and three times the syncs
  // (docs/benchmarks.md, "Write-back left to the batch").
  if (!s.ok()) (void)punch(segment->fd, offset, body.size());  // the range stays reserved; nothing of it may remain
  segment->dirty.store(true);
  segment->writers.fetch_sub(1);
  if (!s.ok()) return s;
  return location;
}

Status BlobLog::sync() {
  std::vector<std::shared_ptr<Segment>> segments;
  bool directory = false;
  {
    std::lock_guard lock(mutex_);
    segments = to_sync_;
    directory = std::exchange(directory_needs_sync_, false);
  }
  if (directory) {
    if (Status s = fsync_directory(directory_); !s.ok()) {
      std::lock_guard lock(mutex_);
      directory_needs_sync_ = true;
      return s;
    }
  }
  for (const std::shared_ptr<Segment>& segment : segments) {
    if (!segment->dirty.exchange(false)) continue;
    // fdatasync is where delayed allocation reports ENOSPC on many file systems.
    const int injected = fault(FsOp::sync);
    if (injected != 0 || ::fdatasync(segment->fd) != 0) {
      segment->dirty.store(true);
      return io_error(injected != 0 ? injected : errno, "sync segments/");
    }
  }
  // A segment leaves the list once it is clean with no write in progress;
  // the next append to it puts it back.
  std::lock_guard lock(mutex_);
  std::erase_if(to_sync_, [](const std::shared_ptr<Segment>& segment) {
    return segment->writers.load() == 0 && !segment->dirty.load();
  });
  return {};
}

Result<int> BlobLog::open_to_read(std::int64_t segment) const {
  const int fd = ::open(segment_path(segment).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status(ErrorCode::storage_error, "An envelope's segment is missing from segments/.");
    return io_error(errno, "open a segment in segments/");
  }
  return fd;
}

Result<std::vector<std::uint8_t>> BlobLog::read(const BlobLocation& location) const {
  Result<int> opened = open_to_read(location.segment);
  if (!opened.ok()) return opened.status();
  const int fd = opened.value();
  std::vector<std::uint8_t> data(location.length);
  const Status read = pread_exact(fd, data.data(), data.size(), location.offset);
  ::close(fd);
  if (!read.ok()) return read;
  return data;
}

Result<bool> BlobLog::holds(const BlobLocation& location, const UploadBuffer& body) const {
  if (location.length != body.size()) return false;
  Result<int> opened = open_to_read(location.segment);
  if (!opened.ok()) return opened.status();
  const int fd = opened.value();
  std::vector<std::uint8_t> stored(UploadBuffer::kBlockBytes);
  std::uint64_t offset = location.offset;
  bool same = true;
  const Status read = body.read_all([&](std::span<const std::uint8_t> piece) -> Status {
    // (pieces are at most a block: UploadBuffer::read_all)
    if (Status s = pread_exact(fd, stored.data(), piece.size(), offset); !s.ok()) return s;
    if (std::memcmp(stored.data(), piece.data(), piece.size()) != 0) {
      same = false;
      return Status(ErrorCode::conflict, "");  // stops read_all; not an error
    }
    offset += piece.size();
    return {};
  });
  ::close(fd);
  if (!same) return false;
  if (!read.ok()) return read;
  return true;
}

Status BlobLog::release(const BlobLocation& location) const {
  const int fd = ::open(segment_path(location.segment).c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT ? Status() : io_error(errno, "open a segment in segments/");
  const bool punched = punch(fd, location.offset, location.length);
  const int err = errno;
  ::close(fd);
  return punched ? Status() : io_error(err, "release an envelope in segments/");
}

Result<std::uint64_t> BlobLog::tidy(const std::vector<BlobLocation>& committed) {
  std::map<std::int64_t, std::vector<BlobLocation>> by_segment;
  for (const BlobLocation& location : committed) by_segment[location.segment].push_back(location);

  std::uint64_t released = 0;
  Result<std::vector<std::string>> names = list_directory(directory_);
  if (!names.ok()) return names.status();
  for (const std::string& name : names.value()) {
    const std::int64_t segment = segment_number(name);
    {
      std::lock_guard lock(mutex_);
      if (segment == 0 || mine_.count(segment) != 0) continue;
    }
    const std::string path = directory_ + "/" + name;
    auto it = by_segment.find(segment);
    if (it == by_segment.end()) {
      struct stat st {};
      if (::stat(path.c_str(), &st) == 0) released += std::uint64_t(st.st_blocks) * 512;
      if (::unlink(path.c_str()) != 0 && errno != ENOENT) return io_error(errno, "remove segments/" + name);
      continue;
    }
    std::vector<BlobLocation>& ranges = it->second;
    std::sort(ranges.begin(), ranges.end(),
              [](const BlobLocation& a, const BlobLocation& b) { return a.offset < b.offset; });
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return io_error(errno, "open segments/" + name);
    Status status;
    // Gaps between committed envelopes: appends of failed or crashed
    // commits, and deletions whose hole was never punched.
    std::uint64_t covered = 0;
    for (const BlobLocation& range : ranges) {
      if (range.offset > covered && holds_bytes(fd, covered, range.offset)) {
        if (!punch(fd, covered, range.offset - covered)) {
          status = io_error(errno, "release space in segments/" + name);
          break;
        }
        released += range.offset - covered;
      }
      covered = std::max(covered, range.offset + range.length);
    }
    struct stat st {};
    if (status.ok() && ::fstat(fd, &st) == 0 && std::uint64_t(st.st_size) > covered) {
      // An uncommitted tail (a crash between append and commit).
      if (::ftruncate(fd, off_t(covered)) != 0) {
        status = io_error(errno, "cut segments/" + name);
      } else {
        released += std::uint64_t(st.st_size) - covered;
      }
    }
    ::close(fd);
    if (!status.ok()) return status;
  }
  return released;
}

}  // namespace sealshot::server
