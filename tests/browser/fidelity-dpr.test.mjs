// Fidelity of the DOM capture at device pixel ratios 2 and 1.5: lines of text
// at several sizes and fractional offsets (tests/browser/pages/dpr-text.html),
// the PNG read back from the stored envelope against Chromium's screenshot.
// Before the copy's text was unhinted like the page's
// (widget-js/src/app/device-text.js), each line's glyphs sat 1-4 device px
// off: 96.03% of the text's pixels matched at ratio 2, 94.90% at 1.5; 100.00% after.
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
