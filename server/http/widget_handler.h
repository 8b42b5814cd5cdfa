// GET/HEAD of the widget's own files (--widget-dir): the loader at its fixed
// URL and the content-hashed files it fetches, all from memory.
#pragma once

#include <httplib.h>

#include "widget/widget_files.h"

namespace sealshot::http {

// The loader's URL never changes, so it may be cached only briefly (a new
// build reaches pages within minutes); the hashed files never change behind
// their name, so a year, immutable.
inline constexpr const char* kLoaderCacheControl = "public, max-age=300";
inline constexpr const char* kImmutableCacheControl = "public, max-age=31536000, immutable";

void handle_widget_file(const widget::WidgetFile& file, const httplib::Request& req, httplib::Response& res);

}  // namespace sealshot::http
