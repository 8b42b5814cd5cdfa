// Layout and pseudo-element styles the DOM copy would lose. modern-screenshot
// pins the copy's layout by writing every element's computed style inline,
// width and height included; three things drift from that:
//
// - Lengths pass through CSSOM serialization with six significant digits,
//   so a layout width of 260.078125 px is written as 260.078 px and laid out
//   one 1/64 px (a layout unit) narrower: a shrink-to-fit box (a right-aligned
//   breadcrumb) whose items filled it exactly wraps its last item. A length
//   with six significant digits is a rounded layout value: exactLengths()
//   writes it back at the nearest 1/64 px, which is what was laid out, in the
//   serialized copy (app/render-copy.js). Short values such as 3.2 px are what
//   the page wrote and stay as written, so the copy converts them as the page did.
// - A block's last child's bottom margin collapses through its parent when
//   the parent has no bottom border or padding and an auto height. The copy's
//   parent has a fixed height, so the margin stays inside it and is lost: a
//   submenu of links with a 3.2 px bottom margin each drifts 3.2 px more per
//   item. Each copy gets, as its own bottom margin, the margin that left its
//   box on the live page.
// - A scroll container in the copy gets scrollbars of its own (see fix()).
// - A line-clamped box (display: -webkit-box, a vertical orient and
//   -webkit-line-clamp) is computed as flow-root, or inline-block for
//   -webkit-inline-box, and a flow-root box does not clamp: the copy drew
//   every line and no ellipsis (a product card's two-line description came
//   out as three lines cut by overflow: hidden). Such a copy gets its legacy
//   display back (see fix()).
// - Chromium can report a block's auto margins as 0px while its box stays
//   centred: after a change inside an absolutely positioned descendant (a
//   video in a phone mock-up learning its size) only a simplified layout
//   runs, and getComputedStyle's margins go stale. The copy then drew a
//   centred container (and the hero beside it) 70 px to the left. A block
//   whose box is not where its computed margin puts it gets the margin that
//   puts it there (see fix()).
// - ::placeholder is not copied, and the inline -webkit-text-fill-color the
//   library writes on a field colours its placeholder like a typed value. Each
//   shown placeholder gets its live ::placeholder style through a class rule.

// A declaration of a box length (width, margin-top, inset-block-start, …) in
// serialized CSS: a style attribute or a rule's body.
const BOX_LENGTH_DECLARATION =
  /([;"{\s])((?:min-|max-)?(?:width|height|inline-size|block-size)|(?:margin|padding|inset)-[a-z-]+|top|right|bottom|left|flex-basis):\s*([^;"}]*)/g;
const ROUNDED_LENGTH = /(-?)(\d+)\.(\d+)px/g;

/** A length with six significant digits, at the nearest layout unit (1/64 px); others unchanged. */
export function exactLength(value) {
  return value.replace(ROUNDED_LENGTH, (whole, sign, int, frac) => {
    const digits = (int + frac).replace(/^0+/, "").length;
    if (digits < 6) return whole;
    return `${sign}${Math.round(parseFloat(`${int}.${frac}`) * 64) / 64}px`;
  });
}

function exactDeclarations(css) {
  // A leading ";" lets the first declaration match like the others.
  return `;${css}`
    .replace(BOX_LENGTH_DECLARATION, (whole, before, name, value) =>
      /\d\.\d/.test(value) ? `${before}${name}: ${exactLength(value)}` : whole,
    )
    .slice(1);
}

/** Every box length in the style attributes and <style> elements of serialized markup, exact (see exactLength). */
export function exactLengths(markup) {
  return markup
    .replace(/( style=")([^"]*)"/g, (whole, open, css) => `${open}${exactDeclarations(css)}"`)
    .replace(
      /(<style[^>]*>)([\s\S]*?)(<\/style>)/g,
      (whole, open, css, close) => `${open}${exactDeclarations(css)}${close}`,
    );
}

const FLOW_DISPLAYS = new Set(["block", "list-item"]);
// What Chromium computes for a clamping legacy box, and the display that clamps.
const CLAMPING_DISPLAY = new Map([
  ["flow-root", "-webkit-box"],
  ["inline-block", "-webkit-inline-box"],
]);

export function createLayoutFixes() {
  const marginOut = new WeakMap(); // live element → the bottom margin that leaves its box
  const placeholderRules = [];
  let placeholders = 0;

  return {
    /** For each element copy, after the library styled it; original: the live element. */
    fix(clone, original, { blanked = false, shell = false } = {}) {
      const s = clone.style;
      if (!s) return;
      if (shell) pinSize(s);
      // The copy is drawn as an image, scrolled by transforms: a scroll
      // container there still gets scrollbars (the SVG image does not inherit
      // the page's overlay or hidden scrollbars), and their gutter narrows it,
      // clipping the end of a scrolled chat log. A picture has no scrollbars.
      if (/auto|scroll/.test(s.overflowX + s.overflowY)) s.setProperty("scrollbar-width", "none");
      if (!original || original.nodeType !== 1) return;
      const view = original.ownerDocument.defaultView;
      const cs = view.getComputedStyle(original);
      if (FLOW_DISPLAYS.has(cs.display) && cs.writingMode === "horizontal-tb") {
        const out = collapsedMargin(original, "bottom", marginOut);
        if (Math.abs(out - (parseFloat(cs.marginBottom) || 0)) > 0.001) {
          // The logical twin too: of the two, the one written last would win.
          for (const prop of ["margin-bottom", "margin-block-end"]) s.setProperty(prop, `${out}px`);
        }
        const inlineStart = staleInlineStart(original, cs);
        if (inlineStart) {
          for (const prop of [inlineStart.side, "margin-inline-start"]) s.setProperty(prop, `${inlineStart.px}px`);
        }
        // A shell (app/viewport-cull.js) has no first child for a top margin to collapse through either.
        const top = shell ? collapsedMargin(original, "top") : 0;
        if (shell && Math.abs(top - (parseFloat(cs.marginTop) || 0)) > 0.001) {
          for (const prop of ["margin-top", "margin-block-start"]) s.setProperty(prop, `${top}px`);
        }
      }
      if (clampsLines(original, cs)) {
        s.setProperty("display", CLAMPING_DISPLAY.get(cs.display));
        s.setProperty("-webkit-box-orient", "vertical");
        s.setProperty("-webkit-line-clamp", cs.getPropertyValue("-webkit-line-clamp"));
      }
      const tag = original.tagName;
      if ((tag === "INPUT" || tag === "TEXTAREA") && !blanked && original.placeholder && !original.value) {
        const ph = view.getComputedStyle(original, "::placeholder");
        const name = `sealshot-placeholder-${++placeholders}`;
        clone.classList.add(name);
        const decls = [
          ["color", ph.color],
          ["-webkit-text-fill-color", ph.getPropertyValue("-webkit-text-fill-color") || ph.color],
          ["opacity", ph.opacity],
          ["font-style", ph.fontStyle],
          ["font-weight", ph.fontWeight],
          ["text-shadow", ph.textShadow],
        ];
        placeholderRules.push(`.${name}::placeholder { ${decls.map(([p, v]) => `${p}: ${v} !important;`).join(" ")} }`);
      }
    },
    /** Adds the collected rules to the finished copy (a <style> inside the SVG image, never in the page). */
    finish(root) {
      if (!placeholderRules.length) return;
      const style = root.ownerDocument.createElement("style");
      style.textContent = placeholderRules.join("\n");
      root.prepend(style);
    },
  };
}

// Whether the live box clamps its lines. A flow-root box with a line clamp
// (written so, not as -webkit-box) does not clamp and shows all of its
// lines; a clamping one lays its hidden lines out below its height.
function clampsLines(el, cs) {
  return (
    CLAMPING_DISPLAY.has(cs.display) &&
    cs.getPropertyValue("-webkit-line-clamp") !== "none" &&
    cs.getPropertyValue("-webkit-box-orient") === "vertical" &&
    el.scrollHeight > el.clientHeight + 1
  );
}

// Block containers whose in-flow blocks place themselves by their margins.
const BLOCK_CONTAINERS = new Set(["block", "list-item", "flow-root", "inline-block", "table-cell", "table-caption"]);
const px = (value) => parseFloat(value) || 0;
// The border-box width from computed values (getComputedStyle's width follows box-sizing).
const borderBoxWidth = (cs) =>
  cs.boxSizing === "border-box"
    ? px(cs.width)
    : px(cs.width) + px(cs.paddingLeft) + px(cs.paddingRight) + px(cs.borderLeftWidth) + px(cs.borderRightWidth);

/**
 * For an in-flow block (cs: its computed style; a block-level display and a
 * horizontal writing mode, checked by the caller) whose computed inline-start
 * margin does not put its box where it is on the live page:
 * {side: "margin-left" or "margin-right", px} that does; otherwise null.
 * Only a block that leaves free space in its parent's content box is
 * measured (one rect each for it and its parent); a block that fills it
 * cannot have been moved by an auto margin.
 */
function staleInlineStart(el, cs) {
  const parent = el.parentElement;
  if (!parent || cs.position !== "static" || cs.float !== "none") return null;
  if (cs.transform !== "none" || cs.translate !== "none" || cs.scale !== "none" || cs.rotate !== "none") return null;
  const pcs = el.ownerDocument.defaultView.getComputedStyle(parent);
  if (!BLOCK_CONTAINERS.has(pcs.display) || pcs.writingMode !== "horizontal-tb") return null;
  const inset = (side) => px(pcs[`border${side}Width`]) + px(pcs[`padding${side}`]);
  const parentBorderBox = borderBoxWidth(pcs);
  const free = parentBorderBox - inset("Left") - inset("Right") - borderBoxWidth(cs);
  if (free - px(cs.marginLeft) - px(cs.marginRight) <= 0.5) return null;
  const box = el.getBoundingClientRect(),
    parentBox = parent.getBoundingClientRect();
  // A scaled or zoomed ancestor: rects and computed lengths disagree.
  if (Math.abs(parentBox.width - parentBorderBox) > 0.5) return null;
  const rtl = pcs.direction === "rtl";
  const at = rtl
    ? parentBox.right - inset("Right") - parent.scrollLeft - box.right
    : box.left - (parentBox.left + inset("Left") - parent.scrollLeft);
  const computed = px(rtl ? cs.marginRight : cs.marginLeft);
  if (Math.abs(at - computed) <= 0.5 || at < -0.5 || at > free + 0.5) return null;
  return { side: rtl ? "margin-right" : "margin-left", px: Math.round(at * 64) / 64 };
}

// A shell (app/viewport-cull.js) has no content, so a flex or grid item's
// automatic minimum size (its content's) is 0 in the copy: in an overflowing
// flex column (a chat log scrolled to its end) every emptied message above
// the viewport shrank, and the messages in view moved up by hundreds of px,
// away from their live redaction boxes. Its min and max sizes are its size.
function pinSize(s) {
  for (const [size, min, max] of [
    ["width", "min-width", "max-width"],
    ["height", "min-height", "max-height"],
  ]) {
    const value = s.getPropertyValue(size);
    if (!/^[\d.]+px$/.test(value)) continue;
    s.setProperty(min, value);
    s.setProperty(max, value);
  }
  s.setProperty("flex-shrink", "0");
}

/**
 * The margin on one side of el's box on the live page after margin collapsing
 * through it (CSS 2.2 §8.3.1): with no border, padding or new formatting
 * context between them, el's margin and its first (last) in-flow child's
 * collapse into one: the largest positive plus the most negative. cache: a
 * WeakMap of results, for side "bottom".
 */
export function collapsedMargin(el, side, cache = null) {
  const cached = cache?.get(el);
  if (cached !== undefined) return cached;
  const cs = el.ownerDocument.defaultView.getComputedStyle(el);
  const Side = side === "top" ? "Top" : "Bottom";
  const own = parseFloat(cs[`margin${Side}`]) || 0;
  let out = own;
  if (
    FLOW_DISPLAYS.has(cs.display) &&
    cs.float === "none" &&
    cs.position !== "absolute" &&
    cs.position !== "fixed" &&
    (cs.overflowY === "visible" || cs.overflowY === "clip") &&
    cs.contain === "none" &&
    !parseFloat(cs[`border${Side}Width`]) &&
    !parseFloat(cs[`padding${Side}`])
  ) {
    const child = edgeChild(el, side === "top");
    // An auto height ends the parent's content at the child's border edge; a set height does not.
    const box = child && el.getBoundingClientRect(),
      childBox = child?.getBoundingClientRect();
    if (child && Math.abs(side === "top" ? box.top - childBox.top : box.bottom - childBox.bottom) <= 0.02) {
      const inner = collapsedMargin(child, side, cache);
      out = Math.max(own, inner, 0) + Math.min(own, inner, 0);
    }
  }
  cache?.set(el, out);
  return out;
}

// The first (or last) in-flow block child, or null when text or an inline box comes first.
function edgeChild(el, first) {
  for (let n = first ? el.firstChild : el.lastChild; n; n = first ? n.nextSibling : n.previousSibling) {
    if (n.nodeType === 3) {
      if (/\S/.test(n.data)) return null;
      continue;
    }
    if (n.nodeType !== 1) continue;
    const ccs = n.ownerDocument.defaultView.getComputedStyle(n);
    if (ccs.display === "none" || ccs.position === "absolute" || ccs.position === "fixed" || ccs.float !== "none")
      continue;
    if (ccs.display.startsWith("inline") || ccs.display === "contents") return null;
    return n;
  }
  return null;
}
