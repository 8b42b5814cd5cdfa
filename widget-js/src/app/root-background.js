// The page's background image (a gradient on <body>, a pattern on <html>)
// as the browser paints it: over the whole canvas, sized and positioned
// against the root element's box and repeated from there (CSS Backgrounds,
// "The Canvas Background and the Root Element"). In the copy the root is an
// ordinary element, so the image would stop at its box and leave the rest of
// a short page bare. The canvas colour is filled separately (pageCanvasColor).

/**
 * Adds to the copy's root an element that carries the propagated background
 * image: its padding box is the root's box (the image's positioning area) and
 * transparent borders stretch the painted area over the visible viewport. The
 * source element's own copy then paints no image (nor, for <body>, colour).
 */
export function paintRootBackground(rootCopy, doc = document) {
  const view = doc.defaultView;
  const root = doc.documentElement;
  let source = root,
    cs = view.getComputedStyle(root);
  const bare = (s) => s.backgroundImage === "none" && /(^transparent$|, 0\)$)/.test(s.backgroundColor);
  if (bare(cs) && doc.body) {
    source = doc.body;
    cs = view.getComputedStyle(doc.body);
  }
  if (cs.backgroundImage === "none") return;

  // The root's padding box, in the root copy's coordinates (its border box starts at 0, 0).
  const rcs = view.getComputedStyle(root);
  const rect = root.getBoundingClientRect();
  const bl = parseFloat(rcs.borderLeftWidth) || 0,
    bt = parseFloat(rcs.borderTopWidth) || 0;
  let area = {
    left: bl,
    top: bt,
    width: rect.width - bl - (parseFloat(rcs.borderRightWidth) || 0),
    height: rect.height - bt - (parseFloat(rcs.borderBottomWidth) || 0),
  };
  // The viewport in root coordinates: the root's border box sits at rect (viewport coordinates).
  const visible = {
    left: -rect.left,
    top: -rect.top,
    right: view.innerWidth - rect.left,
    bottom: view.innerHeight - rect.top,
  };
  if (cs.backgroundAttachment.split(",").every((a) => a.trim() === "fixed")) {
    area = { left: visible.left, top: visible.top, width: view.innerWidth, height: view.innerHeight };
  }
  const border = {
    top: Math.max(0, area.top - visible.top),
    left: Math.max(0, area.left - visible.left),
    bottom: Math.max(0, visible.bottom - (area.top + area.height)),
    right: Math.max(0, visible.right - (area.left + area.width)),
  };

  const layer = rootCopy.ownerDocument.createElement("div");
  layer.setAttribute("aria-hidden", "true");
  const s = layer.style;
  for (const [prop, value] of [
    ["position", "absolute"],
    ["z-index", "-2147483648"],
    ["box-sizing", "content-box"],
    ["margin", "0"],
    ["padding", "0"],
    ["left", `${area.left - border.left}px`],
    ["top", `${area.top - border.top}px`],
    ["width", `${area.width}px`],
    ["height", `${area.height}px`],
    ["border-style", "solid"],
    ["border-color", "transparent"],
    ["border-width", `${border.top}px ${border.right}px ${border.bottom}px ${border.left}px`],
    ["background-color", "transparent"],
    ["background-image", cs.backgroundImage],
    ["background-position", cs.backgroundPosition],
    ["background-size", cs.backgroundSize],
    ["background-repeat", cs.backgroundRepeat],
    ["background-blend-mode", cs.backgroundBlendMode],
    ["background-origin", "padding-box"],
    ["background-clip", "border-box"],
    ["pointer-events", "none"],
  ])
    s.setProperty(prop, value, "important");
  // The root copy becomes the layer's containing block and stacking context, painted first.
  rootCopy.style.setProperty("position", "relative");
  rootCopy.style.setProperty("isolation", "isolate");
  rootCopy.prepend(layer);

  const sourceCopy = source === root ? rootCopy : [...rootCopy.children].find((c) => c.tagName === "BODY");
  if (sourceCopy === rootCopy) rootCopy.style.setProperty("background-image", "none", "important");
  else sourceCopy?.style.setProperty("background", "none", "important");
}
