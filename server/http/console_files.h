// The review console's built files (wasm/console/build.mjs → build/console/),
// read once at start-up (--console-dir) and served from memory at /console/.
//
// Only an allowlist is read from the directory's top level: the pages
// `index.html` (sign-in, at /console/) and `link.html` (set-up links, at
// /console/link), and content-hashed names `stem.HEX.js|wasm|css|ttf` the pages
// load. Pages are revalidated on every visit (a new build must reach the
// browser at once); the hashed files never change behind their name.
#pragma once

#include <httplib.h>

#include <string>
#include <string_view>
#include <vector>

#include "result.h"
#include "widget/widget_files.h"

namespace sealshot::http {

class Router;

// A page or a hashed file; the same fields the widget's files have.
using ConsoleFile = widget::WidgetFile;

struct ConsoleFiles {
  std::string dir;
  std::vector<ConsoleFile> files;  // sorted by name; empty: the console is not served
};

// The console's pages may load only what this server serves; wasm needs
// 'wasm-unsafe-eval'; no inline script or style; nothing may frame them.
inline constexpr const char* kConsoleContentSecurityPolicy =
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob:; "
    "font-src 'self'; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

[[nodiscard]] bool is_console_file_name(std::string_view name);

// Reads and hashes the allowlisted files of `dir`. Fails when `dir` is not a
// directory, has no index.html, or a file is unreadable or too large.
[[nodiscard]] Result<ConsoleFiles> load_console_files(const std::string& dir);

// GET/HEAD routes: /console/ and /console (the sign-in page), /console/link,
// and /console/<hashed name> for each file. Nothing else under /console/.
void register_console_routes(Router& router, const ConsoleFiles& files);

}  // namespace sealshot::http
