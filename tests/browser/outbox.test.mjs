// Delivery guarantees in the browser: a report made while the ingest is down
// waits in the IndexedDB outbox and is delivered after it is back, also from
// the next page view; a retry after a lost response is stored once.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fillAndSend, nextEvent, openDialog, setup } from "./support/fixture.mjs";

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

test("server down: the report is queued, survives a reload, and is delivered once when the server is back", async () => {
  const before = await env.ingest.count();
  await env.ingest.stop();
  const page = await env.page();
  const queued = nextEvent(page, "sealshot:queued");
  await openDialog(page);
  await fillAndSend(page, "Sent while the server was down");
  const q = await queued;
  assert.ok(q.id);
  assert.equal(await page.evaluate(() => localStorage.getItem("sealshot.outbox")), "1");
  await page.close();

  await env.ingest.start();
  // A new page view of the site: the loader sees the pending outbox and sends it without any click.
  const next = await env.browser.context.newPage();
  await next.addInitScript(() =>
    document.addEventListener("sealshot:sent", (e) => {
      window.__sent = e.detail;
    }),
  );
  await next.goto(`${env.demo.url}/account.html`);
  const detail = await (await next.waitForFunction(() => window.__sent, null, { timeout: 45_000 })).jsonValue();
  assert.equal(detail.background, true);
  const { manifest } = env.open(await env.ingest.envelope(detail.submission));
  assert.equal(manifest.comment, "Sent while the server was down");
  await next.waitForFunction(() => localStorage.getItem("sealshot.outbox") === null);
  await next.close();
  assert.equal(await env.ingest.count(), before + 1, "stored exactly once");
});

test("a lost response is retried with the same Idempotency-Key and stored once", async () => {
  const before = await env.ingest.count();
  const page = await env.page();
  const seen = [];
  // The first POST reaches the server, but its answer is dropped on the way back.
  await page.route("**/v1/projects/*/submissions", async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    seen.push({ key: route.request().headers()["idempotency-key"], id: body.id, status: response.status() });
    if (seen.length === 1) await route.abort("connectionreset");
    else await route.fulfill({ response });
  });
  const sent = nextEvent(page, "sealshot:sent", 45_000);
  await openDialog(page);
  await fillAndSend(page, "Lost response");
  const detail = await sent;
  assert.equal(seen.length, 2);
  assert.equal(seen[0].key, seen[1].key, "same Idempotency-Key");
  assert.equal(seen[0].id, seen[1].id, "the server returned the stored submission again");
  assert.equal(detail.submission, seen[0].id);
  assert.equal(await env.ingest.count(), before + 1, "stored exactly once");
  await page.close();
});

test("429 with Retry-After and 503 are retried in the open dialog", async () => {
  const page = await env.page();
  let calls = 0;
  await page.route("**/v1/projects/*/submissions", async (route) => {
    calls++;
    if (calls === 1)
      return route.fulfill({
        status: 429,
        headers: {
          "retry-after": "1",
          "access-control-allow-origin": "*",
          "access-control-expose-headers": "retry-after",
        },
        contentType: "application/json",
        body: '{"error":"rate_limited","message":"slow down"}',
      });
    if (calls === 2)
      return route.fulfill({
        status: 503,
        headers: { "access-control-allow-origin": "*" },
        contentType: "application/json",
        body: '{"error":"unavailable","message":"busy"}',
      });
    return route.continue();
  });
  const sent = nextEvent(page, "sealshot:sent", 45_000);
  const t0 = Date.now();
  await openDialog(page);
  await fillAndSend(page, "Retried");
  const detail = await sent;
  assert.equal(calls, 3);
  assert.ok(Date.now() - t0 >= 1000, "waited at least Retry-After");
  assert.match(detail.submission, /^sub_/);
  await page.close();
});

test("over the project's daily quota the real server answers 429: the visitor is told, the report stays in the outbox", async () => {
  const stored = await env.ingest.count();
  // Today's reports are all the project may take.
  const { usage } = await env.ingest.setQuota(["--daily-submissions", "1"]);
  assert.ok(usage.today_submissions >= 1, "earlier tests sent reports today");
  try {
    const page = await env.page();
    const answers = [];
    page.on("response", (r) => {
      if (r.url().includes("/submissions") && r.request().method() === "POST") answers.push(r.status());
    });
    const queued = nextEvent(page, "sealshot:queued");
    await openDialog(page);
    await fillAndSend(page, "Sent over the quota");
    const q = await queued;
    assert.equal(q.status, 429);
    assert.equal(q.error, "daily_submission_quota_exceeded");
    assert.deepEqual(answers, [429], "one attempt: Retry-After (next UTC midnight) is too far to wait in the dialog");
    const text = await page.evaluate(() =>
      [...document.querySelectorAll("[data-sealshot-ui]")].map((host) => host.shadowRoot?.textContent ?? "").join(" "),
    );
    assert.match(text, /cannot take more feedback right now.*saved on this device/s);
    assert.equal(await page.evaluate(() => localStorage.getItem("sealshot.outbox")), "1", "kept in the outbox");
    assert.equal(await env.ingest.count(), stored, "nothing stored");
    await page.close();
  } finally {
    await env.ingest.setQuota(["--daily-submissions", "0"]); // back to the server's default
  }
});
