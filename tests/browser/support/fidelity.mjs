// Fidelity of a capture: the share of pixels of the sent PNG that match
// Chromium's own screenshot of the same viewport, outside the redaction boxes.
// A pixel matches when no channel (alpha included: a transparent pixel is a
// hole in the picture, whatever it is later shown on) differs by more than
// `tolerance`, which absorbs anti-aliasing and sub-pixel glyph positioning.
import fs from "node:fs";
import path from "node:path";
import { fillAndSend, nextEvent, openDialog } from "./fixture.mjs";
import { decodePng } from "../../wasm/support/png-decode.mjs";

/** {share, compared, mismatched}; boxes in CSS px (widened by 1 px), dpr the PNG's pixel ratio. */
export function fidelity(capturedPng, referencePng, { boxes = [], dpr = 1, tolerance = 40, region = null } = {}) {
  const a = decodePng(capturedPng),
    b = decodePng(referencePng);
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(`size ${a.width}x${a.height} != reference ${b.width}x${b.height}`);
  }
  const { width, height } = a;
  const ca = a.rgba.length / (a.width * a.height),
    cb = b.rgba.length / (b.width * b.height);
  const inBox = new Uint8Array(a.width * a.height);
  for (const r of boxes) {
    const x0 = Math.max(0, Math.floor((r.x - 1) * dpr)),
      y0 = Math.max(0, Math.floor((r.y - 1) * dpr));
    const x1 = Math.min(a.width, Math.ceil((r.x + r.width + 1) * dpr)),
      y1 = Math.min(a.height, Math.ceil((r.y + r.height + 1) * dpr));
    for (let y = y0; y < y1; y++) inBox.fill(1, y * a.width + x0, y * a.width + Math.max(x0, x1));
  }
  const [rx0, ry0, rx1, ry1] = region
    ? [
        Math.floor(region.x * dpr),
        Math.floor(region.y * dpr),
        Math.ceil((region.x + region.width) * dpr),
        Math.ceil((region.y + region.height) * dpr),
      ]
    : [0, 0, width, height];
  let compared = 0,
    mismatched = 0;
  for (let y = Math.max(0, ry0); y < Math.min(height, ry1); y++) {
    for (let x = Math.max(0, rx0); x < Math.min(width, rx1); x++) {
      const p = y * a.width + x;
      if (inBox[p]) continue;
      compared++;
      const i = p * ca,
        j = (y * b.width + x) * cb;
      const alphaA = ca === 4 ? a.rgba[i + 3] : 255,
        alphaB = cb === 4 ? b.rgba[j + 3] : 255;
      if (
        Math.abs(a.rgba[i] - b.rgba[j]) > tolerance ||
        Math.abs(a.rgba[i + 1] - b.rgba[j + 1]) > tolerance ||
        Math.abs(a.rgba[i + 2] - b.rgba[j + 2]) > tolerance ||
        Math.abs(alphaA - alphaB) > tolerance
      )
        mismatched++;
    }
  }
  return { share: compared ? 1 - mismatched / compared : 1, compared, mismatched };
}

/**
 * Chromium's screenshot of the viewport, then the widget's capture sent
 * through the real server and read back from the stored envelope:
 * {reference, png, manifest, detail}. With SEALSHOT_TEST_OUT both PNGs are written there as NAME-*.png.
 */
export async function referenceAndSent(env, page, name = "page") {
  // Our launcher is never in the capture: it is hidden for the reference too.
  await page.waitForSelector("[data-sealshot-ui]", { state: "attached" });
  await page.evaluate(() =>
    document.querySelectorAll("[data-sealshot-ui]").forEach((el) => el.style.setProperty("visibility", "hidden")),
  );
  const reference = await page.screenshot({ animations: "disabled", caret: "hide" });
  await page.evaluate(() =>
    document.querySelectorAll("[data-sealshot-ui]").forEach((el) => el.style.removeProperty("visibility")),
  );
  const sent = nextEvent(page, "sealshot:sent", 60_000);
  await openDialog(page);
  await fillAndSend(page, "Fidelity check");
  const detail = await sent;
  const { manifest, parts } = env.open(await env.ingest.envelope(detail.submission));
  const png = parts.find((p) => p.name === "screenshot.png").data;
  if (process.env.SEALSHOT_TEST_OUT) {
    fs.writeFileSync(path.join(process.env.SEALSHOT_TEST_OUT, `${name}-reference.png`), reference);
    fs.writeFileSync(path.join(process.env.SEALSHOT_TEST_OUT, `${name}-sent.png`), png);
  }
  return { reference, png, manifest, detail };
}
