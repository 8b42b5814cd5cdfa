// The capture measures the default style of every tag on the page in one
// batch before the clone (widget-js/src/app/default-styles.js), where
// modern-screenshot measures each tag alone, one after another. The copy
// writes every property that differs from these defaults, so a default that
// batching changed (a browser style that depends on an element's siblings)
// would drop or add declarations in the copy. Checked here for every element
// of the HTML standard: each batched default equals the one measured alone,
// as the library does it, property by property.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launch, repoRoot } from "./support/browser.mjs";

const ORIGIN = "http://sealshot.test";

// The elements of the HTML standard's index, with <svg> (measured by the
// library as an element of that name) and a custom element.
const TAGS = `a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption
  cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure
  footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main
  map mark menu meta meter nav noscript object ol optgroup option output p picture pre progress q rp rt ruby s
  samp script search section select slot small source span strong style sub summary sup table tbody td template
  textarea tfoot th thead time title tr track u ul var video wbr svg my-widget`.split(/\s+/);
// The library never copies these: their defaults are not measured.
const NEVER_COPIED = ["script", "style"];

test("defaults measured in one batch equal the library's one-tag-at-a-time defaults", async () => {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.route(`${ORIGIN}/**`, (route) => {
      const { pathname } = new URL(route.request().url());
      if (pathname === "/") return route.fulfill({ contentType: "text/html", body: "<!DOCTYPE html><body>" });
      const file = path.join(repoRoot, "widget-js/src/app", path.basename(pathname));
      return route.fulfill({ contentType: "text/javascript", body: fs.readFileSync(file, "utf8") });
    });
    await page.goto(`${ORIGIN}/`);
    const result = await page.evaluate(async (tags) => {
      const { measureDefaultStyles } = await import("/default-styles.js");
      // A standards-mode sandbox, as the capture opens it (app/render-copy.js).
      const sandbox = document.createElement("iframe");
      const loaded = new Promise((resolve) => sandbox.addEventListener("load", resolve, { once: true }));
      sandbox.srcdoc = '<!DOCTYPE html><meta charset="UTF-8"><title></title><body>';
      document.body.append(sandbox);
      await loaded;
      // The page's elements: one of each tag.
      const page = document.createElement("div");
      for (const tag of tags) page.append(document.createElement(tag));
      // Inside a display: none element: copied without content, so not measured.
      const closed = document.createElement("nav");
      closed.style.display = "none";
      closed.append(document.createElement("marquee"));
      page.append(closed);
      document.body.append(page);
      const properties = [...getComputedStyle(document.documentElement)];
      const context = { sandbox, defaultComputedStyles: new Map() };
      await measureDefaultStyles(context, page, properties);
      // The library's way: one element alone in the sandbox's body.
      const view = sandbox.contentWindow;
      const differences = [];
      const missing = [];
      for (const tag of [...tags, "marquee"]) {
        const batched = context.defaultComputedStyles.get(tag);
        if (!batched) {
          missing.push(tag);
          continue;
        }
        const el = view.document.createElement(tag);
        el.textContent = " ";
        view.document.body.append(el);
        const alone = view.getComputedStyle(el);
        for (const [name, value] of batched) {
          const own = alone.getPropertyValue(name);
          if (own !== value) differences.push(`${tag} ${name}: alone ${own}, batched ${value}`);
        }
        el.remove();
      }
      const sizes = [...context.defaultComputedStyles.values()].map((m) => m.size);
      return { differences, missing, keys: context.defaultComputedStyles.size, fewest: Math.min(...sizes) };
    }, TAGS);
    assert.deepEqual(result.missing, [...NEVER_COPIED, "marquee"], "tags without a measured default");
    // div (the page's own wrapper) is among the tags already.
    assert.equal(result.keys, TAGS.length - NEVER_COPIED.length, "one default per tag");
    assert.ok(result.fewest > 300, `each default holds the computed properties (fewest: ${result.fewest})`);
    assert.deepEqual(result.differences, [], "batched defaults that differ from one-at-a-time ones");
  } finally {
    await browser.close();
  }
});
