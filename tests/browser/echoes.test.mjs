// Echoes (docs/widget.md, "Echoes"): text that repeats the value of a masked
// element, a sensitive field or a name/email/phone field is solid black in
// the stored PNG; for names each word of 3+ letters, any case. A city from
// a masked address is left alone, and so are the options a masked <select>
// does not show.
//   node --test tests/browser/echoes.test.mjs   (after scripts/build)
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { fillAndSend, nextEvent, openDialog, setup, unredacted } from "./support/fixture.mjs";
import { decodePng } from "../wasm/support/png-decode.mjs";

let env;
before(async () => {
  env = await setup({ viewport: { width: 900, height: 600 } });
});
after(async () => {
  await env?.close();
});

/** Boxes of exact substrings of an element's text: [[id, string], …]. */
function boxesOf(page, wanted) {
  return page.evaluate(
    (wanted) =>
      wanted.map(([id, str]) => {
        const node = document.getElementById(id).firstChild;
        const i = node.data.indexOf(str);
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + str.length);
        const r = range.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height, what: `${id}: ${str}` };
      }),
    wanted,
  );
}

/** Whether a box of the PNG shows text: dark pixels on a light background (not blanked, not blacked out). */
function showsText(png, b) {
  const { width, rgba } = decodePng(png);
  let dark = 0,
    light = 0;
  for (let y = Math.ceil(b.y); y < Math.floor(b.y + b.height); y++)
    for (let x = Math.ceil(b.x); x < Math.floor(b.x + b.width); x++) {
      const i = (y * width + x) * 4;
      const sum = rgba[i] + rgba[i + 1] + rgba[i + 2];
      if (sum < 300) dark++;
      else if (sum > 600) light++;
    }
  return dark > 10 && light > 10;
}

test("echoes of a masked name, a masked id, a name field and a masked select are solid black; a city and hidden options are not", async () => {
  const page = await env.page("test-pages/echoes.html");
  const secret = await boxesOf(page, [
    ["greeting", "Clara"],
    ["chat", "Clara"],
    ["chat", "KD-77-31904"],
    ["thanks", "bartholomew"],
    ["travel", "Sweden"],
  ]);
  const [city] = await boxesOf(page, [["store", "Berlin"]]);
  const hiddenOptions = await boxesOf(page, [
    ["travel", "Germany"],
    ["travel", "France"],
  ]);
  const sent = nextEvent(page, "sealshot:sent");
  await openDialog(page);
  await fillAndSend(page, "Echoes");
  const detail = await sent;
  const { manifest, parts } = env.open(await env.ingest.envelope(detail.submission));
  const png = parts.find((p) => p.name === "screenshot.png").data;
  if (process.env.SEALSHOT_TEST_OUT) fs.writeFileSync(`${process.env.SEALSHOT_TEST_OUT}/echoes.png`, png);
  assert.deepEqual(
    unredacted(png, secret).map((b) => `${b.what}: ${b.pixels} px`),
    [],
    "echoes not solid black",
  );
  const [left] = unredacted(png, [city]);
  assert.ok(
    left && left.pixels > Math.floor(city.width) * Math.floor(city.height) * 0.5,
    "the city of a masked address stays legible",
  );
  // Before: every option of the masked select was an echo term, and both were blacked out.
  for (const b of hiddenOptions) assert.ok(showsText(png, b), `${b.what} is drawn as text`);
  assert.equal(manifest.screenshot.redaction_sources.echoed, 5);
  await page.close();
});
