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
//
// They are measured on the page itself, in a closed shadow tree under a host
// that resets every property (`all: initial`): the page's rules do not reach
// into it and it inherits nothing from the page, so a bare element there has
// the styles of a bare element in the sandbox frame's blank document. Reads
// there cost half as much, and the frame's first style and layout (~60 ms)
// is not waited for. Where the page could still reach in (quirks mode, which
// a shadow tree shares; a page whose colour scheme makes the host's initial
// text colour white) the sandbox frame is used, as the library does.
import { frameDocument } from "./capture-frames.js";
import { nextTask, yieldingEvery } from "./yield-slices.js";

// The library leaves these out of every default, so it always writes them.
const NEVER_DEFAULT = new Set(["width", "height", "-webkit-text-fill-color"]);
const XHTML = "http://www.w3.org/1999/xhtml";
const NEVER_COPIED = new Set(["script", "style"]);

/**
 * Fills context.defaultComputedStyles for the tags under `root` (its
 * document's open shadow trees and same-origin frames included) with the
 * values of `properties` on a bare element of each tag, as the library's
 * getDefaultStyle would in its sandbox frame, and sets context.sandbox to
 * the frame `sandbox` resolves to (opened at the capture's start, it has
 * loaded by now as a rule; the library measures there what is left).
 * Reading them takes 30-60 ms on a template page, so the page gets the main
 * thread every few milliseconds, and the clone starts in a task of its own.
 */
export async function measureDefaultStyles(context, root, properties, sandbox = context.sandbox, narrow = null) {
  const cache = context.defaultComputedStyles;
  const found = tagsUnder(root, narrow?.narrows);
  const tags = [...found.keys()].filter((tag) => !cache.has(tag));
  // A tag whose every element reads a list narrowed to the author's
  // properties (app/author-styles.js) is compared on those only.
  const narrowed = narrow?.free?.size ? properties.filter((name) => !narrow.free.has(name)) : properties;
  const propertiesOf = (tag) => (found.get(tag) ? narrowed : properties);
  // Elements that act when made on the page (a frame loads, a media element
  // starts, the page's own custom element runs its code) are made in the frame.
  const active = (tag) => ACTIVE_TAGS.has(tag) || tag.includes("-");
  const onPage = tags.filter((tag) => !active(tag));
  const isolated = onPage.length ? isolatedPlace(root.ownerDocument) : null;
  const inFrame = isolated ? tags.filter(active) : tags;
  if (isolated) await measureIn(isolated, cache, onPage, propertiesOf);
  context.sandbox = await sandbox;
  await measureIn(sandboxPlace(context.sandbox), cache, inFrame, propertiesOf);
  await nextTask();
}

const ACTIVE_TAGS = new Set([
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "video",
  "audio",
  "portal",
  "fencedframe",
]);

async function measureIn(place, cache, tags, propertiesOf) {
  if (!place || !tags.length) {
    place?.remove([]);
    return;
  }
  const { doc, view, parent } = place;
  // Made and filled as the library makes them (a text of one space). Each
  // in a block of its own, as wide as the body it would be alone in:
  // siblings can share a box (adjacent <tbody> and <tr> one anonymous
  // table), and their origins and sizes would differ.
  const blocks = tags.map((tag) => {
    const block = doc.createElement("div");
    block.append(doc.createElement(tag));
    block.firstChild.textContent = " ";
    return block;
  });
  const probes = blocks.map((block) => block.firstChild);
  parent.append(...blocks);
  try {
    // Only names the computed style lists: the library's defaults hold no
    // others, so a name it does not list is never equal to a default.
    const listed = new Set(view.getComputedStyle(probes[0]));
    const comparedLists = new Map(); // a list of propertiesOf → its names the computed style lists
    const compared = (list) => {
      let names = comparedLists.get(list);
      if (!names) {
        names = list.filter((name) => listed.has(name) && !NEVER_DEFAULT.has(name));
        comparedLists.set(list, names);
      }
      return names;
    };
    const pause = yieldingEvery(15);
    for (const [i, el] of probes.entries()) {
      const style = view.getComputedStyle(el);
      cache.set(tags[i], new Map(compared(propertiesOf(tags[i])).map((name) => [name, style.getPropertyValue(name)])));
      await pause();
    }
  } finally {
    place.remove(blocks);
  }
}

// The sandbox frame's empty body, 0 px wide like the frame.
function sandboxPlace(frame) {
  const view = frame?.contentWindow;
  const body = view?.document.body;
  if (!body) return null;
  return { doc: view.document, view, parent: body, remove: (blocks) => blocks.forEach((b) => b.remove()) };
}

// A closed shadow tree on the page whose host stands in for the frame's
// body: every property initial, left to right, 0 px wide, never painted
// (opacity and a 0 px clip do not reach its content's computed styles), and
// never copied (data-sealshot-ui).
const HOST_STYLE = [
  "all: initial",
  "display: block",
  "position: fixed",
  "top: 0",
  "left: 0",
  "width: 0",
  "height: 0",
  "overflow: hidden",
  "opacity: 0",
  "direction: ltr",
  "unicode-bidi: normal",
]
  .map((declaration) => `${declaration} !important`)
  .join("; ");

function isolatedPlace(doc) {
  const view = doc.defaultView;
  if (doc.compatMode !== "CSS1Compat" || !doc.body || !view) return null;
  const host = doc.createElement("div");
  host.setAttribute("data-sealshot-ui", "");
  host.setAttribute("aria-hidden", "true");
  host.style.cssText = HOST_STYLE;
  const shadow = host.attachShadow({ mode: "closed" });
  doc.body.append(host);
  // The initial text colour is black in the frame's light colour scheme; a
  // <meta name="color-scheme" content="dark"> makes it white here.
  if (view.getComputedStyle(host).color !== "rgb(0, 0, 0)") {
    host.remove();
    return null;
  }
  return { doc, view, parent: shadow, remove: () => host.remove() };
}

// Lower-case names of the HTML elements (and <svg> roots, which the library
// measures as an HTML element of that name) that the copy clones under
// `root`. Not inside a display: none element (<head>, closed menus), which
// is copied without its content (app/viewport-cull.js), nor scripts, styles
// and the widget's own elements, which are never copied: their probes were
// the costliest (a <style> is a sheet to parse). A tag missed here is still
// measured by the library. Each maps to whether every element of it
// narrows(el) (false without narrows); `root` is copied with the whole list
// (app/render-copy.js, readPerElement), so its tag never narrows.
function tagsUnder(root, narrows = null) {
  const tags = new Map();
  const add = (el, whole = false) => {
    if (el.namespaceURI !== XHTML && el.localName !== "svg") return;
    const tag = el.nodeName.toLowerCase();
    if (tags.get(tag) === false) return;
    tags.set(tag, !whole && Boolean(narrows?.(el)));
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
    if (top.nodeType === 1) add(top, top === root);
    const walker = doc.createTreeWalker(top, NodeFilter.SHOW_ELEMENT, { acceptNode: accept });
    while (walker.nextNode());
  }
  return tags;
}
