// The visitor's marks on the screenshot. One function draws them both on the
// preview and on the pixels that are sent, so what the visitor sees is what is
// sent. Coordinates are CSS pixels of the screenshot; `scale` turns them into
// image pixels. "hide" boxes are also handed to the core's redaction, which
// fills them opaquely in the final PNG.

export const TOOLS = ["hide", "highlight", "arrow"];
export const MIN_MARK_PX = 4;
// Keyboard drawing: how far one arrow key moves the cross, in CSS pixels.
export const KEY_STEP_PX = 10;
export const KEY_STEP_LARGE_PX = 50;

export function normalizeRect(x1, y1, x2, y2) {
  return { x: Math.min(x1, x2), y: Math.min(y1, y2), width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) };
}

/** A drag from (x1,y1) to (x2,y2) with a tool, or null when too small to mean anything. */
export function markFromDrag(tool, x1, y1, x2, y2) {
  if (Math.hypot(x2 - x1, y2 - y1) < MIN_MARK_PX) return null;
  if (tool === "arrow") return { kind: "arrow", x1, y1, x2, y2 };
  const r = normalizeRect(x1, y1, x2, y2);
  if (r.width < 2 || r.height < 2) return null;
  return { kind: tool, ...r };
}

/** Draws marks on a 2D context whose pixels are `scale` per CSS pixel. Highlights and arrows first, boxes last. */
export function drawMarks(ctx, marks, scale) {
  ctx.save();
  ctx.scale(scale, scale);
  for (const m of marks) {
    if (m.kind === "highlight") {
      ctx.lineWidth = 3;
      ctx.strokeStyle = "#f5b301";
      ctx.strokeRect(m.x, m.y, m.width, m.height);
    } else if (m.kind === "arrow") {
      drawArrow(ctx, m);
    }
  }
  ctx.fillStyle = "#000";
  for (const m of marks) if (m.kind === "hide") ctx.fillRect(m.x, m.y, m.width, m.height);
  ctx.restore();
}

function drawArrow(ctx, { x1, y1, x2, y2 }) {
  const angle = Math.atan2(y2 - y1, x2 - x1),
    head = 16;
  ctx.strokeStyle = ctx.fillStyle = "#e5484d";
  ctx.lineWidth = 4;
  ctx.lineCap = "round";
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x2 - Math.cos(angle) * head * 0.8, y2 - Math.sin(angle) * head * 0.8);
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(x2, y2);
  ctx.lineTo(x2 - head * Math.cos(angle - Math.PI / 7), y2 - head * Math.sin(angle - Math.PI / 7));
  ctx.lineTo(x2 - head * Math.cos(angle + Math.PI / 7), y2 - head * Math.sin(angle + Math.PI / 7));
  ctx.closePath();
  ctx.fill();
}

/** The boxes the core must black out for the visitor's marks. */
export function hideRects(marks) {
  return marks.filter((m) => m.kind === "hide").map(({ x, y, width, height }) => ({ x, y, width, height }));
}

/**
 * The keyboard cross after an arrow key, kept inside a screenshot of
 * width x height CSS pixels; null for any other key.
 */
export function moveCursor(cursor, key, large, width, height) {
  const step = large ? KEY_STEP_LARGE_PX : KEY_STEP_PX;
  const delta = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[key];
  if (!delta) return null;
  const clamp = (v, max) => Math.min(Math.max(v, 0), max);
  return { x: clamp(cursor.x + delta[0], width), y: clamp(cursor.y + delta[1], height) };
}

/** The keyboard cross (and the corner a mark started from), on the preview only: never in the sent pixels. */
export function drawCursor(ctx, cursor, anchor, scale) {
  ctx.save();
  ctx.scale(scale, scale);
  ctx.lineWidth = 2;
  for (const [color, width] of [
    ["#fff", 5],
    ["#0a66c2", 2],
  ]) {
    // a light halo keeps it visible on any background
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.moveTo(cursor.x - 14, cursor.y);
    ctx.lineTo(cursor.x + 14, cursor.y);
    ctx.moveTo(cursor.x, cursor.y - 14);
    ctx.lineTo(cursor.x, cursor.y + 14);
    if (anchor) ctx.rect(anchor.x - 4, anchor.y - 4, 8, 8);
    ctx.stroke();
  }
  ctx.restore();
}
