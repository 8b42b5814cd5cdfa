// Pixel checks of the corpus: is a label's box one solid colour in the sent
// PNG, and how much of the sent image outside redactions matches Chromium's
// own screenshot of the same viewport.

/** Per-channel difference up to which two pixels count as the same (anti-aliasing, colour rounding). */
export const CHANNEL_TOLERANCE = 24;

/** Device-pixel rectangle of a CSS box, rounded inward (the core rounds its fills outward). */
function devicePixels(box, dpr, width, height) {
  return {
    x0: Math.max(0, Math.ceil(box.x * dpr)),
    y0: Math.max(0, Math.ceil(box.y * dpr)),
    x1: Math.min(width, Math.floor((box.x + box.width) * dpr)),
    y1: Math.min(height, Math.floor((box.y + box.height) * dpr)),
  };
}

/**
 * For each box: true when all its device pixels (rounded inward) have one and
 * the same colour (a redaction fill), false when not, null when it covers no
 * whole device pixel. A label's boxes are its words, each may be filled alone.
 */
export function solidBoxes(image, boxes, dpr) {
  const { width, height, rgba } = image;
  return boxes.map((b) => {
    const { x0, y0, x1, y1 } = devicePixels(b, dpr, width, height);
    if (x1 <= x0 || y1 <= y0) return null;
    const i0 = (y0 * width + x0) * 4;
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) {
        const i = (y * width + x) * 4;
        if (
          rgba[i] !== rgba[i0] ||
          rgba[i + 1] !== rgba[i0 + 1] ||
          rgba[i + 2] !== rgba[i0 + 2] ||
          rgba[i + 3] !== rgba[i0 + 3]
        )
          return false;
      }
    return true;
  });
}

/**
 * The redactions in the sent image: 4-connected areas of opaque black that
 * fill at least 90% of their bounding rectangle (the core's fills are solid
 * black rectangles; text strokes are not). Returns a mask (1 = redacted).
 */
export function redactionMask(image) {
  const { width, height, rgba } = image;
  const black = new Uint8Array(width * height);
  for (let p = 0, i = 0; p < black.length; p++, i += 4)
    black[p] = rgba[i] === 0 && rgba[i + 1] === 0 && rgba[i + 2] === 0 && rgba[i + 3] === 255 ? 1 : 0;
  const mask = new Uint8Array(width * height);
  const seen = new Uint8Array(width * height);
  const stack = new Int32Array(width * height);
  const component = [];
  for (let start = 0; start < black.length; start++) {
    if (!black[start] || seen[start]) continue;
    let top = 0,
      x0 = width,
      y0 = height,
      x1 = -1,
      y1 = -1;
    component.length = 0;
    stack[top++] = start;
    seen[start] = 1;
    while (top) {
      const p = stack[--top];
      component.push(p);
      const x = p % width,
        y = (p - x) / width;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if (x > 0 && black[p - 1] && !seen[p - 1]) {
        seen[p - 1] = 1;
        stack[top++] = p - 1;
      }
      if (x < width - 1 && black[p + 1] && !seen[p + 1]) {
        seen[p + 1] = 1;
        stack[top++] = p + 1;
      }
      if (y > 0 && black[p - width] && !seen[p - width]) {
        seen[p - width] = 1;
        stack[top++] = p - width;
      }
      if (y < height - 1 && black[p + width] && !seen[p + width]) {
        seen[p + width] = 1;
        stack[top++] = p + width;
      }
    }
    const area = (x1 - x0 + 1) * (y1 - y0 + 1);
    if (component.length >= 16 && component.length >= 0.9 * area) for (const p of component) mask[p] = 1;
  }
  return mask;
}

/**
 * Fidelity: the share of pixels outside redactions (and `margin` device px
 * around them, where the fill's edge meets anti-aliased page content) whose
 * channels all differ from Chromium's screenshot by at most CHANNEL_TOLERANCE.
 * Also returns the share of the image that is redacted.
 */
export function fidelity(sent, reference, margin) {
  // A phone's visual viewport can be a device pixel shorter than innerHeight × dpr: compare
  // the common area then; a larger difference means the capture is of something else.
  if (Math.abs(sent.width - reference.width) > margin || Math.abs(sent.height - reference.height) > margin) {
    return {
      fidelity: null,
      redacted: null,
      note: `size ${sent.width}x${sent.height} vs screenshot ${reference.width}x${reference.height}`,
    };
  }
  const width = Math.min(sent.width, reference.width),
    height = Math.min(sent.height, reference.height);
  sent = crop(sent, width, height);
  reference = crop(reference, width, height);
  const mask = redactionMask(sent);
  let redacted = 0;
  for (let p = 0; p < mask.length; p++) redacted += mask[p];
  // Grow the mask by `margin` pixels (separable: rows, then columns).
  const grown = new Uint8Array(mask);
  const rows = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    let last = -Infinity;
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x]) last = x;
      if (x - last <= margin) rows[y * width + x] = 1;
    }
    last = Infinity;
    for (let x = width - 1; x >= 0; x--) {
      if (mask[y * width + x]) last = x;
      if (last - x <= margin) rows[y * width + x] = 1;
    }
  }
  for (let x = 0; x < width; x++) {
    let last = -Infinity;
    for (let y = 0; y < height; y++) {
      if (rows[y * width + x]) last = y;
      if (y - last <= margin) grown[y * width + x] = 1;
    }
    last = Infinity;
    for (let y = height - 1; y >= 0; y--) {
      if (rows[y * width + x]) last = y;
      if (last - y <= margin) grown[y * width + x] = 1;
    }
  }
  let compared = 0,
    matching = 0;
  const a = sent.rgba,
    b = reference.rgba;
  for (let p = 0, i = 0; p < grown.length; p++, i += 4) {
    if (grown[p]) continue;
    compared++;
    if (
      Math.abs(a[i] - b[i]) <= CHANNEL_TOLERANCE &&
      Math.abs(a[i + 1] - b[i + 1]) <= CHANNEL_TOLERANCE &&
      Math.abs(a[i + 2] - b[i + 2]) <= CHANNEL_TOLERANCE
    )
      matching++;
  }
  return { fidelity: compared ? matching / compared : null, redacted: redacted / mask.length };
}

function crop(image, width, height) {
  if (image.width === width && image.height === height) return image;
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    rgba.set(image.rgba.subarray(y * image.width * 4, (y * image.width + width) * 4), y * width * 4);
  return { width, height, rgba };
}
