// The capture asks only some elements for their ::before and ::after
// (widget-js/src/app/pseudo-elements.js): those a ::before/::after rule of
// the page selects. Checked here against the browser itself: every element
// whose pseudo-element has content is among them, on a page with the ways a
// rule can reach one (a class, a combinator, a selector list, an attribute,
// @media, <q>, an empty content that draws a box, a descendant combinator
// with nothing after it: `.card ::after`), rules that style
// pseudo-elements without giving them content count for nothing, and the
// question stays open where the page's rules cannot all be read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./support/browser.mjs";
import { openWithAppModules } from "./support/app-modules.mjs";

const PAGE = `<!DOCTYPE html><html><head><style>
  *, *::before, *::after { box-sizing: border-box; }
  .plain::after, em::before { color: blue; content: none; }
  .rule::after { content: ""; display: block; height: 2px; background: red; }
  .badge::after { content: "new"; }
  nav > a:hover::before, nav > a.current::before { content: "\\2192"; }
  [data-tip]::after { content: attr(data-tip); }
  @media (min-width: 1px) { .ico:before { content: ""; display: inline-block; width: 1em; } }
  .plain { color: red; }
  .card ::after { content: "*"; }
</style></head><body>
  <p class="badge">One</p>
  <nav><a class="current" href="#">Home</a><a href="#">Other</a></nav>
  <span data-tip="Help">?</span>
  <i class="ico"></i>
  <q>quoted</q>
  <div class="plain"><span>no pseudo-elements</span><em>none</em></div>
  <hr class="rule">
  <section class="card"><u>starred</u></section>
  <div id="host"></div>
</body></html>`;

async function run(page, body) {
  await openWithAppModules(page, body);
  return page.evaluate(async () => {
    const host = document.getElementById("host");
    host.attachShadow({ mode: "open" }).innerHTML = "<b>inside</b>";
    const { pseudoElementOwners } = await import("/pseudo-elements.js");
    const mayHave = pseudoElementOwners(document);
    const all = [...document.body.querySelectorAll("*"), ...host.shadowRoot.querySelectorAll("*")];
    const has = (el, which) => !/^(none|normal)$/.test(getComputedStyle(el, which).content);
    const name = (el) => el.localName + (el.className ? `.${el.className}` : "");
    return {
      withContent: all.filter((el) => has(el, "::before") || has(el, "::after")).map(name),
      missed: all.filter((el) => (has(el, "::before") || has(el, "::after")) && !mayHave(el)).map(name),
      skipped: all.filter((el) => !mayHave(el)).map(name),
    };
  });
}

test("only elements a ::before/::after rule selects are asked, and none with content is missed", async () => {
  const browser = await launch();
  try {
    const result = await run(await browser.context.newPage(), PAGE);
    assert.deepEqual(
      result.withContent,
      ["p.badge", "a.current", "span", "i.ico", "q", "hr.rule", "u"],
      "the page's pseudo-elements",
    );
    assert.deepEqual(result.missed, [], "elements with a pseudo-element that would not be asked");
    // Both links are asked (one may be hovered by the time it is copied), and
    // the shadow tree's <b>: its tree's rules are not read. Rules that only
    // style pseudo-elements (box-sizing on all, content: none) select none.
    assert.deepEqual(result.skipped, ["nav", "div.plain", "span", "em", "section.card", "div"], "elements left out");
  } finally {
    await browser.close();
  }
});

test("a sheet that cannot be read leaves every element asked", async () => {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.route("http://other.test/**", (route) =>
      route.fulfill({ contentType: "text/css", body: ".plain::after { content: 'x'; }" }),
    );
    const result = await run(
      page,
      PAGE.replace("</head>", '<link rel="stylesheet" href="http://other.test/a.css"></head>'),
    );
    assert.ok(result.withContent.includes("div.plain"), "the other origin's rule applies");
    assert.deepEqual(result.skipped, [], "elements left out though a sheet was unreadable");
  } finally {
    await browser.close();
  }
});

// A web-font service's CSS is another origin's sheet the page cannot read,
// but it allows CORS: its copy is read instead (app/sheet-copies.js), and
// only the elements its rules and the page's select are asked.
test("a sheet of another origin that allows CORS is read through its copy", async () => {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.route("http://fonts.other.test/**", (route) =>
      route.fulfill({
        contentType: "text/css",
        headers: { "access-control-allow-origin": "*" },
        body: "@font-face { font-family: X; src: local(X); } .plain::after { content: 'x'; }",
      }),
    );
    await openWithAppModules(
      page,
      PAGE.replace("</head>", '<link rel="stylesheet" href="http://fonts.other.test/css?family=X"></head>'),
    );
    const result = await page.evaluate(async () => {
      const { prefetchUnreadableSheets, unreadableSheetsSettled } = await import("/sheet-copies.js");
      const { pseudoElementOwners } = await import("/pseudo-elements.js");
      prefetchUnreadableSheets(document);
      await unreadableSheetsSettled(document);
      const mayHave = pseudoElementOwners(document);
      return [...document.body.querySelectorAll("*")]
        .filter((el) => !mayHave(el))
        .map((el) => el.localName + (el.className ? `.${el.className}` : ""));
    });
    // div.plain now has an ::after from the other origin's rule: asked; the rest as without the sheet.
    assert.deepEqual(result, ["nav", "span", "em", "section.card", "div"], "elements left out");
  } finally {
    await browser.close();
  }
});

// The library copies the scrollbar's parts (::-webkit-scrollbar…) of every
// element that scrolls; only elements a rule on those parts selects are asked
// (pseudo-elements.js, scrollbarStyleOwners), with the parts' own
// pseudo-classes (:vertical, :hover) taken off the selector.
test("only elements a scrollbar rule selects have their scrollbar's parts copied", async () => {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    const owners = async (css) => {
      await openWithAppModules(
        page,
        `<!DOCTYPE html><html><head><style>${css}</style></head><body>` +
          '<div class="log">a</div><aside><div class="inner">b</div></aside><div class="other">c</div></body></html>',
      );
      return page.evaluate(async () => {
        const { scrollbarStyleOwners } = await import("/pseudo-elements.js");
        const mayStyle = scrollbarStyleOwners(document);
        return [...document.body.querySelectorAll("*")].filter(mayStyle).map((el) => el.className || el.localName);
      });
    };
    assert.deepEqual(
      await owners(
        ".log::-webkit-scrollbar { width: 6px; } aside ::-webkit-scrollbar-thumb:vertical:hover { background: red; }",
      ),
      ["log", "inner"],
      "a class and a descendant combinator",
    );
    assert.deepEqual(
      await owners("::-webkit-scrollbar { display: none; }"),
      ["log", "aside", "inner", "other"],
      "a rule for every element",
    );
    assert.deepEqual(await owners(".log { overflow: auto; }"), [], "no scrollbar rule");
  } finally {
    await browser.close();
  }
});
