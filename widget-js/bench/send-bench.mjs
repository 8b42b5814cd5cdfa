// Send → 201 on the demo page at 1920x1080 in headless Chromium against
// sealshot-server (or the stand-in when it is not built), several runs; prints
// the median time per stage and the bundle sizes as the markdown table of the
// `## Widget` section of docs/benchmarks.md.
//   node widget-js/bench/send-bench.mjs [--runs 7] [--dpr 1]
// Stages: scan (masks + text detection), capture (DOM → SVG image), redact
// (the preview's boxes), seal (the full-size pixels painted and read, marks, then
// redact + PNG + envelope in one wasm call), upload (POST → 201); total
// is the visitor's wait: open → preview, plus Send → 201.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { setup, openDialog, fillAndSend, nextEvent, widgetDir } from "../../tests/browser/support/fixture.mjs";

const { values: args } = parseArgs({
  options: { runs: { type: "string", default: "7" }, dpr: { type: "string", default: "1" } },
});
const runs = Number(args.runs),
  dpr = Number(args.dpr);
const env = await setup({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: dpr });
const rows = [];
try {
  for (let i = 0; i < runs; i++) {
    const page = await env.page();
    const sent = nextEvent(page, "sealshot:sent", 60_000);
    const t0 = Date.now();
    await openDialog(page);
    const tPreview = Date.now() - t0;
    await page.locator(".dialog textarea").fill("Benchmark report");
    const t1 = Date.now();
    await fillAndSend(page, "Benchmark report");
    const detail = await sent;
    rows.push({
      ...detail.timings,
      openToPreview: tPreview,
      sendTo201: Date.now() - t1,
      png: detail.sizes.png,
      envelope: detail.sizes.envelope,
      first: i === 0,
    });
    await page.close();
  }
} finally {
  await env.close();
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const warm = rows.filter((r) => !r.first);
const stat = (k) => `${Math.round(median(warm.map((r) => r[k])))}`;
const sizes = JSON.parse(fs.readFileSync(path.join(widgetDir, "sizes.json"), "utf8"));
const kb = (n) => (n / 1024).toFixed(1);
console.log(
  `Ingest: sealshot-server (HTTPS, loopback); ` +
    `${runs} runs, each a fresh page view (the demo server sends no-store, so every first open fetches and compiles widget-app.js and core.wasm); ` +
    `median of runs 2..${runs}; run 1 (cold browser): open → preview ${rows[0].openToPreview} ms, Send → 201 ${rows[0].sendTo201} ms\n`,
);
console.log(`| stage (1920×1080, DPR ${dpr}) | median ms |\n|---|---|`);
for (const [k, label] of [
  ["scan", "scan: masks, sensitive fields, text detection"],
  ["capture", "capture: DOM → SVG image (modern-screenshot)"],
  ["redact", "redact: the boxes set on the picture (painted with the preview)"],
  ["seal", "seal: full-size paint + read, marks, then redact + PNG + envelope (one wasm call)"],
  ["upload", "upload: POST → 201"],
  ["openToPreview", "open → preview shown"],
  ["sendTo201", "Send click → 201"],
])
  console.log(`| ${label} | ${stat(k)} |`);
console.log(
  `\nPNG ${kb(median(warm.map((r) => r.png)))} KiB, envelope ${kb(median(warm.map((r) => r.envelope)))} KiB.\n`,
);
console.log(`| file | bytes | gzip |\n|---|---|---|`);
for (const [f, s] of Object.entries(sizes)) console.log(`| ${f} | ${s.bytes} | ${s.gzip} |`);
if (process.env.SEALSHOT_BENCH_JSON) fs.writeFileSync(process.env.SEALSHOT_BENCH_JSON, JSON.stringify(rows, null, 2));
