// The computed properties the DOM copy carries. modern-screenshot writes every
// computed property that differs from a default element's inline on each
// copy (and whole groups of them at a time): on a dashboard of 2,500 elements
// that is ≈100 declarations and 2.4 KB per element, an 8 MB SVG that takes
// longer to clone, serialize, encode and lay out again than anything else.
// A still picture needs none of these: animations and transitions, scrolling
// and snapping, interaction (cursor, caret, selection, pointer events),
// anchoring, view transitions, and the logical twins of physical properties
// (margin-block-start beside margin-top: both hold the same computed value).

const NOT_FOR_A_PICTURE = new RegExp("^(?:" + [
  "animation", "transition", "view-transition", "view-timeline", "scroll-timeline", "timeline", "trigger-scope",
  "scroll-margin", "scroll-padding", "scroll-snap", "scroll-behavior", "scroll-initial-target", "scroll-marker-group",
  "scroll-target-group", "scroll-axis-lock", "overscroll-behavior", "overflow-anchor",
  "caret", "cursor", "pointer-events", "user-select", "touch-action", "-webkit-user-drag", "-webkit-user-modify",
  "-webkit-tap-highlight-color", "interactivity", "interest-delay", "app-region", "window-drag", "speak",
  "anchor-name", "anchor-scope", "container-name",
  // logical twins
  "(?:min-|max-)?(?:block|inline)-size$", "(?:margin|padding|inset)-(?:block|inline)", "border-(?:block|inline)-",
  "border-(?:start|end)-(?:start|end)-radius", "corner-(?:start|end)-(?:start|end)-shape", "overflow-(?:block|inline)",
  "contain-intrinsic-(?:block|inline)-size", "-webkit-writing-mode", "-webkit-text-orientation",
].join("|") + ")");

let cached = null;

/** The list for modern-screenshot's includeStyleProperties (the browser's own property names, filtered). */
export function copiedStyleProperties() {
  cached ??= [...getComputedStyle(document.documentElement)].filter((name) => !name.startsWith("--") && !NOT_FOR_A_PICTURE.test(name));
  return cached;
}
