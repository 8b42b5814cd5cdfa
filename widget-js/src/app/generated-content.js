// Text that CSS generates (::before, ::after, ::marker: strings, attr(),
// counters, quotes) is text the visitor sees, so it goes through the same
// detectors and masks as DOM text. The browser offers no API for its text
// or its boxes, so:
//   1. findGeneratedContent() walks the page (open shadow roots, same-origin
//      iframes) and works out each pseudo-element's text, counters and
//      quotes included (shared/css-content.js);
//   2. withGeneratedText() turns every ::before/::after with text into a real
//      element, styled like the pseudo-element, which is then hidden, only
//      while a synchronous function runs (app/collect-rects.js): the scan
//      and its Range boxes see ordinary text, and nothing is ever painted in
//      that state. ::marker boxes are measured beside the list item;
//   3. materialiseInCopy() does the same in the capture's DOM copy, so the
//      text there is a real text node that the copy's redaction blanks
//      (app/capture-dom.js); the copy's pseudo-element is switched off.
import { formatCounter, parseContent, parseQuotes } from "../shared/css-content.js";
import { elementsSelectedBy } from "./rule-subjects.js";

export const GENERATED_TAG = "sealshot-generated";
// On a live element while a capture runs: which of its pseudo-elements the copy materialises.
const COPY_ATTRIBUTE = "data-sealshot-generated";
const NO_PSEUDO_CSS = [
  `[${COPY_ATTRIBUTE}~="before"]::before, [${COPY_ATTRIBUTE}~="after"]::after { content: none !important; }`,
  `[${COPY_ATTRIBUTE}~="marker"] { list-style-type: none !important; }`,
  `[${COPY_ATTRIBUTE}~="marker"]::marker { content: none !important; }`,
].join("\n");
// Elements whose ::before/::after are never rendered.
const NO_PSEUDO_TAGS = new Set([
  "INPUT",
  "IMG",
  "BR",
  "HR",
  "SELECT",
  "TEXTAREA",
  "VIDEO",
  "AUDIO",
  "CANVAS",
  "IFRAME",
  "OBJECT",
  "EMBED",
  "METER",
  "PROGRESS",
  "SCRIPT",
  "STYLE",
  "TEMPLATE",
  "NOSCRIPT",
  "HEAD",
  "TITLE",
  "META",
  "LINK",
]);
// The properties that decide where generated text goes and how it and its box look;
// reading all ~350 for hundreds of list counters took seconds.
const LAYOUT_PROPERTIES = [
  "display",
  "position",
  "top",
  "right",
  "bottom",
  "left",
  "float",
  "clear",
  "z-index",
  "box-sizing",
  "width",
  "height",
  "min-width",
  "min-height",
  "max-width",
  "max-height",
  "margin-top",
  "margin-right",
  "margin-bottom",
  "margin-left",
  "padding-top",
  "padding-right",
  "padding-bottom",
  "padding-left",
  "border-top-width",
  "border-right-width",
  "border-bottom-width",
  "border-left-width",
  "border-top-style",
  "border-right-style",
  "border-bottom-style",
  "border-left-style",
  "border-top-color",
  "border-right-color",
  "border-bottom-color",
  "border-left-color",
  "border-top-left-radius",
  "border-top-right-radius",
  "border-bottom-right-radius",
  "border-bottom-left-radius",
  "font-family",
  "font-size",
  "font-weight",
  "font-style",
  "font-stretch",
  "font-variant",
  "font-feature-settings",
  "line-height",
  "letter-spacing",
  "word-spacing",
  "text-transform",
  "text-indent",
  "text-align",
  "vertical-align",
  "white-space",
  "word-break",
  "overflow-wrap",
  "direction",
  "unicode-bidi",
  "writing-mode",
  "color",
  "-webkit-text-fill-color",
  "text-decoration-line",
  "text-decoration-style",
  "text-decoration-color",
  "text-shadow",
  "background-color",
  "background-image",
  "background-position",
  "background-size",
  "background-repeat",
  "opacity",
  "visibility",
  "transform",
  "transform-origin",
  "overflow-x",
  "overflow-y",
  "text-overflow",
  "flex-grow",
  "flex-shrink",
  "flex-basis",
  "order",
  "align-self",
  "justify-self",
  "grid-area",
  // What it paints around or over its box: an outlined or shadowed badge
  // lost its outline and shadow in the copy (tests/browser/pages/style-gates.html).
  "outline-style",
  "outline-width",
  "outline-color",
  "outline-offset",
  "box-shadow",
  "filter",
  "clip-path",
  "mix-blend-mode",
  "rotate",
  "scale",
  "translate",
  "background-clip",
  "background-origin",
  "text-decoration-thickness",
  "text-underline-offset",
  "-webkit-text-stroke-width",
  "-webkit-text-stroke-color",
];
// Copied even when the pseudo-element's value equals the owner's and a plain
// child's: the copy has no site stylesheet, so these would otherwise take
// their initial values there (e.g. a site-wide `*, ::before { box-sizing: border-box }`).
const ALWAYS_COPIED = new Set(["display", "position", "box-sizing", "float", "vertical-align", "white-space"]);
const HAS_TEXT = /[\p{L}\p{N}]/u;
const QUOTE_MARK = /[\p{Pi}\p{Pf}"'\u00ab\u00bb\u201a\u201e\u300c-\u300f]/u;

/**
 * Every pseudo-element with text a visitor could read: [{el, pseudo:
 * "before"|"after"|"marker", text}], in document order, our own UI skipped.
 */
export function findGeneratedContent(doc = document) {
  const items = [];
  for (const root of rootsOf(doc)) {
    // Asking every element for its pseudo-elements' styles costs about as much
    // as the whole text scan: when the root's style sheets are readable, only
    // the elements their ::before/::after/::marker rules select are asked.
    const candidates = candidatesOf(root);
    if (candidates && !candidates.length) continue;
    if (candidates && visitCandidates(candidates, items)) continue;
    // Counters to count: the whole tree for counter properties, pseudo-elements
    // of the candidates only; unreadable sheets: everything.
    walkRoot(root, items, candidates && new Set(candidates));
  }
  return items;
}

// Elements that rules with generated content (or string list markers) select
// in this root, in document order; null when that cannot be known (a
// cross-origin sheet, a selector we cannot turn into a query, inline
// list-style strings).
function candidatesOf(root) {
  if (root.querySelector?.("[style*='list-style']")) return null;
  return elementsSelectedBy(
    root,
    (rule) =>
      // Only content that draws text or quotes: not "" (clearfix) or icons.
      (/::?(before|after|marker)\b/i.test(rule.selectorText) && mayHaveText(rule.style.getPropertyValue("content"))) ||
      /["']/.test(rule.style.getPropertyValue("list-style-type") + rule.style.getPropertyValue("list-style")),
    // <q> draws open-quote/close-quote from the browser's own style sheet, which no page sheet shows.
    ["q"],
  );
}

function mayHaveText(content) {
  return parseContent(content).some(
    (t) =>
      (t.type === "text" && drawnByUs(t.text)) ||
      t.type === "attr" ||
      t.type === "counter" ||
      t.type === "counters" ||
      t.type === "quote",
  );
}

// Generated text the copy must carry as real text: letters or digits (they
// are scanned), and quote marks, because the capture library copies a
// pseudo-element's `content` with every ' and " removed and the rest put in
// quotes, so open-quote would be drawn as the words "open-quote".
function drawnByUs(text) {
  return HAS_TEXT.test(text) || QUOTE_MARK.test(text);
}

// Pseudo-elements of the candidates, without counters (false when one needs them).
function visitCandidates(candidates, items) {
  const found = [];
  for (const el of candidates) {
    if (
      el.closest("[data-sealshot-ui]") ||
      NO_PSEUDO_TAGS.has(el.tagName) ||
      el.namespaceURI !== "http://www.w3.org/1999/xhtml"
    )
      continue;
    const view = el.ownerDocument.defaultView;
    const cs = view.getComputedStyle(el);
    if (cs.display === "none" || (cs.display !== "contents" && !el.getClientRects().length)) continue;
    for (const which of cs.display.includes("list-item") ? ["marker", "before", "after"] : ["before", "after"]) {
      const ps = view.getComputedStyle(el, `::${which}`);
      let tokens = parseContent(ps.content);
      if (which === "marker" && !tokens.length && /^["']/.test(cs.listStyleType))
        tokens = parseContent(cs.listStyleType);
      // Counters and quotes (their nesting depth) need the walk over the whole tree.
      if (tokens.some((t) => t.type === "counter" || t.type === "counters" || t.type === "quote")) return false;
      const text = tokens
        .map((t) => (t.type === "text" ? t.text : t.type === "attr" ? (el.getAttribute(t.name) ?? "") : ""))
        .join("");
      if (drawnByUs(text)) found.push({ el, pseudo: which, text });
    }
  }
  items.push(...found);
  return true;
}

// The quote pairs that apply to el: its computed `quotes`, where `auto`
// follows the content language (lang attribute) as the browser does.
function quotesOf(el, value) {
  const lang = el.closest?.("[lang]")?.getAttribute("lang") ?? el.ownerDocument.documentElement.lang ?? "";
  return parseQuotes(value, lang);
}

function rootsOf(doc) {
  const roots = [];
  const visit = (root) => {
    roots.push(root);
    for (const el of root.querySelectorAll("*")) {
      if (el.hasAttribute("data-sealshot-ui")) continue; // our own dialog
      if (el.shadowRoot) visit(el.shadowRoot);
      if (el.tagName === "IFRAME") {
        let d = null;
        try {
          d = el.contentDocument;
        } catch {
          d = null;
        }
        if (d?.documentElement) visit(d);
      }
    }
  };
  visit(doc);
  return roots;
}

// Counters (CSS Lists 3, simplified): a counter-reset on an element makes a
// counter whose scope is the element, its descendants and its following
// siblings; display:list-item increments `list-item`; <ol start> and <li
// value> are honoured. Quotes nest by a depth that open-quote and
// close-quote move. One state per root (shadow roots and frames start anew).
function walkRoot(root, items, candidates = null) {
  const counters = new Map(); // name → [{value, parent}]
  let quoteDepth = 0;
  const stackOf = (name) => {
    let s = counters.get(name);
    if (!s) counters.set(name, (s = []));
    return s;
  };
  const pairs = (value) => {
    const out = [];
    const words = String(value || "")
      .trim()
      .split(/\s+/);
    for (let k = 0; k < words.length; k++) {
      if (!words[k] || words[k] === "none") continue;
      const n = Number(words[k + 1]);
      if (Number.isFinite(n) && words[k + 1] !== "") {
        out.push([words[k], n]);
        k++;
      } else out.push([words[k], null]);
    }
    return out;
  };
  const reset = (name, value, parent, created) => {
    const s = stackOf(name);
    if (s.length && s[s.length - 1].parent === parent) s.pop(); // a preceding sibling's counter is replaced
    s.push({ value, parent });
    created.push(name);
  };
  const top = (name, parent, created) => {
    const s = stackOf(name);
    if (!s.length) reset(name, 0, parent, created);
    return s[s.length - 1];
  };
  // Applies one box's counter properties; `parent` is the box's parent node (scope owner).
  const applyCounters = (el, cs, parent, created, isElement) => {
    let resets = pairs(cs.counterReset),
      sets = pairs(cs.counterSet),
      incs = pairs(cs.counterIncrement);
    if (isElement) {
      const tag = el.tagName;
      if ((tag === "OL" || tag === "UL" || tag === "MENU") && !resets.some(([n]) => n === "list-item")) {
        const start = tag === "OL" && el.hasAttribute("start") ? parseInt(el.getAttribute("start"), 10) : NaN;
        resets = resets.concat([["list-item", Number.isFinite(start) ? start - 1 : 0]]);
      }
      if (cs.display.includes("list-item")) {
        if (el.tagName === "LI" && el.hasAttribute("value") && !sets.some(([n]) => n === "list-item")) {
          const v = parseInt(el.getAttribute("value"), 10);
          if (Number.isFinite(v)) sets = sets.concat([["list-item", v - 1]]);
        }
        if (!incs.some(([n]) => n === "list-item")) incs = incs.concat([["list-item", 1]]);
      }
    }
    for (const [name, v] of resets) reset(name, v ?? 0, parent, created);
    for (const [name, v] of sets) top(name, parent, created).value = v ?? 0;
    for (const [name, v] of incs) top(name, parent, created).value += v ?? 1;
  };
  const textOf = (el, tokens, quotes) => {
    let out = "";
    for (const t of tokens) {
      if (t.type === "text") out += t.text;
      else if (t.type === "attr") out += el.getAttribute(t.name) ?? "";
      else if (t.type === "counter") {
        const s = counters.get(t.name);
        out += formatCounter(s?.length ? s[s.length - 1].value : 0, t.style);
      } else if (t.type === "counters") {
        const s = counters.get(t.name) ?? [];
        out += (s.length ? s : [{ value: 0 }]).map((c) => formatCounter(c.value, t.style)).join(t.separator);
      } else if (t.type === "quote") {
        const q = quotes;
        if (t.which === "open" || t.which === "no-open") {
          if (t.which === "open" && q.length) out += q[Math.min(quoteDepth, q.length - 1)][0];
          quoteDepth++;
        } else {
          if (quoteDepth > 0) quoteDepth--;
          if (t.which === "close" && q.length) out += q[Math.min(quoteDepth, q.length - 1)][1];
        }
      }
    }
    return out;
  };
  const pseudo = (el, which, created) => {
    const view = el.ownerDocument.defaultView;
    const cs = view.getComputedStyle(el, `::${which}`);
    const content = cs.content;
    if (which !== "marker" && (!content || content === "none" || content === "normal")) return;
    if (which !== "marker") applyCounters(el, cs, el, created, false);
    let tokens = parseContent(content);
    if (which === "marker" && !tokens.length) {
      // A string list-style-type is drawn as is; counter styles are numbers or bullets, never personal data.
      const type = view.getComputedStyle(el).listStyleType;
      if (!/^["']/.test(type)) return;
      tokens = parseContent(type);
    }
    const text = textOf(el, tokens, quotesOf(el, cs.quotes));
    if (drawnByUs(text)) items.push({ el, pseudo: which, text });
  };
  const visitChildren = (parent, created) => {
    for (let child = parent.firstElementChild; child; child = child.nextElementSibling) visit(child, parent, created);
  };
  const visit = (el, parent, createdInParent) => {
    if (el.hasAttribute?.("data-sealshot-ui")) return;
    const view = el.ownerDocument.defaultView;
    const cs = view.getComputedStyle(el);
    if (cs.display === "none") return; // nothing rendered, no counters counted
    applyCounters(el, cs, parent, createdInParent, true);
    const created = [];
    const pseudos =
      !NO_PSEUDO_TAGS.has(el.tagName) &&
      el.namespaceURI === "http://www.w3.org/1999/xhtml" &&
      (!candidates || candidates.has(el));
    if (pseudos && cs.display.includes("list-item")) pseudo(el, "marker", created);
    if (pseudos) pseudo(el, "before", created);
    visitChildren(el, created);
    if (pseudos) pseudo(el, "after", created);
    for (const name of created) counters.get(name).pop();
  };
  const top0 = [];
  if (root.nodeType === 9) {
    if (root.documentElement) visit(root.documentElement, root, top0);
  } else visitChildren(root, top0);
}

// The inline style ([name, value] pairs) that makes a plain child element
// look like the pseudo-element: every property of LAYOUT_PROPERTIES whose
// value differs from the owner's or from what a plain child gets here, plus
// ALWAYS_COPIED.
function styleLike(el, which, probe) {
  const view = el.ownerDocument.defaultView;
  const ps = view.getComputedStyle(el, `::${which}`);
  const owner = view.getComputedStyle(el);
  const plain = view.getComputedStyle(probe);
  const decl = [];
  for (const name of LAYOUT_PROPERTIES) {
    const v = ps.getPropertyValue(name);
    if (ALWAYS_COPIED.has(name) || v !== owner.getPropertyValue(name) || v !== plain.getPropertyValue(name))
      decl.push([name, v]);
  }
  return decl;
}

function suppressSheet(root) {
  const view = (root.ownerDocument || root).defaultView;
  const sheet = new view.CSSStyleSheet();
  sheet.replaceSync(NO_PSEUDO_CSS);
  return sheet;
}

function containerOf(el) {
  return el.shadowRoot ?? el;
}

/**
 * Runs fn() synchronously with each ::before/::after of `items` as a real
 * element (GENERATED_TAG) styled like it and the pseudo-element switched
 * off, and each ::marker measured (`box`, viewport CSS px of its document);
 * then puts everything back before returning, so it is never painted. Each
 * item gets `style` (reused for the copy). Returns fn's result.
 */
export function withGeneratedText(items, fn) {
  if (!items.length) return fn();
  const added = [],
    attrs = new Map(),
    sheets = new Map();
  const mark = (el, which) => {
    if (!attrs.has(el)) attrs.set(el, el.getAttribute(COPY_ATTRIBUTE));
    const now = el.getAttribute(COPY_ATTRIBUTE) || "";
    el.setAttribute(COPY_ATTRIBUTE, `${now} ${which}`.trim());
    for (const root of [el.getRootNode(), el.shadowRoot].filter(Boolean)) {
      if (sheets.has(root) || !("adoptedStyleSheets" in root)) continue;
      sheets.set(root, [...root.adoptedStyleSheets]); // a copy: the property is a live array
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, suppressSheet(root)];
    }
  };
  try {
    // Styles first, all read before any change, so one item's element cannot
    // alter another's style; all probes at once, so styles are computed once.
    const probes = items
      .filter((item) => item.pseudo !== "marker")
      .map((item) => {
        const probe = item.el.ownerDocument.createElement(GENERATED_TAG);
        containerOf(item.el).append(probe);
        return [item, probe];
      });
    try {
      for (const [item, probe] of probes) item.style = styleLike(item.el, item.pseudo, probe);
    } finally {
      for (const [, probe] of probes) probe.remove();
    }
    for (const item of items) {
      if (item.pseudo === "marker") {
        item.box = markerBox(item);
        continue;
      }
      const node = makeElement(item.el.ownerDocument, item);
      const container = containerOf(item.el);
      if (item.pseudo === "before") container.prepend(node);
      else container.append(node);
      added.push(node);
      mark(item.el, item.pseudo);
    }
    return fn();
  } finally {
    for (const node of added) node.remove();
    for (const [el, old] of attrs) {
      if (old === null) el.removeAttribute(COPY_ATTRIBUTE);
      else el.setAttribute(COPY_ATTRIBUTE, old);
    }
    for (const [root, old] of sheets) root.adoptedStyleSheets = old;
  }
}

// Styled through the CSSOM: a strict CSP (no 'unsafe-inline') refuses style attributes, not this.
function makeElement(doc, item) {
  const node = doc.createElement(GENERATED_TAG);
  for (const [name, value] of item.style ?? []) node.style.setProperty(name, value, "important");
  node.setAttribute("aria-hidden", "true");
  node.textContent = item.text;
  return node;
}

// A marker's box: its text measured in the marker's font, placed at the first
// line, left of the content box (outside markers, with a gap) or at its
// start (inside). Generous on purpose: only blacked out when it holds data.
function markerBox(item) {
  const { el } = item;
  const view = el.ownerDocument.defaultView;
  const ms = view.getComputedStyle(el, "::marker");
  const cs = view.getComputedStyle(el);
  const probe = el.ownerDocument.createElement(GENERATED_TAG);
  for (const [name, value] of [
    ["position", "absolute"],
    ["visibility", "hidden"],
    ["white-space", "pre"],
    ["display", "inline-block"],
    ["font", ms.font],
    ["letter-spacing", ms.letterSpacing],
  ])
    probe.style.setProperty(name, value, "important");
  probe.textContent = item.text;
  containerOf(el).prepend(probe);
  try {
    const p = probe.getBoundingClientRect(),
      r = el.getBoundingClientRect();
    const fontSize = parseFloat(ms.fontSize) || 16;
    const contentLeft = r.left + parseFloat(cs.borderLeftWidth || 0) + parseFloat(cs.paddingLeft || 0);
    const inside = cs.listStylePosition === "inside";
    const left = inside ? contentLeft : contentLeft - p.width - fontSize;
    const top = Math.min(p.top, r.top + parseFloat(cs.borderTopWidth || 0) + parseFloat(cs.paddingTop || 0));
    return {
      left,
      top,
      right: left + p.width + fontSize,
      bottom: top + Math.max(p.height, parseFloat(cs.lineHeight) || 0),
    };
  } finally {
    probe.remove();
  }
}

/**
 * For the capture: marks the live owners (an attribute the copy inherits),
 * and returns {materialise(copy), restore()}. materialise(copy), called on
 * each element of the DOM copy, adds the generated text as a real element
 * (before its children are redacted) and switches the copy's
 * pseudo-elements off; secret markers are dropped (the copy has no way to
 * blank one; its box is filled anyway). restore() removes the marks.
 */
export function prepareCopy(items, isSecretText) {
  const byId = [];
  const owners = new Map();
  for (const item of items) {
    let entry = owners.get(item.el);
    if (!entry) {
      entry = { id: byId.length, old: item.el.getAttribute(COPY_ATTRIBUTE), items: [] };
      owners.set(item.el, entry);
      byId.push(entry);
    }
    entry.items.push(item);
  }
  for (const [el, entry] of owners) el.setAttribute(COPY_ATTRIBUTE, `id${entry.id}`);
  return {
    active: byId.length > 0,
    materialise(copy) {
      if (copy.nodeType !== 1 || !copy.hasAttribute(COPY_ATTRIBUTE)) return;
      const entry = byId[Number(/^id(\d+)$/.exec(copy.getAttribute(COPY_ATTRIBUTE))?.[1])];
      copy.removeAttribute(COPY_ATTRIBUTE);
      if (!entry) return;
      const off = [];
      for (const item of entry.items) {
        if (item.pseudo === "marker") {
          if (isSecretText(item.text)) {
            copy.style.setProperty("list-style-type", "none", "important");
            off.push("marker");
          }
          continue;
        }
        if (item.style === undefined) continue; // never measured: left to the library
        const node = makeElement(copy.ownerDocument, item);
        if (item.pseudo === "before") copy.prepend(node);
        else copy.append(node);
        off.push(item.pseudo);
      }
      if (off.length) copy.setAttribute(COPY_ATTRIBUTE, off.join(" "));
    },
    /** A <style> for the copy's root: switches off the pseudo-elements materialised above. */
    styleElement(doc) {
      const style = doc.createElement("style");
      style.textContent = NO_PSEUDO_CSS;
      return style;
    },
    restore() {
      for (const [el, entry] of owners) {
        if (entry.old === null) el.removeAttribute(COPY_ATTRIBUTE);
        else el.setAttribute(COPY_ATTRIBUTE, entry.old);
      }
    },
  };
}
