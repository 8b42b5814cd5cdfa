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
// measures them again; a key missed here is still measured by the library itself.
//
// They are measured on the page itself, in a closed shadow tree under a host
// that resets every property (`all: initial`): the page's rules do not reach
// into it and it inherits nothing from the page, so a bare element there has
// the styles of a bare element in the sandbox frame's blank document. Reads
// there cost half as much, and the frame's first style and layout (~60 ms)
// is not waited for. Where the page could still reach in (quirks mode, which
// a shadow tree shares; a page whose colour scheme makes the host's initial
// text colour white) the sandbox frame is used, as the library does.
//
// The batch also holds the library's other keys: an SVG element inside an
// <svg> (keyed by its tag and its fill and stroke attributes), and the
// pseudo-elements of elements that may have them (::before and ::after, and
// the scrollbar's parts on a scrolling element that a scrollbar rule may
// style). The library measured each alone during the clone, ~3 ms a key: 15
// keys and 37-48 ms on an admin template's user list (docs/benchmarks.md).
import { frameDocument } from "./capture-frames.js";
import { CONTENT_PSEUDOS, SCROLLBAR_PSEUDOS, hasContent } from "./pseudo-elements.js";
import { nextTask, yieldingEvery } from "./yield-slices.js";

// The library leaves these out of every default, so it always writes them.
const NEVER_DEFAULT = new Set(["width", "height", "-webkit-text-fill-color"]);
const XHTML = "http://www.w3.org/1999/xhtml";
const SVG = "http://www.w3.org/2000/svg";
const NEVER_COPIED = new Set(["script", "style"]);
// The library's SVG key names these attributes (its includedAttributes).
const SVG_KEY_ATTRIBUTES = ["stroke", "fill"];

/**
 * Fills context.defaultComputedStyles for the tags under `root` (its
 * document's open shadow trees and same-origin frames included) with the
 * values of `properties` on a bare element of each tag, as the library's
 * getDefaultStyle would in its sandbox frame, and sets context.sandbox to
 * the frame `sandbox` resolves to (opened at the capture's start, it has
 * loaded by now as a rule; the library measures there what is left).
 * narrow: {free, narrows} (app/author-styles.js). pseudoElements: {content(el),
 * scrollbar(el)}, whether an element may have a ::before/::after and
 * scrollbar parts a rule styles (app/pseudo-elements.js); without it no
 * pseudo-element is measured here. isShell(el): whether the copy takes el
 * without its content (app/viewport-cull.js): what is inside is not measured.
 * Reading them takes 30-60 ms on a template page, so the page gets the main
 * thread every few milliseconds, and the clone starts in a task of its own.
 */
export async function measureDefaultStyles(
  context,
  root,
  properties,
  { sandbox = context.sandbox, narrow = null, pseudoElements = null, isShell = null } = {},
) {
  const cache = context.defaultComputedStyles;
  const found = probesUnder(root, narrow?.narrows, pseudoElements, isShell);
  const probes = [...found.values()].filter((probe) => !cache.has(probe.key));
  // A tag whose every element reads a list narrowed to the author's
  // properties (app/author-styles.js) is compared on those only.
  // Pseudo-elements and SVG elements are compared on any list of their element's.
  const narrowed = narrow?.free?.size ? properties.filter((name) => !narrow.free.has(name)) : properties;
  const propertiesOf = (probe) => (probe.narrowed ? narrowed : properties);
  // Elements that act when made on the page (a frame loads, a media element
  // starts, the page's own custom element runs its code) are made in the frame.
  const active = (probe) => ACTIVE_TAGS.has(probe.tag) || probe.tag.includes("-");
  const onPage = probes.filter((probe) => !active(probe));
  const isolated = onPage.length ? isolatedPlace(root.ownerDocument) : null;
  const inFrame = isolated ? probes.filter(active) : probes;
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

async function measureIn(place, cache, probes, propertiesOf) {
  if (!place || !probes.length) {
    place?.remove([]);
    return;
  }
  const { doc, view, parent } = place;
  // Made and filled as the library makes them (a text of one space). Each
  // in a block of its own, as wide as the body it would be alone in:
  // siblings can share a box (adjacent <tbody> and <tr> one anonymous
  // table), and their origins and sizes would differ.
  const made = probes.map((probe) => makeProbe(doc, probe));
  const blocks = made.map((m) => m.block);
  parent.append(...blocks);
  try {
    // Only names the computed style lists: the library's defaults hold no
    // others, so a name it does not list is never equal to a default.
    const listed = new Set(view.getComputedStyle(made[0].el));
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
    for (const [i, { el }] of made.entries()) {
      const probe = probes[i];
      const style = view.getComputedStyle(el, probe.pseudo);
      cache.set(probe.key, new Map(compared(propertiesOf(probe)).map((name) => [name, style.getPropertyValue(name)])));
      await pause();
    }
  } finally {
    place.remove(blocks);
  }
}

// The element the library would measure for a probe, in a block of its own:
// an HTML element of the tag (also for <svg>, and for a pseudo-element), or
// an SVG element of the lower-case tag with the key's attributes inside an <svg>.
function makeProbe(doc, probe) {
  const block = doc.createElement("div");
  let el;
  if (probe.svgChild) {
    const svg = doc.createElementNS(SVG, "svg");
    el = doc.createElementNS(SVG, probe.tag);
    for (const [name, value] of probe.attributes) el.setAttributeNS(null, name, value);
    svg.append(el);
    block.append(svg);
  } else {
    el = doc.createElement(probe.tag);
    block.append(el);
  }
  el.textContent = " ";
  return { block, el };
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

// The library's keys for what the copy clones under `root`, each to a probe
// {key, tag, pseudo, svgChild, attributes, narrowed}: HTML elements (and
// <svg> roots, which the library measures as an HTML element of that name)
// by their lower-case name, SVG elements inside an <svg> by name and paint
// attributes, pseudo-elements as "tag:::before". Not inside a display: none
// element (<head>, closed menus), which is copied without its content
// (app/viewport-cull.js), nor scripts, styles and the widget's own elements,
// which are never copied: their probes were the costliest (a <style> is a
// sheet to parse). A key missed here is still measured by the library.
// narrowed: whether every element of a tag narrows(el) (false without
// narrows); `root` is copied with the whole list. Nor inside a shell.
function probesUnder(root, narrows = null, pseudoElements = null, isShell = null) {
  const probes = new Map();
  const add = (el, whole = false) => {
    const isSvg = el.namespaceURI === SVG && el.localName !== "svg";
    if (el.namespaceURI !== XHTML && !isSvg && el.localName !== "svg") return;
    const tag = el.nodeName.toLowerCase();
    if (isSvg) {
      const attributes = SVG_KEY_ATTRIBUTES.map((name) => [name, el.getAttribute(name)]).filter(([, v]) => v !== null);
      const key = libraryKey(tag, attributes, null, true);
      if (!probes.has(key)) probes.set(key, { key, tag, pseudo: null, svgChild: true, attributes, narrowed: false });
      return;
    }
    const probe = probes.get(tag);
    if (probe?.narrowed === false) return;
    probes.set(tag, { key: tag, tag, pseudo: null, svgChild: false, narrowed: !whole && Boolean(narrows?.(el)) });
  };
  // exists(): whether the library will copy it (asked only while its key is missing)
  const addPseudo = (el, pseudo, exists = () => true) => {
    if (el.namespaceURI === SVG && el.localName !== "svg") return; // the library keys these with their attributes
    const tag = el.nodeName.toLowerCase();
    const key = libraryKey(tag, [], pseudo, false);
    if (!probes.has(key) && exists()) probes.set(key, { key, tag, pseudo, svgChild: false, narrowed: false });
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
      const style = view.getComputedStyle(el);
      if (style.display === "none") return NodeFilter.FILTER_REJECT;
      // Many elements a ::before rule may select have none (a rule's state or
      // later part did not match): a default is measured only for a pseudo-element that exists.
      if (pseudoElements?.content(el))
        for (const pseudo of CONTENT_PSEUDOS)
          addPseudo(el, pseudo, () => hasContent(view.getComputedStyle(el, pseudo)));
      if (pseudoElements?.scrollbar(el) && copiesScrollbar(el, style))
        for (const pseudo of SCROLLBAR_PSEUDOS) addPseudo(el, pseudo);
      return isShell?.(el) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
    };
    if (top.nodeType === 1) add(top, top === root);
    const walker = doc.createTreeWalker(top, NodeFilter.SHOW_ELEMENT, { acceptNode: accept });
    while (walker.nextNode());
  }
  return probes;
}

// When the library copies an element's scrollbar parts: it scrolls, or may and its content overflows.
function copiesScrollbar(el, style) {
  const overflow = [style.overflowX, style.overflowY];
  if (overflow.includes("scroll")) return true;
  if (!overflow.includes("auto") && !overflow.includes("overlay")) return false;
  return el.scrollHeight > el.clientHeight || el.scrollWidth > el.clientWidth;
}

// modern-screenshot's getDefaultStyle key, as it builds it (its attribute
// part reads "fill,#fff=0": each [name, value] pair, then its index).
function libraryKey(tag, attributes, pseudo, svgChild) {
  return [svgChild && "svg", tag, attributes.map((pair, index) => `${pair}=${index}`).join(","), pseudo]
    .filter(Boolean)
    .join(":");
}
