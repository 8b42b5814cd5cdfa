// Every origin but the corpus site and the ingest, answered on loopback. The
// corpus browser resolves all other host names to this one server
// (--host-resolver-rules), so the run stays offline and deterministic.
//
// A file of an npm package from the jsDelivr CDN (the templates' Bootstrap
// script) is served from the package installed here, when its version is the
// one asked for. Any other stylesheet (the templates' web-font CSS) gets an
// empty sheet that any origin may read and cache for a day, as the font
// services answer (with @font-face rules only): the page draws as with the
// request refused, and the widget can read every sheet
// (widget-js/src/app/author-styles.js). Anything else gets a 404.
//
// Why not Playwright's request routing, which did this before: any route
// turns Chromium's HTTP cache off, so every page fetched core.wasm, the app's
// fonts and the subsetter again, unlike a visitor's second page.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { modules, TYPES } from "./site.mjs";

const EMPTY_SHEET = "/* offline corpus: no web fonts from other origins */\n";
// Any origin may read what this server answers, and cache it for a day.
const SHARED = { "access-control-allow-origin": "*", "cache-control": "max-age=86400" };

/** Starts the server; resolves to {port, hostResolverRules, close()}. */
export async function startOtherOrigins() {
  const sheets = new Set(); // URLs first asked for as stylesheets
  const answer = (req, res) => {
    const url = `${req.headers.host}${req.url}`;
    const installed = installedPackageFile(url);
    if (installed) {
      const type = TYPES[path.extname(installed)] ?? "application/octet-stream";
      return res.writeHead(200, { "content-type": type, ...SHARED }).end(fs.readFileSync(installed));
    }
    if (/^text\/css/.test(req.headers.accept ?? "")) sheets.add(url);
    if (!sheets.has(url)) return res.writeHead(404, { "access-control-allow-origin": "*" }).end();
    res.writeHead(200, { "content-type": "text/css", ...SHARED }).end(EMPTY_SHEET);
  };
  const { key, cert } = selfSignedCertificate();
  const tlsServer = https.createServer({ key, cert }, answer);
  const plainServer = http.createServer(answer);
  // One port for both schemes: a TLS connection starts with a handshake record (0x16).
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.once("data", (head) => {
      socket.pause();
      socket.unshift(head);
      (head[0] === 0x16 ? tlsServer : plainServer).emit("connection", socket);
      process.nextTick(() => socket.resume());
    });
    socket.on("error", () => {});
  });
  await new Promise((resolve, reject) => server.listen(0, "127.0.0.1", resolve).once("error", reject));
  const { port } = server.address();
  return {
    port,
    // The corpus site and the ingest listen on 127.0.0.1 and keep their own ports.
    hostResolverRules: `MAP * 127.0.0.1:${port}, EXCLUDE 127.0.0.1`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

// cdn.jsdelivr.net/npm/NAME@VERSION/FILE → the installed package's FILE, or null.
function installedPackageFile(url) {
  const m = /^cdn\.jsdelivr\.net(?::\d+)?\/npm\/((?:@[^/@]+\/)?[^/@]+)@([^/]+)\/([^?#]+)/.exec(url);
  if (!m) return null;
  const dir = path.join(modules, m[1]);
  try {
    if (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version !== m[2]) return null;
  } catch {
    return null;
  }
  const file = path.resolve(dir, path.posix.normalize("/" + m[3]).slice(1));
  return file.startsWith(dir + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile() ? file : null;
}

// A throwaway certificate (the corpus browser ignores certificate errors).
function selfSignedCertificate() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sealshot-other-origins-"));
  try {
    const key = path.join(dir, "key.pem"),
      cert = path.join(dir, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=corpus-other-origins",
        "-keyout",
        key,
        "-out",
        cert,
      ],
      { stdio: "ignore" },
    );
    return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
