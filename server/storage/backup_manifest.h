// manifest.json of a backup directory (backup.h), and the small helpers the
// backup and the restore share.
#pragma once

#include <string>

#include "backup.h"
#include "result.h"
#include "sqlite_db.h"

namespace sealshot::server {

[[nodiscard]] Status manifest_write(const std::string& backup_dir, const BackupManifest& manifest);
// invalid_argument when missing, unreadable or of a format this build cannot read.
[[nodiscard]] Result<BackupManifest> manifest_read(const std::string& backup_dir);

[[nodiscard]] Result<std::uint64_t> backup_count_rows(sqlite::Connection& db, const char* table);
[[nodiscard]] Status backup_fsync_file(const std::string& path);

}  // namespace sealshot::server
