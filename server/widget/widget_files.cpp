#include "widget_files.h"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace sealshot::widget {
namespace {

namespace fs = std::filesystem;

std::array<unsigned char, 48> sha384(std::string_view bytes) {
  std::array<unsigned char, 48> digest{};
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, EVP_sha384(), nullptr);
  return digest;
}

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(std::max(written, 0)));
  return out;
}

std::string hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < size; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 15];
  }
  return out;
}

// RFC 9110 IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(std::time_t t) {
  std::tm utc{};
  ::gmtime_r(&t, &utc);
  char text[40];
  const std::size_t n = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return {text, n};
}

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// "stem.HEX.ext": the build names every file the loader fetches this way.
bool is_content_hashed(std::string_view name, std::string_view ext) {
  if (name.size() <= ext.size() || name.substr(name.size() - ext.size()) != ext) return false;
  const std::string_view rest = name.substr(0, name.size() - ext.size());  // "stem.HEX"
  const std::size_t dot = rest.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  const std::string_view stem = rest.substr(0, dot), digest = rest.substr(dot + 1);
  const bool stem_ok = std::all_of(stem.begin(), stem.end(),
                                   [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
  return stem_ok && digest.size() >= 8 && digest.size() <= 64 && is_hex(digest);
}

}  // namespace

bool is_widget_file_name(std::string_view name) {
  return name == kLoaderName || is_content_hashed(name, ".js") || is_content_hashed(name, ".wasm");
}

std::string sri_sha384(std::string_view bytes) {
  const auto digest = sha384(bytes);
  return "sha384-" + base64(digest.data(), digest.size());
}

const WidgetFile* WidgetFiles::find(std::string_view name) const {
  for (const WidgetFile& f : files) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

Result<WidgetFiles> load_widget_files(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status(ErrorCode::not_found, "The widget directory " + dir + " does not exist (build it: scripts/build).");
  }
  WidgetFiles out;
  out.dir = dir;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!is_widget_file_name(name) || !it->is_regular_file(ec)) continue;
    struct stat st {};
    if (::stat(it->path().c_str(), &st) != 0) {
      return Status(ErrorCode::storage_error, "Cannot read " + it->path().string() + ".");
    }
    if (static_cast<std::uint64_t>(st.st_size) > kMaxWidgetFileBytes) {
      return Status(ErrorCode::invalid_argument, it->path().string() + " is over 16 MiB: not a widget build.");
    }
    std::ifstream in(it->path(), std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) return Status(ErrorCode::storage_error, "Cannot read " + it->path().string() + ".");

    WidgetFile file;
    file.name = name;
    file.content_type = name.ends_with(".wasm") ? "application/wasm" : "text/javascript; charset=utf-8";
    const auto digest = sha384(body);
    file.integrity = "sha384-" + base64(digest.data(), digest.size());
    file.etag = "\"" + hex(digest.data(), 16) + "\"";
    file.last_modified = http_date(st.st_mtime);
    file.immutable = name != kLoaderName;
    file.body = std::move(body);
    out.files.push_back(std::move(file));
  }
  if (ec) return Status(ErrorCode::storage_error, "Cannot list the widget directory " + dir + ": " + ec.message());
  if (out.find(kLoaderName) == nullptr) {
    return Status(ErrorCode::not_found, "The widget directory " + dir + " has no widget.js (build it: scripts/build).");
  }
  std::sort(out.files.begin(), out.files.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

}  // namespace sealshot::widget
