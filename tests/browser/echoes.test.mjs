// Echoes (docs/widget.md, "Echoes"): text that repeats the value of a masked
// element, a sensitive field or a name/email/phone field is solid black in
// the stored PNG; for names each word of 3+ letters, any case. A city from
// a masked address is left alone.
//   node --test tests/browser/echoes.test.mjs   (after scripts/build)
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { fillAndSend, nextEvent, openDialog, setup, unredacted } from "./support/fixture.mjs";

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

test("echoes of a masked name, a masked id and a name field are solid black; a city is not", async () => {
  const page = await env.page("test-pages/echoes.html");
  const secret = await boxesOf(page, [
    ["greeting", "Clara"],
    ["chat", "Clara"],
    ["chat", "KD-77-31904"],
    ["thanks", "bartholomew"],
  ]);
  const [city] = await boxesOf(page, [["store", "Berlin"]]);
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
  assert.equal(manifest.screenshot.redaction_sources.echoed, 4);
  await page.close();
});
