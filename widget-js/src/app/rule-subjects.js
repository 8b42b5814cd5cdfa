// The elements that some of a tree's style rules may select, found with one
// querySelectorAll: the rules' selectors with their pseudo-elements and
// pointer and focus states taken off (`a:hover::after` → `a`). Used where asking every element's
// computed style would cost more than the whole step it serves
// (app/generated-content.js, app/pseudo-elements.js).

import { rulesOf } from "./sheet-copies.js";

const PSEUDO_ELEMENT = /::?(before|after|marker)\b/gi;
// States that come and go with the pointer and focus: taken off too, so an
// element selected only while hovered is among the elements (a superset).
const USER_ACTION = /:(hover|active|focus-within|focus-visible|focus)(?![\w-])/gi;

/**
 * Elements of `root` (a document or shadow root) selected by the style rules
 * of its sheets for which test(rule) holds, with `extra` selectors added
 * (e.g. "q", whose quotes come from the browser's own sheet); in document
 * order. null when that cannot be known: a sheet from another origin without
 * a copy (app/sheet-copies.js), or a
 * selector a query from this root cannot answer (nesting, :host, ::slotted,
 * ::part, :scope). strip: a pattern taken off each selector as well (other
 * pseudo-elements).
 */
export function elementsSelectedBy(root, test, extra = [], { strip = null } = {}) {
  const selectors = new Set();
  const sheets = [...(root.styleSheets ?? []), ...(root.adoptedStyleSheets ?? [])];
  const visitRules = (rules) => {
    for (const rule of rules) {
      if (rule.styleSheet) visitRules(readable(rule.styleSheet)); // @import
      if (rule.selectorText !== undefined && test(rule)) {
        if (/&|:host|::slotted|::part|:scope/i.test(rule.selectorText)) throw new Error("not a query");
        let selector = rule.selectorText.replace(PSEUDO_ELEMENT, "").replace(USER_ACTION, "");
        if (strip) selector = selector.replace(strip, "");
        selectors.add(selector || "*");
      }
      if (rule.cssRules) visitRules(rule.cssRules); // @media, @supports, @layer, @container, nesting
    }
  };
  try {
    for (const sheet of sheets) visitRules(readable(sheet));
    for (const selector of extra) if (root.querySelector(selector)) selectors.add(selector);
    if (!selectors.size) return [];
    // An empty item of a list (`, .x` once `::before` is gone) selects any
    // element, and so does an empty last compound (`.card ::before` is the
    // ::before of any element inside a .card: `.card *`).
    const query = [...selectors]
      .map((sel) => sel.replace(/(^|,)\s*(?=,|$)/g, "$1*").replace(/([\s>+~])\s*(?=,|$)/g, "$1*"))
      .join(",");
    return [...new Set(root.querySelectorAll(query))];
  } catch {
    return null;
  }
}

// A sheet's rules, or its copy's (app/sheet-copies.js); throws when neither can be read.
function readable(sheet) {
  const rules = rulesOf(sheet);
  if (!rules) throw new Error("a sheet that cannot be read");
  return rules;
}
