// The default styles the copy is compared with, measured for all tags at once.
//
// modern-screenshot writes on each copied element the computed properties
// that differ from a default element of the same tag, and it measures that
// default lazily, one tag at a time, in its sandbox frame: each new tag is an
// append, a forced style and layout of the frame, ~370 reads and a removal.
// On an admin template's user list 44 tags cost 85 ms of the clone's ~550
// (docs/benchmarks.md). Here every HTML tag the copy will meet is measured in
// one pass before the clone starts: one style and layout for all of them, and
// only the properties the copy compares. The library finds them in its cache
// (context.defaultComputedStyles, keyed by the lower-case tag name) and never
// measures them again; a tag missed here (an SVG child, keyed by its paint
// attributes) is still measured by the library itself.
import { frameDocument } from "./capture-frames.js";
import { nextTask, yieldingEvery } from "./yield-slices.js";

// The library leaves these out of every default, so it always writes them.
const NEVER_DEFAULT = new Set(["width", "height", "-webkit-text-fill-color"]);
const XHTML = "http://www.w3.org/1999/xhtml";
const NEVER_COPIED = new Set(["script", "style"]);

/**
 * Fills context.defaultComputedStyles for the tags under `root` (its
 * document's open shadow trees and same-origin frames included) with the
 * values of `properties` on a bare element of each tag in context.sandbox,
 * as the library's getDefaultStyle would. Reading them takes 30-60 ms on a
 * template page, so the page gets the main thread every few milliseconds, and
 * the clone starts in a task of its own.
 */
export async function measureDefaultStyles(context, root, properties) {
  const view = context.sandbox?.contentWindow;
  const body = view?.document.body;
  if (!body) return;
  const cache = context.defaultComputedStyles;
  const tags = [...tagsUnder(root)].filter((tag) => !cache.has(tag));
  if (!tags.length) return;
  // Made and filled as the library makes them (a text of one space). Each
  // in a block of its own, as wide as the body it would be alone in:
  // siblings can share a box (adjacent <tbody> and <tr> one anonymous
  // table), and their origins and sizes would differ.
  const doc = view.document;
  const blocks = tags.map((tag) => {
    const block = doc.createElement("div");
    block.append(doc.createElement(tag));
    block.firstChild.textContent = " ";
    return block;
  });
  const probes = blocks.map((block) => block.firstChild);
  body.append(...blocks);
  try {
    // Only names the computed style lists: the library's defaults hold no
    // others, so a name it does not list is never equal to a default.
    const listed = new Set(view.getComputedStyle(probes[0]));
    const compared = properties.filter((name) => listed.has(name) && !NEVER_DEFAULT.has(name));
    const pause = yieldingEvery(15);
    for (const [i, el] of probes.entries()) {
      const style = view.getComputedStyle(el);
      cache.set(tags[i], new Map(compared.map((name) => [name, style.getPropertyValue(name)])));
      await pause();
    }
  } finally {
    for (const block of blocks) block.remove();
  }
  await nextTask();
}

// Lower-case names of the HTML elements (and <svg> roots, which the library
// measures as an HTML element of that name) that the copy clones under
// `root`. Not inside a display: none element (<head>, closed menus), which
// is copied without its content (app/viewport-cull.js), nor scripts, styles
// and the widget's own elements, which are never copied: their probes were
// the costliest (a <style> is a sheet to parse). A tag missed here is still
// measured by the library.
function tagsUnder(root) {
  const tags = new Set();
  const add = (el) => {
    if (el.namespaceURI === XHTML || el.localName === "svg") tags.add(el.nodeName.toLowerCase());
  };
  const pending = [root];
  while (pending.length) {
    const top = pending.pop();
    const doc = top.ownerDocument;
    const view = doc.defaultView;
    const accept = (el) => {
      if (NEVER_COPIED.has(el.localName) || el.hasAttribute("data-sealshot-ui")) return NodeFilter.FILTER_REJECT;
      add(el);
      if (el.shadowRoot) pending.push(el.shadowRoot);
      if (el.localName === "iframe") {
        const frame = frameDocument(el);
        if (frame) pending.push(frame.documentElement);
      }
      return view.getComputedStyle(el).display === "none" ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
    };
    if (top.nodeType === 1) add(top);
    const walker = doc.createTreeWalker(top, NodeFilter.SHOW_ELEMENT, { acceptNode: accept });
    while (walker.nextNode());
  }
  return tags;
}
