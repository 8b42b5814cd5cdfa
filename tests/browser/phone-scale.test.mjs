// A phone shows a page without a viewport tag zoomed out (a page wider than
// the screen with one is in phone-layout.test.mjs): ~980 CSS px of layout viewport on 390 CSS px of screen. The
// picture gets the pixels the screen shows, devicePixelRatio × the visual
// viewport's scale per CSS px, not the ratio itself: at ratio 3 it was
// 2.5 times as wide as the screen (73 MB of pixels, a 250-320 ms task to
// read back on the corpus pages). The redactions follow the scale.
//   node --test tests/browser/phone-scale.test.mjs   (after scripts/build)
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { decodePng } from "../wasm/support/png-decode.mjs";
import { nextEvent, openDialog, fillAndSend, personalDataBoxes, setup, unredacted } from "./support/fixture.mjs";

let env;
before(async () => {
  env = await setup({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 3,
    device: { isMobile: true, hasTouch: true },
  });
});
after(async () => {
  await env?.close();
});

test("a zoomed-out page on a phone is captured at the scale the screen shows, its data still blacked out", async () => {
  const page = await env.page("test-pages/detected-table.html");
  const live = await page.evaluate(() => ({ inner: innerWidth, zoom: visualViewport.scale, dpr: devicePixelRatio }));
  assert.ok(live.zoom < 0.6, `the phone shows the page zoomed out (scale ${live.zoom}, layout width ${live.inner})`);
  const pii = await personalDataBoxes(page, ["lili.tiri@filt.it", "tiff.lil@rifl.li"]);
  assert.equal(pii.length, 2);
  const captured = nextEvent(page, "sealshot:capture");
  const sent = nextEvent(page, "sealshot:sent", 60_000);
  await openDialog(page);
  const capture = await captured;
  const scale = live.dpr * live.zoom;
  assert.ok(
    Math.abs(capture.devicePixelRatio - scale) < 1e-6,
    `pixels per CSS px: ${capture.devicePixelRatio}, shown ${scale}`,
  );
  assert.equal(capture.width, Math.floor(live.inner * scale), "as wide as the screen's pixels");
  assert.ok(capture.width <= 390 * 3 + 1, `${capture.width} px wide on a 1,170 px screen`);
  await fillAndSend(page, "Phone scale");
  const { parts } = env.open(await env.ingest.envelope((await sent).submission));
  const png = parts.find((p) => p.name === "screenshot.png").data;
  assert.equal(decodePng(png).width, capture.width);
  assert.deepEqual(unredacted(png, pii, scale), [], "the emails are solid black where they are");
  await page.close();
});
