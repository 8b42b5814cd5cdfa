// Triage in the review console against the real sealshot-server, clicking
// and typing where a person would: bulk status over picked inbox rows, tags
// edited on a report and the inbox filtered by one, a reviewer note sealed
// in the browser (only ciphertext reaches the server and its files), the
// note deleted, then bulk delete. And the test flag: without it the app
// publishes no widget rectangles and no rows.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launch } from "./support/browser.mjs";
import {
  acceptLink,
  apiCall,
  click,
  projectWithReports,
  signInFromNode,
  signInInPage,
  startOrganisation,
  typeInto,
  until,
} from "./support/console.mjs";

const EMAIL = "owner@example.com";
const PASSWORD = "violet harbour lantern 93";
const NOTE = "Called Jane Roe back, refund 4711 sent";

let server, browser, dataDir, url, account;
const call = (...args) => apiCall(url, ...args);

before(async () => {
  let link;
  ({ dataDir, url, server, account, link } = await startOrganisation("triage", EMAIL));
  await acceptLink(url, account, link, PASSWORD);
  browser = await launch({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, consoleTestHooks: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

// Every byte of the server's data directory (the note's text must be nowhere).
function dataDirBytes() {
  let all = "";
  for (const f of fs.readdirSync(dataDir, { recursive: true })) {
    const p = path.join(dataDir, f);
    if (fs.statSync(p).isFile()) all += fs.readFileSync(p, "latin1");
  }
  return all;
}

const signIn = (page) => signInInPage(page, url, EMAIL, PASSWORD);

test("bulk status, tags and a tag filter, a sealed note, bulk delete — clicked and typed in the workspace", async () => {
  const login = await signInFromNode(url, account, EMAIL, PASSWORD);
  assert.equal(login.status, 200);
  const page = await browser.context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) errors.push(`${r.status()} ${r.url()}`);
  });
  const { project } = await projectWithReports({
    url,
    dataDir,
    account,
    cookie: login.cookie,
    me: login.body,
    png: await page.screenshot({ type: "png" }),
    comments: [1, 2, 3].map((n) => `Report ${n}: the basket forgets items`),
  });
  const org = login.body.organisations[0].id;
  const list = async (query = "") =>
    (await call("GET", `/v1/orgs/${org}/projects/${project}/submissions?limit=50${query}`, undefined, login.cookie))
      .body.items;

  await signIn(page);
  const ws = await until(page, () => {
    const s = globalThis.__sealshotConsole;
    return s?.state === "workspace" && s.rows?.length === 3 && s.rows.every((r) => r.preview === "loaded") && s;
  });
  const ids = ws.rows.map((r) => r.id); // newest first

  // Bulk status: two rows picked by their checkboxes.
  await click(page, `pick-${ids[0]}`);
  await click(page, `pick-${ids[2]}`);
  await until(page, () => globalThis.__sealshotConsole.picked?.length === 2);
  await click(page, "bulk-status");
  await click(page, "bulk-status-triaged");
  await until(page, () => globalThis.__sealshotConsole.bulk_message === "2 set to triaged.");
  const statuses = Object.fromEntries((await list()).map((s) => [s.id, s.status]));
  assert.deepEqual([statuses[ids[0]], statuses[ids[1]], statuses[ids[2]]], ["triaged", "new", "triaged"]);

  // Tags on the middle report, typed as a person would, saved with Enter.
  const rect = ws.row_rects.find((r) => r.row === 1);
  await page.mouse.click(rect.x + (rect.right - rect.x) * 0.6, (rect.y + rect.bottom) / 2);
  await until(page, (id) => globalThis.__sealshotConsole.report?.id === id, ids[1]);
  await typeInto(page, "tags", "Checkout, urgent", { enter: true });
  await until(page, () => globalThis.__sealshotConsole.tags_message === "Tags saved.");
  assert.deepEqual((await list()).find((s) => s.id === ids[1]).tags, ["checkout", "urgent"]);
  // A tag the server would refuse is refused at once, with a sentence.
  await typeInto(page, "tags", "fine, not/fine", { enter: true });
  await until(page, () => globalThis.__sealshotConsole.tags_message?.includes('"not/fine" is not a tag'));

  // The inbox filtered by a tag (the server filters).
  await typeInto(page, "tag-filter", "URGENT", { enter: true });
  const filtered = await until(page, () => {
    const s = globalThis.__sealshotConsole;
    return s.row_count === 1 && !s.inbox_loading && s;
  });
  assert.equal(filtered.rows[0].id, ids[1]);
  assert.deepEqual(filtered.rows[0].tags, ["checkout", "urgent"]);
  await typeInto(page, "tag-filter", "", { enter: true });
  await until(page, () => globalThis.__sealshotConsole.row_count === 3 && !globalThis.__sealshotConsole.inbox_loading);

  // A reviewer note: sealed in the page, only ciphertext sent and stored.
  await typeInto(page, "note", NOTE);
  // Text that arrives with no key events, as from an IME, a dead key or a
  // phone keyboard: the hidden input hands it to the ImGui field.
  await page.keyboard.insertText(" — Grüße, señor");
  await click(page, "add-note");
  const noted = await until(
    page,
    () => globalThis.__sealshotConsole.notes?.length === 1 && globalThis.__sealshotConsole,
  );
  assert.equal(noted.notes[0].text, `${NOTE} — Grüße, señor`);
  assert.equal(noted.notes[0].author, login.body.id);
  const stored = await call(
    "GET",
    `/v1/orgs/${org}/projects/${project}/submissions/${ids[1]}/notes`,
    undefined,
    login.cookie,
  );
  assert.equal(stored.body.items.length, 1);
  assert.ok(!stored.body.items[0].sealed.includes("Jane"));
  assert.ok(!dataDirBytes().includes("Jane Roe"), "the note's text is nowhere in the server's files");
  // Reopened (J then K): the note is listed again, opened with the project key.
  await page.keyboard.press("Escape");
  await click(page, "screenshot");
  await page.keyboard.press("j");
  await until(
    page,
    (id) => globalThis.__sealshotConsole.report?.id === id && globalThis.__sealshotConsole.notes?.length === 0,
    ids[2],
  );
  await page.keyboard.press("k");
  await until(
    page,
    (id) =>
      globalThis.__sealshotConsole.report?.id === id &&
      globalThis.__sealshotConsole.notes?.[0]?.text?.startsWith("Called Jane Roe"),
    ids[1],
  );
  // Deleted by its author.
  await click(page, "delete-note-0");
  await until(page, () => globalThis.__sealshotConsole.notes?.length === 0);
  const after = await call(
    "GET",
    `/v1/orgs/${org}/projects/${project}/submissions/${ids[1]}/notes`,
    undefined,
    login.cookie,
  );
  assert.deepEqual(after.body.items, []);

  // Bulk delete: every row picked, confirmed in the dialog.
  await click(page, "pick-all");
  await until(page, () => globalThis.__sealshotConsole.picked?.length === 3);
  await click(page, "bulk-delete");
  await click(page, "bulk-delete-confirm");
  await until(
    page,
    () => globalThis.__sealshotConsole.bulk_message === "3 deleted." && globalThis.__sealshotConsole.row_count === 0,
  );
  assert.deepEqual(await list(), []);
  assert.equal(page.url().includes("#"), false);
  assert.deepEqual(errors, []);
  await page.close();
});

test("without the test flag the workspace publishes no widget rectangles and no rows", async () => {
  const plain = await launch({ viewport: { width: 1024, height: 700 } });
  try {
    const page = await plain.context.newPage();
    await signIn(page);
    // The sign-in page's own state says when the workspace took over.
    await page.waitForFunction(
      () => globalThis.__sealshotConsole?.state === "signed_in" && document.querySelector("canvas"),
      null,
      { timeout: 60_000 },
    );
    await page.waitForTimeout(1500); // frames drawn, the inbox loaded
    const state = await page.evaluate(() => globalThis.__sealshotConsole);
    assert.equal(state.widgets, undefined);
    assert.equal(state.rows, undefined);
    assert.equal(state.row_rects, undefined);
  } finally {
    await plain.close();
  }
});
