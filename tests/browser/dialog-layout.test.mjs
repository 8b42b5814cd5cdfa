// The dialog on small screens and hostile pages: on a phone (portrait and
// landscape) and a small phone, on a page wider than the screen whose global
// CSS targets every div, textarea and button with !important and puts its
// own comment box over the screen at the highest z-index
// (pages/hostile.html), the whole dialog fits the screen the visitor sees,
// every control (preview, category, comment, e-mail, console consent,
// Cancel, Send) can be scrolled into view and is the element under its own
// centre, none overlaps another, and a real tap on Send sends the report.
//   node --test tests/browser/dialog-layout.test.mjs   (after scripts/build; ~15 s)
import { test } from "node:test";
import assert from "node:assert/strict";
import { nextEvent, openDialog, setup } from "./support/fixture.mjs";

const DEVICES = {
  "phone portrait 390x844 @3": {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 3,
    device: { isMobile: true, hasTouch: true },
  },
  "phone landscape 844x390 @3": {
    viewport: { width: 844, height: 390 },
    deviceScaleFactor: 3,
    device: { isMobile: true, hasTouch: true },
  },
  "small phone 320x568 @2": {
    viewport: { width: 320, height: 568 },
    deviceScaleFactor: 2,
    device: { isMobile: true, hasTouch: true },
  },
};
const CONTROLS = {
  preview: ".stage canvas",
  category: "select[name=category]",
  comment: "textarea[name=comment]",
  email: "input[name=email]",
  consent: "input[name=includeConsole]",
  cancel: "footer button:not(.primary)",
  send: "footer button.primary",
};

// Runs in the page: where the dialog and each control are, in layout-viewport
// CSS px, with the visual viewport (what the screen shows) and, for each
// control scrolled into view inside the dialog, the element under its centre.
function inspectDialog(controls) {
  const shadow = [...document.querySelectorAll("[data-sealshot-ui]")]
    .map((h) => h.shadowRoot)
    .find((r) => r?.querySelector(".dialog"));
  const vv = window.visualViewport;
  const screen = {
    left: vv.offsetLeft,
    top: vv.offsetTop,
    right: vv.offsetLeft + vv.width,
    bottom: vv.offsetTop + vv.height,
  };
  const rect = (el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  };
  const out = { screen, dialog: rect(shadow.querySelector(".dialog")), controls: {} };
  for (const [name, sel] of Object.entries(controls)) {
    const el = shadow.querySelector(sel);
    if (!el) {
      out.controls[name] = null;
      continue;
    }
    el.scrollIntoView({ block: "nearest", inline: "nearest" });
    const r = rect(el);
    // Also in the dialog's content coordinates, to compare controls measured at different scroll positions.
    const d = shadow.querySelector(".dialog"),
      dr = d.getBoundingClientRect();
    const content = {
      left: r.left - dr.left + d.scrollLeft,
      right: r.right - dr.left + d.scrollLeft,
      top: r.top - dr.top + d.scrollTop,
      bottom: r.bottom - dr.top + d.scrollTop,
    };
    const x = (Math.max(r.left, screen.left) + Math.min(r.right, screen.right)) / 2;
    const y = (Math.max(r.top, screen.top) + Math.min(r.bottom, screen.bottom)) / 2;
    const hit = shadow.elementFromPoint(x, y);
    out.controls[name] = {
      ...r,
      content,
      hitIsControl: !!hit && (hit === el || el.contains(hit)),
      hit: hit ? `${hit.tagName.toLowerCase()}${hit.className ? "." + hit.className : ""}` : String(hit),
      screenAfter: { ...screen, top: vv.offsetTop, left: vv.offsetLeft },
    };
  }
  return out;
}

const inside = (r, s) =>
  r.left >= s.left - 1 && r.top >= s.top - 1 && r.right <= s.right + 1 && r.bottom <= s.bottom + 1;
const overlap = (a, b) =>
  Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
  Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
const fmt = (r) => `${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)}`;

for (const [name, options] of Object.entries(DEVICES)) {
  test(`${name}, hostile page: the whole dialog is on screen, every control reachable and uncovered, Send works`, async () => {
    const env = await setup({ ...options, consoleErrors: true });
    try {
      const page = await env.page("test-pages/hostile.html");
      const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.visualViewport.width);
      assert.ok(wide, "the page is wider than the screen (so the layout viewport is larger than what is shown)");
      await openDialog(page);
      await page.locator(".dialog textarea").fill("The order table is cut off on my phone.");
      const seen = await page.evaluate(inspectDialog, CONTROLS);
      assert.ok(inside(seen.dialog, seen.screen), `dialog ${fmt(seen.dialog)} fits the screen ${fmt(seen.screen)}`);
      for (const [control, box] of Object.entries(seen.controls)) {
        assert.ok(box, `${control} exists`);
        assert.ok(
          inside(box, box.screenAfter),
          `${control} ${fmt(box)} scrolled into view lies on the screen ${fmt(box.screenAfter)}`,
        );
        assert.ok(box.hitIsControl, `${control}: the element under its centre is ${box.hit}`);
      }
      const names = Object.keys(seen.controls);
      for (let i = 0; i < names.length; i++)
        for (let j = i + 1; j < names.length; j++) {
          const a = seen.controls[names[i]].content,
            b = seen.controls[names[j]].content;
          assert.ok(!overlap(a, b), `${names[i]} ${fmt(a)} and ${names[j]} ${fmt(b)} overlap`);
        }
      // A real tap, with Playwright's own checks that Send is visible, stable and receives the event.
      const sent = nextEvent(page, "sealshot:sent");
      await page.locator(".dialog button[type=submit]").tap({ timeout: 5000 });
      assert.ok((await sent).submission, "the report was sent");
      await page.close();
    } finally {
      await env.close();
    }
  });
}
