// DOM → SVG copy → canvas, as modern-screenshot's domToCanvas does, with one
// step of our own between serializing the copy and drawing it: the copy's
// layout lengths are written out exactly (app/capture-layout.js, exactLengths).
// The copy's styles pass through CSSOM serialization, which keeps six
// significant digits: a 260.078125 px box becomes 260.078 px, one layout unit
// (1/64 px) narrower, and a shrink-to-fit box whose items filled it exactly
// wraps its last item. No CSSOM setter can keep more digits, so the
// serialized text is corrected.
import { createContext, destroyContext, domToForeignObjectSvg } from "modern-screenshot";
import { exactLengths } from "./capture-layout.js";
import { copyCharacters } from "./copy-characters.js";
import { nextTask } from "./yield-slices.js";
import { measureDefaultStyles } from "./default-styles.js";
import { SCROLLBAR_PSEUDOS } from "./pseudo-elements.js";
import { shareRepeatedStyles } from "./shared-declarations.js";
import { inlineStyleImages } from "./style-images.js";

// XML 1.0 cannot carry these; the library strips them the same way.
const NOT_XML = /[\u0000-\u0008\v\f\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/gu;

/**
 * options: modern-screenshot's (width, height, scale, backgroundColor, hooks…),
 * onSerialized(chars): the SVG's length, fontCss(codePoints): resolves to
 * the @font-face rules for the characters the finished copy shows (it runs
 * after the clone and our onCloneNode), and stylePropertiesFor(element): the
 * computed properties to copy for that element (the root gets
 * includeStyleProperties), repeatOnly(child): which properties the element
 * cloned before it wrote are written on this child too (a Set, or null for
 * all), alwaysWritten: properties never compared with a default, and
 * sandbox: a promise of the frame from openSandbox() (opened here if absent),
 * mayHavePseudoElements(element): false when the element has no ::before or
 * ::after, mayStyleScrollbar(element): false when no rule styles its
 * scrollbar's parts (both app/pseudo-elements.js), isShell(element): whether
 * the copy takes it without its content (app/viewport-cull.js), and authorNarrow: {free, narrows} when
 * stylePropertiesFor leaves the properties in `free` out for the elements
 * narrows(el) holds for (app/author-styles.js), so their tags' defaults are
 * measured without them. drawn: {x, y, width, height}, the part of the copy
 * (CSS px) that the picture shows; the whole copy when absent. Resolves to a
 * picture: {width, height, paint(ctx, w, h)} (app/picture.js), its size in
 * device pixels; nothing is rasterized until it is painted.
 */
export async function renderCopy(
  node,
  {
    fontCss,
    stylePropertiesFor,
    repeatOnly,
    alwaysWritten = [],
    sandbox,
    mayHavePseudoElements,
    mayStyleScrollbar = () => true,
    isShell = null,
    authorNarrow,
    drawn,
    ...options
  },
) {
  // A font option that is not false, so the library embeds our CSS; its own
  // pass (a <style> in a scratch document) would break under a strict CSP.
  const context = await createContext(node, { ...options, font: fontCss ? { cssText: "/* */" } : false });
  try {
    if (repeatOnly) {
      context.sandbox = await (sandbox ?? openSandbox(node.ownerDocument).ready);
      await measureDefaultStyles(context, node, options.includeStyleProperties ?? [], {
        narrow: authorNarrow,
        pseudoElements: mayHavePseudoElements ? { content: mayHavePseudoElements, scrollbar: mayStyleScrollbar } : null,
        isShell,
      });
      repeatOnlyWhere(context, repeatOnly, alwaysWritten);
    }
    if (stylePropertiesFor) readPerElement(context, stylePropertiesFor, options.includeStyleProperties);
    if (mayHavePseudoElements)
      context.ownerWindow = computedStylesOf(context.ownerWindow, mayHavePseudoElements, mayStyleScrollbar);
    if (fontCss) {
      const onCloneNode = context.onCloneNode;
      context.onCloneNode = async (clone) => {
        await onCloneNode?.(clone);
        await nextTask();
        const css = await fontCss(copyCharacters(clone, context.fontFamilies));
        context.font = { cssText: css || "/* no web fonts in use */" };
      };
    }
    const svg = await domToForeignObjectSvg(context);
    await inlineStyleImages(svg, context.fetch?.requestInit);
    // Each step below is one long call: the page gets the thread between them.
    await nextTask();
    const copyRoot = svg.querySelector("foreignObject")?.firstElementChild;
    if (copyRoot) shareRepeatedStyles(svg, copyRoot);
    const serialized = new XMLSerializer().serializeToString(svg);
    await nextTask();
    const xml = exactLengths(serialized.replace(NOT_XML, ""));
    options.onSerialized?.(xml.length);
    await nextTask();
    const image = await loadSvg(xml);
    // Parsing and laying out the SVG image was one long call; painting it is another.
    await nextTask();
    const { width, height, scale, backgroundColor } = context;
    const part = drawn ?? { x: 0, y: 0, width, height };
    return {
      width: Math.floor(part.width * scale),
      height: Math.floor(part.height * scale),
      // Only the drawn part is rasterized, at the size asked: the preview at
      // the size it is shown, the sent picture at full size, when it is sent.
      paint(ctx, w, h) {
        if (backgroundColor) {
          ctx.fillStyle = backgroundColor;
          ctx.fillRect(0, 0, w, h);
        }
        ctx.drawImage(image, part.x, part.y, part.width, part.height, 0, 0, w, h);
      },
    };
  } finally {
    destroyContext(context);
  }
}

// The library calls filter(child) right before it clones that child and
// reads the list from the context for its styles and pseudo-elements; the
// clone goes one element at a time, so the list is that element's.
function readPerElement(context, listFor, whole) {
  const filter = context.filter;
  context.filter = (child) => {
    if (filter && !filter(child)) return false;
    if (child.nodeType === 1) context.includeStyleProperties = listFor(child);
    return true;
  };
  // After a subtree the whole list again: a same-origin frame's root is
  // cloned inside its <iframe>'s clone, and the <iframe>'s own styles are
  // copied after it with whatever list is set then.
  const onCloneEachNode = context.onCloneEachNode;
  context.onCloneEachNode = (copy) => {
    context.includeStyleProperties = whole;
    return onCloneEachNode?.(copy);
  };
}

// The library writes on each element every property that the element cloned
// before it wrote, whatever its value (it drops them from the defaults it
// compares with). repeat(child) says which of them a child needs again;
// `always` are never compared with a default.
function repeatOnlyWhere(context, repeat, always) {
  let next = null;
  const filter = context.filter;
  context.filter = (child) => {
    const ok = !filter || filter(child);
    if (ok) next = child; // the library sets currentParentNodeStyle right after, for this child
    return ok;
  };
  let previous;
  Object.defineProperty(context, "currentParentNodeStyle", {
    configurable: true,
    get: () => previous,
    set(style) {
      const only = next?.nodeType === 1 ? repeat(next) : null;
      previous = {
        forEach(fn) {
          style?.forEach((value, name) => {
            if (!only || only.has(name)) fn(value, name);
          });
          for (const name of always) fn(undefined, name);
        },
      };
    },
  });
}

const NO_CONTENT = { getPropertyValue: () => "none" };
const SCROLLBAR_PARTS = new Set(SCROLLBAR_PSEUDOS);

// The window the library reads computed styles from (it reads nothing else
// from it). A computed style has no !important, so the priority the library
// asks of each property (~100,000 calls on an admin template's user list) is
// "" without asking; and a pseudo-element that an element cannot have, or
// scrollbar parts that no rule styles, have no content to the library, which
// then skips them.
function computedStylesOf(view, mayHavePseudoElements, mayStyleScrollbar) {
  return {
    getComputedStyle(node, pseudo) {
      if ((pseudo === "::before" || pseudo === "::after") && !mayHavePseudoElements(node)) return NO_CONTENT;
      if (SCROLLBAR_PARTS.has(pseudo) && !mayStyleScrollbar(node)) return NO_CONTENT;
      const style = view.getComputedStyle(node, pseudo);
      return {
        getPropertyValue: (name) => style.getPropertyValue(name),
        getPropertyPriority: () => "",
        get length() {
          return style.length;
        },
        item: (i) => style.item(i),
      };
    },
  };
}

// The frame where the library reads each tag's default styles, made as the
// library makes it but used only once its document has loaded. The library
// reads its first defaults at once, from the frame's initial about:blank,
// which is in quirks mode: there an <input> is border-box, in the copy it is
// content-box. Loading it takes 45-90 ms of waiting, so the capture opens it
// before its set-up steps (app/capture-dom.js). destroyContext removes it,
// close() too (a capture that failed before the clone).
export function openSandbox(doc) {
  const frame = doc.createElement("iframe");
  frame.width = "0";
  frame.height = "0";
  frame.style.visibility = "hidden";
  frame.style.position = "fixed";
  frame.setAttribute("aria-hidden", "true");
  frame.setAttribute("data-sealshot-ui", ""); // never copied
  frame.tabIndex = -1;
  const ready = new Promise((resolve) => {
    frame.addEventListener("load", () => resolve(frame), { once: true });
    setTimeout(() => resolve(frame), 2000); // a page that holds frames back: the library's own behaviour
  });
  frame.srcdoc = '<!DOCTYPE html><meta charset="UTF-8"><title></title><body>';
  (doc.body ?? doc.documentElement).append(frame);
  return { ready, close: () => frame.remove() };
}

// A data: URL, not a blob: one: Chromium taints a canvas that drew an SVG
// with a foreignObject from a blob: URL, and the pixels could not be read.
function loadSvg(xml) {
  return loadImage(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(xml)}`);
}

async function loadImage(src) {
  const image = new Image();
  image.decoding = "sync";
  await new Promise((resolve, reject) => {
    image.onload = resolve;
    image.onerror = () => reject(new Error("the copy of the page could not be drawn"));
    image.src = src;
  });
  await image.decode().catch(() => {}); // drawn either way, as the library does
  return image;
}
