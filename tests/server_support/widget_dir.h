// A widget build for the widget file tests and the sealshot-server binary test.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

namespace sealshot::http {

// A widget build as widget-js/build.mjs lays it out, plus files that must
// never be served.
inline std::string make_widget_dir(const std::string& parent) {
  const std::string dir = parent + "/widget";
  std::filesystem::create_directories(dir + "/esm");
  std::ofstream(dir + "/widget.js") << "abc";  // SHA-384 test vector
  std::ofstream(dir + "/widget-app.0123456789abcdef.js") << "window.app = 1;";
  std::ofstream(dir + "/core.fedcba9876543210.wasm", std::ios::binary) << std::string("\0asm\1\0\0\0", 8);
  std::ofstream(dir + "/widget-app.js") << "an unhashed leftover";
  std::ofstream(dir + "/sizes.json") << "{}";
  std::ofstream(dir + "/notes.0123456789abcdef.txt") << "x";
  std::ofstream(dir + "/esm/sealshot.mjs") << "export {};";
  std::filesystem::create_directories(dir + "/nested.0123456789abcdef.js");  // a directory with an allowed name
  return dir;
}

}  // namespace sealshot::http
