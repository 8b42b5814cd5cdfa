// Team and keys in the console against the real sealshot-server, clicked
// where a person would: the owner creates a project in the browser (key
// pair made in wasm, own grant sealed there, the snippet shown), invites
// Rita, compares her fingerprint, grants her the project (the project key
// sealed in the owner's browser to Rita's key); Rita signs in elsewhere and
// reads the report; she resets her password and the owner's next visit
// offers to grant her again, once her new fingerprint is compared; the owner
// removes her access and her console shows nothing of the report.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import { promisify } from "node:util";
import { launch } from "./support/browser.mjs";
import {
  acceptLink,
  apiCall,
  CLI,
  click,
  importSealedReports,
  signInFromNode,
  signInInPage,
  startOrganisation,
  typeInto,
  until,
} from "./support/console.mjs";

const run = promisify(execFile);
const OWNER = "owner@example.com";
const RITA = "rita@example.com";
const PASSWORD = "violet harbour lantern 93";

let server, owner, rita, dataDir, url, account;

before(async () => {
  let link;
  ({ dataDir, url, server, account, link } = await startOrganisation("team", OWNER));
  await acceptLink(url, account, link, PASSWORD);
  // Two browsers: each person has their own cookie jar.
  owner = await launch({ viewport: { width: 1280, height: 860 }, consoleTestHooks: true });
  rita = await launch({ viewport: { width: 1024, height: 700 }, consoleTestHooks: true });
});

after(async () => {
  await owner?.close();
  await rita?.close();
  await server?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const state = (page) => page.evaluate(() => globalThis.__sealshotConsole);

test("project made in the browser, a fingerprint compared, a grant sealed there; Rita reads, then loses access", async () => {
  const page = await owner.context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await signInInPage(page, url, OWNER, PASSWORD);
  await until(
    page,
    () => globalThis.__sealshotConsole?.state === "workspace" && globalThis.__sealshotConsole.team,
    undefined,
    60_000,
  );

  // 1. A project made here: the server gets the public key and the owner's sealed grant.
  await click(page, "new-project");
  await typeInto(page, "new-project-name", "Web shop");
  await typeInto(page, "new-project-origins", "https://shop.example");
  await click(page, "new-project-create");
  const made = await until(page, () => globalThis.__sealshotConsole.snippet && globalThis.__sealshotConsole);
  const project = made.projects.find((p) => p.name === "Web shop").id;
  const login = await signInFromNode(url, account, OWNER, PASSWORD);
  const org = login.body.organisations[0].id;
  const row = (await apiCall(url, "GET", `/v1/orgs/${org}/projects/${project}`, undefined, login.cookie)).body;
  assert.ok(
    made.snippet.includes(`data-project="${project}"`) && made.snippet.includes(`data-key="${row.public_key}"`),
    made.snippet,
  );
  assert.ok(made.snippet.startsWith(`<script src="${url}/widget.js"`), made.snippet);
  await click(page, "snippet-done");
  // A report sealed to the public key the browser made; the owner's inbox opens it.
  await importSealedReports({
    dataDir,
    project,
    publicKey: row.public_key,
    png: await page.screenshot({ type: "png", clip: { x: 0, y: 0, width: 64, height: 48 } }),
    comments: ["Coupon field rejects my code"],
  });

  // 2. Rita is invited (from the console) and sets up her account.
  await click(page, "team");
  await typeInto(page, "invite-email", RITA);
  await click(page, "invite-send");
  const invited = await until(
    page,
    () => globalThis.__sealshotConsole.team?.invitation && globalThis.__sealshotConsole,
  );
  assert.match(invited.team.invitation, new RegExp(`^${url}/console/link#[A-Za-z0-9_-]+$`));
  await acceptLink(url, account, invited.team.invitation, PASSWORD);
  await click(page, "team"); // back to the inbox
  await click(page, "team"); // and again: Team and keys reloads the members
  const listed = await until(
    page,
    (email) => {
      const s = globalThis.__sealshotConsole;
      return s.team?.members?.some((m) => m.email === email) && !s.team.loading && s;
    },
    RITA,
  );
  const ritaRow = listed.team.members.find((m) => m.email === RITA);
  assert.equal(ritaRow.key, "unconfirmed");
  assert.match(ritaRow.fingerprint, /^([0-9A-F]{4} ){7}[0-9A-F]{4}$/);

  // 3. Granting before comparing the fingerprint is refused; compared, then granted.
  // (The access table shows the organisation's only project, Web shop.)
  await click(page, `grant-reviewer-${RITA}`);
  await until(page, () => globalThis.__sealshotConsole.team.message.includes("key fingerprint with them"));
  await click(page, `confirm-${RITA}`);
  await click(page, "confirm-yes");
  await until(
    page,
    (email) => globalThis.__sealshotConsole.team.members.find((m) => m.email === email).key === "confirmed",
    RITA,
  );
  const pins = await page.evaluate(() => Object.entries(localStorage).filter(([k]) => k.startsWith("sealshot.pins.")));
  assert.equal(pins.length, 1);
  assert.ok(pins[0][1].includes(ritaRow.id) && !pins[0][1].includes("sswk1."), "pins hold public keys only");
  await click(page, `grant-reviewer-${RITA}`);
  await until(page, (id) => globalThis.__sealshotConsole.team.granted?.includes(id), ritaRow.id);

  // 4. Rita signs in in her own browser and reads the report.
  const ritaPage = await rita.context.newPage();
  await signInInPage(ritaPage, url, RITA, PASSWORD);
  const reads = await until(
    ritaPage,
    () => {
      const s = globalThis.__sealshotConsole;
      return s?.state === "workspace" && s.rows?.[0] && s.rows[0].preview !== "not_loaded" && s;
    },
    undefined,
    60_000,
  );
  assert.equal(reads.rows[0].preview, "loaded", reads.rows[0].preview_error);
  assert.equal(reads.rows[0].comment, "Coupon field rejects my code");
  assert.equal(reads.team, undefined, "a member has no Team and keys view");

  // 5. Rita resets her password (new keys, her grant gone): the owner's next
  // visit says she waits for access; her changed key is refused until compared again.
  const { stdout: resetOut } = await run(CLI, [
    "org",
    "reset-link",
    "--data-dir",
    dataDir,
    "--email",
    RITA,
    "--console-url",
    url,
    "--json",
  ]);
  await acceptLink(url, account, JSON.parse(resetOut).link, PASSWORD);
  await click(page, "team"); // to the inbox
  await click(page, "team"); // Team and keys again: members and access reloaded
  await until(
    page,
    (email) => {
      const s = globalThis.__sealshotConsole;
      return (
        s.team?.waiting === 1 && !s.team.loading && s.team.members.find((m) => m.email === email)?.key === "changed"
      );
    },
    RITA,
  );
  assert.ok((await state(page)).widgets["waiting-banner"], "the workspace says someone waits");
  await click(page, `grant-${RITA}`);
  await until(page, () => globalThis.__sealshotConsole.team.message.includes("key changed since you confirmed it"));
  await click(page, `confirm-${RITA}`);
  await click(page, "confirm-yes");
  await click(page, `grant-${RITA}`);
  await until(
    page,
    (id) => globalThis.__sealshotConsole.team.granted?.includes(id) && globalThis.__sealshotConsole.team.waiting === 0,
    ritaRow.id,
  );
  await ritaPage.reload();
  await signInInPage(ritaPage, url, RITA, PASSWORD);
  const regranted = await until(
    ritaPage,
    () => {
      const s = globalThis.__sealshotConsole;
      return s?.state === "workspace" && s.rows?.[0] && s.rows[0].preview !== "not_loaded" && s;
    },
    undefined,
    60_000,
  );
  assert.equal(regranted.rows[0].comment, "Coupon field rejects my code", regranted.rows[0].preview_error);

  // 6. Removed: Rita's next visit cannot open the report, and says why.
  await click(page, `revoke-${RITA}`);
  await until(page, (id) => !globalThis.__sealshotConsole.team.granted?.includes(id), ritaRow.id);
  await ritaPage.reload();
  await signInInPage(ritaPage, url, RITA, PASSWORD);
  const refused = await until(
    ritaPage,
    () => {
      const s = globalThis.__sealshotConsole;
      return (
        s?.state === "workspace" && (s.error || s.rows?.length === 0 || (s.projects && s.projects.length === 0)) && s
      );
    },
    undefined,
    60_000,
  );
  assert.ok(!JSON.stringify(refused).includes("Coupon"), "nothing of the report reaches her console");
  assert.deepEqual(errors, []);
  await page.close();
  await ritaPage.close();
});
