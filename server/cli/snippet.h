// The embed snippet `sealshot project create` and `project snippet` print:
// the <script> tag of docs/widget.md, pinned to the served loader with
// Subresource Integrity when the widget build is at hand.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "storage/storage.h"

namespace sealshot::cli {

struct SnippetOptions {
  std::string public_url = "https://localhost:8443";  // where sealshot-server serves /widget.js
  std::string widget_dir;                             // the build it serves; empty: no integrity
};

// Adds --public-url and --widget-dir (env SEALSHOT_WIDGET_DIR) to a command.
void add_snippet_options(CLI::App* command, SnippetOptions& options);

// The origin the snippet points at, normalised; throws CommandError when
// --public-url is not scheme://host[:port].
std::string snippet_origin(const SnippetOptions& options);

// sha384-… of DIR/widget.js, or nothing without a widget dir. A widget dir
// without widget.js is an error.
std::optional<std::string> loader_integrity(const SnippetOptions& options);

// Says on stderr that the snippet printed has no integrity attribute, and why.
void note_unpinned();

std::string embed_snippet(const std::string& origin, const server::Project& project,
                          const std::optional<std::string>& integrity);

}  // namespace sealshot::cli
