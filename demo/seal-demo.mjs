// The demo, until the widget exists: do in Node what the widget will do in
// the visitor's browser, with the real parts — Debian's Chromium renders
// demo/account.html, the wasm core finds personal data in its text, the
// page gives the boxes, and the native `sealshot` CLI redacts, encodes and
// seals the screenshot; then `sealshot open` decrypts it again.
//
//   node demo/seal-demo.mjs --cli build/server/sealshot --wasm-dir build-wasm/wasm --out build/demo
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: {
    cli: { type: "string", default: path.join(root, "build/server/sealshot") },
    "wasm-dir": { type: "string", default: path.join(root, "build-wasm/wasm") },
    out: { type: "string", default: path.join(root, "build/demo") },
  },
});
// playwright-core is a dependency of tests/ (installed by scripts/setup).
const { chromium } = createRequire(path.join(root, "tests/package.json"))("playwright-core");
const { loadSealshotCore } = await import(pathToFileURL(path.join(args["wasm-dir"], "sealshot-core.mjs")).href);
const core = await loadSealshotCore({ wasmBinary: fs.readFileSync(path.join(args["wasm-dir"], "core.wasm")) });

fs.mkdirSync(args.out, { recursive: true });
const project = "prj_demo";
const secretKey = path.join(args.out, "demo-project.secret");
const publicKey = path.join(args.out, "demo-project.public");
if (!fs.existsSync(secretKey)) {
  execFileSync(args.cli, ["keygen", "--secret-key-out", secretKey, "--public-key-out", publicKey], { stdio: "ignore" });
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(path.join(root, "demo/account.html")).href, { waitUntil: "load" });
  // Boxes of marked elements and sensitive inputs, as the widget will find them.
  const marked = await page.$$eval(
    "[data-sealshot-mask], input[type=password], input[type=email], input[type=tel], input[autocomplete^=cc-]",
    (els) =>
      els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, width: r.width, height: r.height })),
  );
  // Visible text, scanned by the wasm core; hits become Range boxes in the page.
  const texts = await page.evaluate(() => {
    window.__textNodes = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.data.trim()) window.__textNodes.push(n);
    return window.__textNodes.map((n) => n.data);
  });
  const hits = texts.flatMap((text, node) => core.scan(text).map((h) => ({ node, ...h })));
  const detected = await page.evaluate(
    (hits) =>
      hits.flatMap((h) => {
        const range = document.createRange();
        range.setStart(window.__textNodes[h.node], h.start);
        range.setEnd(window.__textNodes[h.node], h.end);
        return Array.from(range.getClientRects(), (r) => ({ x: r.x, y: r.y, width: r.width, height: r.height }));
      }),
    hits,
  );
  const screenshot = path.join(args.out, "account-1920x1080.png");
  await page.screenshot({ path: screenshot });

  const rects = [...marked, ...detected].filter((r) => r.width > 0 && r.height > 0);
  const envelope = path.join(args.out, "report.env");
  // --force: a second run replaces this demo's own envelope and opened files.
  execFileSync(
    args.cli,
    [
      "seal",
      "--force",
      "--project",
      project,
      "--public-key",
      publicKey,
      "--dpr",
      "1",
      "--comment",
      "The IBAN field on the invoice looks wrong.",
      "--category",
      "bug",
      ...rects.flatMap((r) => ["--redact", `${r.x},${r.y},${r.width},${r.height}`]),
      screenshot,
      envelope,
    ],
    { stdio: "inherit" },
  );
  const opened = path.join(args.out, "opened");
  execFileSync(args.cli, ["open", "--force", "--secret-key", secretKey, envelope, opened], { stdio: "ignore" });

  console.log(`\nSealshot demo
  page rendered:        ${screenshot}
  personal data found:  ${hits.length} text hits (${[...new Set(hits.map((h) => h.kind))].join(", ")}), ${marked.length} marked elements/inputs
  envelope (encrypted): ${envelope} (${fs.statSync(envelope).size} bytes; the server would only ever see this)
  opened again:         ${opened}/manifest.json, ${opened}/screenshot.png  <- look: personal data is blacked out
  project secret key:   ${secretKey}`);
} finally {
  await browser.close();
}
