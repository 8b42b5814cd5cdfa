// The widget's built files (widget-js/build.mjs → build/widget/), read once:
// sealshot-server serves them from memory (--widget-dir) and `sealshot
// project snippet` takes the loader's Subresource Integrity hash from them.
//
// Only an allowlist is read, from the directory's top level: `widget.js`
// (the loader, at a fixed URL) and content-hashed names `stem.HEX.js` /
// `stem.HEX.wasm` (the app bundle and core.wasm the loader pins). Nothing
// else in the directory (esm/, sizes.json, subdirectories) is ever served.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace sealshot::widget {

inline constexpr std::string_view kLoaderName = "widget.js";
// The files are a few hundred KiB; anything far larger is not a widget build.
inline constexpr std::uint64_t kMaxWidgetFileBytes = 16u << 20;

struct WidgetFile {
  std::string name;          // "widget.js", "widget-app.0123abcd….js", "core.0123abcd….wasm"
  std::string content_type;  // text/javascript or application/wasm
  std::string body;
  std::string integrity;      // "sha384-<base64>", as in an integrity="" attribute
  std::string etag;           // strong validator: "\"<hex of the SHA-384 prefix>\""
  std::string last_modified;  // the file's mtime, IMF-fixdate
  bool immutable = false;     // content-hashed name: the bytes behind it never change
};

struct WidgetFiles {
  std::string dir;
  std::vector<WidgetFile> files;  // sorted by name; empty: nothing is served

  [[nodiscard]] const WidgetFile* find(std::string_view name) const;
  [[nodiscard]] const WidgetFile* loader() const { return find(kLoaderName); }
};

// Whether `name` is on the allowlist above (a file name, no directories).
[[nodiscard]] bool is_widget_file_name(std::string_view name);

// Reads and hashes the allowlisted files of `dir`. Fails when `dir` is not a
// directory, has no widget.js, or a file is unreadable or too large.
[[nodiscard]] Result<WidgetFiles> load_widget_files(const std::string& dir);

// "sha384-" + base64(SHA-384(bytes)): the Subresource Integrity string.
[[nodiscard]] std::string sri_sha384(std::string_view bytes);

}  // namespace sealshot::widget
