// A page wider than a phone's screen, LTR and RTL: the phone's layout
// viewport (innerWidth) grows past the root element's width, and in an RTL
// page the overflow lies to the left (scrollX < 0). The copy must be laid out
// at the root's live width and placed where the visitor sees it, or the
// redaction boxes (live coordinates) land on other text. The picture is of
// the visual viewport, the part on the screen, as Chromium's screenshot is
// (widget-js/src/app/visible-area.js); also when the visitor has zoomed in
// and panned, where the boxes are measured from the visual viewport's corner.
//   node --test tests/browser/phone-layout.test.mjs   (after scripts/build)
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { decodePng } from "../wasm/support/png-decode.mjs";
import { nextEvent, openDialog, personalDataBoxes, setup, unredacted } from "./support/fixture.mjs";
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
      const picture = decodePng(png);
      assert.deepEqual([picture.width, picture.height], [PHONE.width, PHONE.height], "the picture is the screen");
      const shown = fidelity(png, reference, { boxes: pii });
      console.log(`fidelity wide-phone ${dir}: ${(100 * shown.share).toFixed(2)}% of ${shown.compared} px`);
      assert.ok(shown.share >= 0.99, `${(100 * shown.share).toFixed(2)}% of what the phone shows matches`);
      await page.close();
    });
  }

  test("zoomed in and panned: the picture is the part on the screen, at the screen's sharpness, its data blacked out", async () => {
    const page = await env.page("test-pages/wide-phone.html");
    // A pinch to 2× and a pan: the wheel moves the zoomed visual viewport, not the page.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Emulation.setPageScaleFactor", { pageScaleFactor: 2 });
    await page.mouse.move(100, 100);
    await page.mouse.wheel(120, 60);
    // Until the pan has settled (a wheel scroll may be animated): the same offsets 50 ms apart.
    const vv = await page.evaluate(async () => {
      const read = () => ({ x: visualViewport.offsetLeft, y: visualViewport.offsetTop });
      let last = read();
      for (let i = 0; i < 100; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const now = read();
        if (now.x > 0 && now.y > 0 && now.x === last.x && now.y === last.y) return now;
        last = now;
      }
      return last;
    });
    // The email starts left of the panned view: cut at its edge, the rest must still be black.
    const pii = (await personalDataBoxes(page, ["leila.haddad@example.ae", "+971 50 123 4567"])).map((b) => ({
      ...b,
      x: b.x - vv.x,
      y: b.y - vv.y,
    }));
    assert.ok(
      pii.some((b) => b.x < 0 && b.x + b.width > 0),
      `the email straddles the view's left edge (${JSON.stringify(pii)})`,
    );
    await page.waitForSelector("[data-sealshot-ui]", { state: "attached" });
    const reference = await page.screenshot({ animations: "disabled", caret: "hide" });
    const captured = nextEvent(page, "sealshot:capture");
    const sent = nextEvent(page, "sealshot:sent", 60_000);
    await openDialog(page);
    await captured;
    // Sent as Enter would: under an emulated page scale Playwright's click lands off the button.
    await page.locator(".dialog textarea").fill("Zoomed in");
    await page.locator(".dialog form").evaluate((form) => form.requestSubmit());
    const { parts } = env.open(await env.ingest.envelope((await sent).submission));
    const png = parts.find((p) => p.name === "screenshot.png").data;
    const picture = decodePng(png);
    assert.deepEqual([picture.width, picture.height], [PHONE.width, PHONE.height], "the screen's pixels");
    const inView = pii.map((b) => ({ ...b, width: b.width + Math.min(0, b.x), x: Math.max(0, b.x) }));
    assert.deepEqual(unredacted(png, inView, 2), [], "the data in view is solid black where the screen shows it");
    const shown = fidelity(png, reference, { boxes: inView, dpr: 2 });
    console.log(`fidelity wide-phone zoomed: ${(100 * shown.share).toFixed(2)}% of ${shown.compared} px`);
    assert.ok(shown.share >= 0.99, `${(100 * shown.share).toFixed(2)}% of what the phone shows matches`);
    await page.close();
  });
});
