// The review API as the console's pages call it: same origin, the session
// cookie, and the header the server asks of every state-changing request.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-Sealshot-Request"] = "1";
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "unreachable", "The server cannot be reached. Check your connection and try again.");
  }
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) {
    throw new ApiError(
      res.status,
      answer.error ?? "http_" + res.status,
      answer.message ?? `The server answered ${res.status}.`,
    );
  }
  return answer;
}
