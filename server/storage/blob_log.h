// Envelope bytes, appended to segment files:
//
//   segments/<segment number, 8 digits>.seg
//
// Each writing process appends to a segment of its own (its committer thread
// is the only appender), starting a new one past kSegmentBytes. A batch of
// commits appends its envelopes back to back and syncs the segment once
// (fdatasync) before the rows that point at them commit; see
// sqlite_storage.h for the whole crash-consistency argument. Deleting an
// envelope punches a hole over its bytes (the space goes back to the file
// system at once, the bytes read as zeros).
//
// Why not one file per envelope, as schema version 1 did: creating an inode,
// fsyncing it, renaming it and fsyncing its directory per report made inode
// allocation and directory locks the ingest server's bottleneck, and why not
// a SQLite BLOB: WAL then checkpoint writes every byte twice, which halves
// what the disk can take (docs/benchmarks.md). An append-only log with
// holes, as Facebook's Haystack does for photos, writes each byte once.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
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

struct BlobLogTidyReport {
  std::uint64_t segments_removed = 0;  // no envelope left in them
  std::uint64_t bytes_released = 0;    // unreferenced ranges punched out or cut off
};

class BlobLog {
 public:
  static constexpr std::uint64_t kSegmentBytes = 1ull << 30;

  BlobLog(std::string directory, FaultHook hook);
  ~BlobLog();
  BlobLog(const BlobLog&) = delete;
  BlobLog& operator=(const BlobLog&) = delete;

  std::string segment_path(std::int64_t segment) const;

  // --- the committer thread only --------------------------------------------
  // Appends the body to this process's segment. Not durable until sync().
  [[nodiscard]] Result<BlobLocation> append(const UploadBuffer& body);
  // Makes every append so far durable (and a new segment's name, once).
  [[nodiscard]] Status sync();
  // Start-up housekeeping, given every committed location: cuts off
  // uncommitted tails, punches out unreferenced ranges and removes segments
  // with nothing left. Skips this process's own segment. The caller makes
  // sure no other process appends meanwhile (DataDirLock, exclusive).
  [[nodiscard]] Result<BlobLogTidyReport> tidy(const std::vector<BlobLocation>& committed);

  // --- any thread --------------------------------------------------------------
  [[nodiscard]] Result<std::vector<std::uint8_t>> read(const BlobLocation& location) const;
  // Punches a hole over a deleted envelope, or over an append whose commit
  // failed. Missing segments are fine, so a repeated release does no harm.
  [[nodiscard]] Status release(const BlobLocation& location) const;

 private:
  [[nodiscard]] Status open_new_segment();
  [[nodiscard]] int fault(FsOp op) const { return hook_ ? hook_(op) : 0; }

  const std::string directory_;
  const FaultHook hook_;
  // The segment this process appends to (committer thread only).
  int fd_ = -1;
  std::int64_t segment_ = 0;
  std::uint64_t end_ = 0;
  bool directory_needs_sync_ = false;
  bool unsynced_ = false;  // appends since the last sync
};

}  // namespace sealshot::server
