import { test } from "node:test";
import assert from "node:assert/strict";
import { hideRects, KEY_STEP_LARGE_PX, KEY_STEP_PX, markFromDrag, moveCursor } from "../src/app/annotate.js";

test("drags become marks in any direction; tiny drags are ignored", () => {
  assert.deepEqual(markFromDrag("hide", 50, 40, 10, 20), { kind: "hide", x: 10, y: 20, width: 40, height: 20 });
  assert.deepEqual(markFromDrag("arrow", 1, 2, 30, 40), { kind: "arrow", x1: 1, y1: 2, x2: 30, y2: 40 });
  assert.equal(markFromDrag("highlight", 5, 5, 6, 7), null);
  assert.equal(markFromDrag("hide", 0, 0, 100, 1), null);
});

test("only black-out marks join the redaction list", () => {
  const marks = [
    markFromDrag("hide", 0, 0, 10, 10),
    markFromDrag("highlight", 0, 0, 20, 20),
    markFromDrag("arrow", 0, 0, 9, 9),
  ];
  assert.deepEqual(hideRects(marks), [{ x: 0, y: 0, width: 10, height: 10 }]);
});

test("arrow keys move the keyboard cross in small or large steps and never off the screenshot", () => {
  const c = { x: 100, y: 100 };
  assert.deepEqual(moveCursor(c, "ArrowRight", false, 1920, 1080), { x: 100 + KEY_STEP_PX, y: 100 });
  assert.deepEqual(moveCursor(c, "ArrowUp", true, 1920, 1080), { x: 100, y: 100 - KEY_STEP_LARGE_PX });
  assert.deepEqual(moveCursor({ x: 5, y: 1075 }, "ArrowLeft", true, 1920, 1080), { x: 0, y: 1075 });
  assert.deepEqual(moveCursor({ x: 5, y: 1075 }, "ArrowDown", false, 1920, 1080), { x: 5, y: 1080 });
  assert.equal(moveCursor(c, "Enter", false, 1920, 1080), null);
  assert.equal(moveCursor(c, "a", false, 1920, 1080), null);
});
