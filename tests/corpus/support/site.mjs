// The corpus "site": one loopback origin serving our own pages, the npm
// templates' example pages, a few Debian fonts and the built widget, with
// the widget's script tag added to every HTML page (as a site owner would
// paste the snippet). One origin, so the project allows exactly one origin.
//
//   /own/…                our pages (tests/corpus/pages/)
//   /t/<package>/…        a template whose pages use relative URLs
//   /production/, /js/, /assets/, /images/ …   gentelella (its pages use root-relative URLs)
//   /fonts/<file>         whitelisted font files of Debian's fonts-* packages
//   /sealshot/…           the built widget
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const corpusDir = path.resolve(here, "..");
export const modules = path.join(corpusDir, "node_modules");

/** Templates served under /t/<name>/: the folder of the package that holds its pages. */
const TEMPLATE_ROOTS = {
  "sb-admin-2": path.join(modules, "startbootstrap-sb-admin-2"),
  "sb-admin": path.join(modules, "startbootstrap-sb-admin/dist"),
  resume: path.join(modules, "startbootstrap-resume/dist"),
  "new-age": path.join(modules, "startbootstrap-new-age/dist"),
  "clean-blog": path.join(modules, "startbootstrap-clean-blog/dist"),
  agency: path.join(modules, "startbootstrap-agency/dist"),
};
/** gentelella's built pages ask for /js/…, /assets/…, /images/… from the site root. */
const ROOT_TEMPLATE = path.join(modules, "gentelella/dist");

/** Fonts from Debian packages (scripts/apt-packages.txt), never committed. */
const FONTS = {
  "OpenSans-Regular.ttf": "/usr/share/fonts/truetype/open-sans/OpenSans-Regular.ttf",
  "OpenSans-Bold.ttf": "/usr/share/fonts/truetype/open-sans/OpenSans-Bold.ttf",
  "wqy-microhei.ttc": "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
  "DejaVuSans.ttf": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  "DejaVuSerif.ttf": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
};

export const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".ttf": "font/ttf",
  ".ttc": "font/collection",
  ".otf": "font/otf",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".map": "application/json",
  ".webmanifest": "application/manifest+json",
};

/** Whether the template packages are installed (scripts/setup runs npm ci in tests/corpus). */
export function templatesInstalled() {
  return [...Object.values(TEMPLATE_ROOTS), ROOT_TEMPLATE].every((dir) => fs.existsSync(dir));
}

function resolveFile(pathname, widgetDir) {
  const inside = (dir, rel) => {
    const file = path.resolve(dir, "." + path.posix.normalize("/" + rel));
    return file === dir || file.startsWith(dir + path.sep) ? file : null;
  };
  if (pathname.startsWith("/own/")) return inside(path.join(corpusDir, "pages"), pathname.slice(5));
  if (pathname.startsWith("/sealshot/")) return inside(widgetDir, pathname.slice(10));
  if (pathname.startsWith("/fonts/")) return FONTS[pathname.slice(7)] ?? null;
  const t = /^\/t\/([^/]+)\/(.*)$/.exec(pathname);
  if (t) return TEMPLATE_ROOTS[t[1]] ? inside(TEMPLATE_ROOTS[t[1]], t[2]) : null;
  return inside(ROOT_TEMPLATE, pathname.slice(1));
}

/**
 * Starts the site on a free loopback port. snippet: the widget's <script> tag
 * (placed before </body> of every HTML page). Resolves to {url, origin, close()}.
 */
export function startSite({ port = 0, widgetDir, snippet = () => "" }) {
  widgetDir = path.resolve(widgetDir);
  const server = http.createServer((req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
    } catch {
      res.writeHead(400, { "content-type": "text/plain" }).end("bad path");
      return;
    }
    const file = resolveFile(pathname, widgetDir);
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const type = TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
    // The widget's files are cached as sealshot-server caches them, so a page after the first
    // loads the app bundle and core.wasm from the cache, like a visitor's second page.
    const headers = {
      "content-type": type,
      "cache-control": pathname.startsWith("/sealshot/") ? "max-age=300" : "no-store",
    };
    // Pages shown inside a frame (pages/frames/) are parts of a page: no widget of their own.
    if (type.startsWith("text/html") && !pathname.startsWith("/own/frames/")) {
      const html = fs.readFileSync(file, "utf8");
      const at = html.lastIndexOf("</body>");
      const tag = snippet();
      res.writeHead(200, headers).end(at >= 0 ? html.slice(0, at) + tag + html.slice(at) : html + tag);
      return;
    }
    res.writeHead(200, headers);
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const url = `http://127.0.0.1:${server.address().port}`;
      resolve({
        url,
        origin: url,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
