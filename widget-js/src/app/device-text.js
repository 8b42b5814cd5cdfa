// Text in the copy drawn as the page draws it on a high-density screen.
//
// At a device pixel ratio above 1, Chromium on Linux draws text in the
// system's fonts (fontconfig) unhinted, with subpixel glyph positions, but
// web fonts as at ratio 1. The SVG image the copy is drawn from is a document
// of its own at ratio 1, so its system-font text was hinted at 1× and then
// magnified: each line's glyphs sat 1-4 device px off their line box against
// the page (2 px lower for 13 px DejaVu Sans at ratio 2, 4 px higher for
// 17 px), 1-2% of a table-heavy page's pixels. `text-rendering:
// geometricPrecision` asks for unhinted, subpixel-positioned text: set on
// every element of the copy whose text is drawn in a system font, when the
// ratio is not 1, its lines land on the page's pixels; an element in a web
// font keeps its own value, or it would move the other way
// (tests/browser/fidelity-dpr.test.mjs).

/** Returns apply(copy, original), or null at ratio 1 (text is hinted there, on the page as in the copy). */
export function createDeviceText(devicePixelRatio) {
  if (devicePixelRatio === 1) return null;
  const webFamilies = new WeakMap(); // document → {loaded, declared}: web font family names, lower case
  const systemFont = new Map(); // computed font-family → whether its first available family is a system font
  const familiesOf = (doc) => {
    let f = webFamilies.get(doc);
    if (!f) {
      f = { loaded: new Set(), declared: new Set() };
      for (const face of doc.fonts ?? []) {
        const name = unquote(face.family);
        f.declared.add(name);
        if (face.status === "loaded") f.loaded.add(name);
      }
      webFamilies.set(doc, f);
    }
    return f;
  };
  return function apply(copy, original) {
    if (!copy.style || !original || original.nodeType !== 1) return;
    const view = original.ownerDocument.defaultView;
    const cs = view.getComputedStyle(original);
    let system = systemFont.get(cs.fontFamily);
    if (system === undefined) {
      const { loaded, declared } = familiesOf(original.ownerDocument);
      // A web font that did not load is skipped by the browser, as is any family after the first that is there.
      const first = cs.fontFamily
        .split(",")
        .map(unquote)
        .find((name) => loaded.has(name) || !declared.has(name));
      system = !first || !loaded.has(first);
      systemFont.set(cs.fontFamily, system);
    }
    // !important: the inherited-style pruner (app/copied-styles.js) keeps it, and a child in another font sets its own.
    copy.style.setProperty("text-rendering", system ? "geometricPrecision" : cs.textRendering, "important");
  };
}

function unquote(name) {
  return name
    .trim()
    .replace(/^["']|["']$/g, "")
    .toLowerCase();
}
