// The redaction boxes on a picture painted at any size (src/app/picture.js):
// at full size exactly the fill the core repeats on send (outward rounding at
// the ratio, also a fractional one), at the preview's size scaled with it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { redactedPicture } from "../src/app/picture.js";

/** A 2D context that records what is drawn. */
function recordingContext() {
  const calls = [];
  return {
    calls,
    fillStyle: null,
    fillRect(x, y, w, h) {
      calls.push(["fillRect", this.fillStyle, x, y, w, h]);
    },
  };
}

const painted = (width, height) => ({
  width,
  height,
  paint(ctx, w, h) {
    ctx.calls.push(["paint", w, h]);
  },
});

test("at full size each box is filled over its device pixels, rounded outward, after the picture", () => {
  const ctx = recordingContext();
  const box = { x: 10.3, y: 20.6, width: 50.2, height: 12.1 };
  redactedPicture(painted(1405, 2532), [box], 1.2).paint(ctx, 1405, 2532);
  assert.deepEqual(ctx.calls[0], ["paint", 1405, 2532], "the picture first, the boxes over it");
  const [, colour, x, y, w, h] = ctx.calls[1];
  assert.equal(colour, "#000");
  assert.deepEqual(
    [x, y, x + w, y + h],
    [Math.floor(10.3 * 1.2), Math.floor(20.6 * 1.2), Math.ceil(60.5 * 1.2), Math.ceil(32.7 * 1.2)],
  );
});

test("at the preview's size the boxes scale with the picture and still cover the whole box", () => {
  const ctx = recordingContext();
  const box = { x: 100, y: 50, width: 33.3, height: 10 };
  redactedPicture(painted(2560, 1600), [box], 2).paint(ctx, 1440, 900);
  const [, , x, y, w, h] = ctx.calls[1];
  const k = (2 * 1440) / 2560; // preview px per CSS px
  assert.ok(x <= box.x * k && y <= box.y * k, "starts at or before the box");
  assert.ok(x + w >= (box.x + box.width) * k && y + h >= (box.y + box.height) * k, "ends at or after it");
  assert.ok(w - box.width * k < 2 && h - box.height * k < 2, "by less than a pixel each side");
});
