#include "project_keys.h"

#include <string>
#include <string_view>

namespace sealshot::console {
namespace {

constexpr std::string_view kOlderKeyStart = "This report is sealed to an older key of the project";

}  // namespace

Result<ProjectKeys> single_project_key(const SecretKey& secret) {
  Result<PublicKey> public_key = public_key_from_secret(secret);
  if (!public_key.ok()) return public_key.status();
  ProjectKeys out;
  out.keys.push_back({0, public_key.value(), secret, true});
  return out;
}

Status none_of_the_keys_opens(const ProjectKeys& keys) {
  if (keys.lacks_older()) {
    return Status(ErrorCode::envelope_wrong_key,
                  std::string(kOlderKeyStart) + " (before key " + std::to_string(keys.keys.back().number) +
                      ") that you were not given: it was sent before the key was rotated. Ask an owner or admin "
                      "to grant you the older keys.");
  }
  return Status(ErrorCode::envelope_wrong_key, "No project key you hold opens the report.");
}

bool is_older_key_refusal(const Status& status) {
  return status.code() == ErrorCode::envelope_wrong_key && status.message().rfind(kOlderKeyStart, 0) == 0;
}

}  // namespace sealshot::console
