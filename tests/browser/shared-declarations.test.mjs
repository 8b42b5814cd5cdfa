// The copy's repeated style attributes become class rules before it is
// serialized (widget-js/src/app/shared-declarations.js). Checked here in the
// browser itself: after the move every element of a copy-like tree computes
// exactly the styles it computed before, on a tree with the rules that share
// the copy with them (an earlier class rule that an inline style outranked,
// !important declarations, SVG elements), and only repeated texts move.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./support/browser.mjs";
import { openWithAppModules } from "./support/app-modules.mjs";

const ROW = "display: flex; color: rgb(20, 30, 40); margin-bottom: 3.2px; background-clip: border-box";
const CELL = "width: 120.5px; padding: 4px; color: rgb(200, 0, 0) !important; font-weight: 700";
const PATH = "fill: rgb(0, 128, 0); stroke: rgb(0, 0, 255); stroke-width: 2px";
const PAGE = `<!DOCTYPE html><html><body><div id="root">
  <style>.pin { color: rgb(255, 0, 255); background-clip: text; } .cell { color: rgb(1, 2, 3) !important; }</style>
  <ul>
    <li class="pin" style="${ROW}"><span class="cell" style="${CELL}">a</span><span class="cell" style="${CELL}">b</span></li>
    <li class="pin" style="${ROW}"><span class="cell" style="${CELL}">c</span><span style="width: 3px">once</span></li>
  </ul>
  <svg width="40" height="20"><path d="M0 0h10v10z" style="${PATH}"/><path d="M20 0h10v10z" style="${PATH}"/></svg>
</div></body></html>`;

test("repeated style attributes move into class rules and every computed style stays", async () => {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await openWithAppModules(page, PAGE);
    const result = await page.evaluate(async () => {
      const { shareRepeatedStyles } = await import("/shared-declarations.js");
      const root = document.getElementById("root");
      const all = [...root.querySelectorAll("*")].filter((el) => el.localName !== "style");
      const snapshot = () =>
        all.map((el) => {
          const cs = getComputedStyle(el);
          return Object.fromEntries([...cs].map((name) => [name, cs.getPropertyValue(name)]));
        });
      const before = snapshot();
      const counts = shareRepeatedStyles(root);
      const after = snapshot();
      const changed = [];
      all.forEach((el, i) => {
        for (const name of Object.keys(before[i]))
          if (before[i][name] !== after[i][name])
            changed.push(`${el.localName}.${el.classList[0]} ${name}: ${before[i][name]} → ${after[i][name]}`);
      });
      return {
        counts,
        changed,
        inline: all.filter((el) => el.hasAttribute("style")).map((el) => el.textContent || el.localName),
      };
    });
    assert.deepEqual(result.changed, [], "computed styles that changed");
    assert.deepEqual(result.counts, { shared: 7, rules: 3 }, "elements moved to a class rule, and rules");
    assert.deepEqual(result.inline, ["once"], "elements that keep an inline style (their text is not repeated)");
  } finally {
    await browser.close();
  }
});
