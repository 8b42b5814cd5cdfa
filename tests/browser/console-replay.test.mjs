// Changes refused because the session ended are made after the next
// sign-in, for tags, notes and bulk changes as for status: each time the
// person is signed out everywhere from another device, makes a change in the
// workspace (401: back to the sign-in form), signs in again, and the server
// then holds the change. A note waits sealed (ciphertext only) while the
// module is gone.
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
const NOTE = "Refund sent to Jane Roe";

let server, browser, dataDir, url, account;
const call = (...args) => apiCall(url, ...args);

before(async () => {
  let link;
  ({ dataDir, url, server, account, link } = await startOrganisation("replay", EMAIL));
  await acceptLink(url, account, link, PASSWORD);
  browser = await launch({ viewport: { width: 1280, height: 800 }, consoleTestHooks: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test("tag, note, bulk status and bulk delete refused by an ended session are made after signing in again", async () => {
  const login = await signInFromNode(url, account, EMAIL, PASSWORD);
  const page = await browser.context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const { project } = await projectWithReports({
    url,
    dataDir,
    account,
    cookie: login.cookie,
    me: login.body,
    png: await page.screenshot({ type: "png" }),
    comments: [1, 2, 3].map((n) => `Report ${n}`),
  });
  const org = login.body.organisations[0].id;
  const base = `/v1/orgs/${org}/projects/${project}/submissions`;
  let cookie = login.cookie;
  const list = async () => (await call("GET", `${base}?limit=50`, undefined, cookie)).body.items;

  await signInInPage(page, url, EMAIL, PASSWORD);
  const ws = await until(
    page,
    () => {
      const s = globalThis.__sealshotConsole;
      return s?.state === "workspace" && s.rows?.length === 3 && s.rows.every((r) => r.preview === "loaded") && s;
    },
    undefined,
    60_000,
  );
  const ids = ws.rows.map((r) => r.id);
  const rect = ws.row_rects.find((r) => r.row === 1);
  await page.mouse.click(rect.x + (rect.right - rect.x) * 0.6, (rect.y + rect.bottom) / 2);
  await until(
    page,
    (id) => globalThis.__sealshotConsole.report?.id === id && !globalThis.__sealshotConsole.notes_loading,
    ids[1],
  );

  // Ends every session from "another device", lets `change` hit the 401,
  // signs in again, and returns the restored workspace once `ready` holds.
  const cycle = async (change, ready, arg) => {
    // Each cycle signs the owner in twice; the server allows 10 sign-ins per account at once and
    // 6 a minute after. A pause of one refill per cycle keeps the test under it on a fast machine
    // (without it the fourth cycle's sign-in was answered "throttled").
    await new Promise((r) => setTimeout(r, 10_000));
    const other = await signInFromNode(url, account, EMAIL, PASSWORD);
    assert.equal((await call("POST", "/v1/auth/logout-everywhere", {}, other.cookie)).status, 200);
    await change();
    await until(page, () => globalThis.__sealshotConsole?.state === "ready");
    await page.getByText("Your session ended").waitFor();
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    const back = await until(page, ready, arg, 60_000);
    cookie = (await signInFromNode(url, account, EMAIL, PASSWORD)).cookie;
    return back;
  };

  // Tags typed and saved with Enter.
  await cycle(
    () => typeInto(page, "tags", "replayed, urgent", { enter: true }),
    (id) => globalThis.__sealshotConsole?.state === "workspace" && globalThis.__sealshotConsole.report?.id === id,
    ids[1],
  );
  await until(page, (id) => globalThis.__sealshotConsole.rows?.find((r) => r.id === id)?.tags?.length === 2, ids[1]);
  assert.deepEqual((await list()).find((s) => s.id === ids[1]).tags, ["replayed", "urgent"]);

  // A note: it waited sealed; listed again, opened, once stored.
  const back = await cycle(
    async () => {
      await typeInto(page, "note", NOTE);
      await click(page, "add-note");
    },
    (id) =>
      globalThis.__sealshotConsole?.state === "workspace" &&
      globalThis.__sealshotConsole.report?.id === id &&
      globalThis.__sealshotConsole.notes?.length === 1 &&
      globalThis.__sealshotConsole,
    ids[1],
  );
  assert.equal(back.notes[0].text, NOTE);
  const notes = (await call("GET", `${base}/${ids[1]}/notes`, undefined, cookie)).body.items;
  assert.equal(notes.length, 1);
  assert.ok(!notes[0].sealed.includes("Jane"));

  // Bulk status over two picked rows.
  await page.keyboard.press("Escape");
  await click(page, `pick-${ids[0]}`);
  await click(page, `pick-${ids[2]}`);
  await until(page, () => globalThis.__sealshotConsole.picked?.length === 2);
  await cycle(
    async () => {
      await click(page, "bulk-status");
      await click(page, "bulk-status-spam");
    },
    () =>
      globalThis.__sealshotConsole?.state === "workspace" &&
      globalThis.__sealshotConsole.rows?.filter((r) => r.status === "spam").length === 2,
  );
  const statuses = Object.fromEntries((await list()).map((s) => [s.id, s.status]));
  assert.deepEqual([statuses[ids[0]], statuses[ids[1]], statuses[ids[2]]], ["spam", "new", "spam"]);

  // Bulk delete of one picked row, confirmed.
  await click(page, `pick-${ids[0]}`);
  await until(page, () => globalThis.__sealshotConsole.picked?.length === 1);
  await cycle(
    async () => {
      await click(page, "bulk-delete");
      await click(page, "bulk-delete-confirm");
    },
    () =>
      globalThis.__sealshotConsole?.state === "workspace" &&
      globalThis.__sealshotConsole.rows?.length === 2 &&
      !globalThis.__sealshotConsole.inbox_loading,
  );
  assert.deepEqual((await list()).map((s) => s.id).sort(), [ids[1], ids[2]].sort());
  assert.deepEqual(errors, []);
  await page.close();
});
