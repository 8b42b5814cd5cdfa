// The widget on a page with the strict Content-Security-Policy of
// docs/widget.md (demo/serve.mjs --csp), in German, at a phone's width.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fillAndSend, nextEvent, openDialog, personalDataBoxes, setup, unredacted } from "./support/fixture.mjs";

let env;
before(async () => {
  env = await setup({ csp: true, lang: "de", viewport: { width: 390, height: 844 }, deviceScaleFactor: 3 });
});
after(async () => {
  await env?.close();
});

test("strict CSP with a nonce, German labels, phone width, DPR 3: sent, redacted, no violations", async () => {
  const page = await env.page();
  const csp = await page.evaluate(async () => (await fetch(location.href)).headers.get("content-security-policy"));
  assert.match(csp, /script-src 'self' 'nonce-[^']+' 'wasm-unsafe-eval'/);
  const boxes = await personalDataBoxes(page);
  const sent = nextEvent(page, "sealshot:sent");
  await openDialog(page);
  // German labels, and a dialog that fits the phone's width.
  assert.equal(await page.locator(".dialog h2").textContent(), "Feedback senden");
  assert.equal(await page.locator(".dialog button[type=submit]").textContent(), "Senden");
  const box = await page.locator(".dialog").boundingBox();
  assert.ok(box.x >= 0 && box.width <= 390, `dialog ${JSON.stringify(box)}`);
  await fillAndSend(page, "Die Tabelle ist falsch.");
  const detail = await sent;
  const { manifest, parts } = env.open(await env.ingest.envelope(detail.submission));
  assert.deepEqual(
    [manifest.viewport, manifest.device_pixel_ratio, manifest.screenshot.width],
    [{ width: 390, height: 844 }, 3, 1170],
  );
  const png = parts.find((p) => p.name === "screenshot.png").data;
  if (process.env.SEALSHOT_TEST_OUT)
    (await import("node:fs")).writeFileSync(`${process.env.SEALSHOT_TEST_OUT}/sent-phone.png`, png);
  assert.deepEqual(
    unredacted(png, boxes, 3).map((b) => `${b.what} ${JSON.stringify(b)}`),
    [],
  );
  // The demo's own inline onsubmit handlers and its cross-origin avatar are refused by this
  // policy whether or not the widget is there (the capture then uses a placeholder).
  const violations = page.errors.filter(
    (e) => /Content Security Policy|Refused to/.test(e) && !/inline event handler|avatar\.png/.test(e),
  );
  assert.deepEqual(violations, [], "CSP violations caused by the widget");
  await page.close();
});
