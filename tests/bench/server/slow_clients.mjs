// Slow clients (slowloris) from many loopback addresses, and the latency of
// one normal client meanwhile. Each slow connection comes from its own
// 127.77.x.y address (--per-address of them share one), sends a first byte
// and then one more every --trickle-ms, and is reopened as soon as the
// server closes it: the pressure stays on for the whole run. The normal
// client makes one request at a time on a fresh connection and records how
// long each took and how it ended.
//   node slow_clients.mjs --url https://127.0.0.1:PORT/healthz --slow 700 --per-address 16 --seconds 10
//        [--mode handshake|headers] [--envelope FILE --origin O]   (then the normal client POSTs it)
// --mode handshake (default) trickles a TLS ClientHello; headers sends a
// request line and trickles header lines (for plain HTTP, e.g. a proxy).
// Prints one JSON line. Loopback only; every wait is bounded.
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { parseArgs } from "node:util";

const { values: a } = parseArgs({
  options: {
    url: { type: "string" },
    slow: { type: "string", default: "700" },
    "per-address": { type: "string", default: "16" },
    seconds: { type: "string", default: "10" },
    mode: { type: "string", default: "handshake" },
    "trickle-ms": { type: "string", default: "2000" },
    "slow-port": { type: "string" }, // where the slow clients go, if not the normal client's port
    envelope: { type: "string" },
    origin: { type: "string" },
  },
});
const url = new URL(a.url);
const slowPort = Number(a["slow-port"] ?? url.port);
const slowCount = Number(a.slow);
const perAddress = Math.max(1, Number(a["per-address"]));
const trickleMs = Number(a["trickle-ms"]);
const runMs = Number(a.seconds) * 1000;
const body = a.envelope ? fs.readFileSync(a.envelope) : null;

// 127.77.0.1, 127.77.0.2, …: distinct client addresses on the loopback network.
function addressFor(index) {
  const n = Math.floor(index / perAddress) + 1;
  return `127.77.${(n >> 8) & 255}.${n & 255}`;
}

// A ClientHello's first bytes (record header, handshake header, version):
// the server waits for the rest of it.
const helloStart = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);
const headerStart = Buffer.from("GET /healthz HTTP/1.1\r\nHost: localhost\r\n");

let stopping = false;
let open = 0,
  opened = 0,
  closedByServer = 0,
  refused = 0;
function slowConnection(index) {
  if (stopping) return;
  const socket = net.connect({ host: url.hostname, port: slowPort, localAddress: addressFor(index) });
  let sent = 0,
    timer = null;
  socket.setNoDelay(true);
  socket.on("connect", () => {
    ++open;
    ++opened;
    const step = () => {
      if (a.mode === "headers") socket.write(sent === 0 ? headerStart : `X-Slow-${sent}: 1\r\n`);
      else socket.write(helloStart.subarray(sent % helloStart.length, (sent % helloStart.length) + 1));
      ++sent;
    };
    step();
    timer = setInterval(step, trickleMs);
  });
  socket.on("data", () => {}); // an answer (a 408/503 or an alert) is read and ignored
  socket.on("error", () => {});
  socket.on("close", () => {
    if (timer) {
      clearInterval(timer);
      --open;
      ++closedByServer;
    } else {
      ++refused;
    }
    if (!stopping) setTimeout(() => slowConnection(index), 50);
  });
  if (stopping) socket.destroy();
  sockets.add(socket);
  socket.on("close", () => sockets.delete(socket));
}
const sockets = new Set();

const transport = url.protocol === "https:" ? https : http;
const agent = new transport.Agent({ keepAlive: false, rejectUnauthorized: false });
function normalRequest() {
  const started = performance.now();
  return new Promise((resolve) => {
    const headers = body
      ? { "Content-Type": "application/octet-stream", "Content-Length": body.length, Origin: a.origin }
      : {};
    const req = transport.request(url, { method: body ? "POST" : "GET", agent, timeout: 20000, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ ms: performance.now() - started, status: String(res.statusCode) }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ ms: performance.now() - started, status: `error:${e.code ?? e.message}` }));
    req.end(body ?? undefined);
  });
}

for (let i = 0; i < slowCount; ++i) slowConnection(i);
// Let the slow connections build up (bounded) before measuring.
const rampUntil = Date.now() + 5000;
while (open < slowCount * 0.95 && Date.now() < rampUntil) await new Promise((r) => setTimeout(r, 50));
const openAtStart = open;

const results = [];
const end = Date.now() + runMs;
while (Date.now() < end) {
  results.push(await normalRequest());
  await new Promise((r) => setTimeout(r, 100));
}
stopping = true;
for (const s of sockets) s.destroy();

const ok = results
  .filter((r) => /^2/.test(r.status))
  .map((r) => r.ms)
  .sort((x, y) => x - y);
const pct = (p) => (ok.length ? +ok[Math.min(ok.length - 1, Math.floor((p / 100) * ok.length))].toFixed(1) : null);
const statuses = {};
for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
console.log(
  JSON.stringify({
    slow: slowCount,
    addresses: Math.ceil(slowCount / perAddress),
    mode: a.mode,
    slow_open_at_start: openAtStart,
    slow_reopened: closedByServer,
    slow_refused: refused,
    normal: {
      requests: results.length,
      statuses,
      p50_ms: pct(50),
      p99_ms: pct(99),
      max_ms: ok.length ? +ok.at(-1).toFixed(1) : null,
    },
  }),
);
process.exit(0);
