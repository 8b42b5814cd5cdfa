// /widget.js and the hashed widget files as served (server/http/widget_handler.cpp).
// In process: a real HTTPS server on an ephemeral loopback port, real SQLite
// storage in a temp dir (ServerTest: tests/server_support/server_fixture.h).
#include <gtest/gtest.h>
#include <httplib.h>

#include "server_support/server_fixture.h"
#include "server_support/widget_dir.h"
#include "widget/widget_files.h"

namespace sealshot::http {
namespace {

TEST_F(ServerTest, WidgetFilesAreServedWithCacheTypesCorsAndValidators) {
  start(widget::load_widget_files(make_widget_dir(dir_)).value());
  struct Case {
    std::string path, type, cache, body;
  };
  const std::vector<Case> cases = {
      {"/widget.js", "text/javascript; charset=utf-8", "public, max-age=300", "abc"},
      {"/widget-app.0123456789abcdef.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable",
       "window.app = 1;"},
      {"/core.fedcba9876543210.wasm", "application/wasm", "public, max-age=31536000, immutable",
       std::string("\0asm\1\0\0\0", 8)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    auto res = client()->Get(c.path, {{"Origin", "https://anywhere.example"}});
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, c.body);
    EXPECT_EQ(res->get_header_value("Content-Type"), c.type);
    EXPECT_EQ(res->get_header_value_count("Cache-Control"), 1u);  // not also the API's no-store
    EXPECT_EQ(res->get_header_value("Cache-Control"), c.cache);
    EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "*");
    EXPECT_EQ(res->get_header_value("Cross-Origin-Resource-Policy"), "cross-origin");
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_FALSE(res->has_header("Access-Control-Allow-Credentials"));
    EXPECT_NE(res->get_header_value("Last-Modified").find(" GMT"), std::string::npos);
    const std::string etag = res->get_header_value("ETag");
    ASSERT_EQ(etag.size(), 34u);

    // HEAD: the same headers and length, no body.
    auto head = client()->Head(c.path);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
    EXPECT_EQ(head->get_header_value("Content-Length"), std::to_string(c.body.size()));
    EXPECT_EQ(head->get_header_value("Cache-Control"), c.cache);
    EXPECT_EQ(head->get_header_value("Accept-Ranges"), "none");
    EXPECT_TRUE(head->body.empty());
    auto ranged = client()->Get(c.path, {{"Range", "bytes=0-0"}});  // the whole file: no ranges here
    ASSERT_TRUE(ranged);
    EXPECT_EQ(ranged->status, 200);
    EXPECT_EQ(ranged->body, c.body);

    // Revalidation: the ETag (also weak, also in a list) → 304 without a body.
    for (const std::string& given : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
      auto cached = client()->Get(c.path, {{"If-None-Match", given}});
      ASSERT_TRUE(cached);
      EXPECT_EQ(cached->status, 304) << given;
      EXPECT_TRUE(cached->body.empty());
      EXPECT_EQ(cached->get_header_value("ETag"), etag);
      EXPECT_EQ(cached->get_header_value("Cache-Control"), c.cache);
    }
    auto changed = client()->Get(c.path, {{"If-None-Match", "\"0123\""}});
    ASSERT_TRUE(changed);
    EXPECT_EQ(changed->status, 200);
  }

  // Only the allowlisted files at their exact paths: no listing, no
  // leftovers, nothing in subdirectories, no way out of the directory.
  for (const char* path : {"/", "/widget", "/widget-app.js", "/sizes.json", "/esm/sealshot.mjs",
                           "/notes.0123456789abcdef.txt", "/nested.0123456789abcdef.js", "/widgetXjs", "/widget.js/",
                           "//widget.js", "/widget/widget.js", "/../widget.js", "/%2e%2e/widget.js", "/..%2fwidget.js",
                           "/v1/widget.js", "/widget.js%00", "/etc/passwd", "/../../../etc/passwd"}) {
    SCOPED_TRACE(path);
    auto conn = raw();
    ASSERT_TRUE(conn->send(std::string("GET ") + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    auto res = conn->read_response();
    ASSERT_TRUE(res);
    EXPECT_TRUE(res->status == 404 || res->status == 400) << res->status;
    EXPECT_EQ(res->body.find("abc"), std::string::npos);
    EXPECT_EQ(res->headers["cache-control"], "no-store");
  }
  auto post = client()->Post("/widget.js", "x", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->get_header_value("Allow"), "GET, HEAD");

  // The API keeps its own caching: never.
  auto health = client()->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->get_header_value_count("Cache-Control"), 1u);
  EXPECT_EQ(health->get_header_value("Cache-Control"), "no-store");
  EXPECT_FALSE(health->has_header("Access-Control-Allow-Origin"));
  auto metrics = client()->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("sealshot_http_requests_total{route=\"widget\",status=\"200\"}"), std::string::npos);
  EXPECT_NE(metrics->body.find("sealshot_http_requests_total{route=\"widget\",status=\"304\"}"), std::string::npos);
  expect_good_request_succeeds();
}

TEST_F(ServerTest, WithoutAWidgetDirNothingIsServed) {
  start();
  for (const char* path : {"/widget.js", "/widget-app.0123456789abcdef.js"}) {
    auto res = client()->Get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(error_of(res->body), "not_found");
  }
}

}  // namespace
}  // namespace sealshot::http
