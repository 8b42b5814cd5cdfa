// Captures the visible viewport at the device pixel ratio by cloning the DOM
// into an SVG foreignObject (modern-screenshot, chosen by measurement:
// docs/capture-comparison.md). While the copy is built, masked and detected
// text is replaced by same-length blocks, so personal data is not even
// rendered; the pixel boxes of app/collect-rects.js are still applied after.
import { domToCanvas } from "modern-screenshot";
import { blockOut, maskSelector, sensitiveReason, textRedactor } from "../shared/masks.js";
import { webFontCss } from "./fonts.js";

// A failed or cross-origin image becomes this neutral grey box instead of failing the capture.
export const IMAGE_PLACEHOLDER = "data:image/svg+xml," + encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="#c8cdd3"/></svg>');

/** Resolves to {canvas, devicePixelRatio}. found: the result of collectRedactions(). */
export async function captureDom({ found, maskSelectors = [], devicePixelRatio = window.devicePixelRatio || 1 }) {
  const redact = textRedactor(found);
  const selector = maskSelector(maskSelectors);
  // The library copies computed styles inline, -webkit-text-fill-color included, so all three go.
  const hidden = (el) => {
    for (const p of ["color", "-webkit-text-fill-color"]) el.style.setProperty(p, "transparent", "important");
    el.style.setProperty("text-shadow", "none", "important");
  };
  const sanitize = (clone) => {
    if (clone.nodeType !== 1) return;
    const maskedHere = safeMatches(clone, selector);
    if (maskedHere) {
      // Children were cloned first (post-order): blank everything below, and draw none of it.
      hidden(clone);
      const walker = clone.ownerDocument.createTreeWalker(clone, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) n.data = blockOut(n.data);
    } else {
      for (const child of [...clone.childNodes]) {
        if (child.nodeType !== 3) continue;
        const segments = redact(child.data);
        if (segments.length === 1 && !segments[0][1]) continue;
        const doc = clone.ownerDocument;
        const parts = segments.map(([text, secret]) => {
          if (!secret) return doc.createTextNode(text);
          const span = doc.createElement("span");
          hidden(span);
          span.textContent = blockOut(text);
          return span;
        });
        child.replaceWith(...parts);
      }
    }
    const tag = clone.tagName;
    if ((tag === "INPUT" || tag === "TEXTAREA") && clone.hasAttribute("value")) {
      const value = clone.getAttribute("value");
      const sensitive = sensitiveReason({ tag, type: clone.getAttribute("type"), autocomplete: clone.getAttribute("autocomplete"),
        unmasked: clone.hasAttribute("data-sealshot-unmask") });
      const secret = maskedHere || sensitive || redact(value).some(([, s]) => s);
      if (secret) { clone.setAttribute("value", blockOut(value)); hidden(clone); }
    }
  };
  const fontCss = await webFontCss();
  const x = window.scrollX, y = window.scrollY;
  const canvas = await domToCanvas(document.documentElement, {
    width: window.innerWidth,
    height: window.innerHeight,
    scale: devicePixelRatio,
    // The copy is laid out from the top: shift it to what the visitor sees.
    style: x || y ? { transform: `translate(${-x}px, ${-y}px)` } : null,
    // Our own launcher and dialog are never part of the picture.
    filter: (node) => !(node.nodeType === 1 && node.hasAttribute("data-sealshot-ui")),
    onCloneEachNode: sanitize,
    font: fontCss ? { cssText: fontCss } : false,
    fetch: { placeholderImage: IMAGE_PLACEHOLDER },
    workerNumber: 0, // no blob: workers: a strict CSP (worker-src) would refuse them
    timeout: 10_000,
  });
  return { canvas, devicePixelRatio };
}

function safeMatches(el, selector) {
  try { return !!selector && el.matches(selector); } catch { return false; }
}
