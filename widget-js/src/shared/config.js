// The widget's configuration, from the loader's data-* attributes or from
// init({...}), normalised and validated in one place.

export const CONFIG_DEFAULTS = Object.freeze({
  project: "",
  publicKey: "",
  endpoint: "", // ingest origin; default: where widget.js came from
  assetsUrl: "", // folder of widget-app.js and core.wasm; default: beside widget.js
  lang: "", // "en" | "de" | "" = page/browser language
  labels: {},
  categories: ["bug", "idea", "question", "other"],
  maskSelectors: [],
  autoDetect: true, // scan visible text with the core's detectors
  button: true, // show the floating launcher button
  position: "right", // "right" | "left"
  keepQuery: false,
  keepHash: false,
  consoleErrors: false, // offer to attach recent console errors
  capture: "auto", // "auto" | "dom" | "display" | "none"
  nonce: "",
});

const PROJECT_RE = /^[A-Za-z0-9_-]{1,64}$/;
const KEY_RE = /^[A-Za-z0-9_-]{43}$/;

/** Turns data-* strings (dataset) into config values. */
export function configFromDataset(dataset) {
  const bool = (v) => v !== undefined && v !== "false" && v !== "0";
  const list = (v) =>
    v
      ? String(v)
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
  const out = {
    project: dataset.project,
    publicKey: dataset.key ?? dataset.publicKey,
    endpoint: dataset.endpoint,
    assetsUrl: dataset.assets,
    lang: dataset.lang,
    maskSelectors: list(dataset.mask),
    position: dataset.position,
    nonce: dataset.nonce,
    capture: dataset.capture,
  };
  if (dataset.button !== undefined) out.button = bool(dataset.button);
  if (dataset.autoDetect !== undefined) out.autoDetect = bool(dataset.autoDetect);
  if (dataset.consoleErrors !== undefined) out.consoleErrors = bool(dataset.consoleErrors);
  for (const k of Object.keys(out)) if (out[k] === undefined || out[k] === "") delete out[k];
  return out;
}

/** Defaults + given values; throws Error with a readable message when unusable. */
export function normalizeConfig(given, { scriptUrl } = {}) {
  const c = { ...CONFIG_DEFAULTS, ...given };
  if (!PROJECT_RE.test(String(c.project))) throw new Error("Sealshot: data-project must be a project id like prj_…");
  if (!KEY_RE.test(String(c.publicKey)))
    throw new Error("Sealshot: data-key must be the project's 43-character public key");
  const base = scriptUrl ? new URL(scriptUrl) : null;
  c.endpoint = String(c.endpoint || (base ? base.origin : "")).replace(/\/+$/, "");
  if (!/^https?:\/\//.test(c.endpoint)) throw new Error("Sealshot: no ingest endpoint (set data-endpoint)");
  c.assetsUrl = String(c.assetsUrl || (base ? new URL(".", base).href : c.endpoint + "/")).replace(/\/?$/, "/");
  if (!["right", "left"].includes(c.position)) c.position = "right";
  if (!["auto", "dom", "display", "none"].includes(c.capture)) c.capture = "auto";
  if (!Array.isArray(c.categories) || !c.categories.length) c.categories = CONFIG_DEFAULTS.categories;
  if (!Array.isArray(c.maskSelectors)) c.maskSelectors = [];
  return c;
}

/** Where a project's reports are posted. */
export function submissionsUrl(config) {
  return `${config.endpoint}/v1/projects/${encodeURIComponent(config.project)}/submissions`;
}
