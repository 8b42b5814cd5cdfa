// Helpers for the review console's browser tests: a real sealshot-server
// serving build/console, review API calls from Node (a second client), and
// clicks where a person would on the widgets the app publishes under its
// test flag (launch({ consoleTestHooks: true })).
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { repoRoot } from "./browser.mjs";
import { freePort } from "./ingest.mjs";

const run = promisify(execFile);

export const SERVER = process.env.SEALSHOT_SERVER ?? path.join(repoRoot, "build/server/sealshot-server");
export const CLI = process.env.SEALSHOT_CLI ?? path.join(repoRoot, "build/server/sealshot");
export const CONSOLE_DIR = process.env.SEALSHOT_CONSOLE_DIR ?? path.join(repoRoot, "build/console");
export const ACCOUNT_DIR = process.env.SEALSHOT_ACCOUNT_DIR ?? path.join(repoRoot, "build-wasm/wasm/account");

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

/** sealshot-server on 127.0.0.1:port with --console-dir; stop() waits for it to exit. */
export async function startServer(port, dataDir) {
  const url = `https://127.0.0.1:${port}`;
  const child = spawn(
    SERVER,
    ["--listen", `127.0.0.1:${port}`, "--data-dir", dataDir, "--console-dir", CONSOLE_DIR, "--log-level", "warn"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  for (let i = 0; !(await healthy(url)); i++) {
    if (child.exitCode != null || i > 100) throw new Error(`sealshot-server did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      if (child.exitCode != null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * What every console browser test starts from: a fresh data directory, an organisation made by the
 * CLI with `ownerEmail` as its owner, the server on a free loopback port, and the account module.
 * Returns { dataDir, url, server, account, link } (link: the owner's set-up link, not yet accepted).
 */
export async function startOrganisation(name, ownerEmail) {
  assert.ok(fs.existsSync(path.join(CONSOLE_DIR, "index.html")), `${CONSOLE_DIR} is not built: run scripts/build`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `sealshot-console-${name}-`));
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
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
      ownerEmail,
      "--console-url",
      url,
      "--json",
    ],
    { timeout: 20_000 },
  );
  const server = await startServer(port, dataDir);
  const account = await loadAccountModule();
  return { dataDir, url, server, account, link: JSON.parse(stdout).link };
}

/** A review API call from Node; a fresh connection each (Argon2id may outlast a kept-alive one). */
export function apiCall(url, method, route, body, cookie) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      `${url}${route}`,
      {
        method,
        rejectUnauthorized: false,
        agent: false,
        headers: {
          "Content-Type": "application/json",
          "X-Sealshot-Request": "1",
          Origin: url,
          ...(cookie ? { Cookie: cookie } : {}),
        },
      },
      (res) => {
        let text = "";
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode,
            body: text ? JSON.parse(text) : {},
            cookie: (res.headers["set-cookie"] ?? [])[0]?.split(";")[0],
          }),
        );
      },
    );
    req.on("error", (e) => reject(new Error(`${method} ${route}: ${e.message}`)));
    req.end(data);
  });
}

/** Waits for the published state to satisfy `predicate`; a timeout names the state then. */
export const until = (page, predicate, arg, timeout = 30_000) =>
  page.waitForFunction(predicate, arg, { timeout }).then(
    (h) => h.jsonValue(),
    async (e) => {
      const s = await page.evaluate(() => JSON.stringify(globalThis.__sealshotConsole)).catch(() => "?");
      throw new Error(`${e.message}\nstate: ${s.slice(0, 3000)}`);
    },
  );

/**
 * Clicks the middle of a widget the app published (CSS px), as a person
 * would. A popup is measured on its first frame and placed on the next, so
 * a rectangle counts once two frames agree.
 */
export async function click(page, label) {
  let rect = null;
  for (let i = 0; i < 50; i++) {
    const now = await page
      .waitForFunction((l) => globalThis.__sealshotConsole?.widgets?.[l], label, { timeout: 20_000 })
      .then((h) => h.jsonValue());
    if (rect && JSON.stringify(rect) === JSON.stringify(now)) break;
    rect = now;
    await page.waitForTimeout(50);
  }
  // A person's pointer rests on a widget before pressing: ImGui gives an
  // overlapping widget (a row's checkbox over the row) the hover one frame later.
  await page.mouse.move((rect.x + rect.right) / 2, (rect.y + rect.bottom) / 2);
  await page.waitForTimeout(60);
  await page.mouse.down();
  await page.waitForTimeout(30);
  await page.mouse.up();
}

/** Clicks a text field, replaces what it holds with `text` (typed key by key), and presses Enter if asked. */
export async function typeInto(page, label, text, { enter = false } = {}) {
  await click(page, label);
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");
  if (text) await page.keyboard.type(text, { delay: 20 });
  if (enter) await page.keyboard.press("Enter");
}

/** The account wasm module under Node (Argon2id, keys, grants), as the pages use it. */
export async function loadAccountModule() {
  const { loadSealshotAccount } = await import(pathToFileURL(path.join(ACCOUNT_DIR, "sealshot-account.mjs")));
  return loadSealshotAccount({ wasmBinary: fs.readFileSync(path.join(ACCOUNT_DIR, "account.wasm")) });
}

/**
 * Accepts a set-up link from Node with the cheapest Argon2id parameters
 * clients accept (signing in in the page then takes about a second).
 */
export async function acceptLink(url, account, link, password) {
  return (await acceptLinkWithKeys(url, account, link, password)).me;
}

/** acceptLink, also returning the person's key pair ({ me, keys }) for a test that opens grants from Node. */
export async function acceptLinkWithKeys(url, account, link, password) {
  const token = new URL(link).hash.slice(1);
  const params = account.kdfParams.minimum;
  const salt = account.accountSaltGenerate();
  const keys = account.deriveAccountKeys(password, salt, params);
  const pair = account.generateKeyPair();
  const accepted = await apiCall(url, "POST", `/v1/links/${token}/accept`, {
    auth_key: keys.authKey,
    kdf_salt: salt,
    kdf_opslimit: params.opslimit,
    kdf_memlimit: params.memlimit,
    public_key: pair.publicKey,
    wrapped_secret_key: account.wrapSecretKey(pair.secretKey, keys.wrapKey),
  });
  if (accepted.status !== 200) throw new Error(`link accept: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return { me: accepted.body, keys: pair };
}

/** Signs in from Node (a second client): { status, body: me, cookie }. */
export async function signInFromNode(url, account, email, password, mfaCode) {
  const {
    body: { kdf },
  } = await apiCall(url, "POST", "/v1/auth/prelogin", { email });
  const keys = account.deriveAccountKeys(password, kdf.salt, { opslimit: kdf.opslimit, memlimit: kdf.memlimit });
  return apiCall(url, "POST", "/v1/auth/login", {
    email,
    auth_key: keys.authKey,
    ...(mfaCode ? { mfa_code: mfaCode } : {}),
  });
}

/**
 * One report per comment, each the PNG `png` sealed by the CLI to
 * `publicKey` and imported into `project` in the data directory.
 */
export async function importSealedReports({ dataDir, project, publicKey, png, comments }) {
  const files = fs.mkdtempSync(`${dataDir}-reports-`);
  const key = path.join(files, "public.key");
  fs.writeFileSync(path.join(files, "shot.png"), png);
  fs.writeFileSync(key, publicKey + "\n");
  for (const [n, comment] of comments.entries()) {
    const env = path.join(files, `${n}.env`);
    await run(CLI, [
      "seal",
      "--project",
      project,
      "--public-key",
      key,
      "--comment",
      comment,
      path.join(files, "shot.png"),
      env,
    ]);
    await run(CLI, ["submissions", "import", "--data-dir", dataDir, "--project", project, env]);
  }
  fs.rmSync(files, { recursive: true, force: true });
}

/**
 * A project made as the console makes one (key pair here, the creator's
 * sealed grant) and `comments.length` reports sealed by the CLI and
 * imported into the data directory. Returns { project, projectKeys }.
 */
export async function projectWithReports({ url, dataDir, account, cookie, me, png, comments }) {
  const projectKeys = account.generateKeyPair();
  const created = await apiCall(
    url,
    "POST",
    `/v1/orgs/${me.organisations[0].id}/projects`,
    {
      name: "Shop",
      public_key: projectKeys.publicKey,
      allowed_origins: ["https://shop.example"],
      sealed_key: account.sealGrant(projectKeys.secretKey, me.public_key),
    },
    cookie,
  );
  if (created.status !== 201) throw new Error(`project create: ${created.status} ${JSON.stringify(created.body)}`);
  await importSealedReports({ dataDir, project: created.body.id, publicKey: projectKeys.publicKey, png, comments });
  return { project: created.body.id, projectKeys };
}

/** Fills the sign-in form of /console/ and presses Sign in. */
export async function signInInPage(page, url, email, password) {
  await page.goto(`${url}/console/`);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
