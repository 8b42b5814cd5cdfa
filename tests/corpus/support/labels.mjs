// What the corpus labels mean, and how their live boxes are measured.
//
// In a page, the smallest element holding a piece of personal data carries
// data-corpus-pii="KIND"; a look-alike (order number, date, price, serial)
// carries data-corpus-lookalike="KIND". data-corpus-find says why the widget
// is meant to hide a piece of personal data:
//   detector   its text is a kind the core's detectors find (the default for those kinds)
//   marked     the site marked it (data-sealshot-mask or another tool's marker) or an ancestor
//   input      a sensitive form field (password, cc-*, one-time-code, email or tel value)
//   echo       it repeats the value of a marked element / sensitive or autofilled field (issue 8 point 7)
//   generated  CSS writes it (::before/::after content; issue 8 point 1)
//   site       the widget cannot know: an unmarked name or address, or text that only exists as
//              pixels (canvas, image); counted separately, "left to the site" (the default for other kinds)
// No attribute here is read by the widget.

/** Reasons the widget is meant to hide a label; "site" labels are reported but not enforced. */
export const ENFORCED = ["detector", "marked", "input", "echo", "generated"];

/**
 * Runs in the page (page.evaluate): every labelled element in the document,
 * its open shadow roots and same-origin frames, with the parts of its boxes
 * that a visitor sees, in CSS px from the top-left corner of the visual
 * viewport (what Chromium's screenshot shows: on a phone, a page wider than
 * the screen grows the layout viewport past it). Text is measured by its text nodes'
 * ranges (what the widget boxes for a detected hit); form fields, images,
 * canvases, SVG elements and elements without text (CSS-generated content) by
 * their border boxes. A box is clipped by the viewport, by every scrolling or
 * clipping ancestor and by its frame; a box whose centre another element covers
 * (a sticky header over scrolled text) is dropped as not visible.
 * detectorKinds: the core's PII kind names (core.piiKinds).
 */
export function collectLabels(detectorKinds) {
  const vv = visualViewport;
  const labels = [];
  const counters = new Map();
  const intersect = (a, b) => ({
    l: Math.max(a.l, b.l),
    t: Math.max(a.t, b.t),
    r: Math.min(a.r, b.r),
    b: Math.min(a.b, b.b),
  });
  const empty = (c) => c.r - c.l < 0.5 || c.b - c.t < 0.5;
  const FIELD = /^(INPUT|TEXTAREA|SELECT|IMG|CANVAS|VIDEO|IFRAME|OBJECT|EMBED|PICTURE)$/;

  // Word by word: the space between two words carries nothing, and a name's words may be
  // blacked out one by one (docs/widget.md, echoes), leaving the page visible between them.
  const textRects = (el) => {
    const rects = [];
    const walker = el.ownerDocument.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      for (const m of n.data.matchAll(/\S+/g)) {
        const range = el.ownerDocument.createRange();
        range.setStart(n, m.index);
        range.setEnd(n, m.index + m[0].length);
        rects.push(...range.getClientRects());
      }
    }
    return rects;
  };
  const boxesOf = (el) => {
    if (FIELD.test(el.tagName) || el instanceof el.ownerDocument.defaultView.SVGElement)
      return [...el.getClientRects()];
    const rects = textRects(el);
    return rects.length ? rects : [...el.getClientRects()];
  };
  /** The clip of every ancestor that cuts off its overflow, in the frame's own coordinates. */
  const ancestorClip = (el) => {
    let clip = { l: -Infinity, t: -Infinity, r: Infinity, b: Infinity };
    const doc = el.ownerDocument;
    for (
      let a = el.parentElement ?? el.getRootNode().host;
      a && a !== doc.body && a !== doc.documentElement;
      a = a.parentElement ?? a.getRootNode().host
    ) {
      const cs = getComputedStyle(a);
      if (cs.overflowX === "visible" && cs.overflowY === "visible") continue;
      const r = a.getBoundingClientRect();
      const l = r.left + a.clientLeft,
        t = r.top + a.clientTop;
      clip = intersect(clip, { l, t, r: l + a.clientWidth, b: t + a.clientHeight });
    }
    return clip;
  };
  const visible = (el) => {
    const cs = getComputedStyle(el);
    return cs.visibility !== "hidden" && el.checkVisibility?.({ opacityProperty: true }) !== false;
  };
  const covered = (el, rect) => {
    const root = el.getRootNode();
    const hit = (root.elementFromPoint ?? el.ownerDocument.elementFromPoint).call(
      root,
      (rect.l + rect.r) / 2,
      (rect.t + rect.b) / 2,
    );
    return (
      hit != null &&
      hit !== el &&
      !el.contains(hit) &&
      !hit.contains(el) &&
      !(hit.shadowRoot && hit.shadowRoot.contains(el))
    );
  };

  const visit = (root, dx, dy, frameClip) => {
    for (const el of root.querySelectorAll("[data-corpus-pii], [data-corpus-lookalike]")) {
      const pii = el.getAttribute("data-corpus-pii");
      const kind = pii ?? el.getAttribute("data-corpus-lookalike");
      const find =
        pii == null
          ? null
          : (el.getAttribute("data-corpus-find") ?? (detectorKinds.includes(pii) ? "detector" : "site"));
      const n = (counters.get(kind) ?? 0) + 1;
      counters.set(kind, n);
      const id = el.getAttribute("data-corpus-id") ?? `${pii != null ? "pii" : "lookalike"}:${kind}#${n}`;
      const label = { id, type: pii != null ? "pii" : "lookalike", kind, find, boxes: [], hiddenParts: 0 };
      labels.push(label);
      if (!visible(el)) {
        label.hiddenParts = -1;
        continue;
      }
      const clip = ancestorClip(el);
      for (const r of boxesOf(el)) {
        if (r.width <= 0 || r.height <= 0) continue;
        const local = intersect({ l: r.left, t: r.top, r: r.right, b: r.bottom }, clip);
        if (empty(local)) {
          label.hiddenParts++;
          continue;
        }
        const vp = intersect({ l: local.l + dx, t: local.t + dy, r: local.r + dx, b: local.b + dy }, frameClip);
        if (empty(vp)) {
          label.hiddenParts++;
          continue;
        }
        // Whether the part in view is covered: the centre of the whole box can lie past the
        // viewport's edge, where elementFromPoint finds nothing (a line under a fixed footer).
        if (covered(el, { l: vp.l - dx, t: vp.t - dy, r: vp.r - dx, b: vp.b - dy })) {
          label.hiddenParts++;
          continue;
        }
        label.boxes.push({ x: vp.l, y: vp.t, width: vp.r - vp.l, height: vp.b - vp.t });
      }
    }
    for (const el of root.querySelectorAll("*")) {
      if (el.shadowRoot) visit(el.shadowRoot, dx, dy, frameClip);
      if (el.tagName === "IFRAME" && el.contentDocument?.body) {
        const r = el.getBoundingClientRect();
        const cs = getComputedStyle(el);
        const x = r.left + el.clientLeft + parseFloat(cs.paddingLeft),
          y = r.top + el.clientTop + parseFloat(cs.paddingTop);
        const w = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
        const h = el.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
        // The frame's content box within its ancestors' clips, moved to the output's coordinates.
        const local = intersect(ancestorClip(el), { l: x, t: y, r: x + w, b: y + h });
        const inner = intersect(frameClip, { l: local.l + dx, t: local.t + dy, r: local.r + dx, b: local.b + dy });
        if (!empty(inner)) visit(el.contentDocument, dx + x, dy + y, inner);
      }
    }
  };
  visit(document, -vv.offsetLeft, -vv.offsetTop, { l: 0, t: 0, r: vv.width, b: vv.height });
  return labels;
}

/**
 * Applies a template page's fill list (fills/*.json) in the page: personal
 * data and labels into demo markup. An entry either picks elements
 * ({sel, nth | all, html | text | value | attrs}) or text
 * ({find, all, html} puts html in place of the text; {find, all, pii | lookalike, why}
 * wraps it in a labelled span). Returns the entries that matched nothing.
 */
export function applyFills(fills) {
  const missing = [];
  const label = (f) => {
    const span = document.createElement("span");
    if (f.pii) span.setAttribute("data-corpus-pii", f.pii);
    if (f.lookalike) span.setAttribute("data-corpus-lookalike", f.lookalike);
    if (f.why) span.setAttribute("data-corpus-find", f.why);
    return span;
  };
  for (const f of fills) {
    if (f.find != null) {
      const hits = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (n.parentElement.closest("script, style, [data-corpus-pii], [data-corpus-lookalike]")) continue;
        if (n.data.includes(f.find)) hits.push(n);
      }
      if (!hits.length) {
        missing.push(f.find);
        continue;
      }
      for (const n of f.all ? hits : hits.slice(0, 1)) {
        const at = n.data.indexOf(f.find);
        const rest = n.splitText(at);
        rest.splitText(f.find.length);
        if (f.html != null) {
          const t = document.createElement("template");
          t.innerHTML = f.html;
          rest.replaceWith(t.content);
        } else {
          const span = label(f);
          rest.replaceWith(span);
          span.append(rest);
        }
      }
      continue;
    }
    const all = document.querySelectorAll(f.sel);
    const targets = f.all ? [...all] : [all[f.nth ?? 0]].filter(Boolean);
    if (!targets.length) {
      missing.push(f.sel);
      continue;
    }
    for (const el of targets) {
      if (f.html != null) el.innerHTML = f.html;
      if (f.text != null) el.textContent = f.text;
      if (f.value != null) {
        el.value = f.value;
        el.setAttribute("value", f.value);
      }
      for (const [k, v] of Object.entries(f.attrs ?? {})) el.setAttribute(k, v);
    }
  }
  return missing;
}
