#include "backup_manifest.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fs_util.h"

namespace sealshot::server {
namespace {

constexpr const char* kManifestName = "manifest.json";
constexpr const char* kManifestFormat = "sealshot-backup";

}  // namespace

Status manifest_write(const std::string& dir, const BackupManifest& m) {
  const nlohmann::json json = {
      {"format", kManifestFormat},
      {"format_version", m.format_version},
      {"schema_version", m.schema_version},
      {"created_at_ms", m.created_at_ms},
      {"projects", m.projects},
      {"submissions", m.submissions},
      {"blob_bytes", m.blob_bytes},
      {"deleted_during_backup", m.deleted_during_backup},
  };
  const std::string text = json.dump(2) + "\n";
  const std::string temp = dir + "/" + kManifestName + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return io_error(errno, "create " + temp);
  const bool ok = write_all(fd, text.data(), text.size()) && ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) return io_error(err, "write " + temp);
  if (::rename(temp.c_str(), (dir + "/" + kManifestName).c_str()) != 0) return io_error(errno, "rename " + temp);
  return fsync_directory(dir);
}

Result<BackupManifest> manifest_read(const std::string& dir) {
  const std::string path = dir + "/" + kManifestName;
  std::ifstream in(path);
  const Status incomplete(ErrorCode::invalid_argument,
                          "'" + dir + "' is not a complete Sealshot backup (manifest.json is missing or unreadable).");
  if (!in) return incomplete;
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || json.value("format", "") != kManifestFormat) return incomplete;
  BackupManifest m;
  try {
    m.format_version = json.at("format_version").get<int>();
    m.schema_version = json.at("schema_version").get<int>();
    m.created_at_ms = json.at("created_at_ms").get<std::int64_t>();
    m.projects = json.at("projects").get<std::uint64_t>();
    m.submissions = json.at("submissions").get<std::uint64_t>();
    m.blob_bytes = json.at("blob_bytes").get<std::uint64_t>();
    m.deleted_during_backup = json.value("deleted_during_backup", std::uint64_t{0});
  } catch (const nlohmann::json::exception&) {
    return incomplete;
  }
  if (m.format_version < 1 || m.format_version > kBackupFormatVersion) {
    return Status(ErrorCode::invalid_argument, "'" + dir + "' has backup format version " +
                                                   std::to_string(m.format_version) +
                                                   ", which this build cannot read.");
  }
  return m;
}

Result<std::uint64_t> backup_count_rows(sqlite::Connection& db, const char* table) {
  Result<sqlite::Statement> stmt = sqlite::Statement::prepare(db, std::string("SELECT count(*) FROM ") + table);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt.value().step("count rows");
  if (!row.ok()) return row.status();
  return std::uint64_t(stmt.value().column_int(0));
}

Status backup_fsync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error(errno, "open " + path);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  return rc == 0 ? Status() : io_error(err, "sync " + path);
}

}  // namespace sealshot::server
