import { test } from "node:test";
import assert from "node:assert/strict";
import { buildManifest, redactText, scrubMessage } from "../src/shared/manifest.js";
import { reportUrl } from "../src/shared/url.js";

const env = {
  href: "https://shop.example/account/orders?token=abc&email=a%40b.c#row-3",
  userAgent: "UA/1",
  viewport: { width: 1920, height: 1080 },
  devicePixelRatio: 2,
  locale: "de-DE",
  timeZone: "Europe/Berlin",
  now: new Date("2024-04-02T10:00:00Z"),
};

test("page URL drops query, fragment and credentials by default", () => {
  assert.equal(reportUrl(env.href), "https://shop.example/account/orders");
  assert.equal(reportUrl("https://user:pw@shop.example/a?b#c"), "https://shop.example/a");
  assert.equal(reportUrl(env.href, { keepQuery: true }), "https://shop.example/account/orders?token=abc&email=a%40b.c");
  assert.equal(reportUrl(env.href, { keepHash: true }), "https://shop.example/account/orders#row-3");
  assert.equal(reportUrl("not a url"), "");
});

test("manifest has every documented field", () => {
  const m = buildManifest({
    form: { comment: "  Broken button  ", email: " v@example.com ", category: "bug" },
    env,
    screenshot: {
      width: 3840,
      height: 2160,
      devicePixelRatio: 2,
      redactions: 5,
      redactionSources: { masked: 2, sensitive: 1, detected: 1, manual: 1 },
      source: "dom",
    },
    state: { user: { id: "u1" }, metadata: { plan: "pro" } },
  });
  assert.deepEqual(m, {
    schema: 1,
    source: "widget",
    widget_version: m.widget_version,
    comment: "Broken button",
    created_at: "2024-04-02T10:00:00.000Z",
    page_url: "https://shop.example/account/orders",
    user_agent: "UA/1",
    viewport: { width: 1920, height: 1080 },
    device_pixel_ratio: 2,
    locale: "de-DE",
    time_zone: "Europe/Berlin",
    email: "v@example.com",
    category: "bug",
    screenshot: {
      width: 3840,
      height: 2160,
      device_pixel_ratio: 2,
      redactions: 5,
      redaction_sources: { masked: 2, sensitive: 1, detected: 1, manual: 1 },
      source: "dom",
    },
    user: { id: "u1" },
    metadata: { plan: "pro" },
  });
});

test("a comment is required; optional fields are left out when empty", () => {
  assert.throws(() => buildManifest({ form: { comment: "   " }, env }), /comment_required/);
  const m = buildManifest({ form: { comment: "hi", email: "" }, env });
  for (const k of ["email", "category", "screenshot", "user", "metadata", "console_errors"]) assert.ok(!(k in m), k);
});

test("console errors only when the visitor opted in, last 20, URLs scrubbed", () => {
  const consoleErrors = Array.from({ length: 25 }, (_, i) =>
    scrubMessage(`err ${i} at https://x.example/p?session=s3cr3t#f`),
  );
  const withThem = buildManifest({ form: { comment: "c", includeConsole: true }, env, state: { consoleErrors } });
  assert.equal(withThem.console_errors.length, 20);
  assert.equal(withThem.console_errors[19], "err 24 at https://x.example/p");
  assert.ok(!("console_errors" in buildManifest({ form: { comment: "c" }, env, state: { consoleErrors } })));
});

test("oversized or unserialisable metadata does not break the report", () => {
  const big = buildManifest({ form: { comment: "c" }, env, state: { metadata: { blob: "x".repeat(20000) } } });
  assert.ok(!("metadata" in big) && big.metadata_dropped);
  const fn = buildManifest({ form: { comment: "c" }, env, state: { metadata: { f() {}, n: 1 } } });
  assert.deepEqual(fn.metadata, { n: 1 });
});

test("redactText replaces every hit with its kind, whatever the order of the hits", () => {
  const text = "mail anna@example.de, card 4111 1111 1111 1111 end";
  const hits = [
    { kind: "card", start: 27, end: 46 },
    { kind: "email", start: 5, end: 20 },
  ];
  assert.equal(text.slice(5, 20), "anna@example.de");
  assert.equal(text.slice(27, 46), "4111 1111 1111 1111");
  assert.equal(redactText(text, hits), "mail [email], card [card] end");
  assert.equal(redactText(text, []), text);
});
