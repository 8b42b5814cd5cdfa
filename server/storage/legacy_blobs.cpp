#include "legacy_blobs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string_view>
#include <vector>

#include "envelope_rows.h"
#include "fs_util.h"
#include "ids.h"
#include "upload_buffer.h"

namespace sealshot::server {
namespace {

constexpr std::string_view kBlobSuffix = ".env";

Status read_file_into(const std::string& path, UploadBuffer& body) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error(errno, "open " + path);
  auto chunk = std::make_unique_for_overwrite<std::uint8_t[]>(UploadBuffer::kBlockBytes);
  Status result;
  for (;;) {
    const ssize_t n = ::read(fd, chunk.get(), UploadBuffer::kBlockBytes);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) result = io_error(errno, "read " + path);
    if (n <= 0) break;
    if (result = body.write({chunk.get(), std::size_t(n)}); !result.ok()) break;
  }
  ::close(fd);
  return result;
}

// The submission id of a file name like "sub_….env", or empty.
std::string submission_of(const std::string& name) {
  if (name.size() <= kBlobSuffix.size() || name.substr(name.size() - kBlobSuffix.size()) != kBlobSuffix) return {};
  std::string id = name.substr(0, name.size() - kBlobSuffix.size());
  return submission_id_is_well_formed(id) ? id : std::string();
}

enum class Outcome { imported, orphan, already_there };

// One transaction: the file becomes the envelope of its row, if the row
// exists and has none yet.
Result<Outcome> import_one(GroupCommitter& committer, BlobLog& blobs, const std::string& project_id,
                           const std::string& id, const UploadBuffer& body) {
  Outcome outcome = Outcome::imported;
  Result<BlobLocation> location = blobs.append(body);
  if (!location.ok()) return location.status();
  Status s = committer.run([&](sqlite::Connection& db) -> Status {
    Result<sqlite::Statement> find = sqlite::Statement::prepare(
        db,
        "SELECT EXISTS (SELECT 1 FROM submissions WHERE project_id = ?1 AND submission_id = ?2), "
        "       EXISTS (SELECT 1 FROM envelopes WHERE project_id = ?1 AND submission_id = ?2)");
    if (!find.ok()) return find.status();
    find.value().bind(1, project_id).bind(2, id);
    Result<bool> row = find.value().step("look up a version 1 envelope");
    if (!row.ok()) return row.status();
    if (find.value().column_int(0) == 0) {
      outcome = Outcome::orphan;
      return {};
    }
    if (find.value().column_int(1) != 0) {
      outcome = Outcome::already_there;
      return {};
    }
    return envelope_insert(db, project_id, id, location.value());
  });
  if (!s.ok() || outcome != Outcome::imported) (void)blobs.release(location.value());
  if (!s.ok()) return s;
  return outcome;
}

}  // namespace

bool legacy_blobs_present(const std::string& data_dir) {
  Result<std::vector<std::string>> projects = list_directory(data_dir + "/blobs");
  if (!projects.ok()) return false;
  for (const std::string& project_id : projects.value()) {
    if (!project_id_is_well_formed(project_id)) continue;
    Result<std::vector<std::string>> files = list_directory(data_dir + "/blobs/" + project_id);
    if (!files.ok()) continue;
    for (const std::string& name : files.value()) {
      if (!submission_of(name).empty()) return true;
    }
  }
  return false;
}

Result<LegacyImport> legacy_blobs_import(const std::string& data_dir, const std::string& staging_dir,
                                         GroupCommitter& committer, BlobLog& blobs) {
  LegacyImport report;
  const std::string blobs_dir = data_dir + "/blobs";
  Result<std::vector<std::string>> projects = list_directory(blobs_dir);
  if (!projects.ok()) return projects.status();
  for (const std::string& project_id : projects.value()) {
    if (!project_id_is_well_formed(project_id)) continue;
    const std::string project_dir = blobs_dir + "/" + project_id;
    Result<std::vector<std::string>> files = list_directory(project_dir);
    if (!files.ok()) return files.status();
    for (const std::string& name : files.value()) {
      const std::string id = submission_of(name);
      if (id.empty()) continue;
      const std::string path = project_dir + "/" + name;
      UploadBuffer body(staging_dir, nullptr);
      if (Status s = read_file_into(path, body); !s.ok()) return s;
      Result<Outcome> outcome = import_one(committer, blobs, project_id, id, body);
      if (!outcome.ok()) return outcome.status();
      // Committed (or not needed): only now may the file go.
      if (::unlink(path.c_str()) != 0 && errno != ENOENT) return io_error(errno, "remove " + path);
      if (outcome.value() == Outcome::imported) ++report.imported;
      if (outcome.value() == Outcome::orphan) ++report.orphans_removed;
    }
    ::rmdir(project_dir.c_str());  // fails, harmlessly, if something not ours is left
  }
  ::rmdir(blobs_dir.c_str());
  return report;
}

}  // namespace sealshot::server
