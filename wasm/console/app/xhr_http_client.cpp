#include "xhr_http_client.h"

#include <emscripten.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

namespace {

// Returns the status (0: no answer) and a malloc'ed body in *body/*length.
// x-user-defined makes a synchronous XHR hand over bytes unchanged (each
// byte is a char code; the low 8 bits are the byte).
EM_JS(int, console_xhr, (const char* method, const char* path, const char* headers_json, const char* body,
                         int body_length, unsigned char** out_body, int* out_length), {
  const xhr = new XMLHttpRequest();
  try {
    xhr.open(UTF8ToString(method), UTF8ToString(path), false);
    xhr.overrideMimeType("text/plain; charset=x-user-defined");
    const headers = JSON.parse(UTF8ToString(headers_json));
    for (let i = 0; i < headers.length; i++) xhr.setRequestHeader(headers[i][0], headers[i][1]);
    xhr.send(body_length > 0 ? UTF8ToString(body, body_length) : null);
  } catch (e) {
    return 0;
  }
  const text = xhr.responseText;
  const ptr = _malloc(Math.max(1, text.length));
  for (let i = 0; i < text.length; i++) HEAPU8[ptr + i] = text.charCodeAt(i) & 0xff;
  HEAP32[out_body >> 2] = ptr;
  HEAP32[out_length >> 2] = text.length;
  return xhr.status;
});

}  // namespace

namespace sealshot::console {

HttpResponse XhrHttpClient::send(const HttpRequest& request) {
  nlohmann::json headers = nlohmann::json::array();
  for (const auto& [name, value] : request.headers) headers.push_back({name, value});
  const std::string headers_text = headers.dump();
  unsigned char* body = nullptr;
  int length = 0;
  const int status = console_xhr(request.method.c_str(), request.path.c_str(), headers_text.c_str(),
                                 request.body.data(), static_cast<int>(request.body.size()), &body, &length);
  HttpResponse response;
  response.status = status;
  if (body != nullptr) {
    response.body.assign(reinterpret_cast<const char*>(body), static_cast<std::size_t>(length));
    std::free(body);
  }
  return response;
}

}  // namespace sealshot::console
