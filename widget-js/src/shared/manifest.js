// The report's manifest (docs/envelope.md, docs/widget.md): what the visitor
// wrote plus the context a reviewer needs to reproduce the problem. Pure: the
// browser facts come in as an argument, so tests build manifests without a DOM.
import { reportUrl } from "./url.js";

export const WIDGET_VERSION = "0.1.0";
export const MAX_COMMENT_CHARS = 10_000;
const MAX_METADATA_BYTES = 16_384;

/**
 * form: {comment, email, category, includeConsole}
 * env: {href, userAgent, viewport:{width,height}, devicePixelRatio, locale, timeZone, now: Date}
 * screenshot: {width, height, devicePixelRatio, redactions, redactionSources, source} | null
 * state: {user, metadata, consoleErrors}; config: {keepQuery, keepHash}
 */
export function buildManifest({ form, env, screenshot, state = {}, config = {} }) {
  const comment = String(form.comment ?? "").trim();
  if (!comment) throw new Error("comment_required");
  const manifest = {
    schema: 1,
    source: "widget",
    widget_version: WIDGET_VERSION,
    comment: comment.slice(0, MAX_COMMENT_CHARS),
    created_at: (env.now ?? new Date()).toISOString(),
    page_url: reportUrl(env.href, config),
    user_agent: String(env.userAgent ?? ""),
    viewport: { width: env.viewport.width, height: env.viewport.height },
    device_pixel_ratio: env.devicePixelRatio,
    locale: String(env.locale ?? ""),
  };
  if (env.timeZone) manifest.time_zone = env.timeZone;
  const email = String(form.email ?? "").trim();
  if (email) manifest.email = email;
  if (form.category) manifest.category = String(form.category);
  if (screenshot) {
    manifest.screenshot = {
      width: screenshot.width,
      height: screenshot.height,
      device_pixel_ratio: screenshot.devicePixelRatio,
      redactions: screenshot.redactions,
      redaction_sources: screenshot.redactionSources,
      source: screenshot.source,
    };
  }
  if (state.user && Object.keys(state.user).length) manifest.user = plain(state.user);
  if (state.metadata && Object.keys(state.metadata).length) {
    const metadata = plain(state.metadata);
    if (new TextEncoder().encode(JSON.stringify(metadata)).length <= MAX_METADATA_BYTES) manifest.metadata = metadata;
    else manifest.metadata_dropped = "larger than 16 KiB";
  }
  if (form.includeConsole && state.consoleErrors?.length) manifest.console_errors = state.consoleErrors.slice(-20);
  return manifest;
}

// Only JSON-safe values survive (functions, DOM nodes and cycles would not).
function plain(value) {
  try {
    return JSON.parse(JSON.stringify(value));
  } catch {
    return {};
  }
}

/** Trims the personal parts of a URL inside a console message with the same rules. */
export function scrubMessage(message, config = {}) {
  return String(message)
    .slice(0, 1000)
    .replace(/https?:\/\/[^\s"'<>)]+/g, (u) => reportUrl(u, config) || u);
}

/**
 * Replaces each PII hit ({kind, start, end} in UTF-16 offsets, as the core's
 * scan() returns them) with "[kind]". Console messages are free text written
 * by the site's code and can carry an email or a token; they get the same
 * detectors as the page's visible text before they join the report.
 */
export function redactText(text, hits) {
  let out = String(text);
  for (const hit of [...hits].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, hit.start) + `[${hit.kind}]` + out.slice(hit.end);
  }
  return out;
}
