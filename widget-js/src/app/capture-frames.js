// Same-origin frames in the DOM copy, drawn where the visitor sees them.
//
// modern-screenshot clones a frame's <html> in place of the <iframe> and then
// overwrites that copy's style with the iframe's computed style, diffed
// against an iframe's defaults: the UA's inline display and 2 px inset border
// are dropped (the copy is an <html>, a block without border), the frame's
// own root style is lost, content inherits the host page's font and colour,
// and nothing clips it to the frame. So each frame copy is rebuilt as
//   box (the iframe's box: display, border, padding, size, clipping)
//   └ viewport (the frame's viewport: its size, its canvas background, a
//     fresh inheritance root, containing block of the frame's fixed elements)
//     └ the frame's <html> copy, its own style, moved up by the frame's scroll.

/** The frame's document when it is same-origin and loaded, else null. */
export function frameDocument(iframe) {
  try {
    return iframe.contentDocument?.documentElement ? iframe.contentDocument : null;
  } catch {
    return null;
  }
}

/**
 * The colour the browser paints a document's canvas with: the root's
 * background colour, else the body's (CSS background propagation); null when
 * both are transparent (a frame then shows its iframe's background, a page
 * the browser's base colour, see pageCanvasColor).
 */
export function canvasColor(doc) {
  const view = doc.defaultView;
  for (const el of [doc.documentElement, doc.body]) {
    if (!el) continue;
    const color = view.getComputedStyle(el).backgroundColor;
    if (!isTransparent(color)) return color;
  }
  return null;
}

/**
 * The top-level canvas: the propagated root background composited over the
 * base colour (white, or Chromium's dark canvas for a page that asks for a dark
 * colour scheme). Opaque, so no part of the picture is ever transparent.
 */
export function pageCanvasColor(doc = document) {
  const scheme = getComputedStyle(doc.documentElement).colorScheme || "";
  const dark =
    /\bdark\b/.test(scheme) && (!/\blight\b/.test(scheme) || matchMedia("(prefers-color-scheme: dark)").matches);
  const base = dark ? [18, 18, 18] : [255, 255, 255];
  const rgba = parseRgba(canvasColor(doc));
  if (!rgba) return `rgb(${base.join(", ")})`;
  const a = rgba[3];
  return `rgb(${[0, 1, 2].map((i) => Math.round(rgba[i] * a + base[i] * (1 - a))).join(", ")})`;
}

function isTransparent(color) {
  const rgba = parseRgba(color);
  return !rgba || rgba[3] === 0;
}

function parseRgba(color) {
  const m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(color || "");
  if (!m) return null;
  let a = m[4] === undefined ? 1 : parseFloat(m[4]);
  if (m[4]?.endsWith("%")) a /= 100;
  return [+m[1], +m[2], +m[3], a];
}

const BOX_PROPERTIES = [
  "display",
  "box-sizing",
  "width",
  "height",
  "vertical-align",
  ...["top", "right", "bottom", "left"].flatMap((side) => [
    `border-${side}-width`,
    `border-${side}-style`,
    `border-${side}-color`,
    `padding-${side}`,
  ]),
];

/**
 * Collects the frame copies while the DOM is cloned and rebuilds them once the
 * copy is complete (the library appends each copy to its parent after the
 * hooks ran, so it can only be moved afterwards).
 */
export function createFrameLayout() {
  const frames = [];
  return {
    /** First hook call for a frame copy: the frame's <html> was cloned with its own style. */
    rootCloned(copy) {
      frames.push({ copy, rootStyle: copy.style.cssText, iframe: null });
    },
    /** Second hook call on the same copy, now carrying the iframe's style. */
    frameCloned(copy, iframe) {
      const entry = frames.find((f) => f.copy === copy);
      if (entry) entry.iframe = iframe;
    },
    /** Rebuilds every frame copy (from onCloneNode, when the whole copy exists). */
    layOut() {
      for (const { copy, rootStyle, iframe } of frames)
        if (iframe && copy.parentNode) layOutFrame(copy, rootStyle, iframe);
      frames.length = 0;
    },
  };
}

function layOutFrame(copy, rootStyle, iframe) {
  const doc = copy.ownerDocument;
  const live = iframe.ownerDocument.defaultView.getComputedStyle(iframe);
  const frameDoc = frameDocument(iframe);
  const box = doc.createElement("div");
  box.style.cssText = copy.style.cssText; // the iframe's style, and a mask's black-out if it is masked
  for (const prop of BOX_PROPERTIES) box.style.setProperty(prop, live.getPropertyValue(prop));
  // Chromium paints an inset/outset border in the current colour (the UA's
  // iframe border) in grey shades, but the same colour written out in dark
  // ones: a border colour equal to the text colour is kept as currentcolor.
  box.style.setProperty("color", live.color);
  for (const side of ["top", "right", "bottom", "left"]) {
    if (live.getPropertyValue(`border-${side}-color`) === live.color)
      box.style.setProperty(`border-${side}-color`, "currentcolor");
  }
  // A replaced element sits in a line like an inline-block.
  if (live.display === "inline") box.style.setProperty("display", "inline-block");
  box.style.setProperty("overflow", "hidden");
  for (const name of ["id", "class", "title"])
    if (iframe.hasAttribute(name)) box.setAttribute(name, iframe.getAttribute(name));

  const viewport = doc.createElement("div");
  const width = iframe.clientWidth - parseFloat(live.paddingLeft) - parseFloat(live.paddingRight);
  const height = iframe.clientHeight - parseFloat(live.paddingTop) - parseFloat(live.paddingBottom);
  const background = frameDoc ? canvasColor(frameDoc) : null;
  // all: initial makes the frame an inheritance root, as its own document is.
  viewport.style.cssText = `all: initial; display: block; position: relative; overflow: hidden; contain: paint;
    width: ${width}px; height: ${height}px;${background ? ` background-color: ${background};` : ""}`;

  copy.style.cssText = rootStyle;
  const view = frameDoc?.defaultView;
  const x = view?.scrollX || 0,
    y = view?.scrollY || 0;
  if (frameDoc) unscrollChildren(copy, frameDoc, x, y);
  // A root is a formatting context of its own: body's top margin stays inside it.
  copy.style.setProperty("display", "flow-root");
  copy.style.setProperty("position", "relative");
  copy.style.setProperty("margin", "0");
  copy.style.setProperty("top", `${-y}px`);
  copy.style.setProperty("left", `${-x}px`);
  copy.replaceWith(box);
  box.append(viewport);
  viewport.append(copy);
}

/**
 * restoreScrollPosition shifted the children of a document's scroller copy by
 * the document scroll (a transform on each); the caller moves the whole root
 * instead, so that shift comes off again. An identity matrix would still be a
 * containing block for fixed descendants, so it becomes no transform at all.
 * rootCopy: the copy of doc.documentElement.
 */
export function unscrollChildren(rootCopy, doc, x, y) {
  if (!x && !y) return;
  const scroller = doc.scrollingElement;
  const copy =
    scroller === doc.documentElement
      ? rootCopy
      : scroller === doc.body
        ? [...rootCopy.children].find((c) => c.tagName === "BODY")
        : null;
  for (const child of copy?.children ?? []) {
    const s = child.style;
    if (!s?.transform) continue;
    const m = new DOMMatrix(s.transform);
    m.e += x;
    m.f += y;
    if (m.isIdentity) s.removeProperty("transform");
    else s.transform = m.toString();
  }
}
