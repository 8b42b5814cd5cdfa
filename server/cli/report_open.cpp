#include "report_open.h"

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "cli_error.h"
#include "envelope.h"
#include "payload.h"

namespace sealshot::cli {

void report_open_into(std::span<const std::uint8_t> envelope, const SecretKey& key,
                      std::string_view expected_project_id, const std::string& out_dir, Existing existing) {
  report_open_into(envelope, std::span(&key, 1), expected_project_id, out_dir, existing, "");
}

void report_open_into(std::span<const std::uint8_t> envelope, std::span<const SecretKey> keys,
                      std::string_view expected_project_id, const std::string& out_dir, Existing existing,
                      const std::string& none_opens) {
  const std::string project =
      expected_project_id.empty() ? take(envelope_parse_header(envelope)).project_id : std::string(expected_project_id);
  // A wrong key fails at the sealed content key, before any chunk is
  // decrypted, so trying several costs little.
  std::optional<std::vector<std::uint8_t>> opened;
  Status last{ErrorCode::envelope_wrong_key, "No key to open the report with."};
  for (const SecretKey& key : keys) {
    Result<std::vector<std::uint8_t>> attempt = envelope_open(envelope, key, project);
    if (attempt.ok()) {
      opened = std::move(attempt).value();
      break;
    }
    last = attempt.status();
    if (attempt.code() != ErrorCode::envelope_wrong_key) break;  // damaged, not the wrong key
  }
  if (!opened) {
    if (last.code() == ErrorCode::envelope_wrong_key && !none_opens.empty()) {
      throw CommandError(ErrorCode::envelope_wrong_key, none_opens);
    }
    check(last);
  }
  const std::vector<std::uint8_t> payload = std::move(*opened);
  const std::vector<PayloadPart> parts = take(payload_unpack(payload));
  check(report_check_parts(parts));
  const auto manifest = nlohmann::json::parse(parts.front().data.begin(), parts.front().data.end(), nullptr, false);
  if (!manifest.is_object()) {
    throw CommandError(ErrorCode::payload_malformed,
                       "The report payload is malformed: manifest.json is not a JSON object.");
  }

  // Part names are restricted to [a-z0-9._-] without a leading dot, so they
  // cannot leave out_dir. Every target is checked before the first is written.
  std::vector<std::string> paths;
  for (const PayloadPart& part : parts) {
    paths.push_back((std::filesystem::path(out_dir) / part.name).string());
    check(check_can_write(paths.back(), existing));
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw CommandError(ErrorCode::storage_error, "Cannot create '" + out_dir + "': " + ec.message() + ".");
  std::filesystem::permissions(out_dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace, ec);
  if (ec) throw CommandError(ErrorCode::storage_error, "Cannot make '" + out_dir + "' private: " + ec.message() + ".");
  for (std::size_t i = 0; i < parts.size(); ++i) {
    check(write_file_atomic(paths[i], parts[i].data.data(), parts[i].data.size(), 0600, existing));
    std::cout << paths[i] << "\n";
  }
}

}  // namespace sealshot::cli
