// One POST of an envelope with upload progress. XHR rather than fetch: fetch
// still reports no upload progress. Never throws: the outcome says what
// happened, for the retry policy (shared/retry.js).

export function postEnvelope({ url, envelope, idempotencyKey, onProgress, timeoutMs = 60_000 }) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.timeout = timeoutMs;
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.setRequestHeader("Idempotency-Key", idempotencyKey);
    if (onProgress)
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress(e.loaded / e.total);
      };
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON: keep null */
      }
      resolve({ status: xhr.status, body, retryAfter: xhr.getResponseHeader("Retry-After") });
    };
    // CORS refusals, DNS, TLS and offline all look the same from a page.
    xhr.onerror = () => resolve({ networkError: true });
    xhr.ontimeout = () => resolve({ networkError: true, timeout: true });
    xhr.send(envelope);
  });
}
