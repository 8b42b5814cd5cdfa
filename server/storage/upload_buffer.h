// The bytes of one upload while its body streams in, before commit copies
// them into the database.
//
// Bodies up to kInlineBytes stay in memory in fixed 64 KiB blocks: a report
// of a 1920x1080 page is ~225 KiB, a HiDPI or photo-heavy one ~650 KiB. A
// larger body spills to an unnamed temporary file (O_TMPFILE) in the staging
// directory. The blocks of all uploads together come from one budget
// (InlineBudget, 64 MiB by default): an upload that finds it used up
// continues in its file at once. So memory stays bounded however many
// workers the server runs and however large the uploads are.
//
// Why not a named file per upload: creating and unlinking an inode per
// request made ext4's inode allocator (recently_deleted scans) and the
// staging directory's lock the ingest server's bottleneck
// (docs/benchmarks.md). An unnamed file also vanishes by itself in a crash,
// so it never needs cleaning up.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "fs_util.h"
#include "result.h"

namespace sealshot::server {

// Bytes of memory the uploads of one storage may hold together.
class InlineBudget {
 public:
  explicit InlineBudget(std::size_t bytes) : left_(bytes) {}
  [[nodiscard]] bool take(std::size_t bytes) noexcept;
  void give_back(std::size_t bytes) noexcept { left_.fetch_add(bytes); }
  std::size_t left() const noexcept { return left_.load(); }

 private:
  std::atomic<std::size_t> left_;
};

class UploadBuffer {
 public:
  static constexpr std::size_t kBlockBytes = 64 * 1024;
  static constexpr std::size_t kInlineBytes = 16 * kBlockBytes;  // 1 MiB

  // `spill_dir` must exist when a body grows past kInlineBytes or `budget`
  // runs out. `hook` may be null; tests inject errno values into the spill
  // file's create and writes. `budget` may be null (no shared limit).
  UploadBuffer(std::string spill_dir, const FaultHook* hook, InlineBudget* budget = nullptr);
  ~UploadBuffer();
  UploadBuffer(const UploadBuffer&) = delete;
  UploadBuffer& operator=(const UploadBuffer&) = delete;

  // After a failure every later call returns the same status.
  [[nodiscard]] Status write(std::span<const std::uint8_t> bytes);
  std::uint64_t size() const noexcept { return size_; }
  bool spilled() const noexcept { return fd_ >= 0; }

  // Hands the whole body to `sink` in order, in pieces of at most
  // kBlockBytes. Stops at the first error, from the sink or from reading
  // the spill file back.
  using Sink = std::function<Status(std::span<const std::uint8_t>)>;
  [[nodiscard]] Status read_all(const Sink& sink) const;

 private:
  [[nodiscard]] Status spill();  // moves the blocks into a new temporary file
  void release_blocks() noexcept;
  [[nodiscard]] Status append_to_file(std::span<const std::uint8_t> bytes);
  [[nodiscard]] int fault(FsOp op) const { return hook_ && *hook_ ? (*hook_)(op) : 0; }

  std::string spill_dir_;
  const FaultHook* hook_;
  InlineBudget* budget_;
  std::vector<std::unique_ptr<std::uint8_t[]>> blocks_;
  std::size_t last_block_used_ = 0;  // bytes used in blocks_.back()
  int fd_ = -1;                      // the spill file, once spilled
  std::uint64_t size_ = 0;
  Status failure_;
};

}  // namespace sealshot::server
