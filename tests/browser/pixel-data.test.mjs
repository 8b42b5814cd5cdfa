// Data that only exists as pixels cannot be read from the DOM: a <canvas>,
// <img> or <video> the site marks is solid black in the stored PNG; an
// unmarked canvas is drawn as it is (docs/widget.md: the site's to mark).
//   node --test tests/browser/pixel-data.test.mjs   (after scripts/build)
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { fillAndSend, nextEvent, openDialog, setup, unredacted } from "./support/fixture.mjs";

let env;
before(async () => {
  env = await setup({ viewport: { width: 800, height: 500 } });
});
after(async () => {
  await env?.close();
});

test("a marked canvas, image and video are solid black; an unmarked canvas is drawn", async () => {
  const page = await env.page("test-pages/pixel-data.html");
  await page.waitForFunction(
    () => document.getElementById("img").complete && document.getElementById("video").readyState !== undefined,
  );
  const boxes = await page.evaluate(() =>
    ["canvas", "img", "video", "unmarked"].map((id) => {
      const r = document.getElementById(id).getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height, what: id };
    }),
  );
  const sent = nextEvent(page, "sealshot:sent");
  await openDialog(page);
  await fillAndSend(page, "Pixels");
  const detail = await sent;
  const png = env
    .open(await env.ingest.envelope(detail.submission))
    .parts.find((p) => p.name === "screenshot.png").data;
  if (process.env.SEALSHOT_TEST_OUT) fs.writeFileSync(`${process.env.SEALSHOT_TEST_OUT}/pixel-data.png`, png);
  const left = unredacted(png, boxes);
  assert.deepEqual(
    left.map((b) => b.what),
    ["unmarked"],
    "marked pixel elements not solid black, or the unmarked one blacked out",
  );
  assert.ok(left[0].pixels > boxes[3].width * boxes[3].height * 0.8, "the unmarked canvas is drawn");
  await page.close();
});
