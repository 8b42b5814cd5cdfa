// Backups of the embedded backend, and restoring them.
//
// A backup directory holds sealshot.db (a self-contained copy made with
// SQLite's online backup API from one read snapshot, so the server keeps
// serving), blobs/<project>/<id>.env for every row of that snapshot (hard
// links when on the same file system: blobs are never modified in place),
// and manifest.json with counts, written last: no manifest, no backup.
#pragma once

#include <cstdint>
#include <string>

#include "result.h"
#include "sqlite_db.h"

namespace sealshot::server {

inline constexpr int kBackupFormatVersion = 1;

struct BackupManifest {
  int format_version = kBackupFormatVersion;
  int schema_version = 0;
  std::int64_t created_at_ms = 0;
  std::uint64_t projects = 0;
  std::uint64_t submissions = 0;
  std::uint64_t blob_bytes = 0;
  // Rows of the snapshot whose blob was deleted before it could be linked
  // (a delete or purge racing the backup); left out of the backup.
  std::uint64_t deleted_during_backup = 0;
};

// `source` is a connection to the live database; `data_dir` holds its blobs.
[[nodiscard]] Status backup_write(sqlite::Connection& source, const std::string& data_dir,
                                  const std::string& backup_dir, std::int64_t now_ms, int busy_timeout_ms);

// Checks a backup without changing it: manifest, SQLite integrity, schema
// version, counts, and every blob present with its recorded size.
[[nodiscard]] Result<BackupManifest> backup_verify(const std::string& backup_dir);

}  // namespace sealshot::server
