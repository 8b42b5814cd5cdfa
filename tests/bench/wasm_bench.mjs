// wasm_bench.mjs: times the widget's hot path in the WebAssembly core under
// Node, on the same screenshots as the native core_bench. No npm packages.
//
//   node tests/bench/wasm_bench.mjs --wasm-dir build-wasm/wasm --screenshots build/screenshots
//        [--native core_bench.json] [--iterations 21] [--warmup 3] [--level N --filter N]
//
// Inputs come from scripts/make-screenshots: account-WxH.rgba (+ .json with
// width/height; Node has no PNG decoder) and account-rects.txt (boxes in CSS
// pixels of the 1920x1080 viewport). --native takes core_bench's
// --benchmark_out JSON to compare against native times and libpng-9's size.
// Stages per iteration: redact (core.redact), encode (core.redactAndEncode:
// copy in + redact + PNG), seal (core.sealReport: frame + encrypt), total
// (encode + seal back to back: the widget's send path until 2026-11-29) and
// one call (core.sealScreenshotReport: the same in one call, the PNG never
// leaving wasm memory: the widget's send path now). For both paths it also
// prints the bytes copied across the JS/wasm boundary and the wasm heap
// after one report in a fresh module (the heap never shrinks: its peak).
// Targets are printed as PASS/MISS; only errors make the exit status non-zero.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const TARGET_TOTAL_MS = 80; // 1920x1080 redact+encode+seal median, wasm under Node
const VIEWPORT_CSS_WIDTH = 1920;
const MANIFEST = {
  v: 1,
  url: "https://shop.example/account",
  title: "My account · Fjordline Outdoor",
  viewport: { width: 1920, height: 1080 },
  comment: "The Update password button does nothing.",
  userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/120",
};

function parseArgs(argv) {
  const args = {
    wasmDir: "build-wasm/wasm",
    screenshots: "build/screenshots",
    native: null,
    iterations: 21,
    warmup: 3,
    level: undefined,
    filter: undefined,
  };
  const names = {
    "--wasm-dir": "wasmDir",
    "--screenshots": "screenshots",
    "--native": "native",
    "--iterations": "iterations",
    "--warmup": "warmup",
    "--level": "level",
    "--filter": "filter",
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const key = names[flag];
    if (!key) throw new Error(`unknown argument ${argv[i]}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    args[key] = ["iterations", "warmup", "level", "filter"].includes(key) ? Number(value) : value;
  }
  if (!(args.iterations >= 15)) throw new Error("--iterations must be at least 15");
  return args;
}

// Nearest-rank percentile of a sorted copy.
function percentile(samples, p) {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

function loadRects(file) {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [x, y, width, height] = line.split(" ").map(Number);
      return { x, y, width, height };
    });
}

// core_bench JSON -> Map(name -> {ms, bytes}); medians when repetitions were run.
function loadNative(file) {
  const data = JSON.parse(fs.readFileSync(file, "utf8"));
  const perName = new Map();
  for (const b of data.benchmarks) {
    if (b.run_type !== "iteration" || b.error_occurred) continue;
    const name = b.run_name.replace(/\/real_time$/, "");
    const scale = { ns: 1e-6, us: 1e-3, ms: 1, s: 1e3 }[b.time_unit];
    const entry = perName.get(name) ?? { times: [], bytes: b.bytes };
    entry.times.push(b.real_time * scale);
    perName.set(name, entry);
  }
  return new Map([...perName].map(([name, e]) => [name, { ms: percentile(e.times, 50), bytes: e.bytes }]));
}

const fmt = (ms) => ms.toFixed(1).padStart(8);

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const wasmDir = path.resolve(args.wasmDir);
  const { loadSealshotCore } = await import(pathToFileURL(path.join(wasmDir, "sealshot-core.mjs")).href);
  const core = await loadSealshotCore({ wasmBinary: fs.readFileSync(path.join(wasmDir, "core.wasm")) });
  const { publicKey, secretKey } = core.generateKeyPair();
  const rects = loadRects(path.join(args.screenshots, "account-rects.txt"));
  const native = args.native ? loadNative(args.native) : null;
  const encodeOptions = {};
  if (args.level !== undefined) encodeOptions.level = args.level;
  if (args.filter !== undefined) encodeOptions.filter = args.filter;

  console.log(
    `wasm_bench: node ${process.version}, ${rects.length} rects, ${args.warmup} warm-up + ` +
      `${args.iterations} timed iterations, encoder options ${JSON.stringify(encodeOptions)} (empty: JS defaults)`,
  );
  const verdicts = [];
  let found = 0;
  for (const size of ["1920x1080", "3840x2160"]) {
    const base = path.join(args.screenshots, `account-${size}`);
    if (!fs.existsSync(`${base}.rgba`)) {
      console.log(`\n${size}: ${base}.rgba missing, skipped (run scripts/make-screenshots)`);
      continue;
    }
    found++;
    const { width, height } = JSON.parse(fs.readFileSync(`${base}.json`, "utf8"));
    const original = new Uint8Array(fs.readFileSync(`${base}.rgba`));
    if (original.length !== width * height * 4) throw new Error(`${base}.rgba is not ${width}x${height} RGBA`);
    const dpr = width / VIEWPORT_CSS_WIDTH;
    const work = original.slice(); // redact() works in place; redacting again is idempotent
    const t = { redact: [], encode: [], seal: [], total: [], oneCall: [] };
    let png, envelope, oneCall;
    for (let i = 0; i < args.warmup + args.iterations; i++) {
      const t0 = performance.now();
      core.redact(work, width, height, rects, dpr);
      const t1 = performance.now();
      png = core.redactAndEncode(original, width, height, rects, dpr, encodeOptions);
      const t2 = performance.now();
      envelope = core.sealReport("fjordline-shop", publicKey, MANIFEST, png);
      const t3 = performance.now();
      oneCall = core.sealScreenshotReport(
        "fjordline-shop",
        publicKey,
        MANIFEST,
        { rgba: original, width, height, rects, devicePixelRatio: dpr },
        encodeOptions,
      );
      const t4 = performance.now();
      if (i < args.warmup) continue;
      t.oneCall.push(t4 - t3);
      t.redact.push(t1 - t0);
      t.encode.push(t2 - t1);
      t.seal.push(t3 - t2);
      t.total.push(t3 - t1);
    }

    // Not timed: the last envelope must open to the same PNG (catches a miscompile).
    const opened = core.openReport(envelope, secretKey, "fjordline-shop");
    const shot = opened.parts.find((p) => p.name === "screenshot.png");
    if (!shot || Buffer.compare(Buffer.from(shot.data), Buffer.from(png)) !== 0) {
      throw new Error(`${size}: the sealed report does not open to the PNG that was sealed`);
    }

    const fromOneCall = core
      .openReport(oneCall.envelope, secretKey, "fjordline-shop")
      .parts.find((p) => p.name === "screenshot.png");
    if (Buffer.compare(Buffer.from(fromOneCall.data), Buffer.from(png)) !== 0 || oneCall.pngSize !== png.length) {
      throw new Error(`${size}: sealScreenshotReport's PNG differs from redactAndEncode's`);
    }
    const nat = (name) => native?.get(`${name}/${size}`);
    const rows = [
      ["redact", t.redact, nat("redact"), null],
      ["encode (redactAndEncode)", t.encode, native?.get(`png_encode/${size}/default`), png.length],
      ["sealReport", t.seal, nat("seal"), envelope.length],
      ["total (encode + seal)", t.total, nat("pipeline"), envelope.length],
      ["one call (sealScreenshot…)", t.oneCall, nat("pipeline"), oneCall.envelope.length],
    ];
    console.log(`\n${size} (device pixel ratio ${dpr})`);
    console.log(
      `  ${"stage".padEnd(26)}${"median".padStart(8)}${"p90".padStart(8)} ms${"bytes out".padStart(12)}` +
        `${native ? "   native ms  wasm/native" : ""}`,
    );
    for (const [name, samples, n, bytes] of rows) {
      const median = percentile(samples, 50);
      const ratio = n ? `${n.ms.toFixed(n.ms < 1 ? 3 : 1).padStart(12)}${(median / n.ms).toFixed(1).padStart(13)}` : "";
      console.log(
        `  ${name.padEnd(26)}${fmt(median)}${fmt(percentile(samples, 90))}   ${String(bytes ?? "").padStart(12)}${ratio}`,
      );
    }
    // Copies across the boundary per report: the pixels in, then (two-step)
    // the PNG out and back in, the envelope out. Heap: a fresh module per path.
    const heapAfter = async (run) => {
      const fresh = await loadSealshotCore({ wasmBinary: fs.readFileSync(path.join(wasmDir, "core.wasm")) });
      const start = fresh.heapBytes;
      run(fresh);
      return [start, fresh.heapBytes];
    };
    const [h0, twoStep] = await heapAfter((c) =>
      c.sealReport(
        "fjordline-shop",
        publicKey,
        MANIFEST,
        c.redactAndEncode(original, width, height, rects, dpr, encodeOptions),
      ),
    );
    const [, single] = await heapAfter((c) =>
      c.sealScreenshotReport(
        "fjordline-shop",
        publicKey,
        MANIFEST,
        { rgba: original, width, height, rects, devicePixelRatio: dpr },
        encodeOptions,
      ),
    );
    const mib = (b) => (b / 1048576).toFixed(1);
    console.log(
      `  boundary copies: two-step ${original.length + 2 * png.length + envelope.length} B (pixels in, PNG out and in, envelope out); ` +
        `one call ${original.length + oneCall.envelope.length} B (pixels in, envelope out)`,
    );
    console.log(
      `  wasm heap after one report (fresh module, ${mib(h0)} MiB at start): two-step ${mib(twoStep)} MiB, one call ${mib(single)} MiB`,
    );
    const ours = native?.get(`png_encode/${size}/default`);
    const lib6 = native?.get(`png_encode/${size}/libpng-6`);
    const lib9 = native?.get(`png_encode/${size}/libpng-9`);
    if (lib9) {
      console.log(
        `  PNG: ours ${png.length} bytes, libpng-6 ${lib6?.bytes ?? "?"}, libpng-9 ${lib9.bytes} ` +
          `(ours/libpng-9 = ${(png.length / lib9.bytes).toFixed(3)}); native default encoder ` +
          `${ours ? (ours.bytes === png.length ? "gives the same size" : `gives ${ours.bytes} bytes`) : "not in the JSON"}`,
      );
      verdicts.push([`${size} PNG no larger than libpng-9 (${png.length} <= ${lib9.bytes})`, png.length <= lib9.bytes]);
    } else {
      verdicts.push([`${size} PNG no larger than libpng-9: needs --native core_bench JSON`, null]);
    }
    if (size === "1920x1080") {
      const median = percentile(t.total, 50);
      verdicts.push([
        `1920x1080 redact+encode+seal median ${median.toFixed(1)} ms <= ${TARGET_TOTAL_MS} ms`,
        median <= TARGET_TOTAL_MS,
      ]);
    }
  }
  if (found === 0) throw new Error(`no .rgba screenshots in ${args.screenshots} (run scripts/make-screenshots)`);
  console.log("\nTargets:");
  for (const [text, ok] of verdicts) console.log(`  ${ok === null ? "SKIP" : ok ? "PASS" : "MISS"}  ${text}`);
}

main().catch((error) => {
  console.error(`wasm_bench: ${error.stack ?? error}`);
  process.exit(1);
});
