// Data directories (and backups) of schema version 1 kept each envelope as a
// file, blobs/<project>/<submission>.env. Version 2 appends envelopes to
// segments (blob_log.h); this moves such files in, so upgrading loses nothing.
#pragma once

#include <cstdint>
#include <string>

#include "blob_log.h"
#include "group_commit.h"
#include "result.h"

namespace sealshot::server {

struct LegacyImport {
  std::uint64_t imported = 0;         // files whose submission row exists: now in envelopes
  std::uint64_t orphans_removed = 0;  // files without a row (a version 1 crash leftover)
};

// True when blobs/ holds at least one file the import below would take.
[[nodiscard]] bool legacy_blobs_present(const std::string& data_dir);

// For every blobs/<project>/<submission>.env: one transaction appends it as
// that submission's envelope (unless it already has one), then the file is
// removed, so an interrupted import simply continues next time. Files that
// are not ours are left alone. Empty directories are removed afterwards.
[[nodiscard]] Result<LegacyImport> legacy_blobs_import(const std::string& data_dir, const std::string& staging_dir,
                                                       GroupCommitter& committer, BlobLog& blobs);

}  // namespace sealshot::server
