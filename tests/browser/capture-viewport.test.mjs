// The DOM copy carries boxes wholly outside the viewport as empty boxes of
// their size (widget-js/src/app/viewport-cull.js): on a long page scrolled to
// its middle, far fewer elements are copied, and what is in view is drawn
// where Chromium draws it (content placed outside its ancestors' boxes, a
// top margin collapsing through an emptied section, text overflowing a box
// above the viewport, a fixed bubble inside a section far below, a flex
// column chat log scrolled to its end), with every email and phone number in
// view solid black. Before the emptied boxes were pinned to their size, the
// chat log's emptied messages shrank (a flex item's automatic minimum size is
// its content's) and the messages in view moved up: 91.06% of its pixels matched.
//   node --test tests/browser/capture-viewport.test.mjs   (after scripts/build)
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { nextEvent, personalDataBoxes, setup, unredacted } from "./support/fixture.mjs";
import { fidelity, referenceAndSent } from "./support/fidelity.mjs";

const VIEWPORT = { width: 1024, height: 720 };
let env;
before(async () => {
  env = await setup({ viewport: VIEWPORT });
});
after(async () => {
  await env?.close();
});

test("a long page: only what the viewport shows is copied with its content, drawn in place and redacted", async () => {
  const page = await env.page("test-pages/offscreen.html");
  await page.evaluate(() => {
    window.scrollTo(0, 860);
    const chat = document.getElementById("flexlog");
    chat.scrollTop = chat.scrollHeight;
  });
  const inView = await page.evaluate(() => {
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const m = /[\w.]+@example\.\w+|\+44 20 7946 \d{4}/.exec(n.data);
      if (!m) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const r = range.getBoundingClientRect();
      if (r.bottom > 0 && r.top < innerHeight) texts.push(m[0]);
    }
    return texts;
  });
  // The note, the card and the bubble are in view though their parents are not.
  for (const s of ["ruth.abend@example.org", "+44 20 7946 0111", "lena.vogt@example.com"])
    assert.ok(inView.includes(s), `${s} is in view`);
  const boxes = await personalDataBoxes(page, inView);
  const captured = nextEvent(page, "sealshot:capture", 60_000);
  const { reference, png } = await referenceAndSent(env, page, "offscreen");
  const { copy } = await captured;
  console.log(
    `copy: ${copy.elements} elements, ${copy.shells} without content, ${(copy.svgChars / 1e6).toFixed(2)} M chars of SVG`,
  );
  // 2,000+ elements on the page; about 25 rows are in view. Before: every element was copied with its content.
  const total = await page.evaluate(() => document.querySelectorAll("body *").length);
  assert.ok(copy.shells > 300, `${copy.shells} boxes outside the viewport copied without content`);
  assert.ok(copy.elements < total / 3, `${copy.elements} of ${total} elements copied`);
  assert.deepEqual(unredacted(png, boxes), [], "every email and phone number in view is solid black");
  for (const [what, sel] of [
    ["note", "#note"],
    ["card", "#card"],
    ["bubble", "#bubble"],
    ["log", "#log"],
    ["chat log", "#flexlog"],
  ]) {
    const region = await page.evaluate((sel) => {
      const b = document.querySelector(sel).getBoundingClientRect();
      return {
        x: b.x,
        y: Math.max(0, b.y),
        width: b.width,
        height: Math.min(b.bottom, innerHeight) - Math.max(0, b.y),
      };
    }, sel);
    const f = fidelity(png, reference, { boxes, region });
    console.log(`fidelity ${what}: ${(100 * f.share).toFixed(2)}% of ${f.compared} px`);
    assert.ok(f.share >= 0.995, `${what}: ${(100 * f.share).toFixed(2)}% match`);
  }
  const whole = fidelity(png, reference, { boxes });
  console.log(`fidelity offscreen page: ${(100 * whole.share).toFixed(2)}% of ${whole.compared} px`);
  assert.ok(whole.share >= 0.995, `${(100 * whole.share).toFixed(2)}% of the page's pixels match`);
  await page.close();
});

// Closed menus, a closed dialog and hidden tab panels (display: none) are
// drawn as nothing, so each is copied as one empty element. Before, their
// content was copied and styled: 454 elements for the 78 shown (now 99).
test("hidden menus, dialogs and tab panels are copied as empty elements", async () => {
  const page = await env.page("test-pages/hidden-content.html");
  const counts = await page.evaluate(() => {
    const all = [...document.body.querySelectorAll("*")];
    const shown = all.filter((el) => !el.closest("dialog:not([open]), [hidden], .menu, .row-menu"));
    return { all: all.length, shown: shown.length };
  });
  const boxes = await personalDataBoxes(page, ["mara.lindqvist@example.com"]);
  assert.equal(boxes.length, 1, "the owner's email is in view");
  const captured = nextEvent(page, "sealshot:capture", 60_000);
  const { reference, png } = await referenceAndSent(env, page, "hidden-content");
  const { copy } = await captured;
  console.log(
    `copy: ${copy.elements} elements, ${copy.shells} without content; page: ${counts.shown} shown of ${counts.all}`,
  );
  assert.ok(counts.all > 1000 && counts.shown < 150, `the page: ${counts.shown} shown of ${counts.all} elements`);
  // The shown elements, the hidden roots (4 menus, 12 row menus, 3 panels, the dialog), <head> and its children.
  assert.ok(copy.elements < counts.shown + 40, `${copy.elements} elements copied for ${counts.shown} shown`);
  assert.deepEqual(unredacted(png, boxes), [], "the owner's email is solid black");
  const f = fidelity(png, reference, { boxes });
  console.log(`fidelity hidden-content page: ${(100 * f.share).toFixed(2)}% of ${f.compared} px`);
  assert.ok(f.share >= 0.995, `${(100 * f.share).toFixed(2)}% of the page's pixels match`);
  await page.close();
});
