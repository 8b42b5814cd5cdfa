// The HTTP surface as data: method, path pattern, route name, whether the
// route takes a body. routes.cpp fills it while registering handlers with
// cpp-httplib, and the pre-routing check reads it to answer 404/405 and to
// refuse bodies nobody would read, before cpp-httplib buffers them.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <string>
#include <vector>

namespace sealshot::http {

struct RouteMatch {
  enum class Kind { found, method_not_allowed, not_found } kind = Kind::not_found;
  std::string name;  // when found
  bool takes_body = false;
  std::uint64_t max_body_bytes = 0;  // 0: only the server-wide ceiling
  std::string allow;                 // when method_not_allowed: the Allow header
};

// A small JSON body is all a review route reads; anything larger is refused
// from the headers.
inline constexpr std::uint64_t kMaxJsonBodyBytes = 64 * 1024;

class RouteTable {
 public:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    std::string name;
    bool takes_body;
    std::uint64_t max_body_bytes;
  };

  // Pattern segments starting with ':' match any one non-empty segment
  // (cpp-httplib's path-parameter syntax). GET routes also answer HEAD.
  void add(std::string method, std::string pattern, std::string name, bool takes_body,
           std::uint64_t max_body_bytes = 0);
  [[nodiscard]] RouteMatch match(const std::string& method, const std::string& path) const;
  [[nodiscard]] const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// Registers a handler with cpp-httplib and records it in the table, so the
// two can never disagree.
class Router {
 public:
  Router(httplib::Server& server, RouteTable& table) : server_(server), table_(table) {}

  void get(const std::string& pattern, const std::string& name, httplib::Server::Handler handler);
  // A fixed path such as "/widget.js": cpp-httplib would read the pattern as
  // a regular expression (its '.' matching any character), so it gets the
  // path escaped and the table gets it literally.
  void get_exact(const std::string& path, const std::string& name, httplib::Server::Handler handler);
  void options(const std::string& pattern, const std::string& name, httplib::Server::Handler handler);
  // The body is not read before the handler runs: it streams it.
  void post_streaming(const std::string& pattern, const std::string& name,
                      httplib::Server::HandlerWithContentReader handler);
  // A review route: POST, PUT and PATCH take a JSON body of at most
  // kMaxJsonBodyBytes (read by cpp-httplib); GET and DELETE take none.
  void json(const std::string& method, const std::string& pattern, const std::string& name,
            httplib::Server::Handler handler);

 private:
  httplib::Server& server_;
  RouteTable& table_;
};

}  // namespace sealshot::http
