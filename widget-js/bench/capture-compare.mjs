// Measures the DOM-to-canvas candidates on the demo page, the numbers behind
// the choice in docs/capture-comparison.md:
//   node widget-js/bench/capture-compare.mjs [--runs 7] [--dpr 1] [--csp]
// For each library: minified+gzip bundle size, capture time of the visible
// 1920x1080 viewport (first run and median of the rest), and how close each
// region that DOM capture usually gets wrong comes out, measured as the mean
// absolute difference per channel (0..255) against Chromium's own screenshot.
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";
import { startDemoServer } from "../../demo/serve.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const { chromium } = createRequire(path.join(root, "tests/package.json"))("playwright-core");
const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "7" },
    dpr: { type: "string", default: "1" },
    csp: { type: "boolean", default: false },
  },
});
const runs = Number(args.runs);
const dpr = Number(args.dpr);

// A neutral grey box: what a failed or cross-origin image turns into.
const PLACEHOLDER =
  "data:image/svg+xml," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="#c8cdd3"/></svg>',
  );

// Each candidate as the smallest entry the widget would ship: one function
// that returns a canvas of the visible viewport at the device pixel ratio.
const CANDIDATES = {
  "@zumer/snapdom": `import { snapdom } from "@zumer/snapdom";
    window.__capture = async (dpr, placeholder) => {
      const result = await snapdom(document.documentElement, { clip: "viewport", dpr, scale: 1, embedFonts: true,
        fallbackURL: placeholder, cache: "disabled" });
      return result.toCanvas();
    };`,
  "modern-screenshot": `import { domToCanvas } from "modern-screenshot";
    window.__capture = (dpr, placeholder) => domToCanvas(document.documentElement, {
      width: innerWidth, height: innerHeight, scale: dpr, workerNumber: 0,
      fetch: { placeholderImage: placeholder, bypassingCache: false } });`,
  // The widget's own call: our CSP-proof font CSS, the clone hook that blanks masked text, no workers.
  "modern-screenshot (as the widget calls it)": `import { captureDom } from "./src/app/capture-dom.js";
    window.__capture = async (dpr) => (await captureDom({ found: { wholeTexts: [], substrings: [] }, devicePixelRatio: dpr })).canvas;`,
  "html-to-image": `import { toCanvas } from "html-to-image";
    window.__capture = (dpr, placeholder) => toCanvas(document.documentElement, {
      width: innerWidth, height: innerHeight, pixelRatio: dpr, imagePlaceholder: placeholder, cacheBust: false });`,
};

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "sealshot-capture-"));
const sizes = {};
for (const [name, source] of Object.entries(CANDIDATES)) {
  const file = name.replace(/[^a-z]/g, "") + ".js";
  const result = await esbuild.build({
    stdin: { contents: source, resolveDir: path.join(root, "widget-js"), loader: "js" },
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2020",
    write: false,
    legalComments: "none",
  });
  const code = result.outputFiles[0].contents;
  fs.writeFileSync(path.join(outDir, file), code);
  sizes[name] = { file, min: code.length, gzip: zlib.gzipSync(code, { level: 9 }).length };
}

const server = await startDemoServer({ widgetDir: outDir, csp: args.csp });
const profile = fs.mkdtempSync(path.join(os.tmpdir(), "sealshot-chromium-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--hide-scrollbars",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
  viewport: { width: 1920, height: 1080 },
  deviceScaleFactor: dpr,
});
const results = {};
try {
  for (const [name, { file }] of Object.entries(sizes)) {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(`${server.url}/account.html`, { waitUntil: "load" });
    await page.evaluate(() => document.fonts.ready);
    await page.waitForTimeout(300);
    const shot = await page.screenshot();
    fs.writeFileSync(path.join(outDir, "reference.png"), shot);
    const reference = shot.toString("base64");
    await page.addScriptTag({ url: `/sealshot/${file}` });
    // Regions that DOM capture commonly gets wrong, in CSS pixels.
    const regions = await page.evaluate(() => {
      const box = (el) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      };
      return {
        viewport: { x: 0, y: 0, width: innerWidth, height: innerHeight },
        "web font (h1)": box(document.querySelector("h1")),
        "open shadow root": box(document.querySelector("loyalty-card")),
        "same-origin iframe": box(document.querySelector("iframe")),
        "failed cross-origin image": box(document.querySelector("img.avatar")),
        "password input": box(document.querySelector("input[type=password]")),
      };
    });
    const times = [];
    let diff = null;
    let failure = null;
    for (let i = 0; i < runs && !failure; i++) {
      const out = await page.evaluate(
        async ({ dpr, placeholder, reference, regions, compare }) => {
          const t0 = performance.now();
          let canvas;
          try {
            canvas = await window.__capture(dpr, placeholder);
          } catch (e) {
            return { error: String((e && e.message) || e) };
          }
          const ms = performance.now() - t0;
          if (!compare) return { ms };
          const img = new Image();
          img.src = "data:image/png;base64," + reference;
          await img.decode();
          const w = img.naturalWidth,
            h = img.naturalHeight;
          const pixels = (source) => {
            const c = document.createElement("canvas");
            c.width = w;
            c.height = h;
            const ctx = c.getContext("2d");
            ctx.fillStyle = "#fff";
            ctx.fillRect(0, 0, w, h);
            ctx.drawImage(source, 0, 0);
            return ctx.getImageData(0, 0, w, h).data;
          };
          const a = pixels(img),
            b = pixels(canvas);
          const scores = {};
          for (const [key, r] of Object.entries(regions)) {
            const x0 = Math.max(0, Math.floor(r.x * dpr)),
              y0 = Math.max(0, Math.floor(r.y * dpr));
            const x1 = Math.min(w, Math.ceil((r.x + r.width) * dpr)),
              y1 = Math.min(h, Math.ceil((r.y + r.height) * dpr));
            let sum = 0,
              n = 0;
            for (let y = y0; y < y1; y++)
              for (let x = x0; x < x1; x++) {
                const i = (y * w + x) * 4;
                sum += Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]);
                n += 3;
              }
            scores[key] = n ? +(sum / n).toFixed(1) : null;
          }
          return { ms, size: [canvas.width, canvas.height], scores, png: canvas.toDataURL("image/png") };
        },
        { dpr, placeholder: PLACEHOLDER, reference, regions, compare: i === 0 },
      );
      if (out.error) {
        failure = out.error;
        break;
      }
      times.push(out.ms);
      if (out.scores) {
        diff = { size: out.size, scores: out.scores };
        fs.writeFileSync(path.join(outDir, file.replace(".js", ".png")), Buffer.from(out.png.split(",")[1], "base64"));
      }
    }
    const warm = times.slice(1).sort((x, y) => x - y);
    results[name] = {
      ...sizes[name],
      failure,
      first: times[0] && +times[0].toFixed(0),
      median: warm.length ? +warm[Math.floor(warm.length / 2)].toFixed(0) : null,
      ...diff,
      errors: errors.slice(0, 5),
    };
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
console.log(
  JSON.stringify(
    { chromium: "/usr/bin/chromium", viewport: "1920x1080", dpr, runs, csp: args.csp, captures: outDir, results },
    null,
    2,
  ),
);
