import { test } from "node:test";
import assert from "node:assert/strict";
import { hideRects, markFromDrag } from "../src/app/annotate.js";

test("drags become marks in any direction; tiny drags are ignored", () => {
  assert.deepEqual(markFromDrag("hide", 50, 40, 10, 20), { kind: "hide", x: 10, y: 20, width: 40, height: 20 });
  assert.deepEqual(markFromDrag("arrow", 1, 2, 30, 40), { kind: "arrow", x1: 1, y1: 2, x2: 30, y2: 40 });
  assert.equal(markFromDrag("highlight", 5, 5, 6, 7), null);
  assert.equal(markFromDrag("hide", 0, 0, 100, 1), null);
});

test("only black-out marks join the redaction list", () => {
  const marks = [markFromDrag("hide", 0, 0, 10, 10), markFromDrag("highlight", 0, 0, 20, 20), markFromDrag("arrow", 0, 0, 9, 9)];
  assert.deepEqual(hideRects(marks), [{ x: 0, y: 0, width: 10, height: 10 }]);
});
