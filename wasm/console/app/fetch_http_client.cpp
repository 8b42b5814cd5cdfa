#include "fetch_http_client.h"

#include <emscripten.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

namespace {

sealshot::console::FetchHttpClient* the_client = nullptr;

// The answer's bytes are read as they arrive (progress for big envelopes),
// then copied once into a malloc'ed buffer that C++ takes over. A network
// failure answers status 0. Cookies ride along (same origin); no cache (the
// server says no-store on API answers anyway).
// EM_JS bodies are JavaScript: clang-format would break them ("=>" becomes "= >").
// clang-format off
EM_JS(void, console_fetch, (double id, const char* method, const char* path, const char* headers_json,
                            const char* body, int body_length), {
  const init = { method: UTF8ToString(method), headers: JSON.parse(UTF8ToString(headers_json)),
    credentials: "same-origin", cache: "no-store", redirect: "error" };
  if (body_length > 0) init.body = UTF8ToString(body, body_length);
  const url = UTF8ToString(path);
  const finish = (status, chunks, length) => {
    if (Module.sealshotGone) return;  // the workspace was torn down meanwhile
    const ptr = _malloc(Math.max(1, length));
    let at = ptr;
    for (const c of chunks) { HEAPU8.set(c, at); at += c.length; }
    _console_http_done(id, status, ptr, length);
  };
  (async () => {
    let res;
    try {
      res = await fetch(url, init);
    } catch (e) {
      return finish(0, [], 0);
    }
    if (!res.body) return finish(res.status, [], 0);
    const total = Number(res.headers.get("Content-Length") || 0);
    const chunks = [];
    let received = 0;
    try {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.length;
        if (!Module.sealshotGone) _console_http_progress(id, received, total);
      }
    } catch (e) {
      return finish(0, [], 0);
    }
    finish(res.status, chunks, received);
  })();
});
// clang-format on

}  // namespace

extern "C" {
EMSCRIPTEN_KEEPALIVE void console_http_progress(double id, double received, double total) {
  if (the_client) the_client->on_progress(sealshot::console::RequestId(id), received, total);
}
EMSCRIPTEN_KEEPALIVE void console_http_done(double id, int status, unsigned char* body, int length) {
  if (the_client)
    the_client->on_done(sealshot::console::RequestId(id), status, body, length);
  else
    std::free(body);
}
}

namespace sealshot::console {

FetchHttpClient::FetchHttpClient() { the_client = this; }
FetchHttpClient::~FetchHttpClient() {
  if (the_client == this) the_client = nullptr;
}

RequestId FetchHttpClient::start(HttpRequest request, HttpCallback done) {
  const RequestId id = ++next_id_;
  running_[id].done = std::move(done);
  nlohmann::json headers = nlohmann::json::array();
  for (const auto& [name, value] : request.headers) headers.push_back({name, value});
  const std::string headers_text = headers.dump();
  console_fetch(double(id), request.method.c_str(), request.path.c_str(), headers_text.c_str(), request.body.data(),
                static_cast<int>(request.body.size()));
  return id;
}

void FetchHttpClient::on_progress(RequestId id, double received, double total) {
  auto it = running_.find(id);
  if (it == running_.end()) return;
  it->second.progress = {std::uint64_t(received), std::uint64_t(total)};
}

void FetchHttpClient::on_done(RequestId id, int status, unsigned char* body, int length) {
  auto it = running_.find(id);
  if (it == running_.end()) {
    std::free(body);
    return;
  }
  it->second.response.status = status;
  it->second.response.body.assign(reinterpret_cast<const char*>(body), std::size_t(length));
  std::free(body);
  it->second.finished = true;
  finished_.push_back(id);
}

void FetchHttpClient::pump() {
  // Callbacks may start requests; only those finished before this call run.
  std::deque<RequestId> ready = std::move(finished_);
  finished_.clear();
  for (RequestId id : ready) {
    auto it = running_.find(id);
    if (it == running_.end()) continue;
    Running r = std::move(it->second);
    running_.erase(it);
    r.done(std::move(r.response));
  }
}

HttpProgress FetchHttpClient::progress(RequestId id) const {
  auto it = running_.find(id);
  return it == running_.end() ? HttpProgress{} : it->second.progress;
}

}  // namespace sealshot::console
