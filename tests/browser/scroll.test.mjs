// Scrolled pages: the sent PNG shows exactly the visible viewport and every
// box of personal data (measured in viewport coordinates) is solid black,
// also for position:fixed and position:sticky elements and for text cut at
// the top edge. If the picture and the boxes disagree, personal data escapes.
//   node --test tests/browser/scroll.test.mjs   (after scripts/build)
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {
  DEMO_PII,
  fillAndSend,
  leakedStrings,
  nextEvent,
  openDialog,
  personalDataBoxes,
  setup,
  unredacted,
} from "./support/fixture.mjs";
import { decodePng } from "../wasm/support/png-decode.mjs";

const VIEWPORT = { width: 1280, height: 700 };
const CHAT_EMAIL = "c.okafor@example.org"; // one of DEMO_PII
const DEMO_PII_AND_NAME = [...DEMO_PII, "Ingrid Vasquez-Lund"];

let env;
before(async () => {
  env = await setup({ viewport: VIEWPORT });
});
after(async () => {
  await env?.close();
});

// Test-only additions to the demo page: a fixed chat bubble showing an email,
// and solid colour markers (no text) whose viewport position is known:
// fixed, sticky and in normal flow.
async function addFixtures(page) {
  await page.evaluate((email) => {
    const el = (html) => {
      const t = document.createElement("template");
      t.innerHTML = html.trim();
      return t.content.firstChild;
    };
    document.body.append(
      el(`<div id="chat-bubble" style="position:fixed;left:24px;bottom:24px;z-index:50;
      background:#fff;border:2px solid #2a6;border-radius:12px;padding:10px 14px;font:15px sans-serif;color:#123">
      Chat with us<br><span>${email}</span></div>`),
    );
    document.body.append(
      el(`<div id="mark-fixed" style="position:fixed;right:40px;top:260px;width:40px;height:40px;
      background:rgb(255,0,255);z-index:50"></div>`),
    );
    document.body.append(
      el(`<div id="mark-flow" style="position:absolute;left:640px;top:1250px;width:40px;height:40px;
      background:rgb(0,200,255);z-index:50"></div>`),
    );
    document.body.prepend(
      el(`<div id="mark-sticky" style="position:sticky;top:0;margin-left:600px;width:40px;height:20px;
      background:rgb(255,160,0);z-index:50"></div>`),
    );
  }, CHAT_EMAIL);
}

const MARKERS = { "mark-fixed": [255, 0, 255], "mark-flow": [0, 200, 255], "mark-sticky": [255, 160, 0] };

/** Pixels inside the marker's viewport rect (inset by 2 px) that do not have its colour, but for those in boxes. */
function misplaced(png, rect, rgb, boxes = []) {
  const { width, height, rgba } = decodePng(png);
  let bad = 0,
    total = 0;
  for (let y = Math.ceil(rect.y) + 2; y < Math.floor(rect.y + rect.height) - 2; y++) {
    for (let x = Math.ceil(rect.x) + 2; x < Math.floor(rect.x + rect.width) - 2; x++) {
      if (x < 0 || y < 0 || x >= width || y >= height) continue;
      if (boxes.some((b) => x >= b.x - 1 && x < b.x + b.width + 1 && y >= b.y - 1 && y < b.y + b.height + 1)) continue;
      total++;
      const i = (y * width + x) * 4;
      if (Math.abs(rgba[i] - rgb[0]) > 8 || Math.abs(rgba[i + 1] - rgb[1]) > 8 || Math.abs(rgba[i + 2] - rgb[2]) > 8)
        bad++;
    }
  }
  return { bad, total };
}

// Scroll positions: [what, function() → scrollY, run in the page], evaluated after the fixtures are in.
const POSITIONS = [
  [
    "profile email cut in half at the top edge",
    () => {
      const dd = [...document.querySelectorAll("#profile dd")].find((d) => d.textContent.includes("@"));
      const r = dd.getBoundingClientRect();
      return Math.round(window.scrollY + r.top + r.height / 2);
    },
  ],
  [
    "orders table at the top, markers mid-page",
    () => Math.round(window.scrollY + document.querySelector("#orders").getBoundingClientRect().top - 3),
  ],
  ["scrolled to the bottom", () => document.documentElement.scrollHeight - window.innerHeight],
];

describe("widget on a scrolled page (sealshot-server)", () => {
  for (const [what, target] of POSITIONS) {
    test(`scrolled (${what}): the PNG is the visible viewport and personal data is solid black`, async () => {
      const page = await env.page();
      await addFixtures(page);
      const want = await page.evaluate(target);
      await page.evaluate((y) => window.scrollTo(0, y), want);
      const scrollY = await page.evaluate(() => window.scrollY);
      assert.ok(scrollY > 0 && Math.abs(scrollY - want) <= 1, `scrolled to ${scrollY}, wanted ${want}`);

      const boxes = await personalDataBoxes(page);
      assert.ok(
        boxes.some((b) => b.what === CHAT_EMAIL && b.y > 600),
        "the fixed chat bubble's email is a box near the bottom",
      );
      const markers = await page.evaluate(
        (ids) =>
          Object.fromEntries(
            ids.map((id) => {
              const r = document.getElementById(id).getBoundingClientRect();
              return [id, { x: r.left, y: r.top, width: r.width, height: r.height }];
            }),
          ),
        Object.keys(MARKERS),
      );

      const stickyStyle = () => page.evaluate(() => document.getElementById("mark-sticky").getAttribute("style"));
      const stickyStyleBefore = await stickyStyle();
      const bodies = [];
      page.on("request", (r) => {
        if (r.method() === "POST") bodies.push(r.postDataBuffer());
      });
      const sent = nextEvent(page, "sealshot:sent");
      await openDialog(page);
      await fillAndSend(page, `Scrolled: ${what}`);
      const detail = await sent;
      assert.deepEqual(leakedStrings(bodies[0]), [], "personal strings in the request body");
      const { manifest, parts } = env.open(await env.ingest.envelope(detail.submission));
      assert.deepEqual(manifest.viewport, VIEWPORT);
      const png = parts.find((p) => p.name === "screenshot.png").data;
      if (process.env.SEALSHOT_TEST_OUT)
        fs.writeFileSync(path.join(process.env.SEALSHOT_TEST_OUT, `scrolled-${scrollY}.png`), png);
      const { width, height } = decodePng(png);
      assert.deepEqual([width, height], [VIEWPORT.width, VIEWPORT.height]);

      const leaks = unredacted(png, boxes);
      assert.deepEqual(
        leaks.map((b) => `${b.what} @${Math.round(b.x)},${Math.round(b.y)}: ${b.pixels} px`),
        [],
        "boxes not solid black",
      );
      // The picture is what the visitor sees: every marker inside the viewport is where the page shows it.
      for (const [id, rect] of Object.entries(markers)) {
        if (rect.y + rect.height <= 0 || rect.y >= VIEWPORT.height) continue;
        const { bad, total } = misplaced(png, rect, MARKERS[id]);
        assert.ok(
          total > 0 && bad === 0,
          `${id} @${Math.round(rect.x)},${Math.round(rect.y)}: ${bad}/${total} px of the wrong colour`,
        );
      }
      assert.equal(await page.evaluate(() => window.scrollY), scrollY, "the capture does not scroll the page");
      assert.equal(
        await stickyStyle(),
        stickyStyleBefore,
        "the sticky measurement leaves the page's styles as they were",
      );
      assert.ok(!page.errors.some((e) => /Sealshot/.test(e)), page.errors.join("\n"));
      await page.close();
    });
  }
});

// Elements scrolled inside the page (an overflow:auto chat log, a wide table
// scrolled sideways): the copy must draw them scrolled as the visitor sees
// them, or a masked element drawn at its unscrolled place escapes its box.
// Each masked element has a colour of its own that must appear nowhere in
// the PNG (the boxes are black, so any such pixel is a masked one drawn
// elsewhere), and a marker in each container must be where the visitor sees it.
const MASK_RGB = [
  [0, 160, 80],
  [200, 40, 40],
  [40, 40, 200],
  [230, 200, 0],
];
const CONTAINER_MARKERS = { "mark-vscroll": [255, 0, 255], "mark-hscroll": [0, 200, 255] };

async function addScrolledContainers(page) {
  await page.evaluate(
    ([m0, m1, m2, m3]) => {
      const el = (html) => {
        const t = document.createElement("template");
        t.innerHTML = html.trim();
        return t.content.firstChild;
      };
      const rows = (from, to) =>
        Array.from({ length: to - from }, (_, i) => `<div style="height:30px">Message ${from + i}</div>`).join("");
      const img = `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="rgb(${m2})"/></svg>`)}`;
      document.body.append(
        el(`<div id="vscroll" style="position:absolute;left:700px;top:120px;width:320px;height:240px;overflow:auto;
      background:#fff;border:1px solid #888;z-index:60;font:15px sans-serif;color:#123">
      ${rows(0, 3)}
      <div data-sealshot-mask id="scrolled-out" style="width:160px;height:40px;background:rgb(${m3})"></div>
      ${rows(3, 11)}
      <div data-sealshot-mask style="height:30px">Customer: Ingrid Vasquez-Lund</div>
      <div data-sealshot-mask style="width:160px;height:40px;background:rgb(${m0})"></div>
      ${rows(12, 14)}
      <div id="mark-vscroll" style="width:40px;height:40px;background:rgb(255,0,255)"></div>
      <img data-sealshot-mask src="${img}" style="display:block;width:60px;height:40px">
      ${rows(14, 30)}</div>`),
      );
      document.body.append(
        el(`<div id="hscroll" style="position:absolute;left:700px;top:400px;width:320px;height:80px;overflow:auto;
      background:#fff;border:1px solid #888;z-index:60;font:15px sans-serif;color:#123;white-space:nowrap">
      <span style="display:inline-block;width:500px">Account overview, scroll sideways</span><span data-sealshot-mask
        style="display:inline-block;width:100px;height:40px;background:rgb(${m1})"></span><span id="mark-hscroll"
        style="display:inline-block;width:40px;height:40px;background:rgb(0,200,255)"></span><span
        style="display:inline-block;width:800px">more columns</span></div>`),
      );
      // The rows above are gone (with #scrolled-out, which an unscrolled copy would show), the masks and the marker show.
      document.getElementById("vscroll").scrollTop = 330;
      document.getElementById("hscroll").scrollLeft = 420;
    },
    MASK_RGB.map((c) => c.join(",")),
  );
}

/** Pixels of the PNG within 8 of the colour. */
function pixelsOf(png, rgb) {
  const { width, height, rgba } = decodePng(png);
  let n = 0;
  for (let i = 0; i < width * height * 4; i += 4) {
    if (Math.abs(rgba[i] - rgb[0]) <= 8 && Math.abs(rgba[i + 1] - rgb[1]) <= 8 && Math.abs(rgba[i + 2] - rgb[2]) <= 8)
      n++;
  }
  return n;
}

describe("widget with scrolled containers (sealshot-server)", () => {
  for (const pageScroll of [0, 200]) {
    test(`containers scrolled inside the page (page at ${pageScroll}): masked elements are black and nowhere else`, async () => {
      const page = await env.page();
      await addScrolledContainers(page);
      await page.evaluate((y) => window.scrollTo(0, y), pageScroll);
      const live = await page.evaluate((ids) => {
        const rect = (id) => {
          const r = document.getElementById(id).getBoundingClientRect();
          return { x: r.left, y: r.top, width: r.width, height: r.height };
        };
        return {
          scroll: [
            window.scrollY,
            document.getElementById("vscroll").scrollTop,
            document.getElementById("hscroll").scrollLeft,
          ],
          markers: Object.fromEntries(ids.map((id) => [id, rect(id)])),
        };
      }, Object.keys(CONTAINER_MARKERS));
      assert.deepEqual(live.scroll, [pageScroll, 330, 420]);

      const boxes = await personalDataBoxes(page);
      // The other four masked elements are in view after the scrolling, and are boxes.
      const mine = await page.evaluate(() =>
        [
          ...document.querySelectorAll(
            "#vscroll [data-sealshot-mask]:not(#scrolled-out), #hscroll [data-sealshot-mask]",
          ),
        ].map((e) => {
          const r = e.getBoundingClientRect();
          return [r.left, r.top, r.width, r.height];
        }),
      );
      assert.equal(mine.length, 4);
      for (const [x, y, w, h] of mine) {
        assert.ok(
          x >= 700 && x + w <= 1022 && y >= 120 - pageScroll && y + h <= 482 - pageScroll,
          `masked element in view: ${x},${y}`,
        );
        assert.ok(
          boxes.some((b) => b.x === x && b.y === y && b.width === w && b.height === h),
          `masked element @${x},${y} is a box`,
        );
      }
      const bodies = [];
      page.on("request", (r) => {
        if (r.method() === "POST") bodies.push(r.postDataBuffer());
      });
      const sent = nextEvent(page, "sealshot:sent");
      await openDialog(page);
      await fillAndSend(page, "Scrolled containers");
      const detail = await sent;
      assert.deepEqual(leakedStrings(bodies[0], [...DEMO_PII_AND_NAME]), [], "personal strings in the request body");
      const { parts } = env.open(await env.ingest.envelope(detail.submission));
      const png = parts.find((p) => p.name === "screenshot.png").data;
      if (process.env.SEALSHOT_TEST_OUT)
        fs.writeFileSync(path.join(process.env.SEALSHOT_TEST_OUT, `containers-${pageScroll}.png`), png);

      const leaks = unredacted(png, boxes);
      assert.deepEqual(
        leaks.map((b) => `${b.what} @${Math.round(b.x)},${Math.round(b.y)}: ${b.pixels} px`),
        [],
        "boxes not solid black",
      );
      for (const rgb of MASK_RGB)
        assert.equal(pixelsOf(png, rgb), 0, `masked colour rgb(${rgb}) drawn outside its box`);
      for (const [id, rect] of Object.entries(live.markers)) {
        // The demo page's personal data under the containers is still blacked out, over the markers too.
        const { bad, total } = misplaced(png, rect, CONTAINER_MARKERS[id], boxes);
        assert.ok(
          total > 0 && bad === 0,
          `${id} @${Math.round(rect.x)},${Math.round(rect.y)}: ${bad}/${total} px of the wrong colour`,
        );
      }
      assert.deepEqual(
        await page.evaluate(() => [
          window.scrollY,
          document.getElementById("vscroll").scrollTop,
          document.getElementById("hscroll").scrollLeft,
        ]),
        live.scroll,
        "the capture scrolls nothing",
      );
      assert.ok(!page.errors.some((e) => /Sealshot/.test(e)), page.errors.join("\n"));
      await page.close();
    });
  }
});

// Apps whose whole page scrolls inside a wrapper (<div id=app style="height:100vh;
// overflow:auto">, html and body not scrolled) with a position:fixed chat
// bubble inside: the bubble must be drawn where the visitor sees it, and its
// masked elements black (they are also painted solid black in the copy
// itself, so nothing masked could show even if it landed elsewhere).
const APP_MASK_RGB = [0, 160, 80];
const APP_MARKERS = { "mark-app-bubble": [0, 200, 255], "mark-app-flow": [255, 160, 0] };

async function addScrollingApp(page, scrollTop) {
  await page.evaluate(
    ([rgb, scrollTop]) => {
      const el = (html) => {
        const t = document.createElement("template");
        t.innerHTML = html.trim();
        return t.content.firstChild;
      };
      for (const e of [document.documentElement, document.body])
        Object.assign(e.style, { height: "100%", margin: "0", overflow: "hidden" });
      const app = el(`<div id="app" style="height:100vh;overflow:auto;position:relative"></div>`);
      app.append(
        ...[...document.body.childNodes].filter(
          (n) => !(n.nodeType === 1 && (n.hasAttribute("data-sealshot-ui") || n.tagName === "SCRIPT")),
        ),
      );
      app.append(
        el(
          `<div id="mark-app-flow" style="position:absolute;left:640px;top:${scrollTop + 300}px;width:40px;height:40px;background:rgb(255,160,0)"></div>`,
        ),
      );
      app.append(
        el(`<div id="app-bubble" style="position:fixed;left:24px;bottom:24px;z-index:50;background:#fff;border:2px solid #2a6;
      border-radius:12px;padding:10px 14px;font:15px sans-serif;color:#123">Support chat
      <div data-sealshot-mask>Order 4711: the blue chair</div>
      <div data-sealshot-mask style="width:120px;height:30px;background:rgb(${rgb})"></div>
      <div id="mark-app-bubble" style="width:40px;height:30px;background:rgb(0,200,255)"></div></div>`),
      );
      // Moving an iframe reloads it: wait until each has loaded again.
      const loaded = [...app.querySelectorAll("iframe")].map(
        (f) => new Promise((resolve) => f.addEventListener("load", resolve, { once: true })),
      );
      document.body.prepend(app);
      app.scrollTop = scrollTop;
      return Promise.all(loaded).then(
        () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
      );
    },
    [APP_MASK_RGB.join(","), scrollTop],
  );
}

describe("widget in an app that scrolls inside a wrapper (sealshot-server)", () => {
  test("fixed elements inside a scrolled wrapper: drawn where the visitor sees them, masked content black", async () => {
    const page = await env.page();
    await addScrollingApp(page, 450);
    const live = await page.evaluate((ids) => {
      const rect = (e) => {
        const r = e.getBoundingClientRect();
        return { x: r.left, y: r.top, width: r.width, height: r.height };
      };
      return {
        scroll: [window.scrollY, document.getElementById("app").scrollTop],
        markers: Object.fromEntries(ids.map((id) => [id, rect(document.getElementById(id))])),
        masks: [...document.querySelectorAll("#app-bubble [data-sealshot-mask]")].map(rect),
      };
    }, Object.keys(APP_MARKERS));
    assert.deepEqual(live.scroll, [0, 450]);
    for (const [id, r] of Object.entries(live.markers))
      assert.ok(r.y >= 0 && r.y + r.height <= VIEWPORT.height, `${id} in view @${r.y}`);

    const boxes = await personalDataBoxes(page, DEMO_PII_AND_NAME);
    assert.equal(live.masks.length, 2);
    for (const m of live.masks) {
      assert.ok(m.y > 500, `the bubble's masked element is near the bottom: ${m.y}`);
      assert.ok(
        boxes.some((b) => b.x === m.x && b.y === m.y && b.width === m.width && b.height === m.height),
        `masked element @${m.x},${m.y} is a box`,
      );
    }
    const bodies = [];
    page.on("request", (r) => {
      if (r.method() === "POST") bodies.push(r.postDataBuffer());
    });
    const sent = nextEvent(page, "sealshot:sent");
    await openDialog(page);
    await fillAndSend(page, "App scrolling inside a wrapper");
    const detail = await sent;
    assert.deepEqual(leakedStrings(bodies[0], DEMO_PII_AND_NAME), [], "personal strings in the request body");
    const { parts } = env.open(await env.ingest.envelope(detail.submission));
    const png = parts.find((p) => p.name === "screenshot.png").data;
    if (process.env.SEALSHOT_TEST_OUT)
      fs.writeFileSync(path.join(process.env.SEALSHOT_TEST_OUT, "app-wrapper.png"), png);

    const leaks = unredacted(png, boxes);
    assert.deepEqual(
      leaks.map((b) => `${b.what} @${Math.round(b.x)},${Math.round(b.y)}: ${b.pixels} px`),
      [],
      "boxes not solid black",
    );
    assert.equal(pixelsOf(png, APP_MASK_RGB), 0, `masked colour rgb(${APP_MASK_RGB}) drawn outside its box`);
    // Both markers, in flow and inside the fixed bubble, are where the visitor sees them.
    for (const [id, rgb] of Object.entries(APP_MARKERS)) {
      const { bad, total } = misplaced(png, live.markers[id], rgb, boxes);
      assert.ok(total > 0 && bad === 0, `${id}: ${bad}/${total} px of the wrong colour`);
    }
    assert.deepEqual(
      await page.evaluate(() => [window.scrollY, document.getElementById("app").scrollTop]),
      live.scroll,
      "the capture scrolls nothing",
    );
    assert.ok(!page.errors.some((e) => /Sealshot/.test(e)), page.errors.join("\n"));
    await page.close();
  });
});
