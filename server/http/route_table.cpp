#include "http/route_table.h"

#include <algorithm>
#include <string_view>

namespace sealshot::http {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;  // paths start with '/'
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string::npos ? path.size() : slash;
    out.push_back(path.substr(start, end - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

bool segments_match(const std::vector<std::string>& pattern, const std::vector<std::string>& path) {
  if (pattern.size() != path.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const bool parameter = !pattern[i].empty() && pattern[i][0] == ':';
    if (parameter ? path[i].empty() : pattern[i] != path[i]) return false;
  }
  return true;
}

}  // namespace

void RouteTable::add(std::string method, std::string pattern, std::string name, bool takes_body,
                     std::uint64_t max_body_bytes) {
  std::vector<std::string> segments = split_path(pattern);
  routes_.push_back(
      {std::move(method), std::move(pattern), std::move(segments), std::move(name), takes_body, max_body_bytes});
}

RouteMatch RouteTable::match(const std::string& method, const std::string& path) const {
  RouteMatch result;
  if (path.empty() || path[0] != '/') return result;
  const std::vector<std::string> segments = split_path(path);
  std::vector<std::string> allowed;
  for (const Route& route : routes_) {
    if (!segments_match(route.segments, segments)) continue;
    if (route.method == method || (route.method == "GET" && method == "HEAD")) {
      result.kind = RouteMatch::Kind::found;
      result.name = route.name;
      result.takes_body = route.takes_body;
      result.max_body_bytes = route.max_body_bytes;
      return result;
    }
    allowed.push_back(route.method);
    if (route.method == "GET") allowed.push_back("HEAD");
  }
  if (!allowed.empty()) {
    result.kind = RouteMatch::Kind::method_not_allowed;
    for (const std::string& m : allowed) result.allow += (result.allow.empty() ? "" : ", ") + m;
  }
  return result;
}

void Router::get(const std::string& pattern, const std::string& name, httplib::Server::Handler handler) {
  table_.add("GET", pattern, name, false);
  server_.Get(pattern, std::move(handler));
}

void Router::get_exact(const std::string& path, const std::string& name, httplib::Server::Handler handler) {
  std::string regex;
  for (const char c : path) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) regex += '\\';
    regex += c;
  }
  table_.add("GET", path, name, false);
  server_.Get(regex, std::move(handler));
}

void Router::options(const std::string& pattern, const std::string& name, httplib::Server::Handler handler) {
  table_.add("OPTIONS", pattern, name, false);
  server_.Options(pattern, std::move(handler));
}

void Router::post_streaming(const std::string& pattern, const std::string& name,
                            httplib::Server::HandlerWithContentReader handler) {
  table_.add("POST", pattern, name, true);
  server_.Post(pattern, std::move(handler));
}

void Router::json(const std::string& method, const std::string& pattern, const std::string& name,
                  httplib::Server::Handler handler) {
  const bool takes_body = method == "POST" || method == "PUT" || method == "PATCH";
  table_.add(method, pattern, name, takes_body, takes_body ? kMaxJsonBodyBytes : 0);
  if (method == "GET") {
    server_.Get(pattern, std::move(handler));
  } else if (method == "POST") {
    server_.Post(pattern, std::move(handler));
  } else if (method == "PUT") {
    server_.Put(pattern, std::move(handler));
  } else if (method == "PATCH") {
    server_.Patch(pattern, std::move(handler));
  } else {
    server_.Delete(pattern, std::move(handler));
  }
}

}  // namespace sealshot::http
