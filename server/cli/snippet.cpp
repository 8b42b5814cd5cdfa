#include "snippet.h"

#include <iostream>

#include "cli_error.h"
#include "storage/storage.h"
#include "widget_files.h"

namespace sealshot::cli {

void add_snippet_options(CLI::App* command, SnippetOptions& options) {
  command->add_option("--public-url", options.public_url, "Where sealshot-server is reachable, for the snippet")
      ->capture_default_str();
  command
      ->add_option("--widget-dir", options.widget_dir,
                   "The widget build the server serves (its --widget-dir): pins widget.js with integrity=")
      ->envname("SEALSHOT_WIDGET_DIR");
}

std::string snippet_origin(const SnippetOptions& options) {
  std::string public_url = options.public_url;
  while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();
  Result<std::string> url = server::origin_normalize(public_url);
  if (!url.ok()) throw CommandError("--public-url: " + url.message());
  return url.value();
}

std::optional<std::string> loader_integrity(const SnippetOptions& options) {
  if (options.widget_dir.empty()) return std::nullopt;
  // The same reading and hashing as the server's, so the two cannot disagree.
  const widget::WidgetFiles files = take(widget::load_widget_files(options.widget_dir));
  return files.loader()->integrity;
}

void note_unpinned() {
  std::cerr << "No widget directory (--widget-dir or SEALSHOT_WIDGET_DIR): the snippet has no integrity "
               "attribute, so browsers run whatever widget.js the server sends.\n";
}

std::string embed_snippet(const std::string& origin, const server::Project& project,
                          const std::optional<std::string>& integrity) {
  std::string tag = "<script src=\"" + origin + "/widget.js\" data-project=\"" + project.id + "\" data-key=\"" +
                    project.public_key + "\"";
  // SRI needs a CORS fetch: crossorigin="anonymous" (the server answers with
  // Access-Control-Allow-Origin: *; no cookies are sent).
  if (integrity) tag += " integrity=\"" + *integrity + "\" crossorigin=\"anonymous\"";
  return tag + " async></script>";
}

}  // namespace sealshot::cli
