// The widget's files read at start-up (server/widget/widget_files.cpp): the
// allowlist of names, SRI hashes, ETags.
#include "widget/widget_files.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "server_support/server_fixture.h"
#include "server_support/widget_dir.h"

namespace sealshot::http {
namespace {

namespace fs = std::filesystem;

TEST(ServerWidgetFiles, OnlyTheAllowlistIsReadAndHashedOnce) {
  EXPECT_TRUE(widget::is_widget_file_name("widget.js"));
  EXPECT_TRUE(widget::is_widget_file_name("widget-app.0123456789abcdef.js"));
  EXPECT_TRUE(widget::is_widget_file_name("core.fedcba98.wasm"));
  for (const char* name :
       {"widget-app.js", "core.wasm", "sizes.json", "../widget.js", "a/b.01234567.js", ".01234567.js", "x.0123456.js",
        "X.01234567.js", "x.0123456G.js", "x.01234567.JS", "widget.js.map", ""}) {
    EXPECT_FALSE(widget::is_widget_file_name(name)) << name;
  }
  EXPECT_EQ(widget::sri_sha384("abc"), "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn");

  const std::string dir = make_temp_dir();
  const std::string widget_dir = make_widget_dir(dir);
  auto loaded = widget::load_widget_files(widget_dir);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  std::vector<std::string> names;
  for (const auto& f : loaded.value().files) names.push_back(f.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"core.fedcba9876543210.wasm", "widget-app.0123456789abcdef.js", "widget.js"}));
  const widget::WidgetFile& loader = *loaded.value().loader();
  EXPECT_EQ(loader.body, "abc");
  EXPECT_EQ(loader.integrity, widget::sri_sha384("abc"));
  EXPECT_EQ(loader.etag, "\"cb00753f45a35e8bb5a03d699ac65007\"");
  EXPECT_FALSE(loader.immutable);
  EXPECT_TRUE(loaded.value().find("core.fedcba9876543210.wasm")->immutable);
  EXPECT_EQ(loaded.value().find("core.fedcba9876543210.wasm")->content_type, "application/wasm");
  EXPECT_EQ(loaded.value().find("core.fedcba9876543210.wasm")->body.size(), 8u);

  EXPECT_FALSE(widget::load_widget_files(dir + "/missing").ok());
  fs::remove(widget_dir + "/widget.js");
  auto no_loader = widget::load_widget_files(widget_dir);
  ASSERT_FALSE(no_loader.ok());
  EXPECT_NE(no_loader.message().find("no widget.js"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sealshot::http
