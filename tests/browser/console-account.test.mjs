// The console's plain HTML account pages against the real sealshot-server:
// two-factor sign-in turned on from the workspace (a page over the canvas,
// the keys kept meanwhile), then signing in asks for the code; "Forgot your
// password?" on a server without a mail relay says whom to ask; a reset link
// printed by the CLI needs the second factor, makes new keys, and the
// person's projects wait for a new grant.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { launch } from "./support/browser.mjs";
import {
  CLI,
  acceptLink,
  click,
  projectWithReports,
  signInFromNode,
  signInInPage,
  startOrganisation,
  until,
} from "./support/console.mjs";

const run = promisify(execFile);
const EMAIL = "owner@example.com";
const PASSWORD = "violet harbour lantern 93";
const NEW_PASSWORD = "amber quarry whistle 58";

let server, browser, dataDir, url, account;

// RFC 6238 TOTP (SHA-1, 30 s, 6 digits) of a base32 secret, at step `step`.
function totp(secret, step) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/[\s=]/g, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac("sha1", key).update(counter).digest();
  const at = mac[19] & 15;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}
const stepNow = () => Math.floor(Date.now() / 30_000);

before(async () => {
  let link;
  ({ dataDir, url, server, account, link } = await startOrganisation("account", EMAIL));
  await acceptLink(url, account, link, PASSWORD);
  browser = await launch({ viewport: { width: 1100, height: 760 }, consoleTestHooks: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test("two-factor sign-in on from the workspace, sign-in asks for the code; reset request and a reset link", async () => {
  const login = await signInFromNode(url, account, EMAIL, PASSWORD);
  assert.equal(login.status, 200);
  const page = await browser.context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await projectWithReports({
    url,
    dataDir,
    account,
    cookie: login.cookie,
    me: login.body,
    png: await page.screenshot({ type: "png" }),
    comments: ["The basket forgets items"],
  });

  await signInInPage(page, url, EMAIL, PASSWORD);
  const ws = await until(
    page,
    () => {
      const s = globalThis.__sealshotConsole;
      return s?.state === "workspace" && s.rows?.[0]?.preview === "loaded" && s;
    },
    undefined,
    60_000,
  );

  // 1. Two-factor sign-in: an HTML page over the workspace.
  await click(page, "mfa");
  await page.getByRole("heading", { name: "Two-factor sign-in" }).waitFor();
  assert.equal(await page.locator("canvas").isVisible(), false);
  await page.getByText("Two-factor sign-in is off").waitFor();
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  // The key arrives with the server's answer: an empty <code> has no box, so "visible" means filled.
  await page.locator("#mfa-secret").waitFor({ state: "visible" });
  const secret = (await page.locator("#mfa-secret").textContent()).replace(/\s+/g, "");
  assert.match(secret, /^[A-Z2-7]{16,}$/);
  assert.match(
    await page.getByRole("link", { name: "Open in an authenticator app" }).getAttribute("href"),
    /^otpauth:\/\/totp\//,
  );
  // Typed key by key, a Backspace included: the workspace's GLFW must not eat keys meant for the page.
  const code = page.getByLabel("The code the app shows now");
  await code.click();
  await page.keyboard.type("9j");
  await page.keyboard.press("Backspace");
  await page.keyboard.press("Backspace");
  const step = stepNow();
  await page.keyboard.type(totp(secret, step));
  assert.equal(await code.inputValue(), totp(secret, step));
  await page.getByRole("button", { name: "Turn on", exact: true }).click();
  await page.getByText("Two-factor sign-in is on. Save the recovery codes below now.").waitFor();
  const recovery = await page.locator("#mfa-codes li").allTextContents();
  assert.equal(recovery.length, 10);
  assert.equal((await signInFromNode(url, account, EMAIL, PASSWORD)).body.error, "mfa_required", "the server agrees");
  // Back to the workspace: the same inbox, keys still open, widgets answer.
  await page.getByRole("button", { name: "Back to the console" }).click();
  assert.equal(await page.locator("canvas").isVisible(), true);
  assert.equal(await page.locator("#mfa-codes li").count(), 0, "recovery codes leave the page with it");
  const dark = await page.evaluate(() => globalThis.__sealshotConsole.dark);
  await click(page, "theme");
  await until(
    page,
    (d) => globalThis.__sealshotConsole.dark === !d && globalThis.__sealshotConsole.rows?.[0]?.id,
    dark,
  );
  assert.equal(await page.evaluate(() => globalThis.__sealshotConsole.rows[0].id), ws.rows[0].id);

  // 2. Signing in again asks for the code (the next step's: each code works once).
  await click(page, "sign-out");
  await page.getByText("Signed out.").waitFor();
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("Enter the code from your authenticator app").waitFor({ timeout: 30_000 });
  await page
    .getByLabel("Code from your authenticator app")
    .fill("000000" === totp(secret, step + 1) ? "111111" : "000000");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("That code is wrong or was used already").waitFor({ timeout: 30_000 });
  await page.getByLabel("Code from your authenticator app").fill(totp(secret, step + 1));
  await page.getByRole("button", { name: "Sign in" }).click();
  await until(
    page,
    () => globalThis.__sealshotConsole.state === "workspace" && globalThis.__sealshotConsole.rows?.length === 1,
    undefined,
    60_000,
  );
  await click(page, "sign-out");
  await page.getByText("Signed out.").waitFor();

  // 3. "Forgot your password?": this server has no mail relay, and says whom to ask.
  await page.getByRole("button", { name: "Forgot your password?" }).click();
  await page.getByRole("heading", { name: "Reset your password" }).waitFor();
  assert.equal(await page.getByLabel("Your account's email address").inputValue(), EMAIL);
  await page.getByRole("button", { name: "Send me a reset link" }).click();
  await page.getByText("This server cannot send mail. Ask an administrator").waitFor();
  await page.getByRole("button", { name: "Back to sign-in" }).click();
  await page.getByRole("button", { name: "Sign in" }).waitFor();

  // 4. A reset link (printed by an administrator): new password, the second factor, new keys.
  const { stdout } = await run(CLI, [
    "org",
    "reset-link",
    "--data-dir",
    dataDir,
    "--email",
    EMAIL,
    "--console-url",
    url,
    "--json",
  ]);
  const link = JSON.parse(stdout).link;
  await page.goto(link);
  await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
  await page.getByLabel("Password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("The same password again").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Reset password" }).click();
  await page.getByText("This account uses two-factor sign-in").waitFor({ timeout: 30_000 });
  await page.getByLabel("Code from your authenticator app").fill(recovery[0]);
  await page.getByRole("button", { name: "Reset password" }).click();
  await page.getByRole("heading", { name: "Your password is reset" }).waitFor({ timeout: 30_000 });
  const reset = await page.evaluate(() => globalThis.__sealshotConsole);
  assert.equal(reset.state, "accepted");
  // The old password no longer works; the new one (with a recovery code) does, with a new key.
  assert.equal((await signInFromNode(url, account, EMAIL, PASSWORD, recovery[1])).status, 401);
  const again = await signInFromNode(url, account, EMAIL, NEW_PASSWORD, recovery[2]);
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.notEqual(again.body.public_key, login.body.public_key);
  // Its old grant went with the old key: the project waits for an owner or admin.
  const projects = await import("./support/console.mjs").then(({ apiCall }) =>
    apiCall(url, "GET", `/v1/orgs/${again.body.organisations[0].id}/projects`, undefined, again.cookie),
  );
  assert.equal(projects.body.items[0].has_key, false);
  assert.deepEqual(errors, []);
});
