// A tiny static file server for the demo shop, on its own port, so the widget
// runs cross-origin to the ingest server exactly as on a real customer site.
//
//   node demo/serve.mjs --port 8080 --widget-dir build/widget \
//        --project prj_… --key PUBLIC_KEY --endpoint https://127.0.0.1:8443 [--csp]
//   node demo/serve.mjs … --widget-src https://127.0.0.1:8443/widget.js   (no --endpoint)
//
// Serves demo/ at /, the built widget at /sealshot/, and the web font of the
// demo at /assets/fonts/ (Debian's DejaVu Serif, so no binary font is
// committed). In HTML it fills the %SEALSHOT_…% placeholders of the embed
// snippet: widget.js from /sealshot/ or from --widget-src (sealshot-server's
// /widget.js, as on a real site), pinned with --integrity or else the SHA-384
// of the widget dir's widget.js. With --csp every page gets a strict
// Content-Security-Policy with a fresh nonce: the policy docs/widget.md tells
// site owners to use.
// Tests import startDemoServer() instead of spawning this file.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".ttf": "font/ttf",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".map": "application/json",
};
const FONT_DIR = "/usr/share/fonts/truetype/dejavu";
const FONTS = { "demo-serif.ttf": "DejaVuSerif.ttf", "demo-serif-bold.ttf": "DejaVuSerif-Bold.ttf" };
// Stand-ins for icon fonts offered in three formats, as icon kits ship them
// (tests/browser/pages/dashboard.html): each name serves a DejaVu TrueType
// file; a browser reads a font's own signature, format() only picks the entry.
for (const [kit, file] of [
  ["solid", "DejaVuSans-Bold.ttf"],
  ["regular", "DejaVuSans.ttf"],
  ["brands", "DejaVuSansMono.ttf"],
]) {
  for (const ext of ["woff2", "woff", "ttf"]) FONTS[`icons-${kit}.${ext}`] = file;
}

/**
 * The CSP a strict site sends, allowing only itself, the widget's origin and
 * wasm compilation. ingest: the sealshot-server origin; scriptsFromIngest:
 * widget.js comes from there too (script-src then names it, as docs/widget.md says).
 */
export function strictCsp(nonce, ingest = "", scriptsFromIngest = false) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'wasm-unsafe-eval'${scriptsFromIngest ? ` ${ingest}` : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    // data:/blob: are the capture's own SVG and canvas images, never remote content.
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${ingest}`.trim(),
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
  ].join("; ");
}

/**
 * Starts the server; resolves to {url, port, close()}. Options: port (0 = any),
 * widgetDir, widgetSrc (default /sealshot/widget.js), integrity (default: of
 * widgetDir/widget.js), project, key, endpoint, csp (boolean), extraHeaders,
 * pagesDir (served at /test-pages/, placeholders filled like the shop's).
 */
export function startDemoServer(options = {}) {
  const widgetDir = path.resolve(options.widgetDir ?? path.join(root, "build/widget"));
  const widgetSrc = options.widgetSrc ?? "/sealshot/widget.js";
  // Pages made for one browser test (tests/browser/pages/), beside the shop at /test-pages/.
  const pagesDir = options.pagesDir ? path.resolve(options.pagesDir) : null;
  const remote = /^https?:\/\//.test(widgetSrc);
  const ingest = options.endpoint ? new URL(options.endpoint).origin : remote ? new URL(widgetSrc).origin : "";
  // Read per page, so a rebuild while the demo runs is picked up.
  const integrity = () =>
    options.integrity ??
    (fs.existsSync(path.join(widgetDir, "widget.js"))
      ? "sha384-" +
        crypto
          .createHash("sha384")
          .update(fs.readFileSync(path.join(widgetDir, "widget.js")))
          .digest("base64")
      : "");
  const fill = (html, nonce) =>
    html
      .replaceAll("%SEALSHOT_WIDGET_SRC%", widgetSrc)
      .replaceAll("%SEALSHOT_INTEGRITY%", integrity())
      .replaceAll("%SEALSHOT_PROJECT%", options.project ?? "prj_demo")
      .replaceAll("%SEALSHOT_KEY%", options.key ?? "")
      .replaceAll("%SEALSHOT_ENDPOINT%", options.endpoint ?? "")
      .replaceAll("%SEALSHOT_LANG%", options.lang ?? "")
      .replaceAll("%SEALSHOT_CONSOLE_ERRORS%", options.consoleErrors ? "true" : "false")
      .replaceAll("%CSP_NONCE%", nonce);

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    let pathname = decodeURIComponent(url.pathname);
    if (pathname === "/") pathname = "/account.html";
    let file;
    if (pathname.startsWith("/sealshot/")) file = path.join(widgetDir, pathname.slice("/sealshot/".length));
    else if (pagesDir && pathname.startsWith("/test-pages/"))
      file = path.join(pagesDir, pathname.slice("/test-pages/".length));
    else if (pathname.startsWith("/assets/fonts/") && FONTS[path.basename(pathname)])
      file = path.join(FONT_DIR, FONTS[path.basename(pathname)]);
    else file = path.join(here, pathname);
    // No climbing out of the served folders.
    const allowed = [here, widgetDir, FONT_DIR, pagesDir]
      .filter(Boolean)
      .some((dir) => file === dir || file.startsWith(dir + path.sep));
    if (!allowed || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const type = TYPES[path.extname(file)] ?? "application/octet-stream";
    const headers = { "content-type": type, "cache-control": "no-store", ...(options.extraHeaders ?? {}) };
    if (type.startsWith("text/html")) {
      const nonce = crypto.randomBytes(16).toString("base64");
      if (options.csp) headers["content-security-policy"] = strictCsp(nonce, ingest, remote);
      res.writeHead(200, headers).end(fill(fs.readFileSync(file, "utf8"), nonce));
      return;
    }
    res.writeHead(200, headers);
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8080" },
      "widget-dir": { type: "string" },
      project: { type: "string" },
      key: { type: "string" },
      endpoint: { type: "string" },
      "widget-src": { type: "string" },
      integrity: { type: "string" },
      lang: { type: "string" },
      csp: { type: "boolean", default: false },
    },
  });
  const server = await startDemoServer({
    port: Number(values.port),
    widgetDir: values["widget-dir"],
    project: values.project,
    key: values.key,
    endpoint: values.endpoint,
    lang: values.lang,
    csp: values.csp,
    widgetSrc: values["widget-src"],
    integrity: values.integrity,
  });
  console.log(`demo: ${server.url}/account.html${values.csp ? " (strict CSP)" : ""}`);
}
