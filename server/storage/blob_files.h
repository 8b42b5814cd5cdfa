// Envelope blobs as files under a data directory:
//
//   staging/<submission id>.part       while the body streams in
//   blobs/<project id>/<submission id>.env   once published
//
// Publishing is: fixed-buffer writes → fsync → rename into blobs/ → fsync of
// the project directory (done by the committer, once per batch). Only then
// does the row commit, so a row never points at a blob that might vanish. A crash before the row commits leaves an
// orphan blob (or a staging file), which check_and_repair removes at start-up.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fs_util.h"
#include "result.h"

namespace sealshot::server {

inline constexpr std::string_view kBlobSuffix = ".env";
inline constexpr std::string_view kStagingSuffix = ".part";

// A half-written upload. Closed and unlinked on destruction unless published.
class StagingFile {
 public:
  StagingFile(StagingFile&& other) noexcept;
  StagingFile& operator=(StagingFile&&) = delete;
  StagingFile(const StagingFile&) = delete;
  ~StagingFile();

  // Buffers into a fixed 64 KiB block; large writes go straight through.
  // After a failure every later call returns the same status.
  [[nodiscard]] Status write(std::span<const std::uint8_t> bytes);
  std::uint64_t size() const noexcept { return size_; }

 private:
  friend class BlobStore;
  StagingFile(int fd, std::string path, const FaultHook* hook);
  [[nodiscard]] Status flush();
  [[nodiscard]] Status sync_and_close();  // flush + fsync + close

  int fd_ = -1;
  std::string path_;
  const FaultHook* hook_ = nullptr;
  std::unique_ptr<std::uint8_t[]> buffer_;
  std::size_t buffered_ = 0;
  std::uint64_t size_ = 0;
  Status failure_;
  bool published_ = false;
};

class BlobStore {
 public:
  BlobStore(std::string data_dir, FaultHook hook);

  // Creates blobs/ and staging/ if needed.
  [[nodiscard]] Status prepare();

  std::string blobs_dir() const { return data_dir_ + "/blobs"; }
  std::string staging_dir() const { return data_dir_ + "/staging"; }
  std::string project_dir(std::string_view project_id) const;
  std::string blob_path(std::string_view project_id, std::string_view submission_id) const;
  std::string staging_path(std::string_view submission_id) const;

  [[nodiscard]] Result<StagingFile> create_staging(std::string_view submission_id) const;
  // Syncs the staged bytes and renames them to blobs/<project>/<id>.env.
  // The new name is durable only once project_dir() has been fsynced: the
  // caller does that (once per batch, see GroupCommitter) before the row
  // commits.
  [[nodiscard]] Status publish(StagingFile& file, std::string_view project_id, std::string_view submission_id);
  // Missing is fine: removal is idempotent so repair and purge can retry.
  [[nodiscard]] Status remove(std::string_view project_id, std::string_view submission_id) const;
  // Reads a published blob; storage_error if its size is not `expected_size`.
  [[nodiscard]] Result<std::vector<std::uint8_t>> read(std::string_view project_id, std::string_view submission_id,
                                                       std::uint64_t expected_size) const;

 private:
  [[nodiscard]] int fault(FsOp op) const { return hook_ ? hook_(op) : 0; }
  // Creates blobs/<project>/ and makes its name durable, once per process.
  [[nodiscard]] Status ensure_project_dir(std::string_view project_id);

  std::string data_dir_;
  FaultHook hook_;
  std::mutex dirs_mutex_;
  std::set<std::string, std::less<>> known_project_dirs_;
};

}  // namespace sealshot::server
