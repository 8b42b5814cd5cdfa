#include "http/widget_handler.h"

#include <string_view>

#include "http/header_text.h"

namespace sealshot::http {
namespace {

// If-None-Match uses the weak comparison (RFC 9110 13.1.2): "W/" is ignored.
bool none_match_hits(const std::string& header, const std::string& etag) {
  std::string_view rest = header;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    std::string_view tag = trim_ows(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

}  // namespace

void handle_widget_file(const widget::WidgetFile& file, const httplib::Request& req, httplib::Response& res) {
  // Public bytes, fetched cross-origin by every site that embeds the widget:
  // the script tags use crossorigin="anonymous" (SRI needs CORS) and core.wasm
  // is fetched with fetch(). No credentials are ever involved, so "*".
  res.set_header("Access-Control-Allow-Origin", "*");
  // For pages that send Cross-Origin-Embedder-Policy: require-corp.
  res.set_header("Cross-Origin-Resource-Policy", "cross-origin");
  res.set_header("Cache-Control", file.immutable ? kImmutableCacheControl : kLoaderCacheControl);
  res.set_header("ETag", file.etag);
  res.set_header("Last-Modified", file.last_modified);
  // Small files: a Range is answered with the whole file (200), and HEAD
  // says so rather than cpp-httplib's default "bytes".
  res.set_header("Accept-Ranges", "none");
  if (req.has_header("If-None-Match") && none_match_hits(req.get_header_value("If-None-Match"), file.etag)) {
    res.status = 304;
    // The length the 200 would have (a 304 has no body either way), rather
    // than the Content-Length: 0 cpp-httplib would add.
    res.set_header("Content-Length", std::to_string(file.body.size()));
    return;
  }
  res.status = 200;
  res.set_content(file.body, file.content_type);
}

}  // namespace sealshot::http
