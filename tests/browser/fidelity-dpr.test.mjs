// Fidelity of the DOM capture at device pixel ratios 2 and 1.5: lines of text
// at several sizes and fractional offsets, in a system font and in a web font
// (tests/browser/pages/dpr-text.html), the PNG read back from the stored
// envelope against Chromium's screenshot. Before the copy drew system-font
// text unhinted like the page (widget-js/src/app/device-text.js), those lines
// sat 1-4 device px off (97.97% of the text's pixels matched at ratio 2,
// 97.30% at 1.5); with every font unhinted, the web font's lines moved
// instead (97.83%, 97.72%); 100.00% at both ratios after.
//   node --test tests/browser/fidelity-dpr.test.mjs   (after scripts/build)
import { test } from "node:test";
import assert from "node:assert/strict";
import { setup } from "./support/fixture.mjs";
import { fidelity, referenceAndSent } from "./support/fidelity.mjs";

for (const dpr of [2, 1.5]) {
  test(`device pixel ratio ${dpr}: text lands on the page's pixels`, async () => {
    const env = await setup({ viewport: { width: 800, height: 600 }, deviceScaleFactor: dpr });
    try {
      const page = await env.page("test-pages/dpr-text.html");
      const text = await page.evaluate(() => {
        const r = document.getElementById("rows").getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      });
      const { reference, png } = await referenceAndSent(env, page, `dpr-text-${dpr}`);
      // The default tolerance of 40 absorbs anti-aliasing; a line one device pixel off does not pass.
      const f = fidelity(png, reference, { dpr, region: text });
      console.log(`fidelity at ratio ${dpr}: ${(100 * f.share).toFixed(2)}% of ${f.compared} px`);
      assert.ok(f.share >= 0.995, `${(100 * f.share).toFixed(2)}% of the text's pixels match`);
      await page.close();
    } finally {
      await env.close();
    }
  });
}
