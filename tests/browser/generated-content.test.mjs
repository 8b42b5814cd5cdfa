// Text that CSS generates (::before, ::after, ::marker; strings, attr(),
// counters, quotes) is scanned and masked like DOM text: personal data in it
// is solid black in the PNG the server stores, a mask on an element covers
// its generated text too (also when positioned outside the element), and
// generated text without personal data is still drawn.
//   node --test tests/browser/generated-content.test.mjs   (after scripts/build)
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { fillAndSend, nextEvent, openDialog, setup, unredacted } from "./support/fixture.mjs";
import { fidelity, referenceAndSent } from "./support/fidelity.mjs";
import { decodePng } from "../wasm/support/png-decode.mjs";

let env;
before(async () => {
  env = await setup({ viewport: { width: 900, height: 600 } });
});
after(async () => {
  await env?.close();
});

test("personal data in CSS-generated text is solid black; masks cover generated text; plain generated text is drawn", async () => {
  const page = await env.page("test-pages/generated-content.html");
  await page.waitForFunction(() => document.getElementById("frame").contentDocument?.getElementById("in-frame"));
  // Each element below has no text of its own: its box is the generated text's box.
  const boxes = await page.evaluate(() => {
    const box = (id) => {
      const r = document.getElementById(id).getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height, what: id };
    };
    const badge = document.getElementById("badge").getBoundingClientRect();
    // A same-origin frame's generated text, in top-level viewport coordinates.
    const frame = document.getElementById("frame");
    const inner = frame.contentDocument.getElementById("in-frame").getBoundingClientRect(),
      f = frame.getBoundingClientRect();
    const framed = { x: f.x + inner.x, y: f.y + inner.y, width: inner.width, height: inner.height, what: "in a frame" };
    // The quotes around the email are not data: 14 px in from each side.
    const quoted = box("quoted");
    Object.assign(quoted, { x: quoted.x + 14, width: quoted.width - 28 });
    return {
      secret: ["tel", "mail", "ext", "marker", "shadow"]
        .map(box)
        .concat([quoted, framed])
        // The masked badge's ::after is positioned beside it (left: 100% + 10px, 180 x 28).
        .concat([
          { x: badge.right + 10, y: badge.top, width: 180, height: 28, what: "masked ::after" },
          { ...box("badge"), what: "badge" },
        ]),
      plain: box("plain"),
    };
  });
  for (const b of boxes.secret)
    assert.ok(b.width > 20 && b.height > 10, `${b.what} has a box (${b.width} x ${b.height})`);
  const sent = nextEvent(page, "sealshot:sent");
  await openDialog(page);
  await fillAndSend(page, "Generated content");
  const detail = await sent;
  const { parts } = env.open(await env.ingest.envelope(detail.submission));
  const png = parts.find((p) => p.name === "screenshot.png").data;
  if (process.env.SEALSHOT_TEST_OUT) fs.writeFileSync(`${process.env.SEALSHOT_TEST_OUT}/generated-content.png`, png);
  assert.deepEqual(
    unredacted(png, boxes.secret).map((b) => `${b.what}: ${b.pixels} px`),
    [],
    "generated personal data not solid black",
  );
  // The order number is a look-alike: drawn (dark text pixels on white), not blacked out.
  const { rgba, width } = decodePng(png);
  let ink = 0,
    black = 0;
  const p = boxes.plain;
  for (let y = Math.ceil(p.y); y < Math.floor(p.y + p.height); y++)
    for (let x = Math.ceil(p.x); x < Math.floor(p.x + p.width); x++) {
      const i = (y * width + x) * 4;
      if (rgba[i] < 120) ink++;
      if (rgba[i] === 0 && rgba[i + 1] === 0 && rgba[i + 2] === 0) black++;
    }
  const area = Math.floor(p.width) * Math.floor(p.height);
  assert.ok(
    ink > area * 0.03 && black < area * 0.5,
    `plain generated text drawn and not blacked out (ink ${ink}, black ${black} of ${area})`,
  );
  // The live page is left as it was: no leftover elements, attributes or style sheets.
  assert.deepEqual(
    await page.evaluate(() => [
      document.querySelectorAll("sealshot-generated, [data-sealshot-generated]").length,
      document.adoptedStyleSheets.length,
    ]),
    [0, 0],
  );
  await page.close();
});

test("quote marks that CSS generates are drawn as the browser draws them, nesting and language included", async () => {
  const page = await env.page("test-pages/quotes.html");
  const lines = await page.evaluate(() =>
    ["plain", "nested", "guillemets", "german", "block"].map((id) => {
      const r = document.getElementById(id).getBoundingClientRect();
      return { id, x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
  const { reference, png } = await referenceAndSent(env, page, "quotes");
  for (const line of lines) {
    // Before the fix each quote came out as the words "open-quote" / "close-quote".
    const f = fidelity(png, reference, { region: line });
    assert.ok(f.share >= 0.995, `#${line.id}: ${(100 * f.share).toFixed(2)}% of its pixels match Chromium's`);
  }
  await page.close();
});
