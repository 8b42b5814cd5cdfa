// Many clients upload a large envelope at the same moment; the server's peak
// memory must stay bounded (bodies stream to disk, the pool and queue are
// bounded, the rest get 503 + Retry-After). Prints statuses, time, and the
// server's peak RSS (VmHWM from /proc, and the highest VmRSS sampled).
//   node upload_storm.mjs --url https://127.0.0.1:PORT/v1/projects/prj_…/submissions \
//        --envelope FILE --origin http://bench.local --clients 256 --pid SERVER_PID
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import { parseArgs } from "node:util";

const { values: a } = parseArgs({
  options: {
    url: { type: "string" },
    envelope: { type: "string" },
    origin: { type: "string" },
    clients: { type: "string", default: "256" },
    pid: { type: "string" },
  },
});
const body = fs.readFileSync(a.envelope);
const url = new URL(a.url);
const transport = url.protocol === "https:" ? https : http;
// A loopback benchmark against our own self-signed certificate.
const agent = new transport.Agent({ keepAlive: false, maxSockets: Infinity, rejectUnauthorized: false });

function rssKiB(field) {
  const status = fs.readFileSync(`/proc/${a.pid}/status`, "utf8");
  return Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))[1]);
}
let sampledPeak = 0;
const sampler = setInterval(() => {
  sampledPeak = Math.max(sampledPeak, rssKiB("VmRSS"));
}, 20);

function upload() {
  return new Promise((resolve) => {
    const req = transport.request(
      url,
      {
        method: "POST",
        agent,
        timeout: 120000,
        headers: { "Content-Type": "application/octet-stream", "Content-Length": body.length, Origin: a.origin },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(String(res.statusCode)));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve(`error:${e.code ?? e.message}`));
    // Write in 64 KiB pieces so every client is genuinely mid-upload at once.
    let offset = 0;
    const pump = () => {
      while (offset < body.length) {
        const piece = body.subarray(offset, offset + 65536);
        offset += piece.length;
        if (!req.write(piece)) return req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

const started = performance.now();
const results = await Promise.all(Array.from({ length: Number(a.clients) }, upload));
clearInterval(sampler);
const counts = {};
for (const r of results) counts[r] = (counts[r] ?? 0) + 1;
console.log(
  JSON.stringify({
    clients: Number(a.clients),
    body_bytes: body.length,
    seconds: +((performance.now() - started) / 1000).toFixed(2),
    statuses: counts,
    peak_rss_mib: +(Math.max(rssKiB("VmHWM"), sampledPeak) / 1024).toFixed(1),
  }),
);
