// Soak load for scripts/soak (issue 12): a steady mix of report sizes,
// idempotent retries and bad requests at a fixed rate against a running
// sealshot-server, for a fixed time, sampling the server's memory, file
// descriptors and latency every --sample seconds. Every request's expected
// answer is known, so "unexpected" means a wrong status or a failed
// connection, never a refusal we asked for.
//   node soak_driver.mjs --url https://127.0.0.1:PORT --project prj_… --origin http://soak.local \
//        --envelopes DIR --rate 300 --duration 600 --warmup 60 --pid SERVER_PID --out soak.json
// DIR holds envelope files named by size class (e.g. 50k.env); each is
// sealed to the project, so the same bytes are stored again under a new
// Idempotency-Key (the server cannot tell, as with any ciphertext).
import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import { parseArgs } from "node:util";

const { values: a } = parseArgs({
  options: {
    url: { type: "string" },
    project: { type: "string" },
    origin: { type: "string" },
    envelopes: { type: "string" },
    rate: { type: "string" },
    duration: { type: "string" },
    warmup: { type: "string", default: "60" },
    sample: { type: "string", default: "10" },
    connections: { type: "string", default: "32" },
    pid: { type: "string" },
    out: { type: "string" },
    "measure-max": { type: "boolean", default: false },
  },
});
// --measure-max: as fast as --connections requests in flight allow, for
// --duration seconds; prints the rate answered as expected.
const rate = a["measure-max"] ? 1e6 : Number(a.rate);
const durationS = Number(a.duration);
const warmupS = Number(a.warmup);
const sampleS = Number(a.sample);
const maxInFlight = Number(a.connections);

// Sizes as reports come (docs/benchmarks.md: typical 50 KB–1.5 MB, most small).
// Small ones dominate so that the rate, not the disk, is what is sustained
// (bytes written are bounded by scripts/soak); the 2 MiB share takes the
// path where a body spills to a temporary file.
const sizeMix = [
  ["5k", 0.25],
  ["20k", 0.35],
  ["50k", 0.3],
  ["200k", 0.095],
  ["2m", 0.005],
];
const bodies = Object.fromEntries(
  sizeMix.map(([name]) => [name, fs.readFileSync(path.join(a.envelopes, `${name}.env`))]),
);
const meanBytes = sizeMix.reduce((sum, [name, w]) => sum + w * bodies[name].length, 0);

const ingest = `/v1/projects/${a.project}/submissions`;
// A loopback run against the server's own self-signed certificate.
let agent = new https.Agent({ keepAlive: true, maxSockets: maxInFlight, rejectUnauthorized: false });

function pick(mix) {
  let r = Math.random();
  for (const [value, weight] of mix) if ((r -= weight) < 0) return value;
  return mix[mix.length - 1][0];
}

let keySeq = 0;
const acknowledged = []; // {key, size, id}: some are sent again as a widget's retry would
const kinds = [
  ["new", 0.8],
  ["retry", 0.1],
  ["bad_envelope", 0.03],
  ["unknown_project", 0.03],
  ["wrong_origin", 0.02],
  ["bad_idempotency_key", 0.02],
];

// One request of the kind: [path, headers, body, expected status, check(json)].
function plan(kind) {
  const headers = { "Content-Type": "application/octet-stream", Origin: a.origin };
  if (kind === "retry" && acknowledged.length > 0) {
    const earlier = acknowledged[Math.floor(Math.random() * acknowledged.length)];
    headers["Idempotency-Key"] = earlier.key;
    return { path: ingest, headers, body: bodies[earlier.size], expect: 200, id: earlier.id };
  }
  if (kind === "bad_envelope") return { path: ingest, headers, body: Buffer.alloc(4096, 7), expect: 400 };
  if (kind === "unknown_project") {
    return {
      path: "/v1/projects/prj_nosuchprojectnosuchprojectxx/submissions",
      headers,
      body: bodies["20k"],
      expect: 404,
    };
  }
  if (kind === "wrong_origin") {
    return {
      path: ingest,
      headers: { ...headers, Origin: "https://elsewhere.example" },
      body: bodies["20k"],
      expect: 403,
    };
  }
  if (kind === "bad_idempotency_key") {
    return {
      path: ingest,
      headers: { ...headers, "Idempotency-Key": "not a valid key!" },
      body: bodies["20k"],
      expect: 400,
    };
  }
  const size = pick(sizeMix);
  const key = `soak-${process.pid}-${++keySeq}`;
  headers["Idempotency-Key"] = key;
  return { path: ingest, headers, body: bodies[size], expect: 201, remember: { key, size } };
}

const url = new URL(a.url);
function send(p) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = https.request(
      {
        host: url.hostname,
        port: url.port,
        path: p.path,
        method: "POST",
        agent,
        timeout: 30000,
        headers: { ...p.headers, "Content-Length": p.body.length },
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const ms = Number(process.hrtime.bigint() - t0) / 1e6;
          let json = null;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString());
          } catch {
            /* reported below */
          }
          resolve({ status: res.statusCode, json, ms });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) =>
      resolve({ status: 0, error: e.code ?? e.message, ms: Number(process.hrtime.bigint() - t0) / 1e6 }),
    );
    req.end(p.body);
  });
}

function procStatus(field) {
  const status = fs.readFileSync(`/proc/${a.pid}/status`, "utf8");
  return Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))[1]);
}
const fdCount = () => fs.readdirSync(`/proc/${a.pid}/fd`).length;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function quantile(sorted, q) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0;
}

// Connections closed by both sides, then what the server holds at rest.
async function idleSnapshot() {
  agent.destroy();
  agent = new https.Agent({ keepAlive: true, maxSockets: maxInFlight, rejectUnauthorized: false });
  let fds = fdCount();
  for (let i = 0; i < 40; ++i) {
    // at most 20 s: keep-alive timeouts and lingering closes end
    await sleep(500);
    const now = fdCount();
    if (now === fds && i >= 4) break;
    fds = now;
  }
  // Anonymous memory is the heap (a leak would show there); file and
  // shared pages are the database's and the WAL index's mappings.
  return {
    fds,
    rss_kib: procStatus("VmRSS"),
    anon_kib: procStatus("RssAnon"),
    file_kib: procStatus("RssFile") + procStatus("RssShmem"),
  };
}

const unexpectedSamples = [];
async function phase(seconds, windows) {
  const start = Date.now();
  let sent = 0,
    inFlight = 0,
    behind = 0;
  let window = { lat: [], ok: 0, unexpected: 0, errors: 0, started: Date.now() };
  const pending = new Set();
  const closeWindow = () => {
    const lat = window.lat.sort((x, y) => x - y);
    windows.push({
      t_s: Math.round((Date.now() - start) / 1000),
      requests: lat.length,
      ok: window.ok,
      unexpected: window.unexpected,
      connection_errors: window.errors,
      p50_ms: +quantile(lat, 0.5).toFixed(1),
      p99_ms: +quantile(lat, 0.99).toFixed(1),
      rss_kib: procStatus("VmRSS"),
      anon_kib: procStatus("RssAnon"),
      fds: fdCount(),
    });
    window = { lat: [], ok: 0, unexpected: 0, errors: 0, started: Date.now() };
  };
  while (Date.now() - start < seconds * 1000) {
    const due = Math.floor(((Date.now() - start) / 1000) * rate);
    while (sent < due) {
      if (inFlight >= maxInFlight) {
        behind += due - sent;
        sent = due;
        break;
      } // the driver cannot keep up
      ++sent;
      ++inFlight;
      const p = plan(pick(kinds));
      const w = window;
      const done = send(p).then((r) => {
        --inFlight;
        w.lat.push(r.ms);
        const idOk = p.id === undefined || r.json?.id === p.id;
        if (r.status === p.expect && idOk) {
          ++w.ok;
          if (p.remember && r.json?.id) acknowledged.push({ ...p.remember, id: r.json.id });
          if (acknowledged.length > 5000) acknowledged.splice(0, 1000);
        } else if (r.status === 0) {
          ++w.errors;
          if (unexpectedSamples.length < 20) unexpectedSamples.push({ expected: p.expect, error: r.error });
        } else {
          ++w.unexpected;
          if (unexpectedSamples.length < 20)
            unexpectedSamples.push({ expected: p.expect, status: r.status, body: r.json });
        }
        pending.delete(done);
      });
      pending.add(done);
    }
    if (Date.now() - window.started >= sampleS * 1000) closeWindow();
    await sleep(5);
  }
  await Promise.all(pending);
  closeWindow();
  return { sent, behind };
}

if (a["measure-max"]) {
  const windows = [];
  await phase(durationS, windows);
  const ok = windows.reduce((sum, w) => sum + w.ok, 0);
  const bad = windows.reduce((sum, w) => sum + w.unexpected + w.connection_errors, 0);
  console.log(
    JSON.stringify({
      max_per_s: +(ok / durationS).toFixed(1),
      unexpected: bad,
      mean_new_report_bytes: Math.round(meanBytes),
    }),
  );
  agent.destroy();
  process.exit(0);
}

const warmupWindows = [],
  soakWindows = [];
console.log(
  `soak: ${rate} requests/s for ${durationS} s after a ${warmupS} s warm-up; mean new report ${(meanBytes / 1024).toFixed(0)} KiB`,
);
await phase(warmupS, warmupWindows);
const before = await idleSnapshot();
const mib = (kib) => (kib / 1024).toFixed(1);
console.log(
  `after warm-up, at rest: RSS ${mib(before.rss_kib)} MiB (heap ${mib(before.anon_kib)}, files ${mib(before.file_kib)}), ${before.fds} fds`,
);
console.log("  t(s)  requests  ok   unexpected  conn-err  p50 ms  p99 ms  RSS MiB  fds");
let printed = 0;
function printWindows() {
  for (; printed < soakWindows.length; ++printed) {
    const w = soakWindows[printed];
    console.log(
      `${String(w.t_s).padStart(6)} ${String(w.requests).padStart(9)} ${String(w.ok).padStart(5)} ${String(w.unexpected).padStart(11)} ${String(w.connection_errors).padStart(9)} ${String(w.p50_ms).padStart(7)} ${String(w.p99_ms).padStart(7)} ${(w.rss_kib / 1024).toFixed(1).padStart(8)} ${String(w.fds).padStart(5)}`,
    );
  }
}
const printer = setInterval(printWindows, 500);
const soak = await phase(durationS, soakWindows);
clearInterval(printer);
printWindows();
const after = await idleSnapshot();

const total = (f) => soakWindows.reduce((s, w) => s + w[f], 0);
const rssGrowth = (after.rss_kib - before.rss_kib) / before.rss_kib;
const p99s = soakWindows.filter((w) => w.requests > 0).map((w) => w.p99_ms);
const result = {
  rate_per_s: rate,
  duration_s: durationS,
  warmup_s: warmupS,
  requests: total("requests"),
  ok: total("ok"),
  unexpected: total("unexpected"),
  connection_errors: total("connection_errors"),
  driver_behind: soak.behind,
  rest_before: before,
  rest_after: after,
  rss_growth: +rssGrowth.toFixed(4),
  fd_growth: after.fds - before.fds,
  p99_first_ms: p99s[0],
  p99_last_ms: p99s[p99s.length - 1],
  p99_max_ms: Math.max(...p99s),
  peak_rss_kib: procStatus("VmHWM"),
  unexpected_samples: unexpectedSamples,
  windows: soakWindows,
};
console.log(
  `\nat rest after the soak: RSS ${mib(after.rss_kib)} MiB (heap ${mib(after.anon_kib)}, files ${mib(after.file_kib)}), ${after.fds} fds; peak RSS ${mib(result.peak_rss_kib)} MiB`,
);
// A leak grows with every request; a cache grows until it is full. The
// second half's growth tells them apart.
const half = soakWindows[Math.floor(soakWindows.length / 2)];
const last = soakWindows[soakWindows.length - 1];
console.log(
  `under load: RSS ${mib(soakWindows[0].rss_kib)} MiB in the first window, ${mib(half.rss_kib)} at half time, ${mib(last.rss_kib)} at the end (heap ${mib(soakWindows[0].anon_kib)} → ${mib(half.anon_kib)} → ${mib(last.anon_kib)})`,
);
result.second_half_growth = +((last.rss_kib - half.rss_kib) / half.rss_kib).toFixed(4);
console.log(
  `requests ${result.requests}, as expected ${result.ok}, unexpected ${result.unexpected}, connection errors ${result.connection_errors}, not sent (driver saturated) ${result.driver_behind}`,
);
console.log(
  `p99 per ${sampleS} s window: first ${result.p99_first_ms} ms, last ${result.p99_last_ms} ms, max ${result.p99_max_ms} ms`,
);
const verdict = (ok) => (ok ? "PASS" : "FAIL");
console.log(`RSS growth after warm-up: ${(rssGrowth * 100).toFixed(1)}% (target < 10%): ${verdict(rssGrowth < 0.1)}`);
console.log(`fd growth at rest: ${result.fd_growth} (target 0): ${verdict(result.fd_growth <= 0)}`);
const bad = result.unexpected + result.connection_errors;
console.log(`unexpected answers and connection errors: ${bad} (target 0): ${verdict(bad === 0)}`);
for (const s of unexpectedSamples.slice(0, 5)) console.log("  e.g.", JSON.stringify(s));
if (a.out) fs.writeFileSync(a.out, JSON.stringify(result, null, 1));
process.exitCode = rssGrowth < 0.1 && result.fd_growth <= 0 && bad === 0 ? 0 : 1;
