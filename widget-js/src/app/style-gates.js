// Per element, which computed properties the DOM copy reads. modern-screenshot
// reads every property of its list (copiedStyleProperties(), ≈370) on every
// copied element, one getPropertyValue call each, and on the corpus's slow
// pages that was most of the clone's 0.8–1 s. Many of them cannot change how
// a given element is drawn, and a few of its own values say which: a border
// side whose style is none has no colour to show, a box that is not a grid
// has no grid template, a static box ignores top/left, an HTML element has no
// SVG geometry. Those groups are left out of that element's list; the copy
// then gets the browser's initial value, which draws the same.
//
// Plain HTML elements are narrowed by groups. An SVG element inside an
// <svg> (a shape, a group, a gradient stop, text) lays out and paints no CSS
// box: the non-inherited properties of boxes (margins, borders, backgrounds,
// flex and grid, positioning…) do nothing there, and on an admin template's
// icons those elements were half of all reads. The <svg> itself, a
// <foreignObject> (both CSS boxes), MathML and a frame (its document's root
// is copied with the frame's list) get the whole list. An element with a ::before/::after shares its list with them (the
// library copies a pseudo-element with its element's list), so a group is
// left out only when it is inert for all three. Inherited properties are narrowed only in the
// SVG group: the copy's own pruner (createInheritedPruner) drops inherited
// values a child gets from its parent's copy, which must then carry them.

import { INHERITED } from "./copied-styles.js";
import { CONTENT_PSEUDOS, hasContent } from "./pseudo-elements.js";

export const SVG_ONLY_PROPERTIES = [
  "alignment-baseline",
  "baseline-shift",
  "buffered-rendering",
  "clip-rule",
  "color-interpolation",
  "color-interpolation-filters",
  "color-rendering",
  "cx",
  "cy",
  "dominant-baseline",
  "fill",
  "fill-opacity",
  "fill-rule",
  "flood-color",
  "flood-opacity",
  "lighting-color",
  "marker-end",
  "marker-mid",
  "marker-start",
  "mask-type",
  "r",
  "rx",
  "ry",
  "shape-rendering",
  "stop-color",
  "stop-opacity",
  "stroke",
  "stroke-dasharray",
  "stroke-dashoffset",
  "stroke-linecap",
  "stroke-linejoin",
  "stroke-miterlimit",
  "stroke-opacity",
  "stroke-width",
  "text-anchor",
  "vector-effect",
  "x",
  "y",
];

const GRID = /grid/;
const FLEX = /flex/;
const WEBKIT_BOX = /-webkit-(inline-)?box/;
const NONE = (v) => v === "none";
const isMulticol = (s) => s.columnCount !== "auto" || s.columnWidth !== "auto";
const isGapContainer = (s) => GRID.test(s.display) || FLEX.test(s.display) || isMulticol(s);
const notScrollable = (v) => v === "visible" || v === "clip";
const REPLACED = new Set(["IMG", "VIDEO", "CANVAS", "EMBED", "OBJECT", "INPUT", "AUDIO"]);
const FORM_CONTROLS = new Set(["INPUT", "TEXTAREA", "SELECT", "BUTTON"]);

// Each group: the properties it holds and when they are inert for an element
// (s: its computed style, parent: its flat-tree parent's display, or null
// when that is not known, e.g. a slotted node or a parent with display: contents).
const GROUPS = [
  { inert: () => true, names: SVG_ONLY_PROPERTIES },
  // the copy carries no `content` or `d`: the library drops both after reading them
  { inert: () => true, names: ["content", "d"] },
  {
    inert: (s) => !GRID.test(s.display),
    names: [
      "grid-auto-columns",
      "grid-auto-flow",
      "grid-auto-rows",
      "grid-template-areas",
      "grid-template-columns",
      "grid-template-rows",
    ],
  },
  {
    inert: (s, parent) => parent !== null && !GRID.test(parent),
    names: ["grid-column-end", "grid-column-start", "grid-row-end", "grid-row-start"],
  },
  { inert: (s) => !FLEX.test(s.display), names: ["flex-direction", "flex-wrap"] },
  {
    inert: (s, parent) => parent !== null && !FLEX.test(parent) && !GRID.test(parent) && !WEBKIT_BOX.test(parent),
    names: ["flex-basis", "flex-grow", "flex-shrink", "order"],
  },
  {
    inert: (s) => !WEBKIT_BOX.test(s.display),
    names: ["-webkit-box-align", "-webkit-box-orient", "-webkit-box-pack"],
  },
  {
    inert: (s, parent) => parent !== null && !WEBKIT_BOX.test(parent),
    names: ["-webkit-box-flex", "-webkit-box-ordinal-group"],
  },
  {
    inert: (s) => !isMulticol(s),
    names: [
      "column-fill",
      "column-height",
      "column-rule-break",
      "column-rule-color",
      "column-rule-inset-cap-end",
      "column-rule-inset-cap-start",
      "column-rule-inset-junction-end",
      "column-rule-inset-junction-start",
      "column-rule-style",
      "column-rule-visibility-items",
      "column-rule-width",
      "column-wrap",
    ],
  },
  {
    inert: (s) => !isGapContainer(s),
    names: [
      "column-gap",
      "row-gap",
      "row-rule-break",
      "row-rule-color",
      "row-rule-inset-cap-end",
      "row-rule-inset-cap-start",
      "row-rule-inset-junction-end",
      "row-rule-inset-junction-start",
      "row-rule-style",
      "row-rule-visibility-items",
      "row-rule-width",
      "rule-overlap",
    ],
  },
  { inert: (s) => s.position === "static", names: ["top", "right", "bottom", "left"] },
  {
    inert: (s) => s.position !== "absolute" && s.position !== "fixed",
    names: ["position-anchor", "position-area", "position-try-fallbacks", "position-try-order", "position-visibility"],
  },
  {
    inert: (s) => NONE(s.borderTopStyle) || s.borderTopStyle === "hidden",
    names: ["border-top-color", "border-top-width"],
  },
  {
    inert: (s) => NONE(s.borderRightStyle) || s.borderRightStyle === "hidden",
    names: ["border-right-color", "border-right-width"],
  },
  {
    inert: (s) => NONE(s.borderBottomStyle) || s.borderBottomStyle === "hidden",
    names: ["border-bottom-color", "border-bottom-width"],
  },
  {
    inert: (s) => NONE(s.borderLeftStyle) || s.borderLeftStyle === "hidden",
    names: ["border-left-color", "border-left-width"],
  },
  { inert: (s) => NONE(s.outlineStyle), names: ["outline-color", "outline-offset", "outline-width"] },
  {
    inert: (s) => NONE(s.backgroundImage),
    names: [
      "background-attachment",
      "background-blend-mode",
      "background-origin",
      "background-position",
      "background-repeat",
      "background-size",
    ],
  },
  {
    inert: (s) => NONE(s.maskImage),
    names: [
      "mask-clip",
      "mask-composite",
      "mask-mode",
      "mask-origin",
      "mask-position",
      "mask-repeat",
      "mask-size",
      "-webkit-mask-position-x",
      "-webkit-mask-position-y",
    ],
  },
  {
    inert: (s) => NONE(s.getPropertyValue("-webkit-mask-box-image-source")),
    names: [
      "-webkit-mask-box-image",
      "-webkit-mask-box-image-outset",
      "-webkit-mask-box-image-repeat",
      "-webkit-mask-box-image-slice",
      "-webkit-mask-box-image-width",
    ],
  },
  {
    inert: (s) => NONE(s.borderImageSource),
    names: ["border-image-outset", "border-image-repeat", "border-image-slice", "border-image-width"],
  },
  {
    // Decorations a parent draws across this element use the parent's values.
    inert: (s) => NONE(s.textDecorationLine),
    names: ["text-decoration", "text-decoration-color", "text-decoration-style", "text-decoration-thickness"],
  },
  {
    inert: (s) => NONE(s.transform) && NONE(s.rotate) && NONE(s.scale) && NONE(s.translate) && NONE(s.offsetPath),
    names: ["transform-origin", "transform-box"],
  },
  { inert: (s) => NONE(s.perspective), names: ["perspective-origin"] },
  {
    inert: (s) => NONE(s.offsetPath),
    names: ["offset-anchor", "offset-distance", "offset-position", "offset-rotate"],
  },
  { inert: (s) => NONE(s.shapeOutside), names: ["shape-image-threshold", "shape-margin"] },
  { inert: (s) => s.display !== "table" && s.display !== "inline-table", names: ["table-layout"] },
  {
    inert: (s) => notScrollable(s.overflowX) && notScrollable(s.overflowY),
    names: ["scrollbar-gutter", "scrollbar-width"],
  },
];
const REPLACED_GROUP = ["object-fit", "object-position", "object-view-box"];
const FORM_GROUP = ["field-sizing"];

const HTML = "http://www.w3.org/1999/xhtml";
/** Tags that always get the whole list (a frame's document root is copied with its list). */
export const WHOLE_LIST_TAGS = new Set(["IFRAME", "FRAME", "OBJECT", "EMBED"]);

const SVG = "http://www.w3.org/2000/svg";
// SVG elements that are CSS boxes.
const SVG_BOXES = new Set(["svg", "foreignObject"]);
// Non-inherited properties only a CSS box uses (vertical-align, overflow,
// outline, transforms, clipping, masking and filters do apply in SVG, and
// are kept; so is every inherited property, which an SVG child passes on).
const BOX_ONLY =
  /^(?:margin-|padding-|border-|background-|box-|-webkit-box-|flex|grid-|align-|justify-|order$|row-gap$|column-|position|top$|right$|bottom$|left$|float$|clear$|z-index$|min-|max-|table-layout$|object-|aspect-ratio$|resize$|appearance$|text-overflow$|counter-|break-|page$|shape-(?:outside|margin|image-threshold)$|-webkit-line-clamp$|-webkit-mask-box-image|container-type$|field-sizing$|contain-intrinsic-|content-visibility$|row-rule-|rule-overlap$)/;

/** Whether an SVG element inside an <svg> reads this property (for tests). */
export function readBySvgChild(name) {
  return INHERITED.has(name) || !BOX_ONLY.test(name);
}

/**
 * Returns listFor(element): the properties of `all` (the full list, in its
 * order) that the copy of this element reads. One array per combination of
 * inert groups, shared by every element with that combination.
 * mayHavePseudoElements(element): false when it has no ::before or ::after
 * (app/pseudo-elements.js), so its pseudo-elements are not asked.
 */
export function createStyleGates(all, mayHavePseudoElements = () => true) {
  const lists = new Map();
  const svgChildList = all.filter(readBySvgChild);
  const parentDisplays = new WeakMap();
  const present = new Set(all);
  const groups = [
    ...GROUPS,
    { inert: (s, parent, el) => !REPLACED.has(el.tagName), names: REPLACED_GROUP },
    { inert: (s, parent, el) => !FORM_CONTROLS.has(el.tagName), names: FORM_GROUP },
  ].map((g) => ({ ...g, names: g.names.filter((n) => present.has(n)) }));

  const parentDisplay = (el) => {
    if (el.assignedSlot) return null;
    let parent = el.parentNode;
    if (parent?.nodeType === 11) parent = parent.host; // a shadow root's child is laid out in its host
    if (parent?.nodeType !== 1) return null;
    let display = parentDisplays.get(parent);
    if (display === undefined) {
      display = parent.ownerDocument.defaultView.getComputedStyle(parent).display;
      parentDisplays.set(parent, display);
    }
    return display === "contents" ? null : display;
  };

  // The groups inert for a box with style s in a parent of that display, as bits.
  const inertGroups = (s, parent, el) => {
    let key = 0;
    for (let i = 0; i < groups.length; i++) if (groups[i].inert(s, parent, el)) key |= 1 << i;
    return key;
  };

  return function listFor(el) {
    if (el.namespaceURI === SVG && !SVG_BOXES.has(el.localName)) return svgChildList;
    if (el.namespaceURI !== HTML || WHOLE_LIST_TAGS.has(el.tagName)) return all;
    const view = el.ownerDocument.defaultView;
    const s = view.getComputedStyle(el);
    let key = inertGroups(s, parentDisplay(el), el);
    // The library copies a ::before/::after with its element's list: a group
    // is left out only where it is inert for the element and for each of its
    // pseudo-elements (laid out inside it, or in its parent when it is
    // display: contents, which counts as an unknown parent).
    for (const which of mayHavePseudoElements(el) ? CONTENT_PSEUDOS : []) {
      const pseudo = view.getComputedStyle(el, which);
      if (!hasContent(pseudo)) continue;
      key &= inertGroups(pseudo, s.display === "contents" ? null : s.display, el);
    }
    let list = lists.get(key);
    if (!list) {
      const inert = new Set();
      for (let i = 0; i < groups.length; i++) if (key & (1 << i)) for (const n of groups[i].names) inert.add(n);
      list = all.filter((n) => !inert.has(n));
      lists.set(key, list);
    }
    return list;
  };
}

/** For tests: every property some group can leave out. */
export const GATED_PROPERTIES = [...GROUPS.flatMap((g) => g.names), ...REPLACED_GROUP, ...FORM_GROUP];
