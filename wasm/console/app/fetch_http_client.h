// The model's HttpClient in the browser: fetch() on the same origin (the
// session cookie, Range), never blocking a frame. start() hands the request
// to JS and returns; the body is read as a stream (progress counts bytes as
// they come), and the finished answer is copied into wasm memory and queued;
// pump() — once a frame — runs the callbacks.
#pragma once

#include <deque>
#include <map>

#include "http_client.h"

namespace sealshot::console {

class FetchHttpClient : public HttpClient {
 public:
  FetchHttpClient();
  ~FetchHttpClient() override;
  RequestId start(HttpRequest request, HttpCallback done) override;
  void pump() override;
  HttpProgress progress(RequestId id) const override;
  std::size_t pending() const override { return running_.size(); }

  // Called from JS (console_http_progress / console_http_done).
  void on_progress(RequestId id, double received, double total);
  void on_done(RequestId id, int status, unsigned char* body, int length);

 private:
  struct Running {
    HttpCallback done;
    HttpProgress progress;
    bool finished = false;
    HttpResponse response;
  };
  std::map<RequestId, Running> running_;
  std::deque<RequestId> finished_;
  RequestId next_id_ = 0;
};

}  // namespace sealshot::console
