// The review console's HTML pages served by the real sealshot-server
// (--console-dir build/console): an owner opens the set-up link the CLI
// printed, chooses a password (keys made in the page by the account wasm),
// then signs in on /console/ and the page opens their wrapped secret key.
// Also: the pages' CSP and caching headers, and no request leaves the server.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import https from "node:https";
import { promisify } from "node:util";
import { pathToFileURL } from "node:url";
import { launch } from "./support/browser.mjs";
import { freePort } from "./support/ingest.mjs";
import {
  ACCOUNT_DIR,
  CLI,
  CONSOLE_DIR,
  SERVER,
  apiCall as apiCallAt,
  click,
  importSealedReports,
} from "./support/console.mjs";

const run = promisify(execFile);
const EMAIL = "owner@example.com";
const COMMENT = "The coupon field eats my code";
const PASSWORD = "violet harbour lantern 93";
const CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob:; " +
  "font-src 'self'; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

let server, browser, dataDir, url, port, link, authKey;
const requests = [];

function healthy(base) {
  return new Promise((resolve) => {
    const req = https.get(`${base}/healthz`, { rejectUnauthorized: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => {
      req.destroy();
      resolve(false);
    });
  });
}

before(async () => {
  assert.ok(fs.existsSync(path.join(CONSOLE_DIR, "index.html")), `${CONSOLE_DIR} is not built: run scripts/build`);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sealshot-console-"));
  port = await freePort();
  url = `https://127.0.0.1:${port}`;
  const { stdout } = await run(
    CLI,
    [
      "org",
      "create",
      "--data-dir",
      dataDir,
      "--name",
      "Acme Support",
      "--owner-email",
      EMAIL,
      "--console-url",
      url,
      "--json",
    ],
    { timeout: 20_000 },
  );
  link = JSON.parse(stdout).link;
  await startServer();
  // deviceScaleFactor 2: the workspace must size its canvas by devicePixelRatio.
  browser = await launch({ viewport: { width: 1024, height: 768 }, deviceScaleFactor: 2, consoleTestHooks: true });
  browser.context.on("request", (r) => requests.push(r.url()));
});

async function startServer() {
  server = spawn(
    SERVER,
    ["--listen", `127.0.0.1:${port}`, "--data-dir", dataDir, "--console-dir", CONSOLE_DIR, "--log-level", "warn"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  server.stderr.on("data", (d) => {
    stderr += d;
  });
  for (let i = 0; !(await healthy(url)); i++) {
    if (server.exitCode != null || i > 100) throw new Error(`sealshot-server did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopServer() {
  if (server && server.exitCode == null) {
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await exited;
  }
}

after(async () => {
  await browser?.close();
  await stopServer();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function openPage(address) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error" && !/^Failed to load resource/.test(m.text())) errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  // Chromium asks for /favicon.ico on its own; the console has none (404), which is not the page's error.
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) errors.push(`${r.status()} ${r.url()}`);
  });
  const response = await page.goto(address);
  return { page, errors, response };
}

// A review API call from Node with the owner's session (as a second client would).
const apiCall = (method, route, body, cookie) => apiCallAt(url, method, route, body, cookie);

// The owner's client makes a project (keypair here, their own sealed grant)
// and a visitor's report arrives: sealed by the CLI, stored with `submissions import`.
async function projectWithReport(pngBytes) {
  const { loadSealshotAccount } = await import(pathToFileURL(path.join(ACCOUNT_DIR, "sealshot-account.mjs")));
  const account = await loadSealshotAccount({ wasmBinary: fs.readFileSync(path.join(ACCOUNT_DIR, "account.wasm")) });
  const {
    body: { kdf },
  } = await apiCall("POST", "/v1/auth/prelogin", { email: EMAIL });
  const keys = account.deriveAccountKeys(PASSWORD, kdf.salt, { opslimit: kdf.opslimit, memlimit: kdf.memlimit });
  authKey = keys.authKey; // a second device of the owner's, later (sign out everywhere)
  const login = await apiCall("POST", "/v1/auth/login", { email: EMAIL, auth_key: keys.authKey });
  assert.equal(login.status, 200);
  const projectKeys = account.generateKeyPair();
  const created = await apiCall(
    "POST",
    `/v1/orgs/${login.body.organisations[0].id}/projects`,
    {
      name: "Shop",
      public_key: projectKeys.publicKey,
      allowed_origins: ["https://shop.example"],
      sealed_key: account.sealGrant(projectKeys.secretKey, login.body.public_key),
    },
    login.cookie,
  );
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const project = created.body.id;
  await importSealedReports({
    dataDir,
    project,
    publicKey: projectKeys.publicKey,
    png: pngBytes,
    comments: [`${COMMENT}\nSecond line stays in the report view.`],
  });
  await apiCall("POST", "/v1/auth/logout", {}, login.cookie);
  return project;
}

const consoleState = (page, wanted) =>
  page
    .waitForFunction((w) => w.includes(globalThis.__sealshotConsole?.state) && globalThis.__sealshotConsole, wanted, {
      timeout: 60_000,
    })
    .then((h) => h.jsonValue());

test("set-up link, then sign-in: keys made and opened in the page, CSP served, nothing third-party", async () => {
  // 1. The set-up link: a password chosen twice; the keypair is made here.
  const setup = await openPage(link);
  assert.equal(setup.response.status(), 200);
  await consoleState(setup.page, ["ready", "failed"]);
  await setup.page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await setup.page.getByLabel("The same password again").fill(PASSWORD + "x");
  await setup.page.getByRole("button", { name: "Set up" }).click();
  await setup.page.getByText("The two passwords differ.").waitFor();
  await setup.page.getByLabel("The same password again").fill(PASSWORD);
  await setup.page.getByRole("button", { name: "Set up" }).click();
  const accepted = await consoleState(setup.page, ["accepted"]);
  assert.match(accepted.fingerprint, /^([0-9A-F]{4} ){7}[0-9A-F]{4}$/);
  assert.equal(new URL(setup.page.url()).hash, "", "the used token leaves the address bar");
  assert.deepEqual(setup.errors, []);

  // A project the owner holds a grant for, with one report in it.
  mark("account set up");
  const project = await projectWithReport(await setup.page.screenshot({ type: "png" }));

  mark("project and report made");
  // 2. Sign-in with a wrong password, then the right one.
  const signin = await openPage(`${url}/console/`);
  const headers = signin.response.headers();
  assert.equal(headers["content-security-policy"], CSP);
  assert.equal(headers["cache-control"], "no-cache");
  assert.equal(headers["x-frame-options"], "DENY");
  assert.ok(headers["content-type"].startsWith("text/html"));
  await consoleState(signin.page, ["ready"]);
  await signin.page.getByLabel("Email", { exact: true }).fill(EMAIL);
  await signin.page.getByLabel("Password", { exact: true }).fill("not the password at all 1");
  await signin.page.getByRole("button", { name: "Sign in" }).click();
  await signin.page.getByText("The email or password is wrong.").waitFor({ timeout: 60_000 });
  assert.deepEqual(signin.errors.splice(0), [`401 ${url}/v1/auth/login`]); // the refusal, and nothing else
  await signin.page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await signin.page.getByRole("button", { name: "Sign in" }).click();
  const state = await consoleState(signin.page, ["signed_in", "workspace"]);
  assert.equal(state.email, EMAIL);
  assert.equal(state.fingerprint, accepted.fingerprint, "the secret key opened matches the public key set up");
  assert.deepEqual(
    state.organisations.map((o) => [o.name, o.role]),
    [["Acme Support", "owner"]],
  );
  assert.ok(!JSON.stringify(state).includes(PASSWORD));

  // The workspace took over: the inbox row's comment was decrypted in the
  // browser from the first chunk of the envelope, on a canvas sized for dpr 2.
  if (
    fs.existsSync(path.join(CONSOLE_DIR, "index.html")) &&
    fs.readdirSync(CONSOLE_DIR).some((f) => f.startsWith("app."))
  ) {
    const ws = await signin.page
      .waitForFunction(
        () => {
          const s = globalThis.__sealshotConsole;
          return s?.state === "workspace" && s.rows?.length && s.rows[0].preview !== "not_loaded" && s;
        },
        null,
        { timeout: 60_000 },
      )
      .then((h) => h.jsonValue());
    assert.equal(ws.project, project);
    assert.equal(ws.rows.length, 1);
    assert.equal(ws.rows[0].preview, "loaded", ws.rows[0].preview_error);
    assert.equal(ws.rows[0].comment, COMMENT);
    assert.equal(ws.error, "");
    assert.ok(ws.preview_bytes > 0);
    const canvas = await signin.page.evaluate(() => {
      const c = document.querySelector("canvas");
      return { width: c.width, height: c.height, css: c.clientWidth, dpr: devicePixelRatio };
    });
    assert.equal(canvas.dpr, 2);
    assert.equal(canvas.width, canvas.css * 2);
    assert.equal(ws.framebuffer_scale, 2);
    // SEALSHOT_CONSOLE_SHOT=file.png: what the workspace drew (docs/console.md).
    const shot = async (suffix) => {
      if (!process.env.SEALSHOT_CONSOLE_SHOT) return;
      await signin.page.waitForTimeout(300);
      await signin.page.screenshot({ path: process.env.SEALSHOT_CONSOLE_SHOT.replace(/\.png$/, `-${suffix}.png`) });
    };
    await shot("inbox");

    mark("workspace with the inbox");
    // A click on the row, where a person would: the whole envelope is
    // downloaded, decrypted and its screenshot decoded into a texture.
    const [rect] = ws.row_rects;
    assert.equal(rect.row, 0);
    await signin.page.mouse.move((rect.x + rect.right) / 2, (rect.y + rect.bottom) / 2);
    await signin.page.mouse.down();
    await signin.page.mouse.up();
    const opened = await signin.page
      .waitForFunction(
        () => {
          const s = globalThis.__sealshotConsole;
          return (s?.report || s?.report_error) && s;
        },
        null,
        { timeout: 30_000 },
      )
      .then((h) => h.jsonValue());
    assert.equal(opened.report_error, undefined);
    assert.equal(opened.report.comment, `${COMMENT}\nSecond line stays in the report view.`);
    assert.deepEqual([opened.report.width, opened.report.height], [2048, 1536]);
    await shot("report");
    await workspaceSteps(signin.page, opened);
  }
  // The one refusal the steps above provoke: the change made after the session ended.
  assert.deepEqual(
    signin.errors.filter((e) => !/^401 .*\/submissions\/[^/]+$/.test(e)),
    [],
  );

  // 3. Every request went to this server; the hashed files are cached for a year.
  const foreign = requests.filter((r) => !r.startsWith(`${url}/`));
  assert.deepEqual(foreign, []);
  const hashed = requests.filter((r) => /\/console\/[a-z-]+\.[0-9a-f]{16}\.(js|wasm|css)$/.test(r));
  assert.ok(hashed.some((r) => r.endsWith(".wasm")) && hashed.some((r) => r.endsWith(".js")), requests.join("\n"));
  const res = await signin.page.request.get(hashed[0]);
  assert.equal(res.headers()["cache-control"], "public, max-age=31536000, immutable");
  assert.equal(res.headers()["access-control-allow-origin"], undefined);
  assert.equal(res.headers()["cross-origin-resource-policy"], "same-origin");
  // Only what the build wrote is reachable under /console/.
  assert.equal((await signin.page.request.get(`${url}/console/../README.md`)).status(), 404);
  assert.equal((await signin.page.request.get(`${url}/console/sizes.json`)).status(), 404);
});

// Waits for the page's published state to satisfy `predicate`; on a timeout
// the state at that moment is in the error.
const until = (page, predicate, arg) =>
  page.waitForFunction(predicate, arg, { timeout: 30_000 }).then(
    (h) => h.jsonValue(),
    async (e) => {
      const s = await page.evaluate(() => JSON.stringify(globalThis.__sealshotConsole)).catch(() => "?");
      throw new Error(`${e.message}\nstate: ${s.slice(0, 3000)}`);
    },
  );

const started = Date.now();
// SEALSHOT_TEST_TIMING=1: how long each step took (the test's CI budget).
const mark = (what) => {
  if (process.env.SEALSHOT_TEST_TIMING) console.error(`${((Date.now() - started) / 1000).toFixed(1)} s ${what}`);
};

async function signInAgain(page) {
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

// The report view, a lost session, the server going away, and signing out.
async function workspaceSteps(page, opened) {
  assert.ok(opened.report.timings.decrypt_ms >= 0);
  // 1:1 pixels at devicePixelRatio 2: half a CSS pixel per screenshot pixel.
  await click(page, "one-to-one");
  await until(page, () => globalThis.__sealshotConsole.report?.zoom === 0.5);
  await click(page, "fit");
  // Download JSON: a Blob the browser saves, the manifest decrypted here.
  const [download] = await Promise.all([page.waitForEvent("download"), click(page, "download-json")]);
  const manifest = JSON.parse(fs.readFileSync(await download.path(), "utf8"));
  assert.equal(manifest.comment, opened.report.comment);
  // The theme switch.
  const dark = await page.evaluate(() => globalThis.__sealshotConsole.dark);
  await click(page, "theme");
  await until(page, (d) => globalThis.__sealshotConsole.dark === !d, dark);

  mark("report view done");
  // The session ends elsewhere (the owner signs out everywhere from another
  // device); the next change here gets 401: back to sign-in, the change kept.
  const other = await apiCall("POST", "/v1/auth/login", { email: EMAIL, auth_key: authKey });
  assert.equal(other.status, 200);
  assert.equal((await apiCall("POST", "/v1/auth/logout-everywhere", {}, other.cookie)).status, 200);
  await click(page, "status");
  await click(page, "status-resolved");
  const left = await until(page, () => globalThis.__sealshotConsole.state === "ready" && globalThis.__sealshotConsole);
  assert.equal(left.left, "expired");
  assert.equal(left.rows, undefined, "the workspace's state went with it");
  assert.equal(await page.locator("canvas").count(), 0);
  await page.getByText("Your session ended").waitFor();
  mark("back at sign-in");
  await signInAgain(page);
  // Signed in again: the same report open, the status change made.
  const back = await until(
    page,
    (id) => {
      const s = globalThis.__sealshotConsole;
      return s.state === "workspace" && s.report?.id === id && s.rows?.[0]?.status === "resolved" && s;
    },
    opened.report.id,
  );
  assert.equal(back.dark, !dark, "the theme chosen stays too");

  mark("signed in again, restored");
  // The server goes away: a banner, the canvas still drawn, nothing lost.
  await stopServer();
  await click(page, "status");
  await click(page, "status-new");
  const down = await until(
    page,
    () => globalThis.__sealshotConsole.link === "unreachable" && globalThis.__sealshotConsole,
  );
  assert.equal(down.state, "workspace");
  assert.equal(down.report.id, opened.report.id);
  mark("banner shown");
  await startServer();
  await click(page, "retry");
  await until(page, () => globalThis.__sealshotConsole.link === "ok");

  mark("server back");
  // Signing out: the module is torn down and its memory zeroed; the server ends the session.
  const cookie = (await page.context().cookies()).find((c) => c.name === "__Host-sealshot_session");
  assert.ok(cookie);
  await click(page, "sign-out");
  const out = await until(
    page,
    () => globalThis.__sealshotConsole.left === "signed_out" && globalThis.__sealshotConsole,
  );
  assert.equal(out.state, "ready");
  await page.getByText("Signed out.").waitFor();
  assert.equal((await apiCall("GET", "/v1/me", undefined, `${cookie.name}=${cookie.value}`)).status, 401);
}
