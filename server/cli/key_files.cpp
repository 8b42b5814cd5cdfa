#include "key_files.h"

#include <sys/stat.h>

#include <cstdio>
#include <vector>

#include "file_io.h"

namespace sealshot::cli {
namespace {

// Every secret key file written before the type marker existed starts with
// this comment (sealshot keygen and project create); those files are the only
// copies of their projects' keys, so they are still read, as secret keys.
constexpr std::string_view kLegacySecretComment = "# Sealshot project secret key";
constexpr std::uint64_t kMaxKeyFileBytes = 4096;

enum class Kind { public_key, secret_key, unmarked, other };

struct KeyFile {
  Kind kind = Kind::other;
  std::string first_line;
  std::vector<std::string> keys;  // lines that are neither blank nor '#' comments
};

bool is_blank(std::string_view line) { return line.find_first_not_of(" \t") == std::string_view::npos; }

bool starts_with_marker(std::string_view line, std::string_view marker) {
  return line.substr(0, marker.size()) == marker && (line.size() == marker.size() || line[marker.size()] == ':');
}

Kind kind_of(std::string_view first_line) {
  if (starts_with_marker(first_line, kPublicKeyFileMarker)) return Kind::public_key;
  if (starts_with_marker(first_line, kSecretKeyFileMarker)) return Kind::secret_key;
  if (first_line.substr(0, kLegacySecretComment.size()) == kLegacySecretComment) return Kind::secret_key;
  if (first_line.empty() || first_line.front() != '#') return Kind::unmarked;
  return Kind::other;
}

Result<KeyFile> parse(const std::string& path) {
  Result<std::vector<std::uint8_t>> bytes = read_file(path, kMaxKeyFileBytes);
  if (!bytes.ok()) return bytes.status();
  const std::string text(bytes.value().begin(), bytes.value().end());
  KeyFile file;
  bool first = true;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (first && is_blank(line)) continue;  // leading blank lines do not count as the first line
    if (first) {
      file.first_line = line;
      file.kind = kind_of(line);
      first = false;
    }
    if (!is_blank(line) && line.front() != '#') file.keys.push_back(line);
  }
  if (first) return Status(ErrorCode::bad_key, "'" + path + "' is empty; it holds no key.");
  return file;
}

Status count_keys(const KeyFile& file, const std::string& path) {
  if (file.keys.empty()) return {ErrorCode::bad_key, "'" + path + "' holds no key."};
  if (file.keys.size() > 1) {
    return {ErrorCode::bad_key, "'" + path + "' holds " + std::to_string(file.keys.size()) +
                                    " keys; a key file holds exactly one, so none of them is used."};
  }
  return {};
}

Status not_a_key_file(const std::string& path) {
  return {ErrorCode::bad_key, "'" + path + "' is not a sealshot key file: its first line is neither '" +
                                  std::string(kPublicKeyFileMarker) + "' nor '" + std::string(kSecretKeyFileMarker) +
                                  "'."};
}

std::string with_path(const std::string& path, const Status& s) {
  return "'" + path + "' holds no valid key: " + s.message();
}

}  // namespace

std::string public_key_file_text(const PublicKey& key) {
  return std::string(kPublicKeyFileMarker) + ": this project's public key; it seals reports and may be shared.\n" +
         key_to_text(key) + "\n";
}

std::string secret_key_file_text(const SecretKey& key) {
  return std::string(kSecretKeyFileMarker) + ": opens this project's reports; keep it private (mode 0600).\n" +
         key_to_text(key) + "\n";
}

Result<PublicKey> read_public_key_file(const std::string& path, std::string_view option) {
  Result<KeyFile> file = parse(path);
  if (!file.ok()) return file.status();
  const KeyFile& f = file.value();
  if (f.kind == Kind::secret_key) {
    return Status(ErrorCode::bad_key,
                  "'" + path + "' is a secret key file; " + std::string(option) +
                      " wants the project's public key file (first line '" + std::string(kPublicKeyFileMarker) +
                      "', written by `sealshot keygen --public-key-out`). Sealing to a secret key would make a "
                      "report nobody can open.");
  }
  // Unmarked: public key files of earlier versions, or a key copied from a
  // snippet's data-key. A public key may be read from one: the worst a wrong
  // one does is seal reports its owner cannot open, and the marker-less
  // secret files that could be mistaken for one were never written.
  if (f.kind == Kind::other) return not_a_key_file(path);
  if (Status s = count_keys(f, path); !s.ok()) return s;
  Result<PublicKey> key = public_key_from_text(f.keys.front());
  if (!key.ok()) return Status(ErrorCode::bad_key, with_path(path, key.status()));
  return key;
}

Result<SecretKey> read_secret_key_file(const std::string& path, std::string_view option) {
  Result<KeyFile> file = parse(path);
  if (!file.ok()) return file.status();
  const KeyFile& f = file.value();
  if (f.kind == Kind::public_key) {
    return Status(ErrorCode::bad_key, "'" + path + "' is a public key file; " + std::string(option) +
                                          " wants the project's secret key file (first line '" +
                                          std::string(kSecretKeyFileMarker) +
                                          "', written by `sealshot keygen --secret-key-out` or `sealshot project "
                                          "create --secret-key-out`).");
  }
  if (f.kind == Kind::unmarked) {
    return Status(ErrorCode::bad_key,
                  "'" + path + "' does not say it is a secret key: its first line is not '" +
                      std::string(kSecretKeyFileMarker) + "' (public key files of earlier versions look like this). " +
                      std::string(option) +
                      " wants the file written by `sealshot keygen --secret-key-out` or `sealshot project create`; if "
                      "this file does hold a secret key, put that line above the key.");
  }
  if (f.kind == Kind::other) return not_a_key_file(path);
  if (Status s = count_keys(f, path); !s.ok()) return s;
  // Like ssh: a secret key others can read is refused, not used with a warning
  // nobody reads; the fix is one chmod.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
    return Status(ErrorCode::bad_key, "'" + path + "' may be read or changed by other users (mode " + mode +
                                          "); a secret key file must be private: chmod 600 '" + path + "'.");
  }
  Result<SecretKey> key = secret_key_from_text(f.keys.front());
  if (!key.ok()) return Status(ErrorCode::bad_key, with_path(path, key.status()));
  return key;
}

}  // namespace sealshot::cli
