#include "upload_buffer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

namespace sealshot::server {
namespace {

// An unnamed file in `dir`. O_TMPFILE where the file system has it; else a
// named file unlinked at once (a crash in between leaves a
// "spill-XXXXXX" file, which check_and_repair removes).
int open_unnamed_file(const std::string& dir) {
#ifdef O_TMPFILE
  const int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) return fd;
#endif
  std::string path = dir + "/spill-XXXXXX";
  const int named = ::mkostemp(path.data(), O_CLOEXEC);
  if (named >= 0) ::unlink(path.c_str());
  return named;
}

// Blocks of finished uploads, kept for the next ones. Handing each 64 KiB
// block back to malloc made glibc trim its arenas (madvise) after most
// requests, and the next upload faulted the same pages in again: with the
// TLB shootdowns that costs on a VM, about a third of the server's CPU per
// 200 KB report (docs/benchmarks.md, "Ingest server"). At most kKept blocks
// (16 MiB) wait here; the rest go back to malloc as before.
class RecycledBlocks {
 public:
  RecycledBlocks() { kept_.reserve(kKept); }

  std::unique_ptr<std::uint8_t[]> take() {
    {
      std::lock_guard lock(mutex_);
      if (!kept_.empty()) {
        std::unique_ptr<std::uint8_t[]> block = std::move(kept_.back());
        kept_.pop_back();
        return block;
      }
    }
    return std::make_unique_for_overwrite<std::uint8_t[]>(UploadBuffer::kBlockBytes);
  }

  // Keeps what fits; `blocks` holds the rest, freed by its owner.
  void keep(std::vector<std::unique_ptr<std::uint8_t[]>>& blocks) noexcept {
    std::lock_guard lock(mutex_);
    while (!blocks.empty() && kept_.size() < kKept) {  // never reallocates: reserved
      kept_.push_back(std::move(blocks.back()));
      blocks.pop_back();
    }
  }

 private:
  static constexpr std::size_t kKept = 256;
  std::mutex mutex_;
  std::vector<std::unique_ptr<std::uint8_t[]>> kept_;
};

// Never destroyed: an upload may still end while the process exits.
RecycledBlocks& recycled_blocks() {
  static RecycledBlocks* const blocks = new RecycledBlocks;
  return *blocks;
}

}  // namespace

bool InlineBudget::take(std::size_t bytes) noexcept {
  std::size_t left = left_.load();
  do {
    if (left < bytes) return false;
  } while (!left_.compare_exchange_weak(left, left - bytes));
  return true;
}

UploadBuffer::UploadBuffer(std::string spill_dir, const FaultHook* hook, InlineBudget* budget)
    : spill_dir_(std::move(spill_dir)), hook_(hook), budget_(budget) {}

UploadBuffer::~UploadBuffer() {
  release_blocks();
  if (fd_ >= 0) ::close(fd_);
}

void UploadBuffer::release_blocks() noexcept {
  if (budget_ != nullptr) budget_->give_back(blocks_.size() * kBlockBytes);
  recycled_blocks().keep(blocks_);
  blocks_.clear();
  blocks_.shrink_to_fit();
}

Status UploadBuffer::write(std::span<const std::uint8_t> bytes) {
  if (!failure_.ok()) return failure_;
  if (!spilled() && size_ + bytes.size() > kInlineBytes) {
    if (Status s = spill(); !s.ok()) return failure_ = s;
  }
  if (spilled()) {
    if (Status s = append_to_file(bytes); !s.ok()) return failure_ = s;
    size_ += bytes.size();
    return {};
  }
  while (!bytes.empty()) {
    if (blocks_.empty() || last_block_used_ == kBlockBytes) {
      if (budget_ != nullptr && !budget_->take(kBlockBytes)) {
        // The memory all uploads share is taken: this one goes on in its file.
        if (Status s = spill(); !s.ok()) return failure_ = s;
        if (Status s = append_to_file(bytes); !s.ok()) return failure_ = s;
        size_ += bytes.size();
        return {};
      }
      blocks_.push_back(recycled_blocks().take());
      last_block_used_ = 0;
    }
    const std::size_t n = std::min(bytes.size(), kBlockBytes - last_block_used_);
    std::memcpy(blocks_.back().get() + last_block_used_, bytes.data(), n);
    last_block_used_ += n;
    size_ += n;
    bytes = bytes.subspan(n);
  }
  return {};
}

Status UploadBuffer::spill() {
  const int injected = fault(FsOp::create);
  const int fd = injected != 0 ? -1 : open_unnamed_file(spill_dir_);
  if (fd < 0) return io_error(injected != 0 ? injected : errno, "create a temporary file in staging/");
  fd_ = fd;
  for (std::size_t i = 0; i < blocks_.size(); ++i) {
    const std::size_t used = i + 1 == blocks_.size() ? last_block_used_ : kBlockBytes;
    if (Status s = append_to_file({blocks_[i].get(), used}); !s.ok()) return s;
  }
  release_blocks();
  return {};
}

Status UploadBuffer::append_to_file(std::span<const std::uint8_t> bytes) {
  const int injected = fault(FsOp::write);
  if (injected != 0 || !write_all(fd_, bytes.data(), bytes.size())) {
    return io_error(injected != 0 ? injected : errno, "write a temporary file in staging/");
  }
  return {};
}

Status UploadBuffer::read_all(const Sink& sink) const {
  if (!failure_.ok()) return failure_;
  if (!spilled()) {
    for (std::size_t i = 0; i < blocks_.size(); ++i) {
      const std::size_t used = i + 1 == blocks_.size() ? last_block_used_ : kBlockBytes;
      if (Status s = sink({blocks_[i].get(), used}); !s.ok()) return s;
    }
    return {};
  }
  auto chunk = std::make_unique_for_overwrite<std::uint8_t[]>(kBlockBytes);
  for (std::uint64_t offset = 0; offset < size_;) {
    const std::size_t want = std::size_t(std::min<std::uint64_t>(kBlockBytes, size_ - offset));
    const ssize_t n = ::pread(fd_, chunk.get(), want, off_t(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return io_error(n < 0 ? errno : EIO, "read back a temporary file in staging/");
    if (Status s = sink({chunk.get(), std::size_t(n)}); !s.ok()) return s;
    offset += std::uint64_t(n);
  }
  return {};
}

}  // namespace sealshot::server
