// Text in the copy drawn as the page draws it on a high-density screen.
//
// At a device pixel ratio above 1, Chromium on Linux (and Windows, and
// Android) renders page text unhinted, with subpixel glyph positions: hinting
// is for low-density screens. The SVG image the copy is drawn from is a
// document of its own at ratio 1, so its text was hinted, at 1× and then
// magnified: hinting moves each line's glyphs by a device pixel or two
// against the line box (2 px lower for 13 px DejaVu Sans at ratio 2, 4 px
// higher for 17 px), which made 1-2% of a table-heavy page's pixels differ.
// `text-rendering: geometricPrecision` asks Chromium for unhinted, subpixel
// positioned text; forced on every element and pseudo-element of the copy
// when the ratio is not 1, the copy's text lands on the page's pixels
// (tests/browser/fidelity.test.mjs, "device pixel ratio 2").

/** A <style> for the copy's root, or null at ratio 1 (text hinted there as on the page). */
export function deviceTextStyle(doc, devicePixelRatio) {
  if (devicePixelRatio === 1) return null;
  const style = doc.createElement("style");
  style.textContent = "*, *::before, *::after, *::marker, *::placeholder { text-rendering: geometricPrecision !important; }";
  return style;
}
