// A page wider than a phone's screen, LTR and RTL: the phone's layout
// viewport (innerWidth) grows past the root element's width, and in an RTL
// page the overflow lies to the left (scrollX < 0). The copy must be laid out
// at the root's live width and placed where the visitor sees it, or the
// redaction boxes (live coordinates) land on other text.
//   node --test tests/browser/phone-layout.test.mjs   (after scripts/build)
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { decodePng } from "../wasm/support/png-decode.mjs";
import { personalDataBoxes, setup, unredacted } from "./support/fixture.mjs";
import { fidelity, referenceAndSent } from "./support/fidelity.mjs";

const PHONE = { width: 390, height: 844 };
let env;
before(async () => {
  env = await setup({ viewport: PHONE, deviceScaleFactor: 1, device: { isMobile: true, hasTouch: true } });
});
after(async () => {
  await env?.close();
});

/** Share of pure black pixels inside a CSS px box of the PNG. */
function blackShare(png, b) {
  const { width, height, rgba } = decodePng(png);
  const ch = rgba.length / (width * height);
  let black = 0,
    all = 0;
  for (let y = Math.ceil(b.y); y < Math.min(height, Math.floor(b.y + b.height)); y++) {
    for (let x = Math.max(0, Math.ceil(b.x)); x < Math.min(width, Math.floor(b.x + b.width)); x++) {
      const i = (y * width + x) * ch;
      all++;
      if (rgba[i] === 0 && rgba[i + 1] === 0 && rgba[i + 2] === 0) black++;
    }
  }
  return all ? black / all : 0;
}

describe("a page wider than a phone (sealshot-server)", () => {
  for (const dir of ["ltr", "rtl"]) {
    test(`${dir}: personal data blacked out where it is, look-alikes legible, the copy where the visitor sees it`, async () => {
      const page = await env.page(`test-pages/wide-phone.html?dir=${dir}`);
      const live = await page.evaluate(() => ({
        inner: innerWidth,
        root: document.documentElement.getBoundingClientRect().width,
        scrollX,
        lookalikes: [...document.querySelectorAll(".lookalike")].map((el) => {
          const r = el.getBoundingClientRect();
          return { x: r.x, y: r.y, width: r.width, height: r.height };
        }),
      }));
      assert.ok(live.inner > live.root, `the layout viewport (${live.inner}) is wider than the root (${live.root})`);
      if (dir === "rtl") assert.ok(live.scrollX < 0, "the RTL overflow lies to the left");
      const pii = await personalDataBoxes(page, ["leila.haddad@example.ae", "+971 50 123 4567"]);
      assert.equal(pii.length, 2);
      const { reference, png } = await referenceAndSent(env, page, `wide-phone-${dir}`);
      assert.deepEqual(unredacted(png, pii), [], "the email and the phone number are solid black where they are");
      for (const box of live.lookalikes) {
        const share = blackShare(png, box);
        assert.ok(share < 0.05, `a look-alike at x=${box.x.toFixed(0)} is ${(100 * share).toFixed(0)}% black`);
      }
      // Chromium's screenshot is the visual viewport: the top-left of the layout viewport here.
      const shown = fidelity(png, reference, { boxes: pii, overlap: true });
      console.log(`fidelity wide-phone ${dir}: ${(100 * shown.share).toFixed(2)}% of ${shown.compared} px`);
      assert.ok(shown.share >= 0.99, `${(100 * shown.share).toFixed(2)}% of what the phone shows matches`);
      await page.close();
    });
  }
});
