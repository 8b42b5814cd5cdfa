// What one full-size pass over a picture costs in this Chromium (software
// canvas, as in the tests): drawing an SVG foreignObject image into a canvas,
// copying that canvas into another, drawing the image at half size, and
// reading the pixels back. Why the widget paints the preview at the size it
// is shown and the full size only on send (src/app/picture.js).
//   node widget-js/bench/canvas-cost.mjs [--width 2560] [--height 1600] [--rounds 3]
import { parseArgs } from "node:util";
import { launch } from "../../tests/browser/support/browser.mjs";

const { values } = parseArgs({
  options: {
    width: { type: "string", default: "2560" },
    height: { type: "string", default: "1600" },
    rounds: { type: "string", default: "3" },
  },
});
const [W, H, rounds] = [Number(values.width), Number(values.height), Number(values.rounds)];
const browser = await launch({ viewport: { width: 1280, height: 800 } });
const page = await browser.context.newPage();
await page.setContent("<!doctype html><body></body>");
const runs = await page.evaluate(
  async ({ W, H, rounds }) => {
    // A page-like image: 400 bordered, shadowed rows of styled text in three columns.
    let rows = "";
    for (let i = 0; i < 400; i++)
      rows += `<div style="padding:2px;border:1px solid #ccc;border-radius:4px;box-shadow:0 1px 3px #0003;font:14px sans-serif">Row ${i} lorem ipsum dolor sit amet <b>bold</b> <i>italic</i></div>`;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W / 2}" height="${H / 2}"><foreignObject width="100%" height="100%"><div xmlns="http://www.w3.org/1999/xhtml" style="column-count:3">${rows}</div></foreignObject></svg>`;
    const image = new Image();
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
    await image.decode();
    const canvasOf = (w, h) => Object.assign(document.createElement("canvas"), { width: w, height: h });
    const time = (f) => {
      const t = performance.now();
      f();
      return +(performance.now() - t).toFixed(1);
    };
    const out = [];
    for (let r = 0; r < rounds; r++) {
      const full = canvasOf(W, H);
      out.push({
        "draw full": time(() => full.getContext("2d").drawImage(image, 0, 0, W, H)),
        "copy full": time(() => canvasOf(W, H).getContext("2d").drawImage(full, 0, 0)),
        "draw half": time(() => {
          const half = canvasOf(W / 2, H / 2).getContext("2d");
          half.drawImage(image, 0, 0, W / 2, H / 2);
          half.getImageData(0, 0, 1, 1);
        }),
        "read full": time(() => full.getContext("2d").getImageData(0, 0, W, H)),
      });
    }
    return out;
  },
  { W, H, rounds },
);
console.log(`${W} x ${H} px, ms per pass (${rounds} rounds):`);
console.table(runs);
await browser.close();
