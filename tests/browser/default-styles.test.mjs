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
import { launch } from "./support/browser.mjs";
import { openWithAppModules } from "./support/app-modules.mjs";

// The batch is measured on the page itself, in a shadow tree whose host
// resets every property: a page whose root styles would change a bare
// element's defaults, if they reached it.
const HOSTILE_PAGE = `<!DOCTYPE html><html lang="ja" dir="rtl"><head><style>
  * { box-sizing: border-box; transition: all 1s; border-color: red; }
  :root { font: italic 20px/2 monospace; color: red; text-transform: uppercase; letter-spacing: 2px;
          writing-mode: horizontal-tb; visibility: visible; cursor: pointer; quotes: "<" ">"; }
  body { text-align: center; white-space: pre; word-spacing: 4px; -webkit-text-fill-color: blue; }
  div, span, p, td { display: flex; padding: 3px; margin: 1px; }
</style></head><body>`;
// A page whose colour scheme is dark from a <meta>: the host's initial text
// colour would be white there, so the batch is measured in the frame.
const DARK_PAGE = `<!DOCTYPE html><html><head><meta name="color-scheme" content="dark"></head><body>`;
// A zoomed root: its zoom multiplies through the host, and computed values are unzoomed.
const ZOOMED_PAGE = `<!DOCTYPE html><html style="zoom: 1.5"><body>`;

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

for (const [name, body] of [
  ["a page with styles on its root", HOSTILE_PAGE],
  ["a page in a dark colour scheme", DARK_PAGE],
  ["a zoomed page", ZOOMED_PAGE],
]) {
  test(`defaults measured in one batch equal the library's one-tag-at-a-time defaults: ${name}`, () =>
    checkBatch(body));
}

async function checkBatch(body) {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await openWithAppModules(page, body);
    const result = await page.evaluate(async (tags) => {
      const { measureDefaultStyles } = await import("/default-styles.js");
      // A standards-mode sandbox, as the capture opens it (app/render-copy.js).
      const sandbox = document.createElement("iframe");
      // As the capture opens it (app/render-copy.js, openSandbox): 0 px wide.
      sandbox.width = "0";
      sandbox.height = "0";
      sandbox.style.visibility = "hidden";
      sandbox.style.position = "fixed";
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
}

// A tag whose every element reads a list narrowed to the page's author
// properties is measured on those only; a tag with one element that reads
// its whole list, and the root (copied with the whole list), keep them all.
test("defaults leave out the author-free properties only for tags whose every element narrows", async () => {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await openWithAppModules(page, "<!DOCTYPE html><html><body><main><p>a</p><b>b</b><i id=whole>d</i><i>c</i></main>");
    const result = await page.evaluate(async () => {
      const { measureDefaultStyles } = await import("/default-styles.js");
      const sandbox = document.createElement("iframe");
      const loaded = new Promise((resolve) => sandbox.addEventListener("load", resolve, { once: true }));
      sandbox.srcdoc = "<!DOCTYPE html><body>";
      document.body.append(sandbox);
      await loaded;
      const properties = [...getComputedStyle(document.documentElement)];
      const free = new Set(["color", "letter-spacing"]);
      const context = { sandbox, defaultComputedStyles: new Map() };
      const root = document.querySelector("main");
      await measureDefaultStyles(context, root, properties, {
        sandbox,
        narrow: { free, narrows: (el) => el.id !== "whole" },
      });
      const has = (tag) => [...free].filter((name) => context.defaultComputedStyles.get(tag)?.has(name)).length;
      return {
        main: has("main"),
        p: has("p"),
        b: has("b"),
        i: has("i"),
        sizes: { p: context.defaultComputedStyles.get("p").size, i: context.defaultComputedStyles.get("i").size },
      };
    });
    assert.equal(result.p, 0, "<p> narrows: no author-free property");
    assert.equal(result.b, 0, "<b> narrows: no author-free property");
    assert.equal(result.i, 2, "one <i> reads its whole list: every property");
    assert.equal(result.main, 2, "the root is copied with the whole list: every property");
    assert.equal(result.sizes.i - result.sizes.p, 2, "the narrowed default lacks exactly the free properties");
  } finally {
    await browser.close();
  }
});

// The library's other keys are in the batch too: an SVG element inside an
// <svg> (its name and fill/stroke attributes in the key), a ::before/::after
// that exists, and the scrollbar's parts of an element that scrolls. Each
// equals the library's own measurement, made alone in its sandbox.
test("defaults of SVG elements, pseudo-elements and scrollbar parts are measured in the batch", async () => {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await openWithAppModules(
      page,
      `<!DOCTYPE html><html><head><style>
        .tip::before { content: "i"; } .log::-webkit-scrollbar { width: 6px; }
        </style></head><body><main>
        <svg width="20" height="20"><rect fill="red" stroke="blue" width="4" height="4"/><circle r="2"/></svg>
        <p class="tip">tip</p><p>plain</p>
        <div class="log" style="overflow: auto; height: 20px"><div style="height: 90px"></div></div>
        <div style="overflow: auto; height: 20px">fits</div>
      </main>`,
    );
    const result = await page.evaluate(async () => {
      const { measureDefaultStyles } = await import("/default-styles.js");
      const { pseudoElementOwners, scrollbarStyleOwners } = await import("/pseudo-elements.js");
      const sandbox = document.createElement("iframe");
      const loaded = new Promise((resolve) => sandbox.addEventListener("load", resolve, { once: true }));
      sandbox.srcdoc = '<!DOCTYPE html><meta charset="UTF-8"><title></title><body>';
      document.body.append(sandbox);
      await loaded;
      const properties = [...getComputedStyle(document.documentElement)];
      const context = { sandbox, defaultComputedStyles: new Map() };
      await measureDefaultStyles(context, document.querySelector("main"), properties, {
        sandbox,
        pseudoElements: { content: pseudoElementOwners(document), scrollbar: scrollbarStyleOwners(document) },
      });
      // The library's way (modern-screenshot getDefaultStyle): alone in the sandbox's body.
      const view = sandbox.contentWindow;
      const alone = (make, pseudo) => {
        const { root, el } = make(view.document);
        el.textContent = " ";
        view.document.body.append(root);
        const style = view.getComputedStyle(el, pseudo);
        const values = new Map([...style].map((name) => [name, style.getPropertyValue(name)]));
        root.remove();
        return values;
      };
      const html = (tag) => (doc) => {
        const el = doc.createElement(tag);
        return { root: el, el };
      };
      const svg = (tag, attributes) => (doc) => {
        const root = doc.createElementNS("http://www.w3.org/2000/svg", "svg");
        const el = doc.createElementNS("http://www.w3.org/2000/svg", tag);
        for (const [name, value] of attributes) el.setAttributeNS(null, name, value);
        root.append(el);
        return { root, el };
      };
      const expected = {
        "svg:rect:stroke,blue=0,fill,red=1": alone(
          svg("rect", [
            ["stroke", "blue"],
            ["fill", "red"],
          ]),
          null,
        ),
        "svg:circle": alone(svg("circle", []), null),
        "p:::before": alone(html("p"), "::before"),
        "div:::-webkit-scrollbar": alone(html("div"), "::-webkit-scrollbar"),
        "div:::-webkit-resizer": alone(html("div"), "::-webkit-resizer"),
      };
      const differences = [];
      for (const [key, values] of Object.entries(expected)) {
        const batched = context.defaultComputedStyles.get(key);
        if (!batched) continue;
        for (const [name, value] of batched)
          if (values.get(name) !== value)
            differences.push(`${key} ${name}: alone ${values.get(name)}, batched ${value}`);
      }
      return {
        missing: Object.keys(expected).filter((key) => !context.defaultComputedStyles.has(key)),
        keys: [...context.defaultComputedStyles.keys()].filter((key) => key.includes(":")),
        sizes: Object.keys(expected).map((key) => context.defaultComputedStyles.get(key)?.size ?? 0),
        differences,
      };
    });
    assert.deepEqual(result.missing, [], "the library's keys missing from the batch");
    // p::after has no content, and the div that fits does not scroll: neither is measured.
    assert.equal(result.keys.length, 2 + 1 + 7, `keys with a part: ${result.keys.join(" ")}`);
    assert.ok(Math.min(...result.sizes) > 300, `each default holds the computed properties (${result.sizes})`);
    assert.deepEqual(result.differences, [], "batched defaults that differ from the library's");
  } finally {
    await browser.close();
  }
});
