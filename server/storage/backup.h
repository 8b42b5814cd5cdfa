// Backups of the embedded backend, and restoring them.
//
// A backup directory holds sealshot.db (a self-contained copy made with
// SQLite's online backup API from one read snapshot, so the server keeps
// serving), segments/00000001.seg with every envelope of that snapshot back
// to back (compacted: no holes, no other process's appends), and
// manifest.json with counts, written last: no manifest, no backup. Format 1
// backups (schema version 1) held blobs/<project>/<id>.env files instead;
// they can still be verified and restored.
#pragma once

#include <cstdint>
#include <string>

#include "blob_log.h"
#include "result.h"
#include "sqlite_db.h"

namespace sealshot::server {

inline constexpr int kBackupFormatVersion = 2;

struct BackupManifest {
  int format_version = kBackupFormatVersion;
  int schema_version = 0;
  std::int64_t created_at_ms = 0;
  std::uint64_t projects = 0;
  std::uint64_t submissions = 0;
  std::uint64_t blob_bytes = 0;  // envelope bytes
  // Rows of the snapshot deleted before their bytes were copied (a delete or
  // purge racing the backup); left out of the backup.
  std::uint64_t deleted_during_backup = 0;
};

// `source` and `live` are two connections to the live database: the copy is
// the snapshot `source` reads (its open read transaction, if it has one);
// `live` sees later commits, to tell which rows were deleted meanwhile.
// `live_blobs` is the live directory's blob log.
[[nodiscard]] Status backup_write(sqlite::Connection& source, sqlite::Connection& live, const BlobLog& live_blobs,
                                  const std::string& backup_dir, std::int64_t now_ms, int busy_timeout_ms);

// Checks a backup without changing it: manifest, SQLite integrity, schema
// version, counts, and every envelope present with its recorded size.
[[nodiscard]] Result<BackupManifest> backup_verify(const std::string& backup_dir);

}  // namespace sealshot::server
