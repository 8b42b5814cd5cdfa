// One corpus session: the real sealshot-server with a project for the corpus
// site, the site itself, and a function that sends one page through the
// widget at one device configuration and measures the stored report.
import fs from "node:fs";
import path from "node:path";
import { launch, repoRoot } from "../../browser/support/browser.mjs";
import { freePort, startIngest } from "../../browser/support/ingest.mjs";
import { nextEvent } from "../../browser/support/fixture.mjs";
import { loadCore } from "../../wasm/support/load-core.mjs";
import { decodePng } from "../../wasm/support/png-decode.mjs";
import { applyFills, collectLabels, ENFORCED } from "./labels.mjs";
import { fidelity, solidBoxes } from "./pixels.mjs";
import { startOtherOrigins } from "./other-origins.mjs";
import { corpusDir, startSite, templatesInstalled } from "./site.mjs";

export const widgetDir = process.env.SEALSHOT_WIDGET_DIR ?? path.join(repoRoot, "build/widget");

/** Device configurations: desktop at three pixel ratios and a phone. */
export const CONFIGS = {
  dpr1: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
  "dpr1.5": { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1.5 },
  dpr2: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true },
};

/** The corpus pages (pages.json); `templates: false` leaves out those that need the npm templates. */
export function corpusPages({ templates = templatesInstalled() } = {}) {
  const pages = JSON.parse(fs.readFileSync(path.join(corpusDir, "pages.json"), "utf8")).pages;
  return pages.filter((p) => templates || p.source === "own");
}

/** Known misses that the CI test tolerates until their fix lands (known-failures.json). */
export function knownFailures() {
  return JSON.parse(fs.readFileSync(path.join(corpusDir, "known-failures.json"), "utf8")).failures;
}

// Animations and transitions jump to their end, and the caret is hidden, so
// Chromium's screenshot and the widget's capture show the same instant.
const FREEZE_CSS = `*, *::before, *::after { animation-duration: 0s !important; animation-delay: 0s !important;
  transition: none !important; caret-color: transparent !important; }`;

export async function startCorpus() {
  if (!fs.existsSync(path.join(widgetDir, "widget.js")))
    throw new Error(`${widgetDir}/widget.js missing: run scripts/build`);
  // The core first: when it is missing (no wasm build) the run stops before
  // any server starts, instead of leaving sealshot-server running behind it.
  const { core } = await loadCore();
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const ingest = await startIngest({ origin, widgetDir });
  // The launcher button is off (data-button="false"): it is part of Chromium's
  // screenshot but never of the capture, so it would count against fidelity.
  const snippet = () =>
    `<script src="/sealshot/widget.js" data-project="${ingest.project}" data-key="${ingest.publicKey}" ` +
    `data-endpoint="${ingest.url}" data-button="false" async></script>`;
  let site, otherOrigins;
  try {
    site = await startSite({ port, widgetDir, snippet });
    otherOrigins = await startOtherOrigins();
  } catch (error) {
    await site?.close();
    await ingest.close();
    throw error;
  }
  return {
    site,
    ingest,
    core,
    async browser(configName) {
      const { viewport, deviceScaleFactor, ...rest } = CONFIGS[configName];
      // Offline and deterministic: every other host is the loopback server of
      // ./other-origins.mjs, and the browser's HTTP cache stays on.
      const browser = await launch({
        viewport,
        deviceScaleFactor,
        args: [`--host-resolver-rules=${otherOrigins.hostResolverRules}`],
        ...rest,
      });
      return browser;
    },
    async close() {
      await site.close();
      await ingest.close();
      await otherOrigins.close();
    },
  };
}

/** Sends one page through the widget at one configuration; returns its measurements. */
// profile: {start(page), stop(page)} around the open (widget-js/bench/open-profile.mjs).
// cpuThrottle: N > 1 slows the page's CPU N-fold from the open on (Chromium's
// emulation), to see how much slower a machine the timings would bear.
export async function runPage(
  corpus,
  browser,
  def,
  configName,
  { imagesDir = null, profile = null, cpuThrottle = 1 } = {},
) {
  const dpr = CONFIGS[configName].deviceScaleFactor;
  const page = await browser.context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // Wall time of the runner's own steps, to see where a slow page spends it.
  const steps = {};
  let mark = Date.now();
  const step = (name) => {
    const now = Date.now();
    steps[name] = now - mark;
    mark = now;
  };
  try {
    await page.goto(corpus.site.url + def.path, { waitUntil: "load" });
    await page.addStyleTag({ content: FREEZE_CSS });
    // Templates render parts of their demo data after load (lists, tables): let them, then fill.
    await page.waitForTimeout(def.settle ?? 250);
    if (def.fill) {
      const fills = JSON.parse(fs.readFileSync(path.join(corpusDir, def.fill), "utf8")).fills;
      const missing = await page.evaluate(applyFills, fills);
      if (missing.length) throw new Error(`fill selectors not found: ${missing.join(", ")}`);
    }
    await page.evaluate(() => document.fonts.ready);
    for (const s of def.scroll ?? []) {
      await page.evaluate(({ sel, x = 0, y = 0, into = false }) => {
        const el = sel ? document.querySelector(sel) : null;
        if (el && into)
          el.scrollIntoView({ block: "start", behavior: "instant" }); // not smooth: one instant
        else if (!el) window.scrollTo(x, y);
        else if (el.tagName === "IFRAME") el.contentWindow.scrollTo(x, y);
        else {
          el.scrollLeft = x;
          el.scrollTop = y;
        }
      }, s);
    }
    // A playing video would show another frame in the capture than in the
    // screenshot: each is stopped on its first frame.
    await page.evaluate(() =>
      Promise.all(
        [...document.querySelectorAll("video")].map((v) => {
          v.pause();
          if (v.readyState < 1) return null; // no frame to show yet
          const seeked = new Promise((resolve) => v.addEventListener("seeked", resolve, { once: true }));
          v.currentTime = 0;
          return Promise.race([seeked, new Promise((resolve) => setTimeout(resolve, 2000))]);
        }),
      ),
    );
    await page.evaluate(() => window.Sealshot.ready());
    await page.waitForTimeout(100);
    step("load");
    const labels = await page.evaluate(collectLabels, [...corpus.core.piiKinds]); // the kinds the core reports
    const screenshot = await page.screenshot();
    const reference = decodePng(screenshot);
    step("measure");

    const sent = nextEvent(page, "sealshot:sent", 60_000);
    if (cpuThrottle > 1) {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: cpuThrottle });
    }
    await profile?.start(page);
    const open = await page.evaluate(
      () =>
        new Promise((resolve) => {
          let longestTask = 0;
          const observer = new PerformanceObserver((list) => {
            for (const e of list.getEntries()) longestTask = Math.max(longestTask, e.duration);
          });
          observer.observe({ type: "longtask" });
          const t0 = performance.now();
          document.addEventListener(
            "sealshot:capture",
            (e) => {
              const ms = performance.now() - t0;
              // Long-task entries arrive asynchronously: give them a moment.
              setTimeout(() => {
                observer.disconnect();
                resolve({ ms, longestTask, detail: e.detail });
              }, 100);
            },
            { once: true },
          );
          window.Sealshot.open();
        }),
    );
    await profile?.stop(page);
    if (open.detail.error) throw new Error(`capture failed: ${open.detail.error}`);
    // Whether the app bundle and core.wasm came from the browser's cache, as on
    // a visitor's second page (every page of a run but the first).
    const assetsFromCache = await page.evaluate(() => {
      const files = performance
        .getEntriesByType("resource")
        .filter((e) => /\/sealshot\/(core|widget-app)\.[0-9a-f]+\.(wasm|js)$/.test(e.name));
      return files.length >= 2 && files.every((e) => e.transferSize === 0);
    });
    await page.locator(".dialog canvas").waitFor({ state: "visible", timeout: 30_000 });
    step("preview");
    await page.locator(".dialog textarea").fill(`Corpus ${def.id} at ${configName}`);
    try {
      await page.locator(".dialog button[type=submit]").click({ timeout: 5000 });
    } catch {
      // Seen on a phone viewport: another part of the dialog covers Send. Noted, then submitted
      // the way Enter in the form would, so the privacy measurements still happen.
      errors.push("the dialog's Send button could not be clicked (covered)");
      await page.locator(".dialog form").evaluate((form) => form.requestSubmit());
    }
    const detail = await sent;
    step("send");
    const { parts } = corpus.core.openReport(
      await corpus.ingest.envelope(detail.submission),
      corpus.ingest.secretKey,
      corpus.ingest.project,
    );
    const png = parts.find((p) => p.name === "screenshot.png").data;
    const image = decodePng(png);
    if (imagesDir) {
      fs.mkdirSync(imagesDir, { recursive: true });
      fs.writeFileSync(path.join(imagesDir, `${def.id}-${configName}-sent.png`), png);
      fs.writeFileSync(path.join(imagesDir, `${def.id}-${configName}-chromium.png`), screenshot);
    }
    step("fetch");
    // The picture's pixels per CSS px: the ratio, or less on a phone showing a wide page zoomed out.
    const scores = score(labels, image, reference, open.detail.devicePixelRatio ?? dpr);
    // A page whose Chromium screenshot is known to be wrong in this configuration
    // (pages.json faultyReference): its fidelity is reported beside the reason, not as a result.
    const faulty = def.faultyReference?.[configName];
    if (faulty && scores.fidelity != null) {
      scores.note = `fidelity ${(100 * scores.fidelity).toFixed(2)}% against a faulty reference: ${faulty}`;
      scores.fidelity = null;
    }
    step("score");
    return {
      page: def.id,
      config: configName,
      dpr,
      ...scores,
      openToPreviewMs: Math.round(open.ms),
      longestTaskMs: Math.round(open.longestTask),
      // The SVG image the copy was drawn from (characters): its parse and layout is the longest task.
      svgChars: open.detail.copy?.svgChars ?? null,
      // Computed properties the clone read, per copied element (widget-js/src/app/author-styles.js).
      stylesPerElement: open.detail.copy?.elements
        ? Math.round(open.detail.copy.stylesRead / open.detail.copy.elements)
        : null,
      captureTimings: open.detail.timings,
      assetsFromCache,
      steps,
      errors,
    };
  } catch (error) {
    return { page: def.id, config: configName, dpr, failed: String(error?.message ?? error), errors };
  } finally {
    await page.close().catch(() => {});
  }
}

/** Hidden / legible per label, and fidelity, from the live boxes and the two images. */
export function score(labels, image, reference, dpr) {
  const out = {
    enforced: { hidden: 0, total: 0 },
    site: { hidden: 0, total: 0 },
    lookalikes: { legible: 0, total: 0 },
    misses: [],
    overRedacted: [],
    offscreen: 0,
  };
  for (const label of labels) {
    const states = solidBoxes(image, label.boxes, dpr).filter((v) => v != null);
    if (!states.length) {
      out.offscreen++;
      continue;
    }
    const entry = { id: label.id, kind: label.kind, find: label.find };
    if (label.type === "lookalike") {
      // Legible: no word of it is blacked out.
      out.lookalikes.total++;
      if (!states.some(Boolean)) out.lookalikes.legible++;
      else out.overRedacted.push(entry);
      continue;
    }
    // Hidden: every word is one solid colour.
    const isSolid = states.every(Boolean);
    const bucket = ENFORCED.includes(label.find) ? out.enforced : out.site;
    bucket.total++;
    if (isSolid) bucket.hidden++;
    else if (bucket === out.enforced) out.misses.push(entry);
  }
  Object.assign(out, fidelity(image, reference, Math.ceil(dpr)));
  return out;
}
