// Which elements may have a ::before or ::after. modern-screenshot asks
// every copied element for both pseudo-elements' computed styles, to copy
// those whose content is not none: two style resolutions per element, about
// 50 ms of the clone on an admin template's user list, where a few dozen
// elements have one. A pseudo-element exists only where its content is set,
// so only elements that a ::before/::after rule giving content (or `all`)
// selects can have one, and <q>, whose quotes come from the browser's own
// sheet; the others are not asked. A rule that only styles pseudo-elements
// counts for nothing: Bootstrap's `*, ::before, ::after { box-sizing:
// border-box }` selects every element of the page.
import { elementsSelectedBy } from "./rule-subjects.js";

// The pseudo-elements modern-screenshot copies (its pseudoClasses and scrollbarPseudoClasses).
export const CONTENT_PSEUDOS = ["::before", "::after"];
export const SCROLLBAR_PSEUDOS = [
  "::-webkit-scrollbar",
  "::-webkit-scrollbar-button",
  "::-webkit-scrollbar-thumb",
  "::-webkit-scrollbar-track",
  "::-webkit-scrollbar-track-piece",
  "::-webkit-scrollbar-corner",
  "::-webkit-resizer",
];

/** As the library asks: a pseudo-element it copies has a content other than none. */
export function hasContent(pseudoStyle) {
  const content = pseudoStyle.content;
  return Boolean(content) && content !== "none";
}

const PSEUDO_RULE = /::?(before|after)\b/i;
const NO_BOX = /^(none|normal)$/i;
const givesContent = (rule) => {
  const content = rule.style?.getPropertyValue("content") ?? "";
  return (content !== "" && !NO_BOX.test(content.trim())) || rule.style?.getPropertyValue("all") !== "";
};

/**
 * Returns mayHave(element): false only for an element of `doc`'s own tree
 * that no ::before/::after rule selects. Elements in shadow trees and frames,
 * and every element when a sheet cannot be read, may have them.
 */
export function pseudoElementOwners(doc) {
  return ownedBy(
    doc,
    elementsSelectedBy(doc, (rule) => PSEUDO_RULE.test(rule.selectorText) && givesContent(rule), ["q"]),
  );
}

// owners: elements of doc's own tree that rules select, or null when unknown.
// Elements elsewhere (shadow trees, frames) and every element when unknown count as owners.
function ownedBy(doc, owners) {
  if (!owners) return () => true;
  const set = new Set(owners);
  return (el) => set.has(el) || el.ownerDocument !== doc || el.getRootNode() !== doc;
}

// The scrollbar's parts (::-webkit-scrollbar, -thumb, -track…, ::-webkit-resizer)
// with the pseudo-classes that only they take (:horizontal, :decrement…), so
// that what is left can be queried: `.nav::-webkit-scrollbar-thumb:hover` → `.nav`.
const SCROLLBAR_PART = /::-webkit-(?:scrollbar(?:-[a-z]+)*|resizer)(?::[a-z-]+(?:\([^)]*\))?)*/gi;

/**
 * Returns mayStyle(element): false only for an element of `doc`'s own tree
 * that no rule on the scrollbar's parts selects. The library copies those
 * parts of every element that scrolls, seven pseudo-elements, each compared
 * with a default it measured alone (~3 ms each); without such a rule the
 * parts are the browser's own, in the copy as on the page, and there is
 * nothing to copy. With one, Chromium draws that element's scrollbar from the
 * rules, and the copy needs them.
 */
export function scrollbarStyleOwners(doc) {
  const owners = elementsSelectedBy(doc, (rule) => /::-webkit-(scrollbar|resizer)/i.test(rule.selectorText), [], {
    strip: SCROLLBAR_PART,
  });
  return ownedBy(doc, owners);
}
