// restore_sqlite_backup (storage.h): copies a verified backup into an empty
// data directory, then opens it the way the server would, so an older
// schema is migrated and format 1 envelope files are imported.
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <set>
#include <vector>

#include "backup.h"
#include "fs_util.h"
#include "sqlite_storage.h"

namespace sealshot::server {
namespace {

// Format 1: blobs/<project>/<id>.env files go where a version 1 data
// directory had them; the start-up check imports them (legacy_blobs.h).
Status copy_blob_files(const std::string& backup_dir, const std::string& data_dir) {
  Result<std::vector<std::string>> projects = list_directory(backup_dir + "/blobs");
  if (!projects.ok()) return projects.status();
  if (Status s = make_directory(data_dir + "/blobs"); !s.ok()) return s;
  for (const std::string& project : projects.value()) {
    const std::string from = backup_dir + "/blobs/" + project;
    const std::string to = data_dir + "/blobs/" + project;
    Result<std::vector<std::string>> files = list_directory(from);
    if (!files.ok()) return files.status();
    if (Status s = make_directory(to); !s.ok()) return s;
    for (const std::string& file : files.value()) {
      if (Status s = copy_file_durable(from + "/" + file, to + "/" + file); !s.ok()) return s;
    }
    if (Status s = fsync_directory(to); !s.ok()) return s;
  }
  return fsync_directory(data_dir + "/blobs");
}

// Format 2: the segment files.
Status copy_segments(const std::string& backup_dir, const std::string& data_dir) {
  Result<std::vector<std::string>> files = list_directory(backup_dir + "/segments");
  if (!files.ok()) return files.status();
  if (Status s = make_directory(data_dir + "/segments"); !s.ok()) return s;
  for (const std::string& file : files.value()) {
    // Copies, not links: the restored data must not share inodes with the
    // backup it may need again.
    if (Status s = copy_file_durable(backup_dir + "/segments/" + file, data_dir + "/segments/" + file); !s.ok()) {
      return s;
    }
  }
  return fsync_directory(data_dir + "/segments");
}

Status restore_into(const std::string& backup_dir, const BackupManifest& manifest, const std::string& data_dir) {
  const Status copied =
      manifest.format_version == 1 ? copy_blob_files(backup_dir, data_dir) : copy_segments(backup_dir, data_dir);
  if (!copied.ok()) return copied;
  // The database last, under a temporary name: a data directory with a
  // sealshot.db is a finished copy.
  const std::string temp = data_dir + "/sealshot.db.restoring";
  if (Status s = copy_file_durable(backup_dir + "/sealshot.db", temp); !s.ok()) return s;
  if (::rename(temp.c_str(), (data_dir + "/sealshot.db").c_str()) != 0) return io_error(errno, "rename " + temp);
  if (Status s = fsync_directory(data_dir); !s.ok()) return s;

  Result<std::unique_ptr<SqliteStorage>> storage = SqliteStorage::open(data_dir, {});
  if (!storage.ok()) return storage.status();
  Result<ConsistencyReport> report = storage.value()->check_and_repair();
  if (!report.ok()) return report.status();
  if (report.value().submissions != manifest.submissions) {
    return {ErrorCode::storage_error, "The restored data directory does not hold the submissions the backup lists."};
  }
  return {};
}

}  // namespace

Status restore_sqlite_backup(const std::string& backup_dir, const std::string& data_dir) {
  Result<bool> empty = directory_is_absent_or_empty(data_dir);
  if (!empty.ok()) return empty.status();
  if (!empty.value()) {
    return {ErrorCode::already_exists,
            "The data directory '" + data_dir + "' is not empty; restore only into a new or empty directory."};
  }
  Result<BackupManifest> manifest = backup_verify(backup_dir);
  if (!manifest.ok()) return manifest.status();

  std::error_code ec;
  const bool existed = std::filesystem::exists(data_dir, ec);
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return {ErrorCode::storage_error, "Cannot create '" + data_dir + "': " + ec.message() + "."};
  std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all, ec);

  const Status restored = restore_into(backup_dir, manifest.value(), data_dir);
  if (!restored.ok()) {
    // The directory was empty before: put it back that way.
    if (existed) {
      std::vector<std::filesystem::path> entries;
      for (auto it = std::filesystem::directory_iterator(data_dir, ec);
           !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
        entries.push_back(it->path());
      }
      for (const auto& entry : entries) std::filesystem::remove_all(entry, ec);
    } else {
      std::filesystem::remove_all(data_dir, ec);
    }
  }
  return restored;
}

}  // namespace sealshot::server
