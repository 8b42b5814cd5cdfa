// The part of the page the visitor sees: the visual viewport, in CSS px of
// the layout viewport (getBoundingClientRect's coordinates). The picture is
// of this area, and the redaction boxes are measured relative to its corner.
//
// On a desktop they are the same rectangle, less the scrollbars (which the
// copy could not draw anyway). On a phone, a page wider than the screen
// grows the layout viewport to its own width: a page 970 CSS px wide laid
// out on a 390 px screen has a 970 × 2,100 px layout viewport, of which the
// visitor sees 390 × 844. Captured whole at ratio 3 it was a 2,907 × 6,285 px
// picture, six times the screen's pixels, most of them never shown, and
// drawing, reading back and previewing it took over 200 ms each (issue 8).
// A page the phone shows zoomed out (no viewport tag) has a visual viewport as
// large as its layout viewport: it stays whole, at the scale the screen shows
// (captureScale in app/capture-dom.js). When the visitor has zoomed in or
// the on-screen keyboard is up, the visual viewport is what is on screen.

/** {x, y, width, height}: the visual viewport, within the layout viewport. */
export function visibleArea(view = window) {
  const layout = { x: 0, y: 0, width: view.innerWidth, height: view.innerHeight };
  const vv = view.visualViewport;
  if (!vv || !(vv.width > 0) || !(vv.height > 0)) return layout;
  const x = Math.max(0, vv.offsetLeft),
    y = Math.max(0, vv.offsetTop);
  const width = Math.min(vv.width, layout.width - x),
    height = Math.min(vv.height, layout.height - y);
  return width > 0 && height > 0 ? { x, y, width, height } : layout;
}
