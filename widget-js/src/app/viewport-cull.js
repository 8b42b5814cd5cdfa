// The capture is of the viewport, but the DOM copy was of the whole page: on
// an admin dashboard the 150 table rows scrolled out of view were cloned,
// styled, serialized and laid out again inside the SVG image, whose parse and
// layout was then the longest main-thread task of the capture.
//
// An element whose box lies wholly outside the viewport, and nothing of
// whose content can paint inside it, is copied as a *shell*: the element
// itself with all its computed styles (so its size, margins, float and place
// in the layout are the live page's), but none of its children. Everything in
// view keeps its place because nothing before or around it changed size.
//
// Only boxes the copy pins by their own computed width and height are shells:
// block-level boxes (block, list-item, flex, grid, table, table rows; not
// row groups, which an empty copy would draw with no height). An inline box's size comes from its text, and emptying one
// above the viewport would reflow the lines below it into view. Never a shell:
// the options of a <select> (it draws them), fixed and sticky boxes, shadow hosts, frames, elements inside shadow trees
// or frames, boxes with a shadow, outline or filter that paints past the box,
// boxes whose content overflows them (scrollWidth/scrollHeight), and any
// ancestor of an element that is in view (an absolutely positioned or
// transformed descendant can be far from its ancestors' boxes).
//
// An element that is display: none is a shell wherever it is: neither it nor
// anything inside it is drawn, and it has no box to keep. A template's
// closed dropdowns, modals and tab panels sit inside the navigation bar and
// the page in view; their content was copied whole, every element with its
// styles read (on an admin template's user list, the hidden row menus and
// modals).
//
// What an element paints of its own (its background images, an <img>'s
// pixels) stays inside its border box. An element whose box is wholly
// outside the viewport, shell or not, needs none of its images: a landing
// page scrolled to its contact form carried its hero photo, 36% of the
// copy's characters, for nothing (boxUnseen; app/capture-dom.js drops them).
// Not the root or the body, whose backgrounds paint the whole canvas, nor a
// box with a filter or a reflection, which paint past the box.
//
// The redaction is not affected: the live page is scanned and measured as
// before (app/collect-rects.js), and a shell carries no text at all.

import { visibleArea } from "./visible-area.js";

const DRAWN_BY_SELECT = new Set(["OPTION", "OPTGROUP"]);
const SHELL_DISPLAYS = new Set(["block", "list-item", "flow-root", "flex", "grid", "table", "table-row"]);
// Past the viewport by more than this (CSS px): anti-aliasing and sub-pixel
// glyph overhang never reach that far.
const MARGIN = 8;

/**
 * Returns {inView, boxUnseen(el, cs), isShell(el), wasShell(el)}; measured once, on the live page as it
 * is now. area: the part of the layout viewport that is drawn (app/visible-area.js).
 */
export function createViewportCull(doc = document, area = visibleArea(doc.defaultView)) {
  const view = doc.defaultView;
  const outside = (r) =>
    r.bottom < area.y - MARGIN ||
    r.top > area.y + area.height + MARGIN ||
    r.right < area.x - MARGIN ||
    r.left > area.x + area.width + MARGIN;
  // Elements that must stay whole: every element in view, every shadow host, and their ancestors.
  const kept = new WeakSet();
  const keep = (el) => {
    for (let p = el; p && !kept.has(p); p = p.parentElement) kept.add(p);
  };
  const inView = []; // in document order
  for (const el of doc.querySelectorAll("*")) {
    if (el.shadowRoot || el.localName === "iframe") {
      keep(el);
      continue;
    }
    if (!el.getClientRects().length) continue; // no box (display: none, in <head>)
    if (outside(el.getBoundingClientRect())) continue;
    keep(el);
    inView.push(el);
  }
  const shells = new WeakSet();
  const decided = new WeakMap();

  function shellable(el) {
    if (kept.has(el) || el.ownerDocument !== doc || el.getRootNode() !== doc || el === doc.body) return false;
    // A <select> draws its options: they have no box of their own, so they
    // looked outside the viewport, and the copy's select showed no text.
    if (DRAWN_BY_SELECT.has(el.tagName)) return false;
    const cs = view.getComputedStyle(el);
    if (cs.display === "none") return true;
    if (!SHELL_DISPLAYS.has(cs.display) || cs.position === "fixed" || cs.position === "sticky") return false;
    if (
      cs.boxShadow !== "none" ||
      cs.filter !== "none" ||
      (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0)
    )
      return false;
    // Content (text too) that overflows the box paints outside it.
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) return false;
    // A baseline-aligned flex or grid item: its baseline would move with its content.
    const parent = el.parentElement && view.getComputedStyle(el.parentElement);
    if (parent && /baseline/.test(parent.alignItems + cs.alignSelf)) return false;
    return true;
  }

  return {
    /** The elements of the document (not of its shadow trees or frames) whose box is in view. */
    inView,
    /**
     * Whether nothing el paints of its own can show: its border box lies
     * wholly outside the viewport. cs: its computed style.
     */
    boxUnseen(el, cs) {
      if (el.ownerDocument !== doc || el === doc.documentElement || el === doc.body) return false;
      if (cs.filter !== "none" || !/^(none)?$/.test(cs.getPropertyValue("-webkit-box-reflect"))) return false;
      return el.getClientRects().length > 0 && outside(el.getBoundingClientRect());
    },
    /** Called for each element the copy is about to clone (its parent is not a shell). */
    isShell(el) {
      if (el.nodeType !== 1) return false;
      let shell = decided.get(el);
      if (shell === undefined) {
        shell = shellable(el);
        decided.set(el, shell);
        if (shell) shells.add(el);
      }
      return shell;
    },
    /** Whether el was made a shell: its children are not copied. */
    wasShell(el) {
      return !!el && shells.has(el);
    },
  };
}
