// One widget instance: opens the dialog, captures and redacts, builds and
// seals the report, and delivers it through the outbox. Stage timings are
// published with the `sealshot:sent` event (docs/widget.md, docs/benchmarks.md).
import { labelsFor, pickLanguage } from "../shared/i18n.js";
import { buildManifest, redactText, scrubMessage } from "../shared/manifest.js";
import { submissionsUrl } from "../shared/config.js";
import { Outbox } from "../shared/outbox.js";
import { collectRedactions } from "./collect-rects.js";
import { captureDom } from "./capture-dom.js";
import { canShareScreen, captureDisplay, captureUpload } from "./capture-other.js";
import { hideRects, drawMarks } from "./annotate.js";
import { createDialog } from "./dialog.js";
import { loadCore } from "./core-loader.js";
import { postEnvelope } from "./upload.js";
import { openOutboxStore } from "./idb-store.js";

const PENDING_FLAG = "sealshot.outbox";
// In the open dialog, short waits are retried at once; longer ones go to the background.
const MAX_FOREGROUND_WAIT_MS = 8000;

/**
 * config: normalized (shared/config.js). state: {user, metadata} shared with
 * the loader. consoleErrors: array the loader fills when enabled.
 */
export function createApp({ config, state, consoleErrors = [] }) {
  const labels = labelsFor(pickLanguage([config.lang, document.documentElement.lang, navigator.language]), config.labels);
  let dialog = null;
  let session = null;
  let timer = null;
  let removed = false;

  const outboxReady = openOutboxStore().then((store) => new Outbox({
    store,
    send: (entry, onProgress) => postEnvelope({ url: entry.url, envelope: entry.envelope, idempotencyKey: entry.id, onProgress }),
    onChange: () => { scheduleFlush(); },
  }));

  async function scheduleFlush() {
    const outbox = await outboxReady;
    const due = await outbox.nextDueIn();
    try {
      if (due == null) localStorage.removeItem(PENDING_FLAG); else localStorage.setItem(PENDING_FLAG, "1");
    } catch { /* storage blocked: the next page simply will not know */ }
    clearTimeout(timer);
    if (due != null && !removed) timer = setTimeout(flush, Math.max(due, 250));
  }

  async function flush() {
    const outbox = await outboxReady;
    for (const result of await outbox.flush()) {
      if (result.state === "delivered") emit("sealshot:sent", { id: result.id, submission: result.body?.id, background: true });
    }
    scheduleFlush();
  }
  const onOnline = () => flush();
  window.addEventListener("online", onOnline);

  // ---- capture ----------------------------------------------------------------
  async function takeShot(source, file) {
    const core = await loadCore(config.assetsUrl);
    const timings = {};
    let t = performance.now();
    const lap = (name) => { const now = performance.now(); timings[name] = +(now - t).toFixed(1); t = now; };
    let found = null, captured;
    const collect = () => collectRedactions({
      scan: config.autoDetect ? (text) => core.scan(text) : null,
      maxScanChars: core.limits.maxScanChars, maskSelectors: config.maskSelectors,
    });
    if (source === "dom") {
      found = collect();
      lap("scan");
      captured = await captureDom({ found, maskSelectors: config.maskSelectors });
      lap("capture");
    } else if (source === "display") {
      // Our launcher and dialog are real pixels in a tab capture: hide them for the frame.
      const ui = () => document.querySelectorAll("[data-sealshot-ui]");
      captured = await captureDisplay({
        hide: () => ui().forEach((el) => el.style.setProperty("visibility", "hidden")),
        show: () => ui().forEach((el) => el.style.removeProperty("visibility")),
      });
      lap("capture");
      found = collect(); // the page as it was in the frame: the dialog was hidden, nothing moved
      lap("scan");
    } else {
      captured = await captureUpload(file);
      lap("capture");
    }
    const { canvas, devicePixelRatio } = captured;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    const rects = found ? [...found.masked, ...found.sensitive, ...found.detected] : [];
    // The preview shows the final boxes: filled here with the core's outward
    // rounding on the canvas (no 8-33 MB round trip through the wasm heap);
    // the core fills them again, authoritatively, in redactAndEncode on send.
    ctx.fillStyle = "#000";
    for (const r of rects) {
      const x0 = Math.floor(r.x * devicePixelRatio), y0 = Math.floor(r.y * devicePixelRatio);
      ctx.fillRect(x0, y0, Math.ceil((r.x + r.width) * devicePixelRatio) - x0, Math.ceil((r.y + r.height) * devicePixelRatio) - y0);
    }
    const imageData = ctx.getImageData(0, 0, canvas.width, canvas.height);
    lap("redact");
    return {
      source, imageData, devicePixelRatio, rects, timings,
      sources: found ? { masked: found.masked.length, sensitive: found.sensitive.length, detected: found.detected.length } : {},
    };
  }

  async function runCapture(source, file) {
    dialog.showStatus(labels.capturing);
    try {
      const shot = await takeShot(source, file);
      if (!dialog) return;
      session.shot = shot;
      dialog.showShot(shot.imageData, shot.devicePixelRatio);
      emit("sealshot:capture", { source, width: shot.imageData.width, height: shot.imageData.height, timings: shot.timings });
    } catch (error) {
      if (!dialog) return;
      session.shot = null;
      dialog.clearShot(labels.captureFailed);
      emit("sealshot:capture", { source, error: String(error?.message ?? error) });
      warn("capture failed", error);
    }
  }

  // ---- report -----------------------------------------------------------------------
  async function submit(form) {
    if (session.sending) return;
    session.sending = true;
    dialog.busy(true);
    dialog.message("");
    const timings = { ...(session.shot?.timings ?? {}) };
    try {
      const core = await loadCore(config.assetsUrl);
      let t = performance.now();
      const lap = (name) => { const now = performance.now(); timings[name] = +(now - t).toFixed(1); t = now; };
      let png = new Uint8Array(0);
      let screenshot = null;
      const shot = session.shot;
      if (shot) {
        const marks = dialog.marks;
        let pixels = shot.imageData;
        if (marks.some((m) => m.kind !== "hide")) {
          // Highlights and arrows become pixels through the same drawing code as the preview.
          const c = document.createElement("canvas");
          c.width = pixels.width; c.height = pixels.height;
          const ctx = c.getContext("2d", { willReadFrequently: true });
          ctx.putImageData(pixels, 0, 0);
          drawMarks(ctx, marks.filter((m) => m.kind !== "hide"), shot.devicePixelRatio);
          pixels = ctx.getImageData(0, 0, c.width, c.height);
        }
        const rects = [...shot.rects, ...hideRects(marks)];
        png = core.redactAndEncode(pixels.data, pixels.width, pixels.height, rects, shot.devicePixelRatio);
        lap("encode");
        screenshot = { width: pixels.width, height: pixels.height, devicePixelRatio: shot.devicePixelRatio, redactions: rects.length,
          redactionSources: { ...shot.sources, manual: hideRects(marks).length }, source: shot.source };
      }
      const manifest = buildManifest({
        form, screenshot, config,
        state: { user: state.user, metadata: state.metadata, consoleErrors: consoleErrors.map((m) => {
          const message = scrubMessage(m, config);
          return redactText(message, core.scan(message));
        }) },
        env: { href: location.href, userAgent: navigator.userAgent, viewport: { width: innerWidth, height: innerHeight },
          devicePixelRatio: window.devicePixelRatio || 1, locale: navigator.language, now: new Date(),
          timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone },
      });
      const envelope = core.sealReport(config.project, config.publicKey, manifest, png);
      lap("seal");
      const outbox = await outboxReady;
      const id = randomId();
      await outbox.add({ id, url: submissionsUrl(config), envelope, project: config.project });
      dialog.progress(0);
      let result;
      for (;;) {
        result = await outbox.attempt(id, (f) => dialog?.progress(f));
        if (result.state !== "retry" || result.networkError || result.delayMs > MAX_FOREGROUND_WAIT_MS) break;
        await new Promise((r) => setTimeout(r, result.delayMs));
      }
      lap("upload");
      const sizes = { png: png.length, envelope: envelope.length };
      if (result.state === "delivered") {
        dialog?.progress(1);
        dialog?.message(labels.sent);
        emit("sealshot:sent", { id, submission: result.body?.id, timings, sizes });
        setTimeout(() => { if (session?.id === id) close(); }, 1500);
        session.id = id;
      } else if (result.state === "rejected") {
        dialog?.message(`${labels.rejected} ${result.body?.message ?? ""}`.trim(), true);
        emit("sealshot:error", { id, status: result.status, error: result.body?.error });
      } else {
        // Saved in the outbox: delivered later by this or any other page of the site.
        dialog?.progress(null);
        dialog?.message(labels.queued);
        emit("sealshot:queued", { id, timings, sizes });
        session.id = id;
        setTimeout(() => { if (session?.id === id) close(); }, 2500);
      }
    } catch (error) {
      warn("send failed", error);
      dialog?.message(labels.failed, true);
    } finally {
      if (dialog) dialog.busy(false);
      if (session) session.sending = false;
    }
  }

  // ---- public surface --------------------------------------------------------------
  function open() {
    if (removed) return;
    if (dialog) { dialog.focus(); return; }
    session = { shot: null, sending: false };
    dialog = createDialog({
      labels, config, canShareScreen: canShareScreen(),
      handlers: {
        onClose: close,
        onSubmit: submit,
        onShareScreen: () => runCapture("display"),
        onUpload: (file) => runCapture("upload", file),
        onRemoveShot: () => { session.shot = null; dialog.clearShot(labels.noScreenshot); },
      },
    });
    emit("sealshot:open", {});
    if (config.capture === "none") dialog.clearShot(labels.noScreenshot);
    else if (config.capture === "display") dialog.clearShot(labels.captureFailed);
    else runCapture("dom");
  }

  function close() {
    if (!dialog) return;
    dialog.destroy();
    dialog = null;
    session = null;
    emit("sealshot:close", {});
  }

  function remove() {
    close();
    removed = true;
    clearTimeout(timer);
    window.removeEventListener("online", onOnline);
  }

  scheduleFlush();
  return { open, close, remove, flush, setUser: (u) => { state.user = u || {}; }, setMetadata: (m) => { state.metadata = { ...state.metadata, ...m }; } };
}

function emit(name, detail) {
  try { document.dispatchEvent(new CustomEvent(name, { detail })); } catch { /* never into the host page */ }
}

function warn(what, error) {
  try { console.warn(`Sealshot: ${what}:`, error); } catch { /* console may be gone */ }
}

function randomId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}
