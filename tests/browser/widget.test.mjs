// The widget on the demo shop, in headless Chromium, against the ingest
// server: what is sent is redacted, encrypted and exactly what the visitor saw.
//   node --test tests/browser/widget.test.mjs   (after scripts/build)
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
  widgetDir,
} from "./support/fixture.mjs";
import { decodePng } from "../wasm/support/png-decode.mjs";

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

describe("widget (sealshot-server)", () => {
  test("the loader is tiny and fetches nothing heavy before the first open", async () => {
    const sizes = JSON.parse(fs.readFileSync(path.join(widgetDir, "sizes.json"), "utf8"));
    assert.ok(sizes["widget.js"].gzip <= 4096, `loader ${sizes["widget.js"].gzip} B gzip`);
    const page = await env.browser.context.newPage();
    const urls = [];
    page.on("request", (r) => urls.push(r.url()));
    await page.goto(`${env.demo.url}/account.html`, { waitUntil: "load" });
    await page.waitForTimeout(300);
    assert.ok(urls.some((u) => u.endsWith("/sealshot/widget.js")));
    assert.deepEqual(
      urls.filter((u) => /widget-app\.|core\.[0-9a-f]+\.wasm/.test(u)),
      [],
    );
    assert.equal(await page.locator("[data-sealshot-ui] button").count(), 1, "the launcher button");
    // Calls before load are queued, not thrown; a bad call never throws into the page.
    assert.equal(
      await page.evaluate(() => {
        window.Sealshot.setMetadata({ plan: "pro" });
        window.Sealshot.setUser({ id: "u-1" });
        return "ok";
      }),
      "ok",
    );
    await page.close();
  });

  test("a report is sent: personal data is solid black, nothing personal in the body or the manifest", async () => {
    const page = await env.page();
    await page.evaluate(() => {
      window.Sealshot.setUser({ id: "u-42" });
      window.Sealshot.setMetadata({ build: "4.12.3" });
    });
    const bodies = [];
    page.on("request", (r) => {
      if (r.method() === "POST") bodies.push({ url: r.url(), body: r.postDataBuffer(), headers: r.headers() });
    });
    const boxes = await personalDataBoxes(page);
    assert.ok(boxes.length >= 20, `found ${boxes.length} personal-data boxes on the demo`);
    const sent = nextEvent(page, "sealshot:sent");
    await openDialog(page);
    // Only the app and the wasm are loaded now, once.
    await fillAndSend(page);
    const detail = await sent;
    assert.match(detail.submission, /^sub_/);
    assert.equal(bodies.length, 1);
    // A UUID version 7: keys made later sort later (widget-js/src/shared/report-id.js).
    assert.match(
      bodies[0].headers["idempotency-key"],
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.equal(bodies[0].headers["content-type"], "application/octet-stream");
    assert.deepEqual(leakedStrings(bodies[0].body), [], "personal strings in the request body");

    const envelope = await env.ingest.envelope(detail.submission);
    assert.deepEqual(Buffer.from(envelope), bodies[0].body, "stored bytes are the bytes sent");
    const { manifest, parts } = env.open(envelope);
    assert.deepEqual(leakedStrings(Buffer.from(JSON.stringify(manifest))), [], "personal strings in the manifest");
    assert.equal(manifest.comment, "The invoice table looks wrong.");
    assert.equal(manifest.page_url, `${env.demo.url}/account.html`);
    assert.deepEqual(manifest.viewport, { width: 1920, height: 1080 });
    assert.deepEqual([manifest.user, manifest.metadata], [{ id: "u-42" }, { build: "4.12.3" }]);
    assert.equal(manifest.screenshot.source, "dom");
    const png = parts.find((p) => p.name === "screenshot.png").data;
    const { width, height } = decodePng(png);
    assert.deepEqual([width, height], [1920, 1080]);
    assert.equal(detail.sizes.png, png.length, "the PNG size the one-call core reports is the sealed PNG's");
    const leaks = unredacted(png, boxes);
    assert.deepEqual(
      leaks.map((b) => `${b.what} @${Math.round(b.x)},${Math.round(b.y)}: ${b.pixels} px`),
      [],
      "boxes not solid black",
    );
    if (process.env.SEALSHOT_TEST_OUT) fs.writeFileSync(path.join(process.env.SEALSHOT_TEST_OUT, "sent.png"), png);
    assert.ok(!page.errors.some((e) => /Sealshot/.test(e)), page.errors.join("\n"));
    await page.close();
  });

  test("black-out boxes drawn by the visitor are in the PNG; undo removes the last mark", async () => {
    const page = await env.page();
    const sent = nextEvent(page, "sealshot:sent");
    await openDialog(page);
    const canvas = page.locator(".dialog canvas");
    const box = await canvas.boundingBox();
    const s = box.width / 1920; // preview scale
    const drag = async (x1, y1, x2, y2) => {
      await page.mouse.move(box.x + x1 * s, box.y + y1 * s);
      await page.mouse.down();
      await page.mouse.move(box.x + x2 * s, box.y + y2 * s, { steps: 4 });
      await page.mouse.up();
    };
    await drag(600, 620, 900, 700); // black out part of the orders table
    await page.getByRole("button", { name: "Arrow" }).click();
    await drag(1000, 900, 1200, 1000); // an arrow, then undone
    await page.getByRole("button", { name: "Undo" }).click();
    await page.getByRole("button", { name: "Highlight" }).click();
    await drag(100, 900, 300, 1000);
    await fillAndSend(page, "Annotated");
    const detail = await sent;
    const { manifest, parts } = env.open(await env.ingest.envelope(detail.submission));
    assert.equal(manifest.screenshot.redaction_sources.manual, 1);
    const png = parts.find((p) => p.name === "screenshot.png").data;
    // Pointer positions land on preview pixels: allow one preview pixel of slack.
    const slack = Math.ceil(1 / s);
    assert.deepEqual(
      unredacted(png, [
        { x: 600 + slack, y: 620 + slack, width: 300 - 2 * slack, height: 80 - 2 * slack, what: "manual" },
      ]),
      [],
    );
    const { rgba, width } = decodePng(png);
    const px = (x, y) => Array.from(rgba.subarray((y * width + x) * 4, (y * width + x) * 4 + 3));
    assert.notDeepEqual(px(1100, 950), [229, 72, 77], "the undone arrow is not drawn");
    await page.close();
  });

  test("keyboard: marks are drawn with arrow keys and Enter; Escape drops a started mark, not the dialog", async () => {
    const page = await env.page();
    const sent = nextEvent(page, "sealshot:sent");
    await openDialog(page);
    const canvas = page.locator(".dialog canvas");
    await canvas.focus(); // the cross starts in the middle: 960, 540
    const press = async (key, times = 1) => {
      for (let i = 0; i < times; i++) await page.keyboard.press(key);
    };
    await press("Shift+ArrowLeft", 6); // 660, 540
    await press("Shift+ArrowUp", 2); // 660, 440
    await press("Enter");
    await press("ArrowRight", 5);
    await press("Escape"); // drops the started mark only
    assert.equal(await page.locator(".dialog").count(), 1, "Escape with a started mark must not close the dialog");
    await press("Enter"); // starts again at 710, 440
    await press("Shift+ArrowRight", 3); // 860
    await press("ArrowDown", 8); // 520
    await press("Enter");
    const status = await page.locator(".dialog .stage [role=status][aria-live]").textContent();
    assert.equal(status, "Mark added.");
    await fillAndSend(page, "Drawn with the keyboard");
    const detail = await sent;
    const { manifest, parts } = env.open(await env.ingest.envelope(detail.submission));
    assert.equal(manifest.screenshot.redaction_sources.manual, 1);
    const png = parts.find((p) => p.name === "screenshot.png").data;
    assert.deepEqual(unredacted(png, [{ x: 710, y: 440, width: 150, height: 80, what: "keyboard mark" }]), []);
    const { rgba, width } = decodePng(png);
    const px = (x, y) => Array.from(rgba.subarray((y * width + x) * 4, (y * width + x) * 4 + 3));
    assert.notDeepEqual(px(690, 480), [0, 0, 0], "the dropped mark (from 660) is not drawn");
    assert.notDeepEqual(px(875, 520), [10, 102, 194], "the keyboard cross is not in the sent pixels");
    await page.close();
  });

  test("a <br> ends a line for the detectors: the number before it is found, the line after it is left alone", async () => {
    const page = await env.page();
    await page.evaluate(() => {
      const p = document.createElement("p");
      p.style.cssText = "font: 18px sans-serif; margin: 8px; background: #fff; color: #111";
      p.innerHTML = "Call +49 151 2345678<br>2024 annual report<br>Mail ida.br@example.com<br>Berlin office";
      document.body.prepend(p);
    });
    const sent = nextEvent(page, "sealshot:sent");
    const boxesOf = (strings) =>
      page.evaluate(
        (strings) =>
          strings.map((str) => {
            const node = [...document.body.firstChild.childNodes].find((n) => n.nodeType === 3 && n.data.includes(str));
            const range = document.createRange();
            range.setStart(node, node.data.indexOf(str));
            range.setEnd(node, node.data.indexOf(str) + str.length);
            const r = range.getBoundingClientRect();
            return { x: r.x, y: r.y, width: r.width, height: r.height, what: str };
          }),
        strings,
      );
    const personal = await boxesOf(["+49 151 2345678", "ida.br@example.com"]);
    const plain = await boxesOf(["2024 annual report", "Berlin office"]);
    await openDialog(page);
    await fillAndSend(page, "Line breaks");
    const detail = await sent;
    const png = env
      .open(await env.ingest.envelope(detail.submission))
      .parts.find((p) => p.name === "screenshot.png").data;
    assert.deepEqual(
      unredacted(png, personal).map((b) => b.what),
      [],
      "personal data before a <br> not blacked out",
    );
    for (const b of unredacted(png, plain)) {
      const area = Math.floor(b.width) * Math.floor(b.height);
      assert.ok(
        b.pixels > area * 0.5,
        `"${b.what}" after a <br> was blacked out (${b.pixels} of ${area} pixels not black)`,
      );
    }
    assert.equal(unredacted(png, plain).length, 2, "the lines after a <br> must keep their pixels");
    await page.close();
  });

  test("keyboard: focus is trapped in the dialog, Escape closes it and focus returns", async () => {
    const page = await env.page();
    await page.locator("[data-sealshot-ui] button").first().focus();
    await page.keyboard.press("Enter");
    await page.locator(".dialog canvas").waitFor({ state: "visible" });
    const dialog = page.locator(".dialog");
    assert.equal(await dialog.getAttribute("role"), "dialog");
    assert.equal(await dialog.getAttribute("aria-modal"), "true");
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press(i % 3 ? "Tab" : "Shift+Tab");
      const inside = await page.evaluate(() => {
        let el = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        return !!el?.closest(".dialog");
      });
      assert.ok(inside, `focus left the dialog after ${i + 1} presses`);
    }
    await page.keyboard.press("Escape");
    assert.equal(await page.locator(".dialog").count(), 0);
    assert.equal(
      await page.evaluate(() => document.activeElement?.hasAttribute("data-sealshot-ui")),
      true,
      "focus back on the launcher",
    );
    await page.close();
  });

  test("Shadow DOM: page styles do not reach the dialog and dialog styles do not reach the page", async () => {
    const page = await env.page();
    await page.addStyleTag({
      content: "button, textarea { background: rgb(255, 0, 0) !important; font-size: 40px !important; }",
    });
    const before = await page.evaluate(() => getComputedStyle(document.querySelector("h1")).color);
    await openDialog(page);
    const send = page.locator(".dialog button[type=submit]");
    assert.notEqual(await send.evaluate((b) => getComputedStyle(b).backgroundColor), "rgb(255, 0, 0)");
    assert.notEqual(await page.locator(".dialog textarea").evaluate((t) => getComputedStyle(t).fontSize), "40px");
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector("h1")).color), before);
    await page.close();
  });

  test("remove() tears everything down", async () => {
    const page = await env.page();
    await openDialog(page);
    await page.evaluate(() => window.Sealshot.remove());
    assert.equal(await page.locator("[data-sealshot-ui]").count(), 0);
    await page.evaluate(() => window.Sealshot.open()); // a no-op now, and no throw
    assert.equal(await page.locator(".dialog").count(), 0);
    await page.close();
  });

  test("image upload fallback goes through the same redaction and encryption", async () => {
    const page = await env.page();
    const sent = nextEvent(page, "sealshot:sent");
    await openDialog(page);
    // A PNG with a "secret" region the visitor blacks out by hand (no DOM to scan in an upload).
    const w = 400,
      h = 300,
      rgba = new Uint8Array(w * h * 4).fill(200);
    const png = env.core.encodePng(rgba, w, h);
    const captured = nextEvent(page, "sealshot:capture");
    await page
      .locator(".dialog input[type=file]")
      .setInputFiles({ name: "bug.png", mimeType: "image/png", buffer: Buffer.from(png) });
    assert.equal((await captured).source, "upload");
    await fillAndSend(page, "Uploaded");
    const detail = await sent;
    const { manifest, parts } = env.open(await env.ingest.envelope(detail.submission));
    assert.deepEqual(
      [manifest.screenshot.source, manifest.screenshot.width, manifest.screenshot.height],
      ["upload", 400, 300],
    );
    assert.ok(parts.some((p) => p.name === "screenshot.png"));
    await page.close();
  });

  test("ES module entry: init, setUser, open and send without the script tag, console errors included", async () => {
    const page = await env.page("iframe-support.html"); // a page of the site without the loader
    const sent = nextEvent(page, "sealshot:sent");
    await page.evaluate(
      async ({ project, publicKey, endpoint }) => {
        const Sealshot = await import("/sealshot/esm/sealshot.mjs");
        Sealshot.init({ project, publicKey, endpoint, button: false, lang: "de", consoleErrors: true });
        Sealshot.setUser({ id: "esm-user" });
        console.error("Warenkorb kaputt für max.muster@example.de");
        await Sealshot.open();
      },
      { project: env.ingest.project, publicKey: env.ingest.publicKey, endpoint: env.ingest.url },
    );
    await page.locator(".dialog canvas").waitFor({ state: "visible" });
    assert.equal(
      await page.locator("[data-sealshot-ui] button[aria-haspopup]").count(),
      0,
      "no launcher with button: false",
    );
    await fillAndSend(page, "Vom Modul");
    const { manifest } = env.open(await env.ingest.envelope((await sent).submission));
    assert.deepEqual([manifest.comment, manifest.user], ["Vom Modul", { id: "esm-user" }]);
    assert.ok(
      manifest.console_errors?.includes("Warenkorb kaputt für [email]"),
      JSON.stringify(manifest.console_errors),
    );
    await page.close();
  });
});
