import test from "node:test";
import assert from "node:assert/strict";
import { drawnSize, splitLayers } from "../src/app/image-sizes.js";

const photo = { width: 2000, height: 1000 };
const area = { width: 400, height: 400 };
const round = (s) => s && { width: Math.round(s.width), height: Math.round(s.height) };

test("background-size: cover, contain, auto, lengths and percentages", () => {
  const bg = (background) => round(drawnSize({ background, ...area }, photo));
  assert.deepEqual(bg("cover"), { width: 800, height: 400 });
  assert.deepEqual(bg("contain"), { width: 400, height: 200 });
  assert.deepEqual(bg("auto"), { width: 2000, height: 1000 }); // its natural size
  assert.deepEqual(bg("auto auto"), { width: 2000, height: 1000 });
  assert.deepEqual(bg("100px"), { width: 100, height: 50 }); // the other side keeps the ratio
  assert.deepEqual(bg("auto 100px"), { width: 200, height: 100 });
  assert.deepEqual(bg("50% 25%"), { width: 200, height: 100 });
  assert.equal(bg("calc(10px + 50%) auto"), null, "a size it cannot read");
});

test("object-fit of an <img> in a 400×400 box", () => {
  const img = (fit) => round(drawnSize({ img: fit, ...area }, photo));
  assert.deepEqual(img("fill"), { width: 400, height: 400 });
  assert.deepEqual(img("contain"), { width: 400, height: 200 });
  assert.deepEqual(img("cover"), { width: 800, height: 400 });
  assert.deepEqual(img("none"), { width: 2000, height: 1000 });
  assert.deepEqual(img("scale-down"), { width: 400, height: 200 });
  assert.deepEqual(round(drawnSize({ img: "scale-down", ...area }, { width: 100, height: 50 })), {
    width: 100,
    height: 50,
  });
});

test("layers split at top-level commas only", () => {
  assert.deepEqual(splitLayers('url("a,b.jpg"), linear-gradient(rgb(0, 0, 0), red), url(c.png)'), [
    'url("a,b.jpg")',
    "linear-gradient(rgb(0, 0, 0), red)",
    "url(c.png)",
  ]);
  assert.deepEqual(splitLayers("cover, 10px auto"), ["cover", "10px auto"]);
});
