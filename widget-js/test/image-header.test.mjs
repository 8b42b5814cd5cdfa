import test from "node:test";
import assert from "node:assert/strict";
import { naturalSize } from "../src/app/image-header.js";

const bytes = (...parts) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : p)));
const u16be = (v) => [v >> 8, v & 255];
const u32be = (v) => [(v >>> 24) & 255, (v >> 16) & 255, (v >> 8) & 255, v & 255];
const u16le = (v) => [v & 255, v >> 8];
const u32le = (v) => [v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255];

const png = (w, h) =>
  bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], u32be(13), "IHDR", u32be(w), u32be(h), [8, 6, 0, 0, 0]);

// A JPEG's markers: SOI, the segments given, then a baseline frame header of w×h.
const segment = (marker, body) => [0xff, marker, ...u16be(body.length + 2), ...body];
const sof = (marker, w, h) => segment(marker, [8, ...u16be(h), ...u16be(w), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
const jpeg = (w, h, ...segments) => bytes([0xff, 0xd8], ...segments, sof(0xc0, w, h));
// An EXIF APP1 segment whose IFD0 holds the orientation tag (or not), in either byte order.
function exif(orientation, little = false) {
  const u16 = little ? u16le : u16be,
    u32 = little ? u32le : u32be;
  const entries = orientation == null ? [] : [[0x0112, 3, 1, orientation]];
  const tiff = [
    ...(little ? [0x49, 0x49] : [0x4d, 0x4d]),
    ...u16(42),
    ...u32(8),
    ...u16(entries.length + 1),
    ...u16(0x010f), // Make, before it
    ...u16(2),
    ...u32(4),
    ...u32(0),
    ...entries.flatMap(([tag, type, count, value]) => [...u16(tag), ...u16(type), ...u32(count), ...u16(value), 0, 0]),
    ...u32(0),
  ];
  return segment(0xe1, [..."Exif\0\0"].map((c) => c.charCodeAt(0)).concat(tiff));
}

test("PNG: the IHDR's width and height", () => {
  assert.deepEqual(naturalSize(png(1469, 720)), { width: 1469, height: 720 });
  assert.equal(naturalSize(png(0, 720)), null);
  assert.equal(naturalSize(png(1469, 720).slice(0, 20)), null, "cut before the height");
});

test("JPEG: the frame header after other segments; progressive too", () => {
  const app0 = segment(0xe0, [..."JFIF\0"].map((c) => c.charCodeAt(0)).concat([1, 1, 0, 0, 1, 0, 1, 0, 0]));
  const dqt = segment(0xdb, new Array(65).fill(1));
  const dht = segment(0xc4, new Array(30).fill(0)); // C4 is a table, not a frame
  assert.deepEqual(naturalSize(jpeg(1900, 1267, app0, dqt, dht)), { width: 1900, height: 1267 });
  assert.deepEqual(naturalSize(bytes([0xff, 0xd8], app0, sof(0xc2, 640, 480))), { width: 640, height: 480 });
  assert.deepEqual(
    naturalSize(bytes([0xff, 0xd8, 0xff, 0xff], sof(0xc0, 8, 4))),
    { width: 8, height: 4 },
    "a fill byte",
  );
  assert.equal(naturalSize(jpeg(1900, 1267, app0).slice(0, 26)), null, "cut before the frame header");
  assert.equal(naturalSize(bytes([0xff, 0xd8], segment(0xda, [0]), [0, 0, 0, 0])), null, "scan data before a frame");
});

test("JPEG: an EXIF orientation that turns it a quarter swaps the sides; others do not", () => {
  for (const little of [false, true]) {
    assert.deepEqual(naturalSize(jpeg(4000, 3000, exif(6, little))), { width: 3000, height: 4000 });
    assert.deepEqual(naturalSize(jpeg(4000, 3000, exif(8, little))), { width: 3000, height: 4000 });
    assert.deepEqual(naturalSize(jpeg(4000, 3000, exif(3, little))), { width: 4000, height: 3000 });
    assert.deepEqual(naturalSize(jpeg(4000, 3000, exif(null, little))), { width: 4000, height: 3000 });
  }
  // An EXIF block it cannot follow: the image is decoded instead.
  assert.equal(
    naturalSize(
      jpeg(
        4000,
        3000,
        segment(
          0xe1,
          [..."Exif\0\0XX"].map((c) => c.charCodeAt(0)),
        ),
      ),
    ),
    null,
  );
});

test("WebP: lossy, lossless and extended; extended with EXIF is decoded instead", () => {
  const riff = (chunk, payload) =>
    bytes("RIFF", u32le(4 + 8 + payload.length), "WEBP", chunk, u32le(payload.length), payload);
  const vp8 = riff("VP8 ", [0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, ...u16le(1900), ...u16le(1267), 0, 0]);
  assert.deepEqual(naturalSize(vp8), { width: 1900, height: 1267 });
  const bits = (1469 - 1) | ((720 - 1) << 14);
  assert.deepEqual(naturalSize(riff("VP8L", [0x2f, ...u32le(bits)])), { width: 1469, height: 720 });
  const vp8x = (flags) => riff("VP8X", [flags, 0, 0, 0, 1899 & 255, 1899 >> 8, 0, 1266 & 255, 1266 >> 8, 0]);
  assert.deepEqual(naturalSize(vp8x(0x10)), { width: 1900, height: 1267 });
  assert.equal(naturalSize(vp8x(0x08)), null);
});

test("other files: null", () => {
  assert.equal(naturalSize(bytes("GIF89a", u16le(10), u16le(10))), null);
  assert.equal(naturalSize(bytes("<svg xmlns=")), null);
  assert.equal(naturalSize(new Uint8Array(0)), null);
});
