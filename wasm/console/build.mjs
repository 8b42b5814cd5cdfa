// Builds the review console's served files into build/console/ (or
// $SEALSHOT_CONSOLE_OUT), which sealshot-server serves at /console/
// (--console-dir):
//   index.html, link.html   the sign-in and set-up link pages (revalidated on every visit)
//   signin.HASH.js, link.HASH.js, console.HASH.css
//   account.HASH.wasm       the account module (build-wasm/wasm/account, $SEALSHOT_ACCOUNT_DIR)
//   workspace.HASH.js, app.HASH.wasm, font.HASH.ttf   the Dear ImGui workspace
//                           (build-wasm/wasm/console/app, $SEALSHOT_CONSOLE_APP_DIR) and its font
// HASH is the content's SHA-256 (16 hex digits): the server caches those
// files for a year. The pages pin their script and style with SRI and the
// scripts pin the .wasm the same way, so a page's bytes cover all that runs.
// Usage: node wasm/console/build.mjs   (scripts/build runs it after the wasm build)
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
// esbuild is the widget's build dependency already; one copy serves both.
const esbuild = createRequire(path.join(root, "widget-js/package.json"))("esbuild");
const out = path.resolve(process.env.SEALSHOT_CONSOLE_OUT ?? path.join(root, "build/console"));
const accountDir = path.resolve(process.env.SEALSHOT_ACCOUNT_DIR ?? path.join(root, "build-wasm/wasm/account"));
const appDir = path.resolve(process.env.SEALSHOT_CONSOLE_APP_DIR ?? path.join(root, "build-wasm/wasm/console/app"));
// The workspace's font, from Debian's fonts-dejavu-core (bundled, never fetched from elsewhere).
const FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

for (const f of ["sealshot-account.mjs", "account.mjs", "account.wasm"]) {
  if (!fs.existsSync(path.join(accountDir, f))) {
    console.error(
      `console build: ${path.join(accountDir, f)} is missing; build the wasm account module first (scripts/build).`,
    );
    process.exit(1);
  }
}
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

const sri = (bytes) => "sha384-" + crypto.createHash("sha384").update(bytes).digest("base64");
const hashedName = (stem, ext, bytes) =>
  `${stem}.${crypto.createHash("sha256").update(bytes).digest("hex").slice(0, 16)}.${ext}`;
const pins = {};
function emit(stem, ext, bytes) {
  const name = hashedName(stem, ext, bytes);
  fs.writeFileSync(path.join(out, name), bytes);
  pins[stem] = { name, integrity: sri(bytes) };
}

const bundle = async (entry, define) =>
  (
    await esbuild.build({
      entryPoints: [path.join(here, `web/${entry}.js`)],
      bundle: true,
      minify: true,
      write: false,
      format: "esm",
      target: ["chrome91", "edge91", "firefox89", "safari16.4"],
      legalComments: "none",
      logLevel: "warning",
      alias: {
        "sealshot-account": path.join(accountDir, "sealshot-account.mjs"),
        "console-app": path.join(appDir, "console_app.mjs"),
      },
      // The Emscripten factories read import.meta.url only when no wasmBinary is given; we always give one.
      logOverride: { "empty-import-meta": "silent" },
      define: Object.fromEntries(Object.entries(define).map(([k, v]) => [k, JSON.stringify(v)])),
    })
  ).outputFiles[0].contents;

emit("account", "wasm", fs.readFileSync(path.join(accountDir, "account.wasm")));
emit("console", "css", fs.readFileSync(path.join(here, "web/console.css")));
// The ImGui workspace, when the wasm build made it; without it the sign-in
// page stops at "signed in" (a build without the app still serves sign-in).
const hasApp = fs.existsSync(path.join(appDir, "console_app.wasm"));
if (hasApp) {
  if (!fs.existsSync(FONT)) {
    console.error(`console build: ${FONT} is missing (Debian package fonts-dejavu-core, scripts/apt-packages.txt).`);
    process.exit(1);
  }
  emit("app", "wasm", fs.readFileSync(path.join(appDir, "console_app.wasm")));
  emit("font", "ttf", fs.readFileSync(FONT));
  emit(
    "workspace",
    "js",
    await bundle("workspace", {
      __APP_WASM_FILE__: pins.app.name,
      __APP_WASM_INTEGRITY__: pins.app.integrity,
      __FONT_FILE__: pins.font.name,
      __FONT_INTEGRITY__: pins.font.integrity,
    }),
  );
} else {
  console.warn(`console build: ${appDir}/console_app.wasm not built; serving sign-in without the workspace.`);
}
const accountPins = { __ACCOUNT_WASM_FILE__: pins.account.name, __ACCOUNT_WASM_INTEGRITY__: pins.account.integrity };
emit("signin", "js", await bundle("signin", { ...accountPins, __WORKSPACE_JS__: hasApp ? pins.workspace.name : null }));
emit("link", "js", await bundle("link", accountPins));

const fill = (html) =>
  html
    .replaceAll("__CONSOLE_CSS__", pins.console.name)
    .replaceAll("__CONSOLE_CSS_INTEGRITY__", pins.console.integrity)
    .replaceAll("__SIGNIN_JS__", pins.signin.name)
    .replaceAll("__SIGNIN_JS_INTEGRITY__", pins.signin.integrity)
    .replaceAll("__LINK_JS__", pins.link.name)
    .replaceAll("__LINK_JS_INTEGRITY__", pins.link.integrity);
fs.writeFileSync(path.join(out, "index.html"), fill(fs.readFileSync(path.join(here, "web/index.html"), "utf8")));
fs.writeFileSync(path.join(out, "link.html"), fill(fs.readFileSync(path.join(here, "web/link.html"), "utf8")));
for (const f of fs.readdirSync(out).sort())
  console.log(`console: ${f.padEnd(32)} ${String(fs.statSync(path.join(out, f)).size).padStart(8)} B`);
