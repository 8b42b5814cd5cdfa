// The capture core's behaviours, tested on the wasm build under Node: the same
// contracts the native GoogleTest suites check, across the JS boundary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadCore } from "./support/load-core.mjs";
import { decodePng } from "./support/png-decode.mjs";
import { makeImage } from "./support/images.mjs";

const { core, SealshotError } = await loadCore();
const PROJECT = "prj_wasmtest0000000000000000";

function assertCode(fn, code) {
  assert.throws(
    fn,
    (e) => e instanceof SealshotError && e.code === code && e.message.length > 10,
    `expected SealshotError ${code}`,
  );
}

test("limits are exposed", () => {
  assert.equal(core.limits.maxImageDimension, 16384);
  assert.ok(core.limits.maxRedactRects >= 1000);
  assert.equal(core.limits.envelopeChunkBytes, 65536);
  assert.ok(core.pngDefaults.level >= 1 && core.pngDefaults.level <= 12);
  assert.ok(core.pngDefaults.filter >= -1 && core.pngDefaults.filter <= 4);
});

test("redact fills outward-rounded boxes with opaque colour and leaves the rest", () => {
  const w = 40,
    h = 30;
  const rgba = makeImage(w, h, { opaque: false });
  const before = rgba.slice();
  const stats = core.redact(rgba, w, h, [{ x: 2.2, y: 3.5, width: 4, height: 2 }], 1.5, 0x112233);
  assert.deepEqual(stats, { filled: 1, skipped: 0 });
  // x: floor(3.3)=3 .. ceil(9.3)=10; y: floor(5.25)=5 .. ceil(8.25)=9
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const inside = x >= 3 && x < 10 && y >= 5 && y < 9;
      const got = Array.from(rgba.subarray(i, i + 4));
      if (inside) assert.deepEqual(got, [0x11, 0x22, 0x33, 255], `pixel ${x},${y}`);
      else assert.deepEqual(got, Array.from(before.subarray(i, i + 4)), `pixel ${x},${y}`);
    }
  }
});

test("redact clips and skips, and refuses bad input without touching pixels", () => {
  const w = 10,
    h = 10;
  const rgba = makeImage(w, h);
  assert.deepEqual(
    core.redact(
      rgba,
      w,
      h,
      [
        { x: -5, y: -5, width: 7, height: 7 },
        { x: 50, y: 0, width: 5, height: 5 },
      ],
      1,
    ),
    { filled: 1, skipped: 1 },
  );
  const snapshot = rgba.slice();
  assertCode(
    () =>
      core.redact(
        rgba,
        w,
        h,
        [
          { x: 0, y: 0, width: 5, height: 5 },
          { x: 0, y: 0, width: -1, height: 2 },
        ],
        1,
      ),
    "invalid_argument",
  );
  assertCode(() => core.redact(rgba, w, h, [{ x: NaN, y: 0, width: 1, height: 1 }], 1), "invalid_argument");
  assertCode(() => core.redact(rgba, w, h, [], 0), "invalid_argument");
  assert.deepEqual(rgba, snapshot);
  const many = Array.from({ length: 100000 }, (_, i) => ({ x: i % 10, y: 0, width: 1, height: 1 }));
  assertCode(() => core.redact(rgba, w, h, many, 1), "too_many_rects");
  assertCode(() => core.redact(new Uint8Array(10), w, h, [], 1), "buffer_too_small");
  assertCode(() => core.redact(rgba, 0, h, [], 1), "invalid_argument");
});

test("images over 16384 pixels in a dimension are refused by the core", () => {
  // The JS check passes (buffer large enough for 16385x1), the core refuses.
  const rgba = new Uint8Array(16385 * 4);
  assertCode(() => core.encodePng(rgba, 16385, 1), "image_too_large");
});

test("encodePng output decodes identically with an independent decoder", () => {
  for (const [w, h, opaque] of [
    [97, 61, true],
    [64, 40, false],
    [1, 1, true],
    [1, 17, true],
    [23, 1, false],
  ]) {
    const rgba = makeImage(w, h, { opaque, seed: w * h });
    for (const filter of [-1, 0, 1, 2, 3, 4]) {
      const png = core.encodePng(rgba, w, h, { filter, level: 6 });
      const decoded = decodePng(png);
      assert.equal(decoded.width, w);
      assert.equal(decoded.height, h);
      assert.equal(decoded.colorType, opaque ? 2 : 6, "RGB when opaque, RGBA otherwise");
      assert.deepEqual(decoded.rgba, rgba, `${w}x${h} filter ${filter}`);
    }
  }
  assertCode(() => core.encodePng(makeImage(4, 4), 4, 4, { level: 0 }), "invalid_argument");
  assertCode(() => core.encodePng(makeImage(4, 4), 4, 4, { filter: 5 }), "invalid_argument");
});

test("redactAndEncode gives the redacted image as PNG and leaves the caller's pixels alone", () => {
  const w = 50,
    h = 40;
  const rgba = makeImage(w, h);
  const original = rgba.slice();
  const png = core.redactAndEncode(rgba, w, h, [{ x: 10, y: 10, width: 5, height: 5 }], 2);
  assert.deepEqual(rgba, original);
  const { rgba: out } = decodePng(png);
  const expected = original.slice();
  core.redact(expected, w, h, [{ x: 10, y: 10, width: 5, height: 5 }], 2);
  assert.deepEqual(out, expected);
  assert.deepEqual(Array.from(out.subarray((25 * w + 25) * 4, (25 * w + 25) * 4 + 4)), [0, 0, 0, 255]);
});

test("keys: 43-character URL-safe base64; malformed keys refused", () => {
  const { publicKey, secretKey } = core.generateKeyPair();
  assert.match(publicKey, /^[A-Za-z0-9_-]{43}$/);
  assert.match(secretKey, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(publicKey, secretKey);
  assertCode(() => core.seal(PROJECT, publicKey.slice(1), new Uint8Array(1)), "bad_key");
  assertCode(() => core.seal(PROJECT, publicKey.replace(/.$/, "+"), new Uint8Array(1)), "bad_key");
  assertCode(() => core.open(new Uint8Array(200), "not a key", PROJECT), "bad_key");
});

test("seal → open round trip and every refusal", () => {
  const { publicKey, secretKey } = core.generateKeyPair();
  for (const size of [0, 1, 65535, 65536, 65537, 200000]) {
    const payload = new Uint8Array(size).map((_, i) => (i * 31 + size) & 255);
    const envelope = core.seal(PROJECT, publicKey, payload);
    assert.deepEqual(core.open(envelope, secretKey, PROJECT), payload);
    const info = core.inspect(envelope);
    assert.equal(info.projectId, PROJECT);
    assert.equal(info.payloadSize, size);
    assert.equal(info.totalSize, envelope.length);
  }
  const envelope = core.seal(PROJECT, publicKey, new TextEncoder().encode("hello"));
  assertCode(() => core.open(envelope, core.generateKeyPair().secretKey, PROJECT), "envelope_wrong_key");
  assertCode(() => core.open(envelope, secretKey, "prj_other"), "envelope_wrong_project");
  assertCode(() => core.open(envelope.subarray(0, envelope.length - 1), secretKey, PROJECT), "envelope_truncated");
  assertCode(() => core.open(envelope.subarray(0, 20), secretKey, PROJECT), "envelope_truncated");
  assertCode(() => core.open(new Uint8Array([...envelope, 0]), secretKey, PROJECT), "envelope_trailing_bytes");
  const badVersion = envelope.slice();
  badVersion[8] = 2;
  assertCode(() => core.open(badVersion, secretKey, PROJECT), "envelope_bad_version");
  const badMagic = envelope.slice();
  badMagic[0] ^= 1;
  assertCode(() => core.open(badMagic, secretKey, PROJECT), "envelope_bad_magic");
  const tampered = envelope.slice();
  tampered[tampered.length - 3] ^= 0x40;
  assertCode(() => core.open(tampered, secretKey, PROJECT), "envelope_corrupt");
  assertCode(() => core.inspect(new Uint8Array(0)), "envelope_truncated");
});

test("a blob moved to another project fails to open even with the header rewritten", () => {
  const { publicKey, secretKey } = core.generateKeyPair();
  const a = "prj_aaaaaaaaaaaaaaaaaaaaaaaaaa",
    b = "prj_bbbbbbbbbbbbbbbbbbbbbbbbbb";
  const envelope = core.seal(a, publicKey, new TextEncoder().encode("report"));
  const moved = envelope.slice();
  moved.set(new TextEncoder().encode(b), 24); // same length id, rewritten in the plaintext header
  assert.equal(core.inspect(moved).projectId, b);
  assertCode(() => core.open(moved, secretKey, b), "envelope_corrupt");
});

test("sealReport → openReport carries the manifest and the PNG", () => {
  const { publicKey, secretKey } = core.generateKeyPair();
  const rgba = makeImage(64, 48);
  const png = core.redactAndEncode(rgba, 64, 48, [{ x: 1, y: 1, width: 10, height: 10 }], 1);
  const manifest = { schema: 1, comment: "Le bouton « Payer » ne répond pas 😞", category: "bug" };
  const report = core.openReport(core.sealReport(PROJECT, publicKey, manifest, png), secretKey, PROJECT);
  assert.deepEqual(report.manifest, manifest);
  assert.deepEqual(
    report.parts.map((p) => [p.name, p.type]),
    [
      ["manifest.json", "application/json"],
      ["screenshot.png", "image/png"],
    ],
  );
  assert.deepEqual(report.parts[1].data, png);
});

// The payload framing of docs/envelope.md, built by hand: "SSPL", version 1,
// part count, then per part name, type and u64 LE size, then the data.
function framed(parts) {
  const enc = new TextEncoder();
  const bytes = [..."SSPL"].map((c) => c.charCodeAt(0)).concat([1, parts.length]);
  for (const [name, type, data] of parts) {
    bytes.push(name.length, ...enc.encode(name), type.length, ...enc.encode(type));
    for (let i = 0; i < 8; i++) bytes.push(i < 4 ? (data.length >>> (8 * i)) & 0xff : 0);
  }
  for (const [, , data] of parts) bytes.push(...data);
  return Uint8Array.from(bytes);
}

test("openReport refuses a payload whose first part is not a manifest.json JSON object", () => {
  const { publicKey, secretKey } = core.generateKeyPair();
  const json = new TextEncoder().encode('{"schema":1,"comment":"x"}');
  const png = Uint8Array.of(1, 2, 3);
  const open = (parts) => core.openReport(core.seal(PROJECT, publicKey, framed(parts)), secretKey, PROJECT);
  assert.equal(
    open([
      ["manifest.json", "application/json", json],
      ["screenshot.png", "image/png", png],
    ]).manifest.comment,
    "x",
  );
  assertCode(() => open([["screenshot.png", "image/png", png]]), "payload_malformed");
  assertCode(
    () =>
      open([
        ["screenshot.png", "image/png", png],
        ["manifest.json", "application/json", json],
      ]),
    "payload_malformed",
  );
  assertCode(() => open([["manifest.json", "text/plain", json]]), "payload_malformed");
  assertCode(() => open([["manifest.json", "application/json", new TextEncoder().encode("[1]")]]), "payload_malformed");
});

test("scan reports UTF-16 offsets, also after astral characters", () => {
  const text = "😀 mail anna.schmidt@example.de or card 4111 1111 1111 1111.";
  const hits = core.scan(text);
  const email = hits.find((h) => h.kind === "email");
  const card = hits.find((h) => h.kind === "card");
  assert.ok(email && card, JSON.stringify(hits));
  assert.equal(text.slice(email.start, email.end), "anna.schmidt@example.de");
  assert.equal(text.slice(card.start, card.end), "4111 1111 1111 1111");
  assert.deepEqual(core.scan("Order 2024-05-17, version 1.2.3, total €12.50"), []);
  assert.deepEqual(core.scan(""), []);
});

test("sealScreenshotReport redacts, encodes and seals in one call, the same PNG as the two-step path", () => {
  const w = 64,
    h = 48;
  const rgba = makeImage(w, h);
  const before = rgba.slice();
  const { publicKey, secretKey } = core.generateKeyPair();
  const rects = [
    { x: 3.5, y: 4, width: 10, height: 6 },
    { x: 40, y: 30, width: 30, height: 30 },
  ];
  const manifest = { comment: "one call", screenshot: { width: w, height: h } };
  const { envelope, pngSize } = core.sealScreenshotReport(PROJECT, publicKey, manifest, {
    rgba,
    width: w,
    height: h,
    rects,
    devicePixelRatio: 1.5,
  });
  assert.deepEqual(rgba, before, "the caller's pixels are not changed");
  const opened = core.openReport(envelope, secretKey, PROJECT);
  assert.deepEqual(opened.manifest, manifest);
  const png = opened.parts.find((p) => p.name === "screenshot.png").data;
  assert.equal(png.length, pngSize);
  assert.deepEqual(png, core.redactAndEncode(before.slice(), w, h, rects, 1.5), "the PNG of the two-step path");
  const { rgba: out } = decodePng(png);
  const px = (x, y) => Array.from(out.subarray((y * w + x) * 4, (y * w + x) * 4 + 4));
  assert.deepEqual(px(6, 7), [0, 0, 0, 255]); // inside the first box (5..20 x 6..15)
  assert.deepEqual(px(63, 47), [0, 0, 0, 255]); // the second box, clipped at the edge
  assert.deepEqual(px(1, 1), Array.from(before.subarray(4 * (w + 1), 4 * (w + 1) + 4)));
});

test("sealScreenshotReport without a screenshot seals the manifest alone; bad input is refused", () => {
  const { publicKey, secretKey } = core.generateKeyPair();
  const { envelope, pngSize } = core.sealScreenshotReport(PROJECT, publicKey, { comment: "no shot" }, null);
  assert.equal(pngSize, 0);
  const opened = core.openReport(envelope, secretKey, PROJECT);
  assert.deepEqual([opened.manifest.comment, opened.parts.length], ["no shot", 1]);
  const shot = { rgba: makeImage(8, 8), width: 8, height: 8, rects: [] };
  assertCode(
    () => core.sealScreenshotReport(PROJECT, publicKey, {}, { ...shot, rects: [{ x: 0, y: 0, width: -1, height: 1 }] }),
    "invalid_argument",
  );
  assertCode(() => core.sealScreenshotReport(PROJECT, publicKey, {}, { ...shot, width: 9 }), "buffer_too_small");
  assertCode(() => core.sealScreenshotReport(PROJECT, "not a key", {}, shot), "bad_key");
});
