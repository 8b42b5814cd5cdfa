// Key rotation in the console against the real sealshot-server, clicked
// where a person would: the owner confirms Rita's fingerprint and rotates the
// project's key in the browser (a new key pair made in wasm, sealed to the
// owner and to Rita, the new snippet shown). A report sent before and one
// sent after both open in Rita's console; Vic, given only the new key, reads
// the new report and is told the old one is sealed to an older key he was
// not given. Roles changed and a member removed there, an admin's attempt
// on the owner refused with the server's sentence. The owner's secret key reaches the workspace as bytes, never as
// a JS string.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launch, repoRoot } from "./support/browser.mjs";
import {
  acceptLinkWithKeys,
  apiCall,
  click,
  importSealedReports,
  projectWithReports,
  signInFromNode,
  signInInPage,
  startOrganisation,
  until,
} from "./support/console.mjs";

const OWNER = "owner@example.com";
const RITA = "rita@example.com";
const VIC = "vic@example.com";
const PASSWORD = "violet harbour lantern 93";
const SHOT = path.join(repoRoot, "docs/images/console-inbox.png"); // any PNG will do

let server, owner, reader, dataDir, url, account, ownerKeys;

before(async () => {
  let link;
  ({ dataDir, url, server, account, link } = await startOrganisation("keys", OWNER));
  ownerKeys = (await acceptLinkWithKeys(url, account, link, PASSWORD)).keys;
  owner = await launch({ viewport: { width: 1280, height: 900 }, consoleTestHooks: true });
  // Every 43-character text the page decodes from bytes (a key's length in base64url): the secret
  // key must never be one (it reaches the workspace as bytes; a JS string could not be wiped).
  await owner.context.addInitScript(() => {
    const decode = TextDecoder.prototype.decode;
    globalThis.__decoded43 = [];
    TextDecoder.prototype.decode = function (...args) {
      const text = decode.apply(this, args);
      if (text.length === 43) globalThis.__decoded43.push(text);
      return text;
    };
  });
  reader = await launch({ viewport: { width: 1024, height: 700 }, consoleTestHooks: true });
});

after(async () => {
  await owner?.close();
  await reader?.close();
  await server?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A report sealed by the CLI to `publicKey` and imported into the data directory. */
async function sendReport(project, publicKey, comment) {
  await importSealedReports({ dataDir, project, publicKey, png: fs.readFileSync(SHOT), comments: [comment] });
}

/** Signs `email` in on a fresh page of the reader's browser and waits until every row's preview settled. */
async function inboxOf(email, rows) {
  const page = await reader.context.newPage();
  await signInInPage(page, url, email, PASSWORD);
  const s = await until(
    page,
    (n) => {
      const s = globalThis.__sealshotConsole;
      return (
        s?.state === "workspace" &&
        s.rows?.length === n &&
        s.rows.every((r) => r.preview === "loaded" || r.preview === "failed") &&
        s
      );
    },
    rows,
    60_000,
  );
  return { page, s };
}

test("a key rotated in the console: old and new reports open for a holder; a new-key-only reader is told why the old one does not", async () => {
  const login = await signInFromNode(url, account, OWNER, PASSWORD);
  const me = login.body;
  const org = me.organisations[0].id;
  const invite = async (email) => {
    const r = await apiCall(url, "POST", `/v1/orgs/${org}/invitations`, { email, role: "member" }, login.cookie);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return acceptLinkWithKeys(url, account, `${url}${r.body.path}`, PASSWORD);
  };
  const rita = await invite(RITA);
  const vic = await invite(VIC);
  const png = fs.readFileSync(SHOT);
  const { project, projectKeys } = await projectWithReports({
    url,
    dataDir,
    account,
    cookie: login.cookie,
    me,
    png,
    comments: ["Before the rotation"],
  });
  // Rita holds key 1 (granted by another client); Vic may read but holds nothing yet.
  const access = (person, body) =>
    apiCall(url, "PUT", `/v1/orgs/${org}/projects/${project}/access/${person}`, body, login.cookie);
  assert.equal(
    (
      await access(rita.me.id, {
        role: "reviewer",
        sealed_key: account.sealGrant(projectKeys.secretKey, rita.me.public_key),
      })
    ).status,
    200,
  );
  assert.equal((await access(vic.me.id, { role: "reviewer" })).status, 200);

  // 1. The owner confirms Rita's key and rotates in the browser.
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
  const decoded = await page.evaluate(() => globalThis.__decoded43);
  assert.ok(!decoded.includes(ownerKeys.secretKey), "the secret key was never text in the page");
  await click(page, "team");
  await until(page, () => {
    const t = globalThis.__sealshotConsole.team;
    return t.open && !t.loading && t.current_key === 1;
  });
  await click(page, "rotate-key");
  await click(page, "rotate-yes");
  const unconfirmed = await until(
    page,
    () => globalThis.__sealshotConsole.team.message.startsWith("Not rotated") && globalThis.__sealshotConsole,
  );
  assert.match(unconfirmed.team.message, /confirm the key fingerprint of rita first/);
  await click(page, `confirm-${RITA}`);
  await click(page, "confirm-yes");
  await click(page, "rotate-key");
  await click(page, "rotate-yes");
  const rotated = await until(page, () => {
    const s = globalThis.__sealshotConsole;
    return s.snippet && s.team.current_key === 2 && !s.team.loading && s;
  });
  const row = (await apiCall(url, "GET", `/v1/orgs/${org}/projects/${project}`, undefined, login.cookie)).body;
  assert.notEqual(row.public_key, projectKeys.publicKey);
  assert.ok(rotated.snippet.includes(`data-key="${row.public_key}"`), rotated.snippet);
  assert.deepEqual(rotated.team.keys_held[rita.me.id], [2, 1]);
  assert.deepEqual(rotated.team.keys_held[me.id], [2, 1]);
  assert.equal(rotated.team.keys_held[vic.me.id], undefined);
  const pins = await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.startsWith("sealshot.pins."))[1]);
  assert.ok(pins.includes(`${project}#2`) && pins.includes(row.public_key), "the new key is pinned");
  await click(page, "snippet-done");
  await sendReport(project, row.public_key, "After the rotation");

  // 2. Rita (keys 2 and 1) reads both.
  const r = await inboxOf(RITA, 2);
  assert.deepEqual(
    r.s.rows.map((x) => [x.comment, x.preview]),
    [
      ["After the rotation", "loaded"],
      ["Before the rotation", "loaded"],
    ],
    JSON.stringify(r.s.rows),
  );
  await r.page.close();

  // 3. Vic is given only key 2 (from Node: opened from Rita's grant, sealed to his key).
  const ritaLogin = await signInFromNode(url, account, RITA, PASSWORD);
  const held = (await apiCall(url, "GET", `/v1/orgs/${org}/projects/${project}/grant`, undefined, ritaLogin.cookie))
    .body.keys;
  const key2 = account.openGrant(held.find((k) => k.key_number === 2).sealed_key, rita.keys, row.public_key);
  assert.equal((await access(vic.me.id, { sealed_key: account.sealGrant(key2, vic.me.public_key) })).status, 200);
  const v = await inboxOf(VIC, 2);
  assert.equal(v.s.rows[0].comment, "After the rotation");
  assert.equal(v.s.rows[1].preview, "failed");
  assert.match(
    v.s.rows[1].preview_error,
    /sealed to an older key of the project \(before key 2\) that you were not given/,
  );
  // Opened, the report view says the same.
  const rect = v.s.row_rects.find((x) => x.row === 1);
  await v.page.mouse.move((rect.x + rect.right) / 2, (rect.y + rect.bottom) / 2);
  await v.page.mouse.down();
  await v.page.mouse.up();
  const opened = await until(v.page, () => globalThis.__sealshotConsole.report_error && globalThis.__sealshotConsole);
  assert.match(opened.report_error, /older key/);
  assert.ok(!JSON.stringify(opened).includes("Before the rotation"), "nothing of the old report reaches Vic");
  await v.page.close();

  // 4. Organisation roles from Team and keys: Rita made admin by the owner; as an admin she may
  // not demote the owner, and the server's sentence is shown; the owner removes Vic.
  const members = async () =>
    (await apiCall(url, "GET", `/v1/orgs/${org}/members`, undefined, login.cookie)).body.items;
  await click(page, `role-${RITA}`);
  await click(page, `role-${RITA}-admin`);
  await until(page, (email) => globalThis.__sealshotConsole.team.message === `${email} is now admin.`, RITA);
  assert.equal((await members()).find((m) => m.email === RITA).role, "admin");
  const a = await inboxOf(RITA, 2);
  await click(a.page, "team");
  await until(a.page, () => {
    const t = globalThis.__sealshotConsole.team;
    return t?.open && !t.loading && t.members.length === 3;
  });
  await click(a.page, `role-${OWNER}`);
  await click(a.page, `role-${OWNER}-member`);
  await until(
    a.page,
    () =>
      globalThis.__sealshotConsole.team.message ===
      "Role not changed: Only an owner can change an owner or make someone an owner.",
  );
  assert.equal((await members()).find((m) => m.email === OWNER).role, "owner");
  await a.page.close();
  await click(page, `remove-member-${VIC}`);
  await click(page, "remove-member-yes");
  await until(
    page,
    (email) =>
      globalThis.__sealshotConsole.team.message === `${email} was removed from the organisation.` &&
      !globalThis.__sealshotConsole.team.members.some((m) => m.email === email),
    VIC,
  );
  assert.ok(!(await members()).some((m) => m.email === VIC));
  assert.deepEqual(errors, []);
  await page.close();
});
