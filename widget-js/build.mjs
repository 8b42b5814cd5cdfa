// Builds the widget into build/widget/ (or $SEALSHOT_WIDGET_OUT):
//   widget.js      the loader site owners embed (ES5, must stay ≤ 4 KB gzip)
//   widget-app.js  capture, redaction, dialog, upload: fetched on first open
//   core.wasm      the capture core (from build-wasm/wasm, $SEALSHOT_WASM_DIR)
//   esm/           the ES module entry with its lazily loaded chunk and .d.ts
//   sizes.json     bytes and gzip bytes of each file (docs/benchmarks.md)
// Usage: node widget-js/build.mjs   (scripts/build runs it after the wasm build)
import * as esbuild from "esbuild";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const out = path.resolve(process.env.SEALSHOT_WIDGET_OUT ?? path.join(root, "build/widget"));
const wasmDir = path.resolve(process.env.SEALSHOT_WASM_DIR ?? path.join(root, "build-wasm/wasm"));
const LOADER_GZIP_BUDGET = 4096;

for (const f of ["sealshot-core.mjs", "core.mjs", "core.wasm"]) {
  if (!fs.existsSync(path.join(wasmDir, f))) {
    console.error(`widget build: ${path.join(wasmDir, f)} is missing; build the wasm core first (scripts/build).`);
    process.exit(1);
  }
}
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

const common = {
  bundle: true, minify: true, legalComments: "none", logLevel: "warning", sourcemap: false,
  alias: { "sealshot-core": path.join(wasmDir, "sealshot-core.mjs") },
  // core.mjs reads import.meta.url only when no locateFile is given; we always give one.
  logOverride: { "empty-import-meta": "silent" },
};
// Wasm SIMD (cmake/wasm.cmake) already needs these versions; the app bundle targets the same.
const modern = ["chrome91", "edge91", "firefox89", "safari16.4"];

await esbuild.build({ ...common, entryPoints: [path.join(here, "src/loader/loader.js")], outfile: path.join(out, "widget.js"),
  format: "iife", target: "es5" });
await esbuild.build({ ...common, entryPoints: [path.join(here, "src/app/index.js")], outfile: path.join(out, "widget-app.js"),
  format: "iife", target: modern });
await esbuild.build({ ...common, entryPoints: { sealshot: path.join(here, "src/esm/index.js") }, outdir: path.join(out, "esm"),
  format: "esm", splitting: true, target: modern, outExtension: { ".js": ".mjs" }, chunkNames: "chunks/[name]-[hash]" });
fs.copyFileSync(path.join(wasmDir, "core.wasm"), path.join(out, "core.wasm"));
fs.copyFileSync(path.join(wasmDir, "core.wasm"), path.join(out, "esm", "core.wasm"));
fs.copyFileSync(path.join(here, "types/sealshot.d.ts"), path.join(out, "esm", "sealshot.d.ts"));

const sizes = {};
for (const file of ["widget.js", "widget-app.js", "core.wasm", "esm/sealshot.mjs"]) {
  const bytes = fs.readFileSync(path.join(out, file));
  sizes[file] = { bytes: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length };
}
fs.writeFileSync(path.join(out, "sizes.json"), JSON.stringify(sizes, null, 2) + "\n");
for (const [file, s] of Object.entries(sizes)) console.log(`widget: ${file.padEnd(17)} ${String(s.bytes).padStart(8)} B, ${String(s.gzip).padStart(7)} B gzip`);
if (sizes["widget.js"].gzip > LOADER_GZIP_BUDGET) {
  console.error(`widget build: the loader is ${sizes["widget.js"].gzip} B gzip, over its ${LOADER_GZIP_BUDGET} B budget`);
  process.exit(1);
}
