// A stand-in for sealshot-server's ingest route, used only where the real
// binary is not built (tests say so in their names). Same contract:
// POST /v1/projects/{p}/submissions, octet-stream body, Idempotency-Key,
// 201 {"id"}, JSON errors, CORS for the allowed origin. `mode` lets a test
// make it fail: "ok" | "503" | "429" | "drop" (close the socket).
import http from "node:http";
import crypto from "node:crypto";

export async function startFakeIngest({ origin, port = 0 } = {}) {
  const stored = new Map(); // id -> {project, body}
  const byKey = new Map();  // idempotency key -> id
  const requests = [];
  const state = { mode: "ok", failuresLeft: 0 };
  const cors = (req) => ({
    "access-control-allow-origin": req.headers.origin === origin ? origin : "null",
    "access-control-allow-methods": "POST, OPTIONS",
    "access-control-allow-headers": "content-type, idempotency-key",
    "access-control-expose-headers": "retry-after",
    "access-control-max-age": "600", vary: "origin",
  });
  const server = http.createServer((req, res) => {
    if (req.method === "OPTIONS") { res.writeHead(204, cors(req)).end(); return; }
    const m = /^\/v1\/projects\/([A-Za-z0-9_-]+)\/submissions$/.exec(req.url);
    if (!m || req.method !== "POST") { res.writeHead(404, cors(req)).end(); return; }
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      requests.push({ project: m[1], key: req.headers["idempotency-key"], body, origin: req.headers.origin });
      if (state.failuresLeft > 0) {
        state.failuresLeft--;
        if (state.mode === "drop") { req.socket.destroy(); return; }
        const status = Number(state.mode);
        res.writeHead(status, { ...cors(req), "content-type": "application/json", "retry-after": "1" })
          .end(JSON.stringify({ error: status === 429 ? "rate_limited" : "unavailable", message: "try later" }));
        return;
      }
      const key = req.headers["idempotency-key"];
      let id = key && byKey.get(key);
      if (!id) {
        id = "sub_" + crypto.randomBytes(8).toString("hex");
        stored.set(id, { project: m[1], body });
        if (key) byKey.set(key, id);
      }
      res.writeHead(201, { ...cors(req), "content-type": "application/json" }).end(JSON.stringify({ id }));
    });
  });
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stored, requests, state,
    failNext(count, mode) { state.failuresLeft = count; state.mode = mode; },
    async get(id) { return stored.get(id)?.body ?? null; },
    async count() { return stored.size; },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
