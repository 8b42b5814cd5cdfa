// Envelope bytes, appended to segment files:
//
//   segments/<segment number, 8 digits>.seg
//
// Each writing process appends to segments of its own: kLanes of them at a
// time, each replaced by a new one past kSegmentBytes. An append picks a lane,
// reserves the lane's next free range under the lane's lock and then writes it
// from the calling thread, so uploads write in parallel (one file per lane:
// concurrent writes to a single file serialise on its inode lock);
// the group committer's thread then makes a whole batch durable with one
// fdatasync before the rows that point at those ranges commit (see
// sqlite_storage.h for the crash-consistency argument). Deleting an envelope
// punches a hole over its bytes: the space goes back to the file system at
// once and the bytes read as zeros.
//
// Why not one file per envelope, as schema version 1 did: an inode, a file
// fsync, a rename and a directory fsync per report, with 64 threads
// contending on the inode allocator and the directory lock. Why not a SQLite
// BLOB: WAL then checkpoint writes every byte twice, halving what the disk
// can take. An append-only log with holes, as Facebook's Haystack does for
// photos, writes each byte once (docs/decisions.md, docs/benchmarks.md).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "fs_util.h"
#include "result.h"
#include "upload_buffer.h"

namespace sealshot::server {

struct BlobLocation {
  std::int64_t segment = 0;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

class BlobLog {
 public:
  static constexpr std::uint64_t kSegmentBytes = 1ull << 30;
  static constexpr std::size_t kLanes = 4;

  BlobLog(std::string directory, FaultHook hook);
  BlobLog(const BlobLog&) = delete;
  BlobLog& operator=(const BlobLog&) = delete;

  std::string segment_path(std::int64_t segment) const;

  // Any thread. Writes the body into this process's segment (the page
  // cache); durable only once a later sync() has returned. On failure the
  // range is released again.
  [[nodiscard]] Result<BlobLocation> append(const UploadBuffer& body);
  // The committer thread, before COMMIT: every append that returned before
  // this call is durable when it returns (and a new segment's name).
  [[nodiscard]] Status sync();
  // Start-up housekeeping, given every committed location: cuts off
  // uncommitted tails, punches out unreferenced ranges and removes segments
  // with nothing left; returns the bytes released. Leaves this process's own
  // segments alone. The caller makes sure no other process appends meanwhile
  // (DataDirLock, exclusive).
  [[nodiscard]] Result<std::uint64_t> tidy(const std::vector<BlobLocation>& committed);

  // Any thread.
  [[nodiscard]] Result<std::vector<std::uint8_t>> read(const BlobLocation& location) const;
  // Any thread. Whether the envelope at `location` is exactly `body`'s
  // bytes, compared a block at a time (never the whole envelope in memory).
  [[nodiscard]] Result<bool> holds(const BlobLocation& location, const UploadBuffer& body) const;
  // Punches a hole over a deleted envelope, or over an append whose commit
  // failed. Missing segments are fine, so a repeated release does no harm.
  [[nodiscard]] Status release(const BlobLocation& location) const;

 private:
  // A segment opened for reading; a missing one is storage_error.
  [[nodiscard]] Result<int> open_to_read(std::int64_t segment) const;
  struct Segment {
    Segment(std::int64_t n, int f) : number(n), fd(f) {}
    ~Segment();
    const std::int64_t number;
    const int fd;
    std::atomic<bool> dirty{false};  // written since the last fdatasync
    std::atomic<int> writers{0};     // appends reserved here and not finished
  };

  struct Lane {
    std::mutex mutex;
    std::shared_ptr<Segment> active;
    std::uint64_t end = 0;  // next free offset in active
  };

  // Under the lane's mutex: a new segment becomes the lane's active one.
  [[nodiscard]] Status open_new_segment(Lane& lane);
  [[nodiscard]] int fault(FsOp op) const { return hook_ ? hook_(op) : 0; }

  const std::string directory_;
  const FaultHook hook_;
  std::array<Lane, kLanes> lanes_;
  std::atomic<std::size_t> next_lane_{0};
  std::mutex mutex_;                               // guards the three below
  std::vector<std::shared_ptr<Segment>> to_sync_;  // segments written to and not yet synced clean
  bool directory_needs_sync_ = false;
  std::set<std::int64_t> mine_;  // segments this process opened
};

}  // namespace sealshot::server
