// The capture's copy inherits properties from each parent's copy, so the
// widget keeps one list of the inherited ones (widget-js/src/app/copied-styles.js,
// INHERITED): the copy's pruner drops a child's value that its parent's copy
// passes down, and renderCopy repeats on a child only the parent's inherited
// values. A property missing from that list would be drawn with the parent's
// value where the page shows the child's own. Checked here against the CSS
// specifications' definitions (@webref/css, installed in widget-js) for every
// property this Chromium computes and the copy carries.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launch, repoRoot } from "./support/browser.mjs";
import { INHERITED, isCopiedProperty } from "../../widget-js/src/app/copied-styles.js";

// Chromium's own properties that the specifications do not define (legacy
// -webkit- ones), with whether they are inherited in Chromium.
const CHROMIUM_ONLY_INHERITED = [
  "color-rendering",
  "-webkit-border-horizontal-spacing",
  "-webkit-border-vertical-spacing",
  "-webkit-box-direction",
  "-webkit-font-smoothing",
  "-webkit-line-break",
  "-webkit-locale",
  "-webkit-rtl-ordering",
  "-webkit-ruby-position",
  "-webkit-text-combine",
  "-webkit-text-decorations-in-effect",
  "-webkit-text-security",
];

test("every inherited property the copy carries is in the widget's INHERITED list", async () => {
  const css = JSON.parse(fs.readFileSync(path.join(repoRoot, "widget-js/node_modules/@webref/css/css.json"), "utf8"));
  const specInherited = new Set(css.properties.filter((p) => p.inherited === "yes").map((p) => p.name));
  const specNotInherited = new Set(css.properties.filter((p) => p.inherited === "no").map((p) => p.name));
  const browser = await launch();
  let names;
  try {
    const page = await browser.context.newPage();
    names = await page.evaluate(() => [...getComputedStyle(document.documentElement)]);
  } finally {
    await browser.close();
  }
  const copied = names.filter(isCopiedProperty);
  assert.ok(copied.length > 300, `Chromium computes ${copied.length} properties the copy carries`);
  const inherited = copied.filter((n) => specInherited.has(n) || CHROMIUM_ONLY_INHERITED.includes(n));
  assert.deepEqual(
    inherited.filter((n) => !INHERITED.has(n)),
    [],
    "inherited properties missing from INHERITED",
  );
  assert.deepEqual(
    [...INHERITED].filter((n) => specNotInherited.has(n)),
    [],
    "properties in INHERITED that the specifications define as not inherited",
  );
});
