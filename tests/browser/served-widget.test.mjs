// The widget as a site owner embeds it: the snippet `sealshot project snippet`
// prints, so widget.js comes from sealshot-server itself (--widget-dir), pinned
// by its integrity hash, and without data-endpoint: reports go to the origin
// widget.js came from. On a page with the strict CSP of docs/widget.md.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fillAndSend, nextEvent, openDialog, setup } from "./support/fixture.mjs";

let env;
before(async () => {
  env = await setup({ widgetFrom: "ingest", csp: true });
});
after(async () => {
  await env?.close();
});

test("widget.js from sealshot-server, pinned by SRI, no data-endpoint: the report reaches the script's origin", async () => {
  const { integrity } = await env.ingest.snippet();
  assert.match(integrity, /^sha384-[A-Za-z0-9+/]{64}$/);
  const responses = [];
  const seen = (r) => {
    if (r.url().startsWith(env.ingest.url)) responses.push(r);
  };
  env.browser.context.on("response", seen);
  try {
    const page = await env.page();
    const tag = await page.evaluate(() => {
      const s = document.querySelector("script[data-project]");
      return {
        src: s.src,
        integrity: s.integrity,
        crossOrigin: s.crossOrigin,
        endpoint: s.getAttribute("data-endpoint"),
      };
    });
    assert.deepEqual(tag, { src: `${env.ingest.url}/widget.js`, integrity, crossOrigin: "anonymous", endpoint: "" });

    const sent = nextEvent(page, "sealshot:sent");
    await openDialog(page);
    await fillAndSend(page, "Sent to where the widget came from");
    const detail = await sent;
    const { manifest } = env.open(await env.ingest.envelope(detail.submission));
    assert.equal(manifest.comment, "Sent to where the widget came from");

    const by = (re) => responses.filter((r) => re.test(new URL(r.url()).pathname));
    const [loader] = by(/^\/widget\.js$/),
      [app] = by(/^\/widget-app\.[0-9a-f]{16}\.js$/),
      [wasm] = by(/^\/core\.[0-9a-f]{16}\.wasm$/);
    assert.ok(loader && app && wasm, responses.map((r) => r.url()).join("\n"));
    for (const [r, type, cache] of [
      [loader, "text/javascript", "public, max-age=300"],
      [app, "text/javascript", "public, max-age=31536000, immutable"],
      [wasm, "application/wasm", "public, max-age=31536000, immutable"],
    ]) {
      const h = r.headers();
      assert.equal(r.status(), 200, r.url());
      assert.ok(h["content-type"].startsWith(type), `${r.url()}: ${h["content-type"]}`);
      assert.equal(h["cache-control"], cache, r.url());
      assert.equal(h["access-control-allow-origin"], "*", r.url());
      assert.equal(h["x-content-type-options"], "nosniff", r.url());
    }
    const posts = by(/\/submissions$/).filter((r) => r.request().method() === "POST");
    assert.deepEqual(
      posts.map((r) => [r.url(), r.status()]),
      [[`${env.ingest.url}/v1/projects/${env.ingest.project}/submissions`, 201]],
    );

    const violations = page.errors.filter(
      (e) => /Content Security Policy|Refused to|integrity/i.test(e) && !/inline event handler|avatar\.png/.test(e),
    );
    assert.deepEqual(violations, [], "CSP or integrity errors caused by the widget");
    await page.close();
  } finally {
    env.browser.context.off("response", seen);
  }
});

test("a widget.js whose bytes do not match the integrity hash is not run", async () => {
  const { integrity } = await env.ingest.snippet();
  const page = await env.page("iframe-support.html"); // a page of the site without the loader
  const load = (hash) =>
    page.evaluate(
      ({ src, hash }) =>
        new Promise((resolve) => {
          const s = document.createElement("script");
          s.src = src;
          s.integrity = hash;
          s.crossOrigin = "anonymous";
          s.onload = () => resolve({ result: "ran", global: typeof window.Sealshot });
          s.onerror = () => resolve({ result: "refused", global: typeof window.Sealshot });
          document.head.appendChild(s);
        }),
      { src: `${env.ingest.url}/widget.js`, hash },
    );
  const wrong = "sha384-" + Buffer.alloc(48, 7).toString("base64");
  assert.deepEqual(await load(wrong), { result: "refused", global: "undefined" });
  assert.ok(
    page.errors.some((e) => /integrity/.test(e)),
    page.errors.join("\n"),
  );
  assert.deepEqual(await load(integrity), { result: "ran", global: "object" });
  await page.close();
});

// A first open needs the app and the core: the loader starts the core's
// download with the app's (widget-js/src/loader/loader.js), and the app's
// own fetch of it takes that response. Still one download, and still pinned:
// a core.wasm with other bytes is refused though it was preloaded.
test("the first open downloads core.wasm beside the app, once; a core with other bytes is refused", async () => {
  const widgetFiles = () =>
    performance
      .getEntriesByType("resource")
      .map((e) => ({ path: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd }))
      .filter((e) => /^\/(widget-app\.[0-9a-f]{16}\.js|core\.[0-9a-f]{16}\.wasm)$/.test(e.path));
  const page = await env.page();
  const captured = nextEvent(page, "sealshot:capture");
  await page.evaluate(() => window.Sealshot.open());
  assert.equal((await captured).error, undefined);
  const files = await page.evaluate(widgetFiles);
  const cores = files.filter((f) => f.path.startsWith("/core.")),
    [app] = files.filter((f) => f.path.startsWith("/widget-app."));
  assert.equal(cores.length, 1, `core.wasm downloaded once: ${JSON.stringify(files)}`);
  assert.ok(cores[0].start < app.end, `the core's download started before the app's ended: ${JSON.stringify(files)}`);
  await page.close();

  const tampered = await env.page();
  await tampered.route(/\/core\.[0-9a-f]{16}\.wasm$/, async (route) => {
    const response = await route.fetch();
    const body = Buffer.from(await response.body());
    body[body.length - 1] ^= 1;
    await route.fulfill({ response, body });
  });
  const failed = nextEvent(tampered, "sealshot:capture");
  await tampered.evaluate(() => window.Sealshot.open());
  assert.ok((await failed).error, "the capture failed");
  assert.ok(
    tampered.errors.some((e) => /integrity/i.test(e)),
    tampered.errors.join("\n"),
  );
  await tampered.close();
});
