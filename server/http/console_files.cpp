#include "http/console_files.h"

#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "http/route_table.h"
#include "http/widget_handler.h"

namespace sealshot::http {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSignInPage = "index.html";
constexpr std::string_view kLinkPage = "link.html";

bool is_page(std::string_view name) { return name == kSignInPage || name == kLinkPage; }

// "stem.HEX.ext" with a lower-case stem: what the console build writes.
bool is_content_hashed(std::string_view name) {
  const std::size_t ext_dot = name.rfind('.');
  if (ext_dot == std::string_view::npos) return false;
  const std::string_view ext = name.substr(ext_dot + 1);
  if (ext != "js" && ext != "wasm" && ext != "css" && ext != "ttf") return false;
  const std::string_view rest = name.substr(0, ext_dot);
  const std::size_t dot = rest.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  const std::string_view stem = rest.substr(0, dot), digest = rest.substr(dot + 1);
  const bool stem_ok = std::all_of(stem.begin(), stem.end(),
                                   [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
  const bool digest_ok = digest.size() == 16 && std::all_of(digest.begin(), digest.end(), [](char c) {
                           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                         });
  return stem_ok && digest_ok;
}

std::string content_type(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".wasm")) return "application/wasm";
  if (name.ends_with(".ttf")) return "font/ttf";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  return "text/javascript; charset=utf-8";
}

std::string http_date(std::time_t t) {
  std::tm utc{};
  ::gmtime_r(&t, &utc);
  char text[40];
  const std::size_t n = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return {text, n};
}

void serve(const ConsoleFile& file, const httplib::Request& req, httplib::Response& res) {
  // The widget's handler does validators, caching and Range the same way;
  // the console is same-origin only, so its CORS headers are taken back.
  // (cpp-httplib's set_header adds a line; the widget's values are erased first.)
  handle_widget_file(file, req, res);
  res.headers.erase("Access-Control-Allow-Origin");
  res.headers.erase("Cross-Origin-Resource-Policy");
  res.set_header("Cross-Origin-Resource-Policy", "same-origin");
  if (!file.immutable) {
    res.headers.erase("Cache-Control");
    res.set_header("Cache-Control", "no-cache");
  }
  if (file.name.ends_with(".html")) {
    res.set_header("Content-Security-Policy", kConsoleContentSecurityPolicy);
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Cross-Origin-Opener-Policy", "same-origin");
  }
}

}  // namespace

bool is_console_file_name(std::string_view name) { return is_page(name) || is_content_hashed(name); }

Result<ConsoleFiles> load_console_files(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status(ErrorCode::not_found, "The console directory " + dir + " does not exist (build it: scripts/build).");
  }
  ConsoleFiles out;
  out.dir = dir;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!is_console_file_name(name) || !it->is_regular_file(ec)) continue;
    struct stat st {};
    if (::stat(it->path().c_str(), &st) != 0)
      return Status(ErrorCode::storage_error, "Cannot read " + it->path().string() + ".");
    if (static_cast<std::uint64_t>(st.st_size) > widget::kMaxWidgetFileBytes) {
      return Status(ErrorCode::invalid_argument, it->path().string() + " is over 16 MiB: not a console build.");
    }
    std::ifstream in(it->path(), std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) return Status(ErrorCode::storage_error, "Cannot read " + it->path().string() + ".");
    ConsoleFile file;
    file.name = name;
    file.content_type = content_type(name);
    file.integrity = widget::sri_sha384(body);
    // A strong validator from the content hash (base64 is valid etag text).
    file.etag = "\"" + file.integrity.substr(7, 22) + "\"";
    file.last_modified = http_date(st.st_mtime);
    file.immutable = !is_page(name);
    file.body = std::move(body);
    out.files.push_back(std::move(file));
  }
  if (ec) return Status(ErrorCode::storage_error, "Cannot list the console directory " + dir + ": " + ec.message());
  std::sort(out.files.begin(), out.files.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  if (std::none_of(out.files.begin(), out.files.end(), [](const auto& f) { return f.name == kSignInPage; })) {
    return Status(ErrorCode::not_found,
                  "The console directory " + dir + " has no index.html (build it: scripts/build).");
  }
  return out;
}

void register_console_routes(Router& router, const ConsoleFiles& files) {
  for (const ConsoleFile& file : files.files) {
    const auto handler = [&file](const auto& req, auto& res) { serve(file, req, res); };
    if (file.name == kSignInPage) {
      router.get_exact("/console/", "console", handler);
      router.get_exact("/console", "console", handler);
    } else if (file.name == kLinkPage) {
      router.get_exact("/console/link", "console", handler);
    } else {
      router.get_exact("/console/" + file.name, "console", handler);
    }
  }
}

}  // namespace sealshot::http
