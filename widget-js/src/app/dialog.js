// The feedback dialog: Shadow DOM, role=dialog with aria-modal, a focus trap,
// Escape to close, labels from shared/i18n.js. It knows nothing about capture
// or upload: app/widget.js drives it through the returned object.
import { adoptCss, DIALOG_CSS } from "./styles.js";
import { drawCursor, drawMarks, markFromDrag, moveCursor } from "./annotate.js";
import { canvasPicture, paintedCanvas } from "./picture.js";
import { MAX_COMMENT_CHARS } from "../shared/manifest.js";

let uid = 0;

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v == null) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c) el.append(c);
  return el;
}

/**
 * labels: shared/i18n.js; config: normalized config; handlers: {onClose, onSubmit(form),
 * onShareScreen, onUpload(file), onRemoveShot, onMarksChange()}.
 */
export function createDialog({ labels, config, handlers, canShareScreen }) {
  const id = `sealshot-${++uid}`;
  const host = h("div", { "data-sealshot-ui": "" });
  const shadow = host.attachShadow({ mode: "open" });
  adoptCss(shadow, DIALOG_CSS, config.nonce);

  let tool = "hide";
  // picture: the redacted capture (app/picture.js); scale: its pixels per CSS
  // px; base: the clean preview under the marks (copied the first time one is drawn).
  let shot = null; // {picture, scale, base, previewScale}
  let marks = [];
  const previous = deepActiveElement();

  const toolButtons = {};
  const tools = h("div", { class: "tools", role: "toolbar", "aria-label": labels.tools });
  for (const [name, label] of [
    ["hide", labels.toolHide],
    ["highlight", labels.toolHighlight],
    ["arrow", labels.toolArrow],
  ]) {
    toolButtons[name] = h("button", {
      type: "button",
      "aria-pressed": String(name === tool),
      text: label,
      onclick: () => {
        tool = name;
        for (const [n, b] of Object.entries(toolButtons)) b.setAttribute("aria-pressed", String(n === tool));
      },
    });
    tools.append(toolButtons[name]);
  }
  const undo = h("button", {
    type: "button",
    text: labels.undo,
    disabled: true,
    onclick: () => {
      marks.pop();
      redraw();
      handlers.onMarksChange?.();
    },
  });
  tools.append(undo);

  // Focusable, so marks can be drawn with the keyboard too (see below).
  // role=application: a screen reader passes the arrow keys through to it.
  const canvas = h("canvas", {
    role: "application",
    "aria-label": labels.screenshotAlt,
    tabindex: "0",
    "aria-describedby": `${id}-draw-hint`,
    hidden: true,
  });
  const status = h("p", { class: "status", role: "status", text: labels.capturing });
  const drawHint = h("p", { class: "sr-only", id: `${id}-draw-hint`, text: labels.drawHint });
  const announcer = h("p", { class: "sr-only", role: "status", "aria-live": "polite" });
  const stage = h("div", { class: "stage" }, canvas, status, drawHint, announcer);
  const fileInput = h("input", {
    type: "file",
    accept: "image/*",
    hidden: true,
    onchange: () => {
      if (fileInput.files[0]) handlers.onUpload(fileInput.files[0]);
      fileInput.value = "";
    },
  });
  const shareButton = canShareScreen
    ? h("button", { type: "button", text: labels.retakeScreen, onclick: () => handlers.onShareScreen() })
    : null;
  const sources = h(
    "div",
    { class: "sources" },
    shareButton,
    h("button", { type: "button", text: labels.uploadImage, onclick: () => fileInput.click() }),
    h("button", {
      type: "button",
      text: labels.removeScreenshot,
      "data-action": "remove-shot",
      onclick: () => handlers.onRemoveShot(),
    }),
    fileInput,
  );
  const shotSection = h(
    "section",
    { class: "shot", "aria-label": labels.screenshot },
    tools,
    stage,
    sources,
    h("p", { class: "privacy", text: labels.privacyNote }),
  );

  const category = h("select", { name: "category" });
  for (const c of config.categories) category.append(h("option", { value: c, text: labels.categories[c] ?? c }));
  const commentError = h("p", { class: "error", id: `${id}-comment-error` });
  const comment = h("textarea", {
    name: "comment",
    required: true,
    "aria-required": "true",
    placeholder: labels.commentPlaceholder,
    "aria-describedby": `${id}-comment-error`,
    maxlength: String(MAX_COMMENT_CHARS),
  });
  const emailError = h("p", { class: "error", id: `${id}-email-error` });
  const email = h("input", {
    name: "email",
    type: "email",
    autocomplete: "email",
    placeholder: labels.emailPlaceholder,
    "aria-describedby": `${id}-email-error`,
  });
  const consoleBox = config.consoleErrors
    ? h("input", { type: "checkbox", name: "includeConsole", checked: true })
    : null;
  const bar = h("div", { class: "bar" });
  const progress = h(
    "div",
    {
      class: "progress",
      role: "progressbar",
      "aria-valuemin": "0",
      "aria-valuemax": "100",
      "aria-valuenow": "0",
      "aria-label": labels.sending,
      hidden: true,
    },
    bar,
  );
  const message = h("p", { class: "message", role: "status", "aria-live": "polite" });
  const send = h("button", { type: "submit", class: "primary", text: labels.send });
  const cancel = h("button", { type: "button", text: labels.cancel, onclick: () => handlers.onClose() });
  const form = h(
    "form",
    {
      novalidate: true,
      onsubmit: (e) => {
        e.preventDefault();
        submit();
      },
    },
    h("label", {}, labels.category, category),
    h("label", {}, labels.comment, comment),
    commentError,
    h("label", {}, labels.email, email),
    emailError,
    consoleBox && h("label", { class: "check" }, consoleBox, labels.includeConsole),
    progress,
    message,
    h("footer", {}, cancel, send),
  );

  const dialog = h(
    "div",
    { class: "dialog", role: "dialog", "aria-modal": "true", "aria-labelledby": `${id}-title` },
    h(
      "header",
      {},
      h("h2", { id: `${id}-title`, text: labels.title }),
      h("button", {
        type: "button",
        class: "close",
        "aria-label": labels.close,
        text: "\u00d7",
        onclick: () => handlers.onClose(),
      }),
    ),
    h("div", { class: "body" }, shotSection, form),
  );
  // The frame is the part of the page the visitor sees (the visual
  // viewport), kept in place by fitToVisualViewport below; the dialog is
  // laid out inside it, so it never reaches past the screen.
  const frame = h("div", { class: "frame" }, dialog);
  const root = h(
    "div",
    { class: "root", dir: "auto" },
    h("div", { class: "backdrop", onclick: () => handlers.onClose() }),
    frame,
  );
  shadow.append(root);
  shieldHost(host);
  const fit = () => fitToVisualViewport(frame);
  const viewport = window.visualViewport;
  viewport?.addEventListener("resize", fit);
  viewport?.addEventListener("scroll", fit);
  window.addEventListener("resize", fit);
  fit();

  // Focus trap: Tab and Shift+Tab cycle inside the dialog; Escape closes.
  shadow.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      handlers.onClose();
      return;
    }
    if (e.key !== "Tab") return;
    const focusable = [...dialog.querySelectorAll("button, input, select, textarea, [tabindex]")].filter(
      (el) => !el.disabled && !el.hidden && el.offsetParent !== null && el.tabIndex >= 0,
    );
    if (!focusable.length) return;
    const first = focusable[0],
      last = focusable[focusable.length - 1];
    const active = shadow.activeElement;
    if (e.shiftKey && (active === first || !dialog.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !dialog.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  });

  // Drawing marks with a pointer (mouse, pen, touch).
  let drag = null;
  const toCss = (e) => {
    const r = canvas.getBoundingClientRect();
    const w = shot.picture.width / shot.scale,
      hgt = shot.picture.height / shot.scale;
    return [((e.clientX - r.left) / r.width) * w, ((e.clientY - r.top) / r.height) * hgt];
  };
  canvas.addEventListener("pointerdown", (e) => {
    if (!shot) return;
    canvas.setPointerCapture(e.pointerId);
    drag = toCss(e);
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const [x, y] = toCss(e);
    const pending = markFromDrag(tool, drag[0], drag[1], x, y);
    redraw(pending ? [pending] : []);
  });
  const finish = (e) => {
    if (!drag) return;
    const [x, y] = toCss(e);
    const mark = markFromDrag(tool, drag[0], drag[1], x, y);
    drag = null;
    if (mark) {
      marks.push(mark);
      handlers.onMarksChange?.();
    }
    redraw();
  };
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", () => {
    drag = null;
    redraw();
  });

  // Drawing marks with the keyboard: arrow keys move a cross (Shift: larger
  // steps), Enter or Space sets one corner and then the other, Escape drops a
  // started mark (and only then; otherwise it closes the dialog as usual).
  let cursor = null; // CSS pixels of the screenshot
  let anchor = null; // the corner a keyboard mark started from
  const shotSize = () => [shot.picture.width / shot.scale, shot.picture.height / shot.scale];
  const pendingKeyMark = () => (anchor ? markFromDrag(tool, anchor.x, anchor.y, cursor.x, cursor.y) : null);
  canvas.addEventListener("focus", () => {
    if (!shot) return;
    if (!cursor) {
      const [w, hgt] = shotSize();
      cursor = { x: Math.round(w / 2), y: Math.round(hgt / 2) };
    }
    redraw();
  });
  canvas.addEventListener("blur", () => redraw());
  canvas.addEventListener("keydown", (e) => {
    if (!shot || !cursor) return;
    const moved = moveCursor(cursor, e.key, e.shiftKey, ...shotSize());
    if (moved) {
      e.preventDefault(); // no page scrolling
      cursor = moved;
    } else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      if (!anchor) {
        anchor = { ...cursor };
        announcer.textContent = labels.markStarted;
      } else {
        const mark = pendingKeyMark();
        anchor = null;
        if (mark) {
          marks.push(mark);
          handlers.onMarksChange?.();
        }
        announcer.textContent = mark ? labels.markAdded : labels.markCancelled;
      }
    } else if (e.key === "Escape" && anchor) {
      e.stopPropagation();
      anchor = null;
      announcer.textContent = labels.markCancelled;
    } else {
      return;
    }
    redraw();
  });

  function redraw(extra = []) {
    undo.disabled = marks.length === 0;
    if (!shot) return;
    const ctx = canvas.getContext("2d");
    // The clean preview is kept the first time anything is drawn over it:
    // not before the preview is shown, where the copy would lengthen its task.
    if (!shot.base) shot.base = paintedCanvas(canvasPicture(canvas));
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(shot.base, 0, 0);
    const pending = pendingKeyMark();
    drawMarks(ctx, marks.concat(extra, pending ? [pending] : []), shot.previewScale);
    if (cursor && shadow.activeElement === canvas) drawCursor(ctx, cursor, anchor, shot.previewScale);
  }

  function submit() {
    let ok = true;
    commentError.textContent = emailError.textContent = "";
    comment.removeAttribute("aria-invalid");
    email.removeAttribute("aria-invalid");
    if (!comment.value.trim()) {
      commentError.textContent = labels.commentRequired;
      comment.setAttribute("aria-invalid", "true");
      comment.focus();
      ok = false;
    }
    if (email.value.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.value.trim())) {
      emailError.textContent = labels.emailInvalid;
      email.setAttribute("aria-invalid", "true");
      if (ok) email.focus();
      ok = false;
    }
    if (!ok) return;
    handlers.onSubmit({
      comment: comment.value,
      email: email.value,
      category: category.value,
      includeConsole: !!consoleBox?.checked,
    });
  }

  document.documentElement.append(host);
  requestAnimationFrame(() => comment.focus());

  return {
    host,
    get marks() {
      return marks;
    },
    showStatus(text) {
      canvas.hidden = true;
      status.hidden = false;
      status.textContent = text;
      tools.hidden = true;
    },
    /** picture: the redacted capture (app/picture.js); scale: its pixels per CSS px. */
    showShot(picture, scale) {
      marks = [];
      cursor = anchor = null;
      // The preview has the pixels it is shown with (the stage's width at this
      // screen's ratio), not the picture's: a quarter of them in a dialog
      // showing a 2,560 px picture 720 px wide at ratio 2. Painted once, here;
      // marks are drawn over a copy of it (redraw).
      const shown = Math.ceil(stage.clientWidth * Math.max(1, window.devicePixelRatio || 1));
      const k = shown > 0 ? Math.min(1, shown / picture.width) : 1;
      const w = Math.max(1, Math.round(picture.width * k)),
        hgt = Math.max(1, Math.round(picture.height * k));
      shot = { picture, scale, base: null, previewScale: (scale * w) / picture.width };
      canvas.width = w;
      canvas.height = hgt;
      picture.paint(canvas.getContext("2d"), w, hgt);
      undo.disabled = true;
      canvas.hidden = false;
      status.hidden = true;
      tools.hidden = false;
    },
    clearShot(text) {
      shot = null;
      marks = [];
      cursor = anchor = null;
      this.showStatus(text);
    },
    busy(on) {
      for (const el of [send, comment, email, category]) el.disabled = on;
      send.textContent = on ? labels.sending : labels.send;
    },
    progress(fraction) {
      progress.hidden = fraction == null;
      const pct = Math.round((fraction ?? 0) * 100);
      bar.style.width = `${pct}%`;
      progress.setAttribute("aria-valuenow", String(pct));
    },
    message(text, bad = false) {
      message.textContent = text;
      message.classList.toggle("bad", bad);
    },
    focus() {
      comment.focus();
    },
    destroy() {
      viewport?.removeEventListener("resize", fit);
      viewport?.removeEventListener("scroll", fit);
      window.removeEventListener("resize", fit);
      host.remove();
      try {
        previous?.focus?.();
      } catch {
        /* the element may be gone */
      }
    },
  };
}

// A position:fixed box is placed in the layout viewport, and 100vw/100vh
// are the initial containing block's size; neither is what a phone shows
// when the page is wider than the screen (the layout viewport grows past
// it), zoomed out (no meta viewport: 980 CSS px shown on 390), pinch-zoomed
// or panned, or when the on-screen keyboard covers part of it. Then a
// dialog sized by them hangs off the screen, with Send (or the comment
// field) out of reach. The frame is put on the visual viewport instead, in
// layout-viewport coordinates, and scaled by 1 / page scale so the dialog
// has the screen's own size in CSS px (its layout then follows the
// frame's size through container queries, styles.js).
function fitToVisualViewport(frame) {
  const vv = window.visualViewport;
  const scale = vv?.scale > 0 ? vv.scale : 1;
  const box = vv
    ? { left: vv.offsetLeft, top: vv.offsetTop, width: vv.width, height: vv.height }
    : { left: 0, top: 0, width: document.documentElement.clientWidth || window.innerWidth, height: window.innerHeight };
  const s = frame.style;
  s.setProperty("left", `${box.left}px`);
  s.setProperty("top", `${box.top}px`);
  s.setProperty("width", `${box.width * scale}px`);
  s.setProperty("height", `${box.height * scale}px`);
  s.setProperty("transform", scale === 1 ? "none" : `scale(${1 / scale})`);
}

// Page style sheets beat the shadow root's :host rules on the host element
// itself (a site's `div { transform: … }` would become the containing block
// of the fixed dialog, `div { display: none }` would hide it, inherited
// fonts would leak in). Inline !important declarations, set through the
// CSSOM (a strict CSP allows that), beat every page rule.
function shieldHost(host) {
  const s = host.style;
  s.setProperty("all", "initial", "important");
  s.setProperty("display", "block", "important");
  s.setProperty("position", "static", "important");
  s.setProperty("zoom", "1", "important");
}

function deepActiveElement() {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  return el;
}
