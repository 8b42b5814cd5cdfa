// The visitor's marks on the screenshot. One function draws them both on the
// preview and on the pixels that are sent, so what the visitor sees is what is
// sent. Coordinates are CSS pixels of the screenshot; `scale` turns them into
// image pixels. "hide" boxes are also handed to the core's redaction, which
// fills them opaquely in the final PNG.

export const TOOLS = ["hide", "highlight", "arrow"];
export const MIN_MARK_PX = 4;

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
  const angle = Math.atan2(y2 - y1, x2 - x1), head = 16;
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
