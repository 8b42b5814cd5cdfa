// The computed properties the DOM copy carries. modern-screenshot writes every
// computed property that differs from a default element's inline on each
// copy (and whole groups of them at a time): on a dashboard of 2,500 elements
// that is ≈100 declarations and 2.4 KB per element, an 8 MB SVG that takes
// longer to clone, serialize, encode and lay out again than anything else.
// A still picture needs none of these: animations and transitions, scrolling
// and snapping, interaction (cursor, caret, selection, pointer events),
// anchoring, view transitions, and the logical twins of physical properties
// (margin-block-start beside margin-top: both hold the same computed value).
// Nor -webkit-border-image: the legacy shorthand always fills the image's
// middle, so written after the border-image longhands it painted a border
// image without `fill` over the whole box (tests/browser/pages/style-gates.html).

const NOT_FOR_A_PICTURE = new RegExp(
  "^(?:" +
    [
      "animation",
      "transition",
      "view-transition",
      "view-timeline",
      "scroll-timeline",
      "timeline",
      "trigger-scope",
      "scroll-margin",
      "scroll-padding",
      "scroll-snap",
      "scroll-behavior",
      "scroll-initial-target",
      "scroll-marker-group",
      "scroll-target-group",
      "scroll-axis-lock",
      "overscroll-behavior",
      "overflow-anchor",
      "caret",
      "cursor",
      "pointer-events",
      "user-select",
      "touch-action",
      "-webkit-user-drag",
      "-webkit-user-modify",
      "-webkit-tap-highlight-color",
      "interactivity",
      "interest-delay",
      "app-region",
      "window-drag",
      "speak",
      "anchor-name",
      "anchor-scope",
      "container-name",
      // logical twins
      "(?:min-|max-)?(?:block|inline)-size$",
      "(?:margin|padding|inset)-(?:block|inline)",
      "border-(?:block|inline)-",
      "border-(?:start|end)-(?:start|end)-radius",
      "corner-(?:start|end)-(?:start|end)-shape",
      "overflow-(?:block|inline)",
      "contain-intrinsic-(?:block|inline)-size",
      "-webkit-writing-mode",
      "-webkit-text-orientation",
      "-webkit-border-image$",
    ].join("|") +
    ")",
);

let cached = null;

/** Whether the copy carries this computed property (custom properties and NOT_FOR_A_PICTURE do not). */
export function isCopiedProperty(name) {
  return !name.startsWith("--") && !NOT_FOR_A_PICTURE.test(name);
}

/** The list for modern-screenshot's includeStyleProperties (the browser's own property names, filtered). */
export function copiedStyleProperties() {
  cached ??= [...getComputedStyle(document.documentElement)].filter(isCopiedProperty);
  return cached;
}

// Inherited properties: a copy needs them only where they differ from what
// its parent passes down. The library writes them on every element again.
// Every inherited property Chromium computes and the copy carries is here,
// and no other (tests/browser/inherited-properties.test.mjs checks it against
// the CSS specifications' definitions): a child's copy inherits exactly these
// from its parent's copy.
export const INHERITED = new Set([
  "accent-color",
  "border-collapse",
  "caption-side",
  "clip-rule",
  "color",
  "color-interpolation",
  "color-interpolation-filters",
  "color-rendering",
  "color-scheme",
  "direction",
  "dominant-baseline",
  "dynamic-range-limit",
  "empty-cells",
  "fill",
  "fill-opacity",
  "fill-rule",
  "font-family",
  "font-feature-settings",
  "font-kerning",
  "font-language-override",
  "font-optical-sizing",
  "font-palette",
  "font-size",
  "font-size-adjust",
  "font-stretch",
  "font-style",
  "font-synthesis-small-caps",
  "font-synthesis-style",
  "font-synthesis-weight",
  "font-variant",
  "font-variant-alternates",
  "font-variant-caps",
  "font-variant-east-asian",
  "font-variant-emoji",
  "font-variant-ligatures",
  "font-variant-numeric",
  "font-variant-position",
  "font-variation-settings",
  "font-weight",
  "forced-color-adjust",
  "hyphenate-character",
  "hyphenate-limit-chars",
  "hyphens",
  "image-orientation",
  "image-rendering",
  "interpolate-size",
  "letter-spacing",
  "line-break",
  "line-height",
  "list-style-image",
  "list-style-position",
  "list-style-type",
  "marker-end",
  "marker-mid",
  "marker-start",
  "math-depth",
  "math-shift",
  "math-style",
  "orphans",
  "overflow-wrap",
  "paint-order",
  "print-color-adjust",
  "quotes",
  "ruby-align",
  "ruby-overhang",
  "ruby-position",
  "scrollbar-color",
  "shape-rendering",
  "stroke",
  "stroke-dasharray",
  "stroke-dashoffset",
  "stroke-linecap",
  "stroke-linejoin",
  "stroke-miterlimit",
  "stroke-opacity",
  "stroke-width",
  "tab-size",
  "text-align",
  "text-align-last",
  "text-anchor",
  "text-autospace",
  "text-box-edge",
  "text-combine-upright",
  "text-decoration-skip-ink",
  "text-emphasis-color",
  "text-emphasis-position",
  "text-emphasis-style",
  "text-fit",
  "text-indent",
  "text-justify",
  "text-orientation",
  "text-rendering",
  "text-shadow",
  "text-size-adjust",
  "text-spacing-trim",
  "text-transform",
  "text-underline-offset",
  "text-underline-position",
  "text-wrap-mode",
  "text-wrap-style",
  "visibility",
  "white-space-collapse",
  "widows",
  "word-break",
  "word-spacing",
  "writing-mode",
  "-webkit-border-horizontal-spacing",
  "-webkit-border-vertical-spacing",
  "-webkit-box-direction",
  "-webkit-font-smoothing",
  "-webkit-line-break",
  "-webkit-locale",
  "-webkit-rtl-ordering",
  "-webkit-ruby-position",
  "-webkit-text-combine",
  "-webkit-text-decorations-in-effect",
  "-webkit-text-fill-color",
  "-webkit-text-security",
  "-webkit-text-stroke-color",
  "-webkit-text-stroke-width",
]);

// Elements the UA stylesheet gives no inherited property of their own (a <b>
// is bold, an <input> has its own font, an <a> its link colour): only for
// these does an inherited value equal to the parent's come from the parent.
const PLAIN_TAGS = new Set([
  "DIV",
  "SPAN",
  "P",
  "LI",
  "TR",
  "TD",
  "TBODY",
  "THEAD",
  "TFOOT",
  "SECTION",
  "ARTICLE",
  "HEADER",
  "FOOTER",
  "MAIN",
  "NAV",
  "ASIDE",
  "FORM",
  "LABEL",
  "FIGURE",
  "IMG",
  "DD",
  "DT",
  "DL",
  "BODY",
]);

/**
 * Returns prune(copy, original): drops from the copy's inline style the
 * inherited properties whose value its parent's copy passes down anyway (the
 * original's parent in the flat tree has the same computed value). Only for
 * PLAIN_TAGS; not for a slotted node, a frame's root, or a fixed element (it may be moved to the
 * copy's root); never an !important one (our own black-outs).
 */
export function createInheritedPruner() {
  const parents = new WeakMap();
  return function prune(copy, original) {
    const s = copy.style;
    if (!s || !original || !PLAIN_TAGS.has(original.tagName) || original.assignedSlot || s.position === "fixed") return;
    let parent = original.parentNode;
    if (parent?.nodeType === 11) parent = parent.host; // a shadow root's child inherits from its host
    if (parent?.nodeType !== 1) return;
    let pcs = parents.get(parent);
    if (!pcs) parents.set(parent, (pcs = parent.ownerDocument.defaultView.getComputedStyle(parent)));
    const drop = [];
    for (let i = 0; i < s.length; i++) {
      const name = s.item(i);
      if (
        INHERITED.has(name) &&
        !s.getPropertyPriority(name) &&
        s.getPropertyValue(name) === pcs.getPropertyValue(name)
      )
        drop.push(name);
    }
    for (const name of drop) s.removeProperty(name);
  };
}

// Tags whose defaults depend on where they stand (an <option> in its
// <select>, table parts in their table, a <legend> in its fieldset), which the
// library measures alone in a blank document.
const CONTEXT_DEFAULTS = new Set([
  "OPTION",
  "OPTGROUP",
  "TABLE",
  "CAPTION",
  "COLGROUP",
  "COL",
  "THEAD",
  "TBODY",
  "TFOOT",
  "TR",
  "TD",
  "TH",
  "LI",
  "LEGEND",
  "SUMMARY",
]);
// Values the library compares with a default that depends on the box it
// measured them on: lengths in em on many tags (a <p>'s margin is 1em,
// measured at 16px), and origins and offsets resolved to pixels of the
// measured box (an empty one: a top-left transform origin matched its
// "0px 0px" and was left out, and the copy scaled about the centre).
// These are written wherever an element's list has them (style-gates.js
// leaves top/left out on a static box), like the width and height.
export const ALWAYS_WRITTEN = [
  "margin-top",
  "margin-right",
  "margin-bottom",
  "margin-left",
  "padding-top",
  "padding-right",
  "padding-bottom",
  "padding-left",
  "transform-origin",
  "perspective-origin",
  "top",
  "right",
  "bottom",
  "left",
];

/**
 * Which properties the element cloned before this child wrote are written on
 * the child again: the inherited ones, or null for all of them.
 */
export function repeatedOnChild(child) {
  return CONTEXT_DEFAULTS.has(child.tagName) || child.namespaceURI !== "http://www.w3.org/1999/xhtml"
    ? null
    : INHERITED;
}
