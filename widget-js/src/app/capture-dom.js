// Captures what the visitor sees of the page (app/visible-area.js) at the
// device pixel ratio by cloning the DOM
// into an SVG foreignObject (modern-screenshot, chosen by measurement:
// docs/capture-comparison.md). While the copy is built, masked and detected
// text is replaced by same-length blocks, so personal data is not even
// rendered; the pixel boxes of app/collect-rects.js are still applied after.
import { blockOut, maskSelector, sensitiveReason, textRedactor } from "../shared/masks.js";
import { subsetterFor, webFontCss, webFontFaces } from "./fonts.js";
import { loadSubsetter } from "./font-subset.js";
import { GENERATED_TAG, prepareCopy } from "./generated-content.js";
import { createFrameLayout, pageCanvasColor, unscrollChildren } from "./capture-frames.js";
import { createClonePairs } from "./clone-pairs.js";
import { createLayoutFixes } from "./capture-layout.js";
import { nextTask, yieldingEvery } from "./yield-slices.js";
import { openSandbox, renderCopy } from "./render-copy.js";
import { paintRootBackground } from "./root-background.js";
import { ALWAYS_WRITTEN, copiedStyleProperties, createInheritedPruner, repeatedOnChild } from "./copied-styles.js";
import { createStyleGates } from "./style-gates.js";
import { authorFreeProperties, authorStylesNarrow, narrowToAuthorStyles } from "./author-styles.js";
import { unreadableSheetsSettled } from "./sheet-copies.js";
import { createViewportCull } from "./viewport-cull.js";
import { pseudoElementOwners, scrollbarStyleOwners } from "./pseudo-elements.js";
import { createDeviceText } from "./device-text.js";
import { visibleArea } from "./visible-area.js";
import { createImageSizes } from "./image-sizes.js";

// A failed or cross-origin image becomes this neutral grey box instead of failing the capture.
export const IMAGE_PLACEHOLDER =
  "data:image/svg+xml," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="#c8cdd3"/></svg>',
  );
// A CSS background image that fails to load: the browser shows the element's
// background colour, so the copy draws nothing over it (a 1×1 transparent GIF).
const TRANSPARENT_IMAGE = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

/**
 * Resolves to {picture, devicePixelRatio, copy} (picture: app/picture.js). found: the result of
 * collectRedactions(), or a promise of it: the set-up steps do not need it,
 * so they run while it is collected (app/widget.js).
 * copy: {elements, shells, svgChars, stylesRead, imagesLeftOut, …}: elements copied, of them
 * copied without content (outside the viewport), the size of the SVG image, the
 * computed properties read, the elements out of view whose images were left out,
 * and app/image-sizes.js's figures. assetsUrl: where the
 * font subsetter's wasm is (app/font-subset.js).
 */
export async function captureDom(options) {
  // Opened first, so that its document loads while the set-up steps run.
  const sandbox = openSandbox(document);
  try {
    return await captureWithSandbox(sandbox.ready, options);
  } finally {
    sandbox.close();
  }
}

async function captureWithSandbox(
  sandbox,
  { found: finding, maskSelectors = [], devicePixelRatio = window.devicePixelRatio || 1, assetsUrl = document.baseURI },
) {
  let redact; // once the redactions are known, after the set-up (below)
  const selector = maskSelector(maskSelectors);
  // The library copies computed styles inline, -webkit-text-fill-color included, so all three go.
  const hidden = (el) => {
    for (const p of ["color", "-webkit-text-fill-color"]) el.style.setProperty(p, "transparent", "important");
    el.style.setProperty("text-shadow", "none", "important");
  };
  // `original`: the live element `el` is the copy of (null for text the
  // copy made itself); its text children pair with the copy's in order.
  const redactTextChildren = (el, original = null) => {
    const liveTexts = original ? [...original.childNodes].filter((n) => n.nodeType === 3) : [];
    let textIndex = -1;
    for (const child of [...el.childNodes]) {
      if (child.nodeType !== 3) continue;
      const live = liveTexts[++textIndex];
      const segments = redact(child.data);
      if (segments.length === 1 && !segments[0][1]) continue;
      const doc = el.ownerDocument;
      let offset = 0;
      const parts = segments.map(([text, secret]) => {
        const start = offset;
        offset += text.length;
        if (!secret) return doc.createTextNode(text);
        const span = doc.createElement("span");
        hidden(span);
        span.textContent = blockOut(text);
        if (live?.data === child.data) keepLiveTextWidth(span, live, start, offset);
        return span;
      });
      child.replaceWith(...parts);
    }
  };
  const pairs = createClonePairs();
  const frames = createFrameLayout();
  const layout = createLayoutFixes();
  const pruneInherited = createInheritedPruner();
  // Text is drawn as the page draws it at its own ratio; the picture has the
  // pixels the screen shows (captureScale).
  const deviceText = createDeviceText(devicePixelRatio);
  const scale = captureScale(devicePixelRatio);
  // The clone walks the whole DOM in one task unless it yields now and then.
  const pause = yieldingEvery(40);
  const copy = { elements: 0, shells: 0, svgChars: 0, stylesRead: 0, imagesLeftOut: 0 };
  const sanitize = (clone) => {
    if (clone.nodeType !== 1) return;
    const original = pairs.leaving();
    copy.elements++;
    const position = clone.style?.position;
    if (position === "fixed" || position === "sticky") {
      const live = positionedStack.pop();
      if (position === "sticky") unstick(clone, live);
      else if (live) inScrolledFixed.push([clone, live]);
      else fixedCopies.push(clone);
    }
    generated.materialise(clone);
    if (unseenImages.has(original) && dropOwnImages(clone, original)) copy.imagesLeftOut++;
    const maskedHere = safeMatches(clone, selector);
    let blanked = maskedHere;
    if (maskedHere) {
      // Children were cloned first (post-order): blank everything below, and draw none of it.
      hidden(clone);
      // Defence in depth: the masked element is painted solid black in the
      // copy itself (brightness(0) blackens its images, backgrounds and
      // borders too), so even if the copy placed it away from its live box,
      // nothing of it could show. The final PNG gets its box filled again by
      // the core.
      clone.style.setProperty("background", "#000", "important");
      clone.style.setProperty("filter", "brightness(0)", "important");
      const walker = clone.ownerDocument.createTreeWalker(clone, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) n.data = blockOut(n.data);
      keepLiveWidth(clone, original);
    } else {
      redactTextChildren(clone, original);
      for (const child of clone.children) if (child.localName === GENERATED_TAG) redactTextChildren(child);
    }
    const tag = clone.tagName;
    if ((tag === "INPUT" || tag === "TEXTAREA") && clone.hasAttribute("value")) {
      const value = clone.getAttribute("value");
      const sensitive = sensitiveReason({
        tag,
        type: clone.getAttribute("type"),
        autocomplete: clone.getAttribute("autocomplete"),
        unmasked: clone.hasAttribute("data-sealshot-unmask"),
      });
      const secret = maskedHere || sensitive || redact(value).some(([, s]) => s);
      if (secret) {
        clone.setAttribute("value", blockOut(value));
        hidden(clone);
        blanked = true;
      }
    }
    const shell = cull.wasShell(original);
    if (shell) copy.shells++;
    layout.fix(clone, original, { blanked, shell });
    deviceText?.(clone, original);
    pruneInherited(clone, original);
    if (original?.tagName === "IFRAME") frames.frameCloned(clone, original);
    else if (original && original === original.ownerDocument.documentElement) frames.rootCloned(clone);
    return pause();
  };
  // The web fonts in use are fetched (and the subsetter loaded) while the page
  // is copied; each is inlined once the copy's characters are known.
  const faces = webFontFaces();
  // The set-up below reads the whole page several times (fonts, sticky
  // offsets, the viewport cull): each read is a task of its own.
  await nextTask();
  const subsetter = faces.length ? subsetterFor(faces, () => loadSubsetter(assetsUrl)) : null;
  const fontCss = faces.length ? (codePoints) => webFontCss(faces, codePoints, subsetter) : null;
  const rootWidth = document.documentElement.getBoundingClientRect().width;
  // The copy is laid out unscrolled and shifted by a transform on its root.
  // That transform is the containing block of every position:fixed element
  // too, so without help a fixed element (chat bubble, cookie bar) would move
  // up with the page by the scroll offset, away from its viewport-coordinate
  // redaction boxes (app/collect-rects.js): its text could escape the boxes.
  // The copy carries the computed top/left/bottom/right in px (viewport
  // relative), so each fixed copy is moved back by the scroll offset.
  const fixedCopies = [];
  const pinFixed = (root) => {
    for (const el of fixedCopies) {
      if (!viewportIsContainingBlock(el, root)) continue; // moves with its transformed ancestor
      const s = el.style,
        shift = (prop, d) => {
          const v = parseFloat(s.getPropertyValue(prop));
          if (Number.isFinite(v)) s.setProperty(prop, `${v + d}px`, s.getPropertyPriority(prop));
        };
      shift("top", y);
      shift("bottom", -y);
      shift("left", x);
      shift("right", -x);
    }
  };
  // Sticky elements: the unscrolled copy would draw them where they sit at
  // scroll 0, not where they are stuck now. Their current sticky offset is
  // measured on the live page (below) and the copy becomes position:relative
  // with that offset. The copy has no link to its original, but modern-screenshot
  // calls filter(original) right before cloning it and onCloneEachNode(copy)
  // after its subtree (depth first, one at a time), so a stack pairs them:
  // one entry per sticky or fixed element (its sticky offset, or its live box).
  const stickyOffsets = measureStickyOffsets();
  await nextTask();
  const positionedStack = [];
  // Fixed elements inside an element that is scrolled (an app scrolling in a
  // wrapper): restoreScrollPosition moves the scrolled element's children by
  // a transform, which drags the fixed element along and becomes its
  // containing block. Such a copy is taken out to the copy's root and placed
  // at the element's live viewport box instead.
  const inScrolledFixed = [];
  const unstick = (clone, offset) => {
    if (!offset) return;
    const s = clone.style;
    s.setProperty("position", "relative", "important");
    s.setProperty("top", `${offset.dy}px`, "important");
    s.setProperty("left", `${offset.dx}px`, "important");
    s.setProperty("bottom", "auto", "important");
    s.setProperty("right", "auto", "important");
  };
  // Boxes wholly outside the area the visitor sees are copied without their content (app/viewport-cull.js).
  const cull = createViewportCull(document);
  await nextTask();
  // Images go into the copy at the size the picture draws them (app/image-sizes.js);
  // those in view are fetched and decoded from now on, while the page is copied.
  const images = createImageSizes({ scale });
  images.noteInView(cull.inView);
  const unseenImages = new WeakSet();
  await nextTask();
  // Properties no author style of the page sets are not read per element (app/author-styles.js).
  const authorFree = await authorFreeProperties(document, copiedStyleProperties());
  // The steps below read other origins' sheets through their copies (app/sheet-copies.js),
  // which authorFreeProperties waited for as a rule.
  await unreadableSheetsSettled(document);
  // Each reads every rule of the page's sheets (a template's hold thousands): a task each.
  await nextTask();
  const mayHavePseudoElements = pseudoElementOwners(document);
  await nextTask();
  const mayStyleScrollbar = scrollbarStyleOwners(document);
  // Which elements leave them out: the clone's lists and the tag defaults use the same answer.
  const authorNarrow = authorFree?.size ? { free: authorFree, narrows: authorStylesNarrow(document) } : null;
  const stylesFor = narrowToAuthorStyles(
    createStyleGates(copiedStyleProperties(), mayHavePseudoElements),
    document,
    authorFree,
    authorNarrow?.narrows,
  );
  images.skipUnset(authorFree);
  await nextTask();
  const filter = (node) => {
    if (cull.wasShell(pairs.current())) return false;
    if (node.nodeType !== 1) return true;
    // Our own launcher and dialog are never part of the picture.
    if (node.hasAttribute("data-sealshot-ui")) return false;
    pairs.entering(node);
    const style = node.ownerDocument.defaultView?.getComputedStyle(node);
    const position = style?.position;
    if (position === "sticky") positionedStack.push(stickyOffsets.get(node));
    if (position === "fixed")
      positionedStack.push(outermostFixedInScrolled(node) ? node.getBoundingClientRect() : null);
    if (!style) return true;
    // Images of a box wholly out of view are not fetched or carried (app/viewport-cull.js).
    if ((node.localName === "img" || style.backgroundImage.includes("url(")) && cull.boxUnseen(node, style))
      unseenImages.add(node);
    else if (!cull.isShell(node)) images.note(node, style);
    return true;
  };
  const found = await finding;
  await nextTask(); // the scan's task ends here
  redact = textRedactor(found);
  // The scroll at which the redaction boxes were measured (a task or more ago), so copy and boxes agree.
  const x = found?.scroll?.x ?? window.scrollX,
    y = found?.scroll?.y ?? window.scrollY;
  // The part of the layout viewport the boxes are relative to: the part drawn.
  const area = found?.area ?? visibleArea();
  let picture;
  // CSS-generated text becomes real text in the copy (app/generated-content.js),
  // so it is redacted like the rest. Made after the set-up's pauses, right before
  // the copy and its finally, so the live page never keeps its marks (sanitize,
  // above, runs only inside renderCopy).
  const generated = prepareCopy(found?.generated ?? [], (text) => redact(text).some(([, secret]) => secret));
  try {
    picture = await renderCopy(document.documentElement, {
      // Laid out in the whole layout viewport, as the page is; drawn from the visible part only.
      width: window.innerWidth,
      height: window.innerHeight,
      drawn: area,
      scale,
      // The canvas is painted as the browser paints it, over the whole viewport
      // (the copy's root box moves with the scroll and may be shorter).
      backgroundColor: pageCanvasColor(),
      // The copy is laid out from the top: shift it to what the visitor sees.
      style: x || y ? { transform: `translate(${-x}px, ${-y}px)` } : null,
      filter,
      onCloneEachNode: sanitize,
      onCloneNode: (root) => {
        // The library gives the copy's root the canvas width (innerWidth). On a
        // phone a page wider than the screen grows the layout viewport past the
        // root's own width (the initial containing block stays device-wide):
        // laid out wider, an RTL copy's content moved right, away from its
        // live redaction boxes. The root keeps its live width.
        root.style.setProperty("width", `${rootWidth}px`, "important");
        if (generated.active) root.append(generated.styleElement(root.ownerDocument));
        unscrollChildren(root, document, x, y);
        if (x || y) pinFixed(root);
        for (const [copy, live] of inScrolledFixed) placeAtViewportBox(copy, live, root, x, y);
        frames.layOut();
        layout.finish(root);
        paintRootBackground(root);
      },
      // Elements scrolled inside the page (a chat log, a wide table) would be
      // drawn unscrolled, each masked element then away from its live box and
      // unredacted in the picture: the library shifts the children of every
      // scrolled element by its scroll offset (a transform on each child copy).
      features: { restoreScrollPosition: true },
      includeStyleProperties: copiedStyleProperties(),
      stylePropertiesFor: (el) => {
        const list = stylesFor(el);
        copy.stylesRead += list.length;
        return list;
      },
      repeatOnly: repeatedOnChild,
      mayHavePseudoElements,
      mayStyleScrollbar,
      isShell: (el) => cull.isShell(el),
      authorNarrow,
      alwaysWritten: ALWAYS_WRITTEN,
      sandbox,
      fontCss,
      // imageDom is set for <img> and SVG <image>, not for CSS images.
      fetch: { placeholderImage: (imageDom) => (imageDom ? IMAGE_PLACEHOLDER : TRANSPARENT_IMAGE) },
      fetchFn: images.fetchFn,
      workerNumber: 0, // no blob: workers: a strict CSP (worker-src) would refuse them
      timeout: 10_000,
      onSerialized: (chars) => {
        copy.svgChars = chars;
      },
    });
  } finally {
    generated.restore();
  }
  Object.assign(copy, images.stats);
  return { picture, devicePixelRatio: scale, copy };
}

// The copy of an element none of whose own painting can show draws no image:
// its background images are gone and an <img> shows a transparent pixel
// (the copy keeps its computed width and height). Not an <img> in a
// <picture>, whose <source> the library would pick instead.
// Returns whether it had any.
function dropOwnImages(clone, original) {
  let dropped = false;
  const s = clone.style;
  if (s.backgroundImage.includes("url(")) {
    s.setProperty("background-image", "none", s.getPropertyPriority("background-image"));
    dropped = true;
  }
  if (clone.localName === "img" && original.parentElement?.localName !== "picture" && clone.getAttribute("src")) {
    clone.removeAttribute("srcset");
    clone.setAttribute("src", TRANSPARENT_IMAGE);
    dropped = true;
  }
  return dropped;
}

// The picture has the pixels the screen shows: devicePixelRatio ×
// visualViewport.scale per CSS px. On a phone, a page without a viewport tag
// is shown zoomed out: its layout viewport (innerWidth, 980 CSS px) fills the
// screen's 390, at about 1.2 device px per CSS px at ratio 3. Captured at 3,
// the picture was 2.5 times as wide as the screen (6 times its pixels). A
// visitor who zoomed in sees fewer CSS px larger: the picture of that part
// (app/visible-area.js) is as sharp as the screen, not a blurred enlargement.
export function captureScale(devicePixelRatio, viewport = window.visualViewport) {
  const zoom = viewport?.scale ?? 1;
  return zoom > 0 ? devicePixelRatio * zoom : devicePixelRatio;
}

// blockOut() text is wider than most names ("Xxxxx" against "Jonas": 14% in
// DejaVu Sans), and the copy's boxes have the live page's widths: a masked
// name at the end of a fixed-width header line wrapped in the copy, and its
// black background drew a second box on the line below, where the live page
// shows nothing. A masked inline element that is one line on the live page
// is kept one line of its live width in the copy.
function keepLiveWidth(clone, original) {
  if (!original || original.nodeType !== 1 || original.getClientRects().length !== 1) return;
  const cs = original.ownerDocument.defaultView.getComputedStyle(original);
  if (cs.display !== "inline") return;
  // As an inline-block its vertical padding and borders would take room in the line.
  if ([cs.paddingTop, cs.paddingBottom, cs.borderTopWidth, cs.borderBottomWidth].some((v) => parseFloat(v) > 0)) return;
  const s = clone.style;
  s.setProperty("display", "inline-block", "important");
  s.setProperty("box-sizing", "border-box", "important");
  // The exact width unless a transformed ancestor scales the viewport box (offsetWidth: untransformed, whole px).
  const exact = original.getBoundingClientRect().width,
    whole = original.offsetWidth;
  s.setProperty("width", `${Math.abs(exact - whole) <= 1 ? exact : whole}px`, "important");
  s.setProperty("white-space", "nowrap", "important");
  s.setProperty("vertical-align", "baseline", "important");
  // The block's height is then its line height; `normal` is about the font's
  // ascent + descent, the height of the inline box (and its black background) on the live page.
  s.setProperty("line-height", "normal", "important");
}

// blockOut() text is not as wide as the text it stands for ("x" against the
// letters of an email), and where the browser sizes boxes by their content
// (an auto-layout table's columns, a shrink-to-fit cell, a flex item) every
// box after it moved: an admin template's staff table drew its columns 1-2
// px off. A blanked piece of text that is one line on the live page keeps
// that line's width in the copy; one that wraps is left to wrap.
function keepLiveTextWidth(span, liveText, start, end) {
  const range = liveText.ownerDocument.createRange();
  range.setStart(liveText, start);
  range.setEnd(liveText, end);
  const rects = [...range.getClientRects()].filter((r) => r.width > 0);
  if (rects.length !== 1) return;
  // Under a scaling transform the viewport box is not the layout width.
  const parent = liveText.parentElement;
  if (!parent || Math.abs(parent.getBoundingClientRect().width - parent.offsetWidth) > 1) return;
  const s = span.style;
  s.setProperty("display", "inline-block", "important");
  s.setProperty("box-sizing", "content-box", "important");
  s.setProperty("padding", "0", "important");
  s.setProperty("border", "0", "important");
  s.setProperty("width", `${rects[0].width}px`, "important");
  // Its text may be wider than the box: it overflows, transparent, where
  // `overflow: hidden` would move the block's baseline to its bottom edge.
  s.setProperty("white-space", "nowrap", "important");
  s.setProperty("vertical-align", "baseline", "important");
}

// restoreScrollPosition treats the page's own scroller like any scrolled
// element, but the page scroll is already applied by the transform on the
// copy's root (pinFixed depends on that): unscrollChildren takes it back off.

// True for a position:fixed element (no fixed ancestor) with an ancestor
// other than the page's scroller that is scrolled: the case
// restoreScrollPosition gets wrong. Same document only (iframes have their own).
function outermostFixedInScrolled(el) {
  if (el.ownerDocument !== document) return false;
  let scrolled = false;
  for (let p = el.parentElement; p; p = p.parentElement) {
    if (p === document.scrollingElement || p === document.documentElement) break;
    const cs = getComputedStyle(p);
    if (cs.position === "fixed") return false;
    if (p.scrollTop || p.scrollLeft) scrolled = true;
  }
  return scrolled;
}

// Moves a fixed element's copy to the copy's root and pins it to the box the
// visitor sees (viewport coordinates; the root is shifted by the page scroll
// x, y when the page itself is scrolled). Its own transform is already in
// that box, so it is dropped, and the size is fixed to the box.
function placeAtViewportBox(copy, live, root, x, y) {
  root.append(copy);
  const s = copy.style;
  for (const [prop, value] of [
    ["position", "fixed"],
    ["top", `${live.top + y}px`],
    ["left", `${live.left + x}px`],
    ["right", "auto"],
    ["bottom", "auto"],
    ["margin", "0"],
    ["transform", "none"],
    ["box-sizing", "border-box"],
    ["width", `${live.width}px`],
    ["height", `${live.height}px`],
  ]) {
    s.setProperty(prop, value, "important");
  }
}

function safeMatches(el, selector) {
  try {
    return !!selector && el.matches(selector);
  } catch {
    return false;
  }
}

// A fixed element's containing block is the viewport unless an ancestor has a
// transform, filter, perspective, containment or a will-change of these
// (read from the copy's inlined computed styles, up to the copy's root).
function viewportIsContainingBlock(el, root) {
  for (let p = el.parentElement; p && p !== root; p = p.parentElement) {
    const s = p.style;
    if (
      (s.transform && s.transform !== "none") ||
      (s.filter && s.filter !== "none") ||
      (s.perspective && s.perspective !== "none") ||
      (s.backdropFilter && s.backdropFilter !== "none") ||
      /paint|layout|strict|content/.test(s.contain || "") ||
      /transform|filter|perspective/.test(s.willChange || "")
    )
      return false;
  }
  return true;
}

// Map of every sticky element (page and open shadow roots) to its current
// sticky offset {dx, dy}: its box now minus its box as position:static. Static
// and sticky lay out the same, only the element itself moves, so switching
// one element for a synchronous measurement changes nothing else and is
// never painted (one element at a time, so nested offsets do not add up).
function measureStickyOffsets() {
  const offsets = new WeakMap();
  const visit = (root) => {
    for (const el of root.querySelectorAll("*")) {
      if (el.shadowRoot) visit(el.shadowRoot);
      if (getComputedStyle(el).position !== "sticky") continue;
      const now = el.getBoundingClientRect();
      const attr = el.getAttribute("style"); // restored verbatim, not re-serialized
      el.style.setProperty("position", "static", "important");
      const unstuck = el.getBoundingClientRect();
      if (attr === null) el.removeAttribute("style");
      else el.setAttribute("style", attr);
      offsets.set(el, { dx: now.left - unstuck.left, dy: now.top - unstuck.top });
    }
  };
  visit(document);
  return offsets;
}
