// The screen-sharing fallback (getDisplayMedia of this tab) goes through the
// same redaction and encryption. Chromium's --auto-accept-this-tab-capture
// stands in for the visitor picking "this tab" in the share prompt.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { decodePng } from "../wasm/support/png-decode.mjs";
import { fillAndSend, nextEvent, openDialog, personalDataBoxes, setup, unredacted } from "./support/fixture.mjs";

let env;
before(async () => {
  env = await setup({ browserArgs: ["--auto-accept-this-tab-capture"] });
});
after(async () => {
  await env?.close();
});

test("Share screen instead: the tab's frame is redacted with the same boxes and sent", async () => {
  const page = await env.page();
  const boxes = await personalDataBoxes(page);
  const launcher = await page.locator("[data-sealshot-ui] button").boundingBox();
  await openDialog(page);
  const captured = nextEvent(page, "sealshot:capture");
  await page.getByRole("button", { name: "Share screen instead" }).click();
  const shot = await captured;
  assert.equal(shot.error, undefined, shot.error);
  assert.equal(shot.source, "display");
  const sent = nextEvent(page, "sealshot:sent");
  await fillAndSend(page, "Shared the tab");
  const detail = await sent;
  const { manifest, parts } = env.open(await env.ingest.envelope(detail.submission));
  assert.equal(manifest.screenshot.source, "display");
  const png = parts.find((p) => p.name === "screenshot.png").data;
  if (process.env.SEALSHOT_TEST_OUT)
    (await import("node:fs")).writeFileSync(`${process.env.SEALSHOT_TEST_OUT}/sent-display.png`, png);
  const dpr = manifest.screenshot.width / 1920;
  assert.deepEqual(
    unredacted(png, boxes, dpr).map((b) => b.what),
    [],
  );
  // Our own button and dialog were hidden for the frame.
  const { rgba, width } = decodePng(png);
  const i =
    (Math.round((launcher.y + launcher.height / 2) * dpr) * width +
      Math.round((launcher.x + launcher.width / 2) * dpr)) *
    4;
  assert.notDeepEqual(Array.from(rgba.subarray(i, i + 3)), [29, 78, 216], "launcher in the frame");
  await page.close();
});
