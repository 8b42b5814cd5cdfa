#include "report_open.h"

#include <filesystem>
#include <iostream>
#include <vector>

#include "cli_error.h"
#include "envelope.h"
#include "file_io.h"
#include "payload.h"

namespace sealshot::cli {

void report_open_into(std::span<const std::uint8_t> envelope, const SecretKey& key,
                      std::string_view expected_project_id, const std::string& out_dir, bool private_output) {
  const std::string project =
      expected_project_id.empty() ? take(envelope_parse_header(envelope)).project_id : std::string(expected_project_id);
  const std::vector<std::uint8_t> payload = take(envelope_open(envelope, key, project));
  const std::vector<PayloadPart> parts = take(payload_unpack(payload));
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw CommandError("Cannot create '" + out_dir + "': " + ec.message() + ".");
  if (private_output) {
    std::filesystem::permissions(out_dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace, ec);
    if (ec) throw CommandError("Cannot make '" + out_dir + "' private: " + ec.message() + ".");
  }
  for (const PayloadPart& part : parts) {
    // Part names are restricted to [a-z0-9._-] without a leading dot, so they
    // cannot leave out_dir.
    const std::string path = (std::filesystem::path(out_dir) / part.name).string();
    check(write_file_atomic(path, part.data.data(), part.data.size(), private_output ? 0600 : 0644));
    std::cout << path << "\n";
  }
}

}  // namespace sealshot::cli
