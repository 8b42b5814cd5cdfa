// Everything a widget browser test needs: the ingest (real or stand-in), the
// demo site on its own port (so the widget is cross-origin to the ingest),
// Chromium, and helpers to drive the dialog and open what was stored.
import fs from "node:fs";
import path from "node:path";
import { launch, repoRoot } from "./browser.mjs";
import { freePort, startIngest } from "./ingest.mjs";
import { startDemoServer } from "../../../demo/serve.mjs";
import { loadCore } from "../../wasm/support/load-core.mjs";
import { decodePng } from "../../wasm/support/png-decode.mjs";

export const widgetDir = process.env.SEALSHOT_WIDGET_DIR ?? path.join(repoRoot, "build/widget");

/** Personal data on the demo page (demo/README.md) that must never leave the browser. */
export const DEMO_PII = [
  "Clara Meier-Okafor",
  "clara.meier-okafor@example.com",
  "+49 151 23456789",
  "(030) 901820-47",
  "+44 20 7946 0958",
  "14 August 1988",
  "Lindenstraße 42",
  "0151 23456789",
  "4111 1111 1111 1111",
  "DE89 3704 0044 0532 0130 00",
  "c.okafor@example.org",
  "FJ-0048213",
  "correct-horse-battery",
  "040 6094 7721",
];

/**
 * widgetFrom: "demo" embeds /sealshot/widget.js from the demo site with
 * data-endpoint set to the ingest; "ingest" embeds the snippet of `sealshot
 * project snippet` as a site owner would: widget.js from sealshot-server,
 * pinned by its integrity hash, no data-endpoint.
 */
export async function setup({
  csp = false,
  lang = "",
  consoleErrors = false,
  viewport,
  deviceScaleFactor,
  browserArgs,
  widgetFrom = "demo",
  device = {},
} = {}) {
  if (!fs.existsSync(path.join(widgetDir, "widget.js")))
    throw new Error(`${widgetDir}/widget.js missing: run scripts/build`);
  const demoPort = await freePort();
  const origin = `http://127.0.0.1:${demoPort}`;
  const ingest = await startIngest({ origin, widgetDir });
  const served =
    widgetFrom === "ingest"
      ? { widgetSrc: `${ingest.url}/widget.js`, integrity: (await ingest.snippet()).integrity, endpoint: "" }
      : { endpoint: ingest.url };
  const demo = await startDemoServer({
    port: demoPort,
    widgetDir,
    project: ingest.project,
    key: ingest.publicKey,
    ...served,
    csp,
    lang,
    consoleErrors,
    pagesDir: path.join(repoRoot, "tests/browser/pages"),
  });
  // device: more context options, e.g. {isMobile: true, hasTouch: true} for a phone.
  const browser = await launch({ viewport, deviceScaleFactor, args: browserArgs, ...device });
  const { core } = await loadCore();
  return {
    ingest,
    demo,
    browser,
    core,
    /** file: a demo page, or "test-pages/NAME.html" for a page of tests/browser/pages/. */
    async page(file = "account.html") {
      const page = await browser.context.newPage();
      page.errors = [];
      page.on("pageerror", (e) => page.errors.push(e.message));
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") page.errors.push(m.text());
      });
      await page.goto(`${demo.url}/${file}`, { waitUntil: "load" });
      await page.evaluate(() => document.fonts.ready);
      return page;
    },
    open(envelope) {
      return core.openReport(envelope, ingest.secretKey, ingest.project);
    },
    async close() {
      await browser.close();
      await demo.close();
      await ingest.close();
    },
  };
}

/** Resolves with the detail of the next document event `name` (sealshot:sent, …). */
export function nextEvent(page, name, timeout = 30_000) {
  const p = page.evaluate(
    ({ name, timeout }) =>
      new Promise((resolve, reject) => {
        document.addEventListener(name, (e) => resolve(e.detail), { once: true });
        setTimeout(() => reject(new Error(`no ${name} within ${timeout} ms`)), timeout);
      }),
    { name, timeout },
  );
  p.catch(() => {});
  return p;
}

/** Opens the dialog through the public API and waits for the redacted preview. */
export async function openDialog(page) {
  await page.evaluate(() => window.Sealshot.open());
  await page.locator(".dialog canvas").waitFor({ state: "visible", timeout: 30_000 });
}

export async function fillAndSend(page, comment = "The invoice table looks wrong.") {
  await page.locator(".dialog textarea").fill(comment);
  await page.locator(".dialog button[type=submit]").click();
}

/**
 * Boxes (CSS px, viewport) of the demo's personal data, found by the test
 * itself, independently of the widget: exact strings in text nodes (also in
 * open shadow roots and same-origin iframes), marked elements and sensitive inputs.
 */
export function personalDataBoxes(page, strings = DEMO_PII) {
  return page.evaluate((strings) => {
    const boxes = [];
    const add = (r, dx, dy, what) => {
      if (r.width > 0 && r.height > 0)
        boxes.push({ x: r.left + dx, y: r.top + dy, width: r.width, height: r.height, what });
    };
    const visit = (root, dx, dy) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (n.parentElement?.closest("[data-sealshot-ui], title, script, style")) continue;
        for (const s of strings) {
          for (let i = n.data.indexOf(s); i >= 0; i = n.data.indexOf(s, i + 1)) {
            const range = n.ownerDocument.createRange();
            range.setStart(n, i);
            range.setEnd(n, i + s.length);
            for (const r of range.getClientRects()) add(r, dx, dy, s);
          }
        }
      }
      for (const el of root.querySelectorAll("*")) {
        if (el.matches("input[type=password], input[type=tel]")) add(el.getBoundingClientRect(), dx, dy, el.tagName);
        if (el.matches("[data-sealshot-mask]")) {
          // Each line fragment of a wrapped inline element (its bounding box also spans other text), and each line of its text.
          for (const r of el.getClientRects()) add(r, dx, dy, el.tagName);
          const texts = el.ownerDocument.createTreeWalker(el, NodeFilter.SHOW_TEXT),
            range = el.ownerDocument.createRange();
          for (let t = texts.nextNode(); t; t = texts.nextNode()) {
            if (!/\S/.test(t.data)) continue;
            range.selectNodeContents(t);
            for (const r of range.getClientRects()) add(r, dx, dy, `${el.tagName} text`);
          }
        }
        if (el.shadowRoot) visit(el.shadowRoot, dx, dy);
        if (el.tagName === "IFRAME" && el.contentDocument) {
          const r = el.getBoundingClientRect(),
            cs = getComputedStyle(el);
          visit(
            el.contentDocument.body,
            dx + r.left + el.clientLeft + parseFloat(cs.paddingLeft),
            dy + r.top + el.clientTop + parseFloat(cs.paddingTop),
          );
        }
      }
    };
    visit(document.body, 0, 0);
    return boxes.filter((b) => b.x < innerWidth && b.y < innerHeight);
  }, strings);
}

/** Pixels inside each box (clipped to the image) that are not opaque black; [] when all are. */
export function unredacted(png, boxes, dpr = 1) {
  const { width, height, rgba } = decodePng(png);
  const bad = [];
  for (const b of boxes) {
    // Inward rounding: the core rounds outward, so every pixel of the text's box must be black.
    const x0 = Math.max(0, Math.ceil(b.x * dpr)),
      y0 = Math.max(0, Math.ceil(b.y * dpr));
    const x1 = Math.min(width, Math.floor((b.x + b.width) * dpr)),
      y1 = Math.min(height, Math.floor((b.y + b.height) * dpr));
    let count = 0;
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) {
        const i = (y * width + x) * 4;
        if (rgba[i] !== 0 || rgba[i + 1] !== 0 || rgba[i + 2] !== 0 || rgba[i + 3] !== 255) count++;
      }
    if (count) bad.push({ ...b, pixels: count });
  }
  return bad;
}

/** Whether any of the strings occurs in the bytes, as UTF-8 or UTF-16LE. */
export function leakedStrings(bytes, strings = DEMO_PII) {
  const buf = Buffer.from(bytes);
  return strings.filter((s) => buf.includes(Buffer.from(s, "utf8")) || buf.includes(Buffer.from(s, "utf16le")));
}
