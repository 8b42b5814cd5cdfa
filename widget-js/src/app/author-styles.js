// Which computed properties the page's own styles never set. The copy reads
// each copied element's computed properties one getPropertyValue call at a
// time, and on the corpus's template pages that was still most of the clone
// after the style gates (≈260 reads per element). A property that no author
// style sets anywhere on the page (no rule in any sheet, no style attribute,
// no script animation) has on every element the value the browser's own
// stylesheet, the element's attributes and inheritance give it. The copy has
// the same tags and attributes in the same tree under a root whose every
// property is written, so it gets the same value without a read: on those
// pages a copied element reads ≈110 properties instead of ≈260.
//
// The page gives that guarantee only when every sheet can be read. A sheet
// from another origin is read through its copy (app/sheet-copies.js); when
// that fails, when the page is in quirks mode (the copy is laid out in
// standards mode, where the browser's quirks rules do not apply) or a rule
// sets `all`, nothing is left out.

import { ALWAYS_WRITTEN } from "./copied-styles.js";
import { WHOLE_LIST_TAGS } from "./style-gates.js";
import { ownRules, rulesOrCopy } from "./sheet-copies.js";

const HTML = "http://www.w3.org/1999/xhtml";
const SVG = "http://www.w3.org/2000/svg";

// Values the browser resolves per element whoever set them, so an element's
// copy reads them always: lengths resolved from its box (the library writes
// these wherever they differ: capture-dom.js pins boxes by them), colours and
// font sizes resolved from keywords that depend on the color-scheme or on
// Chromium's text autosizing, colours that are `currentcolor` on the page, the direction of a dir=auto element (from its
// text, which the copy blanks where it is personal data), and decorations
// propagated from ancestors.
export const ALWAYS_READ = [
  ...ALWAYS_WRITTEN, // margins, paddings, offsets, origins
  "width",
  "height",
  "grid-template-columns",
  "grid-template-rows",
  "display",
  "color",
  "font-size",
  "line-height",
  "direction",
  "unicode-bidi",
  "-webkit-text-decorations-in-effect",
  // Inherited as `currentcolor` but read as the element's colour: an element
  // that reads its whole list (the root, an element with a ::before) writes
  // that colour, and a child that did not read its own would inherit it.
  "-webkit-text-fill-color",
  "-webkit-text-stroke-color",
  "text-emphasis-color",
];

// A logical property sets its physical twin, which is the one the copy reads.
const LOGICAL_TO_PHYSICAL = [
  [/^(margin|padding)-(block|inline)/, (m) => new RegExp(`^${m[1]}-(top|right|bottom|left)$`)],
  [/^inset(-|$)/, () => /^(top|right|bottom|left)$/],
  [/^border-(block|inline)/, () => /^border-(top|right|bottom|left)-(color|style|width)$/],
  [/^border-(start|end)-(start|end)-radius$/, () => /^border-(top|bottom)-(left|right)-radius$/],
  [/^(min-|max-)?(block|inline)-size$/, () => /^(min-|max-)?(width|height)$/],
  [/^overflow-(block|inline)$/, () => /^overflow-(x|y)$/],
  [/^contain-intrinsic-(block|inline)-size$/, () => /^contain-intrinsic-(width|height)$/],
  [/^corner-(start|end)-(start|end)-shape$/, () => /^corner-(top|bottom)-(left|right)-shape$/],
  [/^-webkit-writing-mode$/, () => /^writing-mode$/],
  [/^-webkit-text-orientation$/, () => /^text-orientation$/],
  // the legacy shorthand sets the border widths too
  [/^-webkit-border-image$/, () => /^border-(image-|(top|right|bottom|left)-width$)/],
];

// Elements whose look the browser's stylesheet changes with a state the copy
// does not have (autofilled, focused, in the top layer, open) or that depend
// on their <select> read their whole list, as do those the style gates give
// their whole list (frames: their document's root is copied with it).
const STATE_SELECTORS = [":autofill", ":focus-visible", ":modal", ":popover-open", ":fullscreen", ":open"];
const STATEFUL_TAGS = new Set(["OPTION", "OPTGROUP", "SELECT", ...WHOLE_LIST_TAGS]);

/**
 * Resolves to the properties of `copied` that no author style of `doc` sets
 * and that ALWAYS_READ leaves out, or null when the page gives no guarantee.
 */
export async function authorFreeProperties(doc, copied) {
  if (doc.compatMode !== "CSS1Compat") return null;
  const set = new Set();
  const sheets = [...doc.styleSheets, ...(doc.adoptedStyleSheets ?? [])];
  for (const el of allElements(doc)) {
    if (el.hasAttribute("style")) addDeclarations(set, el.style);
    const root = el.shadowRoot;
    if (root) sheets.push(...root.styleSheets, ...(root.adoptedStyleSheets ?? []));
  }
  for (const sheet of sheets) if (!(await addSheet(set, sheet))) return null;
  // Script animations (element.animate) are in no sheet. Their keyframes may
  // name shorthands (outline, margin): a scratch declaration expands them.
  const scratch = doc.createElement("div").style;
  for (const animation of doc.getAnimations?.() ?? []) {
    for (const frame of animation.effect?.getKeyframes?.() ?? []) {
      for (const [key, value] of Object.entries(frame)) {
        if (KEYFRAME_TIMING.has(key)) continue;
        scratch.cssText = "";
        scratch.setProperty(dashed(key), String(value));
        addDeclarations(set, scratch);
        set.add(dashed(key));
      }
    }
  }
  if (set.has("all")) return null;
  for (const name of [...set]) {
    for (const [logical, physical] of LOGICAL_TO_PHYSICAL) {
      const m = logical.exec(name);
      if (!m) continue;
      const re = physical(m);
      for (const p of copied) if (re.test(p)) set.add(p);
    }
  }
  // Some names the copy reads are shorthands to the CSSOM, which lists their
  // longhands: `background: … center` sets background-position-x and -y, and
  // the copy reads background-position.
  for (const name of copied) {
    if (!set.has(name) && longhandsOf(scratch, name).some((longhand) => set.has(longhand))) set.add(name);
  }
  for (const name of ALWAYS_READ) set.add(name);
  return new Set(copied.filter((name) => !set.has(name)));
}

/**
 * Wraps listFor(element) so that elements of `doc` leave out the properties
 * in `free` (from authorFreeProperties; null leaves every list as it is),
 * those for which narrows(el) holds (authorStylesNarrow).
 */
export function narrowToAuthorStyles(listFor, doc, free, narrows = authorStylesNarrow(doc)) {
  if (!free?.size) return listFor;
  const narrowed = new WeakMap(); // a list of listFor → that list without `free`
  return (el) => {
    const list = listFor(el);
    if (!narrows(el)) return list;
    let short = narrowed.get(list);
    if (!short) {
      short = list.filter((name) => !free.has(name));
      narrowed.set(list, short);
    }
    return short;
  };
}

/**
 * Returns narrows(el): whether narrowToAuthorStyles leaves the properties no
 * author style sets out of this element's list. Not for other documents
 * (frames), MathML, form options and frames, or an element in a state the copy
 * lacks: they read their whole list. SVG is narrowed like HTML (since 1 Dec):
 * its presentation attributes (fill="currentColor") are attributes, copied
 * with the element, and an admin template's icons (an <svg> reading all ~350
 * properties, each path ~200) were half of all reads on its pages.
 */
export function authorStylesNarrow(doc) {
  const states = supportedSelector(doc, STATE_SELECTORS);
  return (el) =>
    el.ownerDocument === doc &&
    (el.namespaceURI === HTML || el.namespaceURI === SVG) &&
    !STATEFUL_TAGS.has(el.tagName) &&
    !(states && el.matches(states));
}

// Every element of the document and of its open shadow trees, but for the
// widget's own launcher and dialog, which are never copied.
function* allElements(doc) {
  const pending = [doc];
  while (pending.length) {
    for (const el of pending.pop().querySelectorAll("*")) {
      if (el.closest("[data-sealshot-ui]")) continue;
      yield el;
      if (el.shadowRoot) pending.push(el.shadowRoot);
    }
  }
}

async function addSheet(set, sheet) {
  const rules = await rulesOrCopy(sheet);
  if (!rules) return false;
  // The rules are read in one synchronous pass (a template's sheets hold
  // thousands, and a promise per rule cost more than the reading); only an
  // @import of another origin's sheet waits, for its copy.
  const unreadable = [];
  addRules(set, rules, unreadable);
  for (const imported of unreadable) if (!(await addSheet(set, imported))) return false;
  return true;
}

function addRules(set, rules, unreadable) {
  for (const rule of rules) {
    if (rule.style && holdsProperties(rule)) addDeclarations(set, rule.style);
    if (rule.styleSheet) {
      const imported = ownRules(rule.styleSheet);
      if (imported) addRules(set, imported, unreadable);
      else unreadable.push(rule.styleSheet);
    }
    if (rule.cssRules) addRules(set, rule.cssRules, unreadable); // @media, @layer, nesting…
  }
}

// @font-face, @property and @page hold descriptors, not properties of elements.
const DESCRIPTOR_RULE = /FontFace|Property|Page/;
const holdsPropertiesByKind = new Map(); // a rule's constructor → whether its style holds properties
function holdsProperties(rule) {
  let holds = holdsPropertiesByKind.get(rule.constructor);
  if (holds === undefined) {
    holds = !DESCRIPTOR_RULE.test(rule.constructor.name);
    holdsPropertiesByKind.set(rule.constructor, holds);
  }
  return holds;
}

function addDeclarations(set, style) {
  for (let i = 0; i < style.length; i++) set.add(style[i]);
}

const longhands = new Map(); // name → the longhands the CSSOM lists for it

function longhandsOf(scratch, name) {
  let list = longhands.get(name);
  if (!list) {
    scratch.cssText = "";
    scratch.setProperty(name, "initial");
    list = [];
    for (let i = 0; i < scratch.length; i++) list.push(scratch[i]);
    longhands.set(name, list);
  }
  return list;
}

const KEYFRAME_TIMING = new Set(["offset", "computedOffset", "easing", "composite"]);

// Keyframe keys are IDL names: letterSpacing, cssFloat, webkitTextStroke.
function dashed(key) {
  if (key === "cssFloat") return "float";
  const name = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return name.startsWith("webkit-") ? `-${name}` : name;
}

function supportedSelector(doc, selectors) {
  const ok = selectors.filter((s) => {
    try {
      doc.documentElement.matches(s);
      return true;
    } catch {
      return false;
    }
  });
  return ok.join(", ");
}
