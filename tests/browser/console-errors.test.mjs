// Opt-in console errors (data-console-errors="true"): the last errors join the
// encrypted manifest, with URLs trimmed like the page URL and personal data
// found by the core's detectors replaced by its kind.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fillAndSend, nextEvent, openDialog, setup } from "./support/fixture.mjs";

let env;
before(async () => {
  env = await setup({ consoleErrors: true });
});
after(async () => {
  await env?.close();
});

test("console errors are attached when the site opts in, without personal data", async () => {
  const page = await env.page(); // the snippet carries data-console-errors="true"
  await page.waitForFunction(() => window.Sealshot && window.Sealshot.version);
  await page.evaluate(() => {
    console.error("Checkout failed for anna.schmidt@example.de, see https://shop.example/pay?token=s3cr3t#step2");
  });
  const sent = nextEvent(page, "sealshot:sent");
  await openDialog(page);
  const box = page.locator(".dialog input[name=includeConsole]");
  assert.equal(await box.isChecked(), true, "the visitor sees the attachment and may untick it");
  await fillAndSend(page, "Checkout broke");
  const { manifest } = env.open(await env.ingest.envelope((await sent).submission));
  const errors = manifest.console_errors ?? [];
  const ours = errors.find((e) => e.startsWith("Checkout failed"));
  assert.ok(ours, JSON.stringify(errors));
  assert.equal(ours, "Checkout failed for [email], see https://shop.example/pay");
  assert.ok(!JSON.stringify(manifest).includes("anna.schmidt@example.de"));
  assert.ok(!JSON.stringify(manifest).includes("s3cr3t"));
  await page.close();
});
