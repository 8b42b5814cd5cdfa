// A captured picture that is painted when it is needed, at the size it is
// needed: {width, height, paint(ctx, w, h)}, its full size in device pixels.
// The dialog paints it once at the size the preview is shown; the full-size
// pixels are painted and read only when the report is sealed. Painting and
// copying a 2,560 × 1,600 canvas are about 100-200 ms each here (a software
// canvas; widget-js/bench/canvas-cost.mjs); the preview, at the half size a
// dialog shows it, has a quarter of the pixels.

/** A picture of a canvas that already holds the pixels (a tab capture, an uploaded image). */
export function canvasPicture(canvas) {
  return {
    width: canvas.width,
    height: canvas.height,
    paint(ctx, w, h) {
      ctx.drawImage(canvas, 0, 0, w, h);
    },
  };
}

/**
 * The picture with each box (CSS px) filled black, at any size: the box's
 * device pixels rounded outward, as the core rounds them when it fills them
 * again, authoritatively, on send. devicePixelRatio: the picture's pixels per CSS px.
 */
export function redactedPicture(picture, boxes, devicePixelRatio) {
  return {
    width: picture.width,
    height: picture.height,
    paint(ctx, w, h) {
      picture.paint(ctx, w, h);
      // At full size exactly the ratio (no rounding of ratio × w / w to shift a box's edge).
      const sx = w === picture.width ? devicePixelRatio : (devicePixelRatio * w) / picture.width,
        sy = h === picture.height ? devicePixelRatio : (devicePixelRatio * h) / picture.height;
      ctx.fillStyle = "#000";
      for (const r of boxes) {
        const x0 = Math.floor(r.x * sx),
          y0 = Math.floor(r.y * sy);
        ctx.fillRect(x0, y0, Math.ceil((r.x + r.width) * sx) - x0, Math.ceil((r.y + r.height) * sy) - y0);
      }
    },
  };
}

/** A new canvas of w × h (the full size by default) with the picture painted on it. */
export function paintedCanvas(picture, w = picture.width, h = picture.height) {
  const canvas = document.createElement("canvas");
  canvas.width = w;
  canvas.height = h;
  picture.paint(canvas.getContext("2d"), w, h);
  return canvas;
}
