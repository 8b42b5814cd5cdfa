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
#include "storage.h"  // BackupManifest, backup_verify

namespace sealshot::server {

[[nodiscard]] Status backup_write(sqlite::Connection& source, sqlite::Connection& live, const BlobLog& live_blobs,
                                  const std::string& backup_dir, std::int64_t now_ms, int busy_timeout_ms);

// Checks a backup without changing it: manifest, SQLite integrity, schema
// version, counts, and every envelope present with its recorded size.

}  // namespace sealshot::server
