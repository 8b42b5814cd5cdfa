// Finds every box of personal data in the visible viewport, in CSS pixels of
// the top-level viewport, before a single pixel is captured:
//   masked    – declarative masks (ours, other tools', the site's selectors)
//   sensitive – passwords, card and one-time-code fields, email/tel values, payment iframes
//   detected  – visible text (light DOM, open shadow roots, same-origin iframes)
//               scanned by the core's detectors; each hit's exact Range boxes
// It also returns the strings to remove from the capture's DOM copy
// (app/capture-dom.js), so masked text is never even rendered.
import { maskSelector, sensitiveReason, UNMASK_ATTRIBUTE } from "../shared/masks.js";

const SKIP_TEXT = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "TEXTAREA", "OPTION", "TITLE"]);
// Text nodes under the same block (nearest ancestor whose computed display is
// not inline) are scanned as one string, so "+49 <b>151</b> 234" is one
// number, while text of neighbouring blocks ("Email" | "clara@…", or two spans
// laid out as lines of a flex column) is kept apart, and so is text on either
// side of a <br>: run together, "+49 151 2345678<br>2024" is too many digits
// to be a phone number, and the number would escape.

function boxOf(r, frame) {
  const x0 = Math.max(r.left + frame.dx, frame.clip.x0), y0 = Math.max(r.top + frame.dy, frame.clip.y0);
  const x1 = Math.min(r.right + frame.dx, frame.clip.x1), y1 = Math.min(r.bottom + frame.dy, frame.clip.y1);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}

function describe(el) {
  return {
    tag: el.tagName, type: el.getAttribute("type"), autocomplete: el.getAttribute("autocomplete"),
    src: el.getAttribute("src"), allow: el.getAttribute("allow"), unmasked: !!el.closest(`[${UNMASK_ATTRIBUTE}]`),
  };
}

/**
 * options: {scan(text) → hits | null, maxScanChars, maskSelectors}. Our own UI ([data-sealshot-ui]) is skipped.
 * Returns {masked, sensitive, detected, wholeTexts, substrings, stats}.
 */
export function collectRedactions({ scan = null, maxScanChars = 1 << 20, maskSelectors = [] } = {}) {
  const OWN_UI = "[data-sealshot-ui]";
  const selector = maskSelector(maskSelectors);
  const out = { masked: [], sensitive: [], detected: [], wholeTexts: [], substrings: [], stats: { roots: 0, frames: 0, textChars: 0, hits: 0 } };
  const viewport = { x0: 0, y0: 0, x1: window.innerWidth, y1: window.innerHeight };

  // A whole element is one box: its bounding box, which also covers the gaps
  // between the line fragments of a wrapped inline element.
  const push = (list, el, frame) => {
    const b = el.getClientRects().length ? boxOf(el.getBoundingClientRect(), frame) : null;
    if (b) list.push(b);
  };
  const keepTextsOf = (el) => {
    const walker = el.ownerDocument.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) out.wholeTexts.push(n.data);
    if ("value" in el && typeof el.value === "string") out.wholeTexts.push(el.value);
    for (const child of el.querySelectorAll("input, textarea, select")) out.wholeTexts.push(child.value);
  };

  function visitRoot(root, frame, insideMask) {
    out.stats.roots++;
    const masked = new Set(insideMask ? [] : root.querySelectorAll(selector));
    for (const el of masked) {
      if (el.closest(OWN_UI)) continue;
      push(out.masked, el, frame);
      keepTextsOf(el);
    }
    const isMasked = (el) => insideMask || (selector && el.closest(selector) !== null);
    for (const el of root.querySelectorAll("*")) {
      if (el.hasAttribute("data-sealshot-ui")) continue;
      const tag = el.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || tag === "IFRAME") {
        const reason = sensitiveReason(describe(el));
        if (reason) {
          push(out.sensitive, el, frame);
          if (tag !== "IFRAME") out.wholeTexts.push(el.value);
        } else if (tag !== "IFRAME" && scan && el.value && !isMasked(el) && !el.closest(`[${UNMASK_ATTRIBUTE}]`)) {
          // A field's value has no text nodes to measure: a hit blacks out the whole field.
          if (scan(el.value).length) { push(out.detected, el, frame); out.wholeTexts.push(el.value); }
        }
        if (tag === "IFRAME" && !reason) visitFrame(el, frame, isMasked(el));
      }
      if (el.shadowRoot) visitRoot(el.shadowRoot, frame, isMasked(el));
    }
    if (scan && !insideMask) scanText(root, frame, selector);
  }

  function visitFrame(iframe, frame, insideMask) {
    let doc;
    try { doc = iframe.contentDocument; } catch { doc = null; } // cross-origin: nothing to read, nothing rendered
    if (!doc || !doc.documentElement) return;
    out.stats.frames++;
    const r = iframe.getBoundingClientRect();
    const cs = iframe.ownerDocument.defaultView.getComputedStyle(iframe);
    const dx = frame.dx + r.left + iframe.clientLeft + parseFloat(cs.paddingLeft || 0);
    const dy = frame.dy + r.top + iframe.clientTop + parseFloat(cs.paddingTop || 0);
    const clip = { x0: Math.max(frame.clip.x0, dx), y0: Math.max(frame.clip.y0, dy),
      x1: Math.min(frame.clip.x1, dx + iframe.clientWidth), y1: Math.min(frame.clip.y1, dy + iframe.clientHeight) };
    if (insideMask) { push(out.masked, iframe, frame); return; }
    visitRoot(doc, { dx, dy, clip }, false);
  }

  function scanText(root, frame, sel) {
    const doc = root.ownerDocument || root;
    const start = root.nodeType === 9 ? (root.body || root.documentElement) : root;
    if (!start) return;
    // Elements are walked too, but only <br> is returned: it ends a line.
    const walker = doc.createTreeWalker(start, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, {
      acceptNode(n) {
        if (n.nodeType === 1) return n.tagName === "BR" ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
        const p = n.parentElement;
        if (!p || SKIP_TEXT.has(p.tagName) || !/\S/.test(n.data)) return NodeFilter.FILTER_REJECT;
        if (p.closest(OWN_UI)) return NodeFilter.FILTER_REJECT;
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    let nodes = [], starts = [], text = "", prevBlock = null, lineBreak = false;
    const view = doc.defaultView;
    const inline = new Map();
    const isInline = (el) => {
      let v = inline.get(el);
      if (v === undefined) inline.set(el, v = view.getComputedStyle(el).display.startsWith("inline"));
      return v;
    };
    const blockOf = (el) => {
      while (el.parentElement && isInline(el)) el = el.parentElement;
      return el;
    };
    const flush = () => {
      if (!text) return;
      out.stats.textChars += text.length;
      for (const hit of scan(text)) rangeBoxes(nodes, starts, hit, frame, sel);
      nodes = []; starts = []; text = ""; prevBlock = null;
    };
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.nodeType === 1) { lineBreak = true; continue; }  // a <br>
      if (text.length + n.data.length + 1 > maxScanChars) flush();
      const block = blockOf(n.parentElement);
      if (text && (block !== prevBlock || lineBreak)) text += "\n";
      lineBreak = false;
      nodes.push(n); starts.push(text.length); text += n.data; prevBlock = block;
      scanned.push([n, frame]);
    }
    flush();
  }

  function rangeBoxes(nodes, starts, hit, frame, sel) {
    // Map concatenated offsets back to (node, offset); separators belong to no node.
    const locate = (offset, isEnd) => {
      let i = upperBound(starts, offset) - 1;
      if (i < 0) i = 0;
      let local = offset - starts[i];
      if (local > nodes[i].data.length) local = nodes[i].data.length;
      if (isEnd && local === 0 && i > 0) { i--; local = nodes[i].data.length; }
      return [i, local];
    };
    const [i0, startOffset] = locate(hit.start, false);
    const [i1, endOffset] = locate(hit.end, true);
    const startNode = nodes[i0], endNode = nodes[i1];
    const owner = startNode.parentElement;
    if (owner.closest(`[${UNMASK_ATTRIBUTE}]`) || (sel && owner.closest(sel))) return; // opted out, or masked already
    const range = startNode.ownerDocument.createRange();
    try {
      range.setStart(startNode, startOffset);
      range.setEnd(endNode, endOffset);
    } catch {
      return;
    }
    out.stats.hits++;
    // Per text node, since the DOM copy is rewritten one text node at a time.
    for (let i = i0; i <= i1; i++) {
      out.substrings.push(nodes[i].data.slice(i === i0 ? startOffset : 0, i === i1 ? endOffset : undefined));
    }
    for (const r of range.getClientRects()) { const b = boxOf(r, frame); if (b) out.detected.push(b); }
  }

  const scanned = []; // [text node, frame] of every scanned node, for the pass below
  visitRoot(document, { dx: 0, dy: 0, clip: viewport }, false);

  // The same string as in a masked element elsewhere (the name in a card, the
  // address in a chat) is the same personal data: box it too.
  const whole = new Set(out.wholeTexts.map((t) => t.trim()).filter((t) => t.length >= 3));
  for (const [n, frame] of scanned) {
    if (!whole.has(n.data.trim())) continue;
    const range = n.ownerDocument.createRange();
    range.selectNodeContents(n);
    for (const r of range.getClientRects()) { const b = boxOf(r, frame); if (b) out.masked.push(b); }
  }
  return out;
}

function upperBound(sorted, value) {
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid] <= value) lo = mid + 1; else hi = mid; }
  return lo;
}
