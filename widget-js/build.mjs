// Builds the widget into build/widget/ (or $SEALSHOT_WIDGET_OUT):
//   widget.js             the loader site owners embed (ES5, must stay ≤ 4 KB gzip)
//   widget-app.HASH.js    capture, redaction, dialog, upload: fetched on first open
//   core.HASH.wasm        the capture core (from build-wasm/wasm, $SEALSHOT_WASM_DIR)
//   hb-subset.HASH.wasm   HarfBuzz's font subsetter (harfbuzzjs), fetched only for pages with web fonts
//   esm/                  the ES module entry with its lazily loaded chunk and .d.ts
// The same sources give the same bytes wherever and whenever they are built
// (tests/reproducible, scripts/check-reproducible): nothing here may depend
// on a path, a clock or the machine.
//   sizes.json            bytes and gzip bytes of each file (docs/benchmarks.md)
// HASH is the content's SHA-256 (16 hex digits): sealshot-server caches those
// files for a year, so a new build must be a new name. Each file also pins the
// next one's bytes with a SHA-384 integrity hash (loader → app → wasm), so the
// snippet's integrity="" on widget.js covers everything that runs.
// Usage: node widget-js/build.mjs   (scripts/build runs it after the wasm build)
import * as esbuild from "esbuild";
import crypto from "node:crypto";
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

// SEALSHOT_WIDGET_PROFILE=1 keeps the names, for CPU profiles (widget-js/bench/open-profile.mjs);
// such a build is for measuring only.
const keepNames = process.env.SEALSHOT_WIDGET_PROFILE === "1";
// modern-screenshot's getDiffStyle is replaced by ours (src/app/diff-style.js:
// the same result, without its per-property bookkeeping). The function is
// cut out of the pinned version's file by its first line and the next
// function's; the build stops if either is not found.
const DIFF_START = "function getDiffStyle(style, defaultStyle, includeStyleProperties) {";
const DIFF_END = "function copyCssStyles(";
const ourDiffStyle = {
  name: "sealshot-diff-style",
  setup(build) {
    build.onLoad({ filter: /[\\/]modern-screenshot[\\/]dist[\\/]index\.mjs$/ }, (args) => {
      const source = fs.readFileSync(args.path, "utf8");
      const start = source.indexOf(DIFF_START);
      const end = source.indexOf(DIFF_END, start);
      if (start < 0 || end < 0 || source.indexOf(DIFF_START, start + 1) >= 0)
        throw new Error(
          `widget build: getDiffStyle not found once in ${args.path}; check src/app/diff-style.js against it`,
        );
      const replaced =
        `import { diffStyle as sealshotDiffStyle } from ${JSON.stringify(path.join(here, "src/app/diff-style.js"))};\n` +
        source.slice(0, start) +
        "const getDiffStyle = sealshotDiffStyle;\n\n" +
        source.slice(end);
      return { contents: replaced, loader: "js", resolveDir: path.dirname(args.path) };
    });
  },
};
const common = {
  bundle: true,
  plugins: [ourDiffStyle],
  ...(keepNames ? { minifyWhitespace: true, minifySyntax: true } : { minify: true }),
  legalComments: "none",
  logLevel: "warning",
  sourcemap: false,
  alias: { "sealshot-core": path.join(wasmDir, "sealshot-core.mjs") },
  // core.mjs reads import.meta.url only when no locateFile is given; we always give one.
  logOverride: { "empty-import-meta": "silent" },
};
// Wasm SIMD (cmake/wasm.cmake) already needs these versions; the app bundle targets the same.
const modern = ["chrome91", "edge91", "firefox89", "safari16.4"];

const sri = (bytes) => "sha384-" + crypto.createHash("sha384").update(bytes).digest("base64");
const hashedName = (stem, ext, bytes) =>
  `${stem}.${crypto.createHash("sha256").update(bytes).digest("hex").slice(0, 16)}.${ext}`;
const str = (value) => JSON.stringify(value); // esbuild's define takes JSON

// Bottom up, since each file names and pins the one it loads: core.wasm, then
// the app bundle (knows the wasm), then the loader (knows the app).
const wasm = fs.readFileSync(path.join(wasmDir, "core.wasm"));
const files = { "core.wasm": hashedName("core", "wasm", wasm) };
fs.writeFileSync(path.join(out, files["core.wasm"]), wasm);
// HarfBuzz's subsetter (harfbuzzjs, MIT): web fonts inlined as subsets (src/app/font-subset.js),
// fetched only when a captured page has web fonts in use.
const hbSubsetPath = path.join(here, "node_modules/harfbuzzjs/dist/harfbuzz-subset.wasm");
const hbSubset = fs.readFileSync(hbSubsetPath);
files["hb-subset.wasm"] = hashedName("hb-subset", "wasm", hbSubset);
fs.writeFileSync(path.join(out, files["hb-subset.wasm"]), hbSubset);

const app = await esbuild.build({
  ...common,
  entryPoints: [path.join(here, "src/app/index.js")],
  write: false,
  outfile: path.join(out, "widget-app.js"),
  format: "iife",
  target: modern,
  define: {
    __SEALSHOT_WASM_FILE__: str(files["core.wasm"]),
    __SEALSHOT_WASM_INTEGRITY__: str(sri(wasm)),
    __SEALSHOT_HB_SUBSET_FILE__: str(files["hb-subset.wasm"]),
    __SEALSHOT_HB_SUBSET_INTEGRITY__: str(sri(hbSubset)),
  },
});
const appBytes = app.outputFiles[0].contents;
files["widget-app.js"] = hashedName("widget-app", "js", appBytes);
fs.writeFileSync(path.join(out, files["widget-app.js"]), appBytes);

await esbuild.build({
  ...common,
  entryPoints: [path.join(here, "src/loader/loader.js")],
  outfile: path.join(out, "widget.js"),
  format: "iife",
  target: "es5",
  define: {
    __SEALSHOT_APP_FILE__: str(files["widget-app.js"]),
    __SEALSHOT_APP_INTEGRITY__: str(sri(appBytes)),
    __SEALSHOT_WASM_FILE__: str(files["core.wasm"]),
  },
});
files["widget.js"] = "widget.js";

// The ES module build is bundled again by the site's own tooling, which may
// rename files: it keeps plain names and loads esm/core.wasm unpinned. Its
// chunks too: esbuild's [hash] covers the inputs' paths, so a wasm folder
// elsewhere gave other chunk names for the same bytes (not reproducible).
await esbuild.build({
  ...common,
  entryPoints: { sealshot: path.join(here, "src/esm/index.js") },
  outdir: path.join(out, "esm"),
  format: "esm",
  splitting: true,
  target: modern,
  outExtension: { ".js": ".mjs" },
  chunkNames: "chunks/[name]",
});
fs.copyFileSync(path.join(wasmDir, "core.wasm"), path.join(out, "esm", "core.wasm"));
fs.copyFileSync(hbSubsetPath, path.join(out, "esm", "hb-subset.wasm"));
fs.copyFileSync(path.join(here, "types/sealshot.d.ts"), path.join(out, "esm", "sealshot.d.ts"));
files["esm/sealshot.mjs"] = "esm/sealshot.mjs";

// Keyed by the plain names (docs/benchmarks.md); `file` is the name on disk.
const sizes = {};
for (const key of ["widget.js", "widget-app.js", "core.wasm", "hb-subset.wasm", "esm/sealshot.mjs"]) {
  const file = files[key];
  const bytes = fs.readFileSync(path.join(out, file));
  sizes[key] = { file, bytes: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length };
}
fs.writeFileSync(path.join(out, "sizes.json"), JSON.stringify(sizes, null, 2) + "\n");
for (const s of Object.values(sizes))
  console.log(`widget: ${s.file.padEnd(30)} ${String(s.bytes).padStart(8)} B, ${String(s.gzip).padStart(7)} B gzip`);
if (sizes["widget.js"].gzip > LOADER_GZIP_BUDGET) {
  console.error(
    `widget build: the loader is ${sizes["widget.js"].gzip} B gzip, over its ${LOADER_GZIP_BUDGET} B budget`,
  );
  process.exit(1);
}
