// The model's HttpClient in the browser: a same-origin request (the session
// cookie, Range) made with a synchronous XMLHttpRequest. First slice only:
// it blocks the frame while a request runs (milliseconds on a LAN); the
// issue's background loading moves this to fetch() in a worker.
#pragma once

#include "http_client.h"

namespace sealshot::console {

class XhrHttpClient : public HttpClient {
 public:
  HttpResponse send(const HttpRequest& request) override;
};

}  // namespace sealshot::console
