// The page's web fonts as @font-face rules with data: URLs, handed to the
// capture library as its font CSS. The library's own font pass parses
// stylesheets through a <style> element in a scratch document, which a strict
// Content-Security-Policy blocks (docs/capture-comparison.md); reading the
// CSSOM and fetching the font files works under the CSP docs/widget.md states.
//
// Only what the browser itself uses is fetched, and each file once per page
// view: a face counts when the browser loaded it (a FontFace with status
// "loaded" and the rule's descriptors, or one of the rule's URLs in the
// resource timing list), and of its src list only the file the browser
// fetched (else the first one in a format it supports). An icon font offered
// as woff2, woff and ttf is one woff2 download, not three.
//
// Each face is inlined as a subset of the characters the copy shows
// (app/font-subset.js), cached per file and character set for the page view;
// a face that cannot be subset is inlined whole.
import { isSfnt, subsetFont } from "./font-subset.js";
import { dataUrl } from "./data-url.js";
import { nextTask } from "./yield-slices.js";

const fileBytes = new Map(); // absolute URL → Promise<{bytes, type} | null>
const inlined = new Map(); // URL + character set → Promise<data: URL | null>

/**
 * The faces in use, each {rule, sources, chosen}; starts fetching their files
 * (once per page view), so the download runs while the page is copied.
 */
export function webFontFaces() {
  try {
    const faces = fontDocuments().flatMap(facesInUse);
    for (const face of faces) if (face.chosen && !face.chosen.url.startsWith("data:")) fetchOnce(face.chosen.url);
    return faces;
  } catch {
    return [];
  }
}

/**
 * Resolves to the subsetter (a promise of HarfBuzz's exports or null) once
 * the faces' files are in: loaded only when one of them is a file it reads
 * (TrueType/OpenType), not for a page whose fonts are all WOFF2.
 */
export async function subsetterFor(faces, load) {
  const files = await Promise.all(
    faces.map((f) => (f.chosen && !f.chosen.url.startsWith("data:") ? fetchOnce(f.chosen.url) : null)),
  );
  return files.some((file) => file && isSfnt(file.bytes)) ? load() : null;
}

/**
 * The CSS text (possibly empty) for `faces`, each cut down to `codePoints`
 * (a sorted array) when `subsetter` (a promise of HarfBuzz's exports or null)
 * can; never rejects. One face per task: subsetting a large face takes a while.
 */
export async function webFontCss(faces, codePoints, subsetter) {
  try {
    const hb = await subsetter;
    const key = String.fromCodePoint(...codePoints);
    const out = [];
    for (const face of faces) {
      out.push(await inlineFace(face, hb, codePoints, key));
      await nextTask();
    }
    return out.filter(Boolean).join("\n");
  } catch {
    return "";
  }
}

// The page and its same-origin frames: the copy draws frame content too. Not
// the widget's own frames (the capture's sandbox), which are never drawn.
function fontDocuments(doc = document, out = []) {
  out.push(doc);
  for (const frame of doc.querySelectorAll("iframe:not([data-sealshot-ui])")) {
    try {
      if (frame.contentDocument?.documentElement) fontDocuments(frame.contentDocument, out);
    } catch {
      /* cross-origin: not drawn */
    }
  }
  return out;
}

function facesInUse(doc) {
  const loaded = new Set();
  for (const face of doc.fonts) if (face.status === "loaded") loaded.add(faceKey(face));
  if (!loaded.size) return [];
  const fetched = new Set(doc.defaultView.performance.getEntriesByType("resource").map((e) => e.name));
  const rules = [];
  const sheets = [...doc.styleSheets, ...(doc.adoptedStyleSheets ?? [])];
  for (const sheet of sheets) collectFaceRules(sheet, doc.baseURI, rules);
  const out = [];
  for (const { rule, base } of rules) {
    const sources = parseSources(rule.style.getPropertyValue("src"), base);
    const urls = sources.filter((s) => s.url);
    if (!urls.length) continue;
    const used = urls.find((s) => fetched.has(s.url));
    const key = faceKey({
      family: rule.style.getPropertyValue("font-family"),
      style: rule.style.getPropertyValue("font-style"),
      weight: rule.style.getPropertyValue("font-weight"),
      stretch: rule.style.getPropertyValue("font-stretch"),
      unicodeRange: rule.style.getPropertyValue("unicode-range"),
    });
    if (!used && !loaded.has(key)) continue; // a face nothing on the page rendered with
    out.push({ rule, sources, chosen: used ?? urls.find((s) => formatSupported(s.format)) });
  }
  return out;
}

function collectFaceRules(sheet, base, out) {
  let list;
  try {
    list = sheet.cssRules;
  } catch {
    return;
  } // cross-origin stylesheet without CORS
  const here = sheet.href || base;
  for (const rule of list) {
    if (rule.type === 5 /* CSSRule.FONT_FACE_RULE */) out.push({ rule, base: here });
    else if (rule.styleSheet)
      collectFaceRules(rule.styleSheet, here, out); // @import
    else if (rule.cssRules) collectFaceRules({ cssRules: rule.cssRules, href: here }, here, out); // @media, @supports, @layer
  }
}

// One src entry: local(…) or url(…) with its format() hint.
const SOURCE =
  /local\(\s*(['"]?)([^'")]*)\1\s*\)|url\(\s*(['"]?)(.*?)\3\s*\)(?:\s*format\(\s*(['"]?)([^'")]+)\5\s*\))?(?:\s*tech\([^)]*\))?/g;

function parseSources(src, base) {
  const out = [];
  for (const m of src.matchAll(SOURCE)) {
    if (m[0].startsWith("local")) out.push({ local: m[0] });
    else {
      let url;
      try {
        url = new URL(m[4], base).href;
      } catch {
        continue;
      }
      out.push({ url, format: m[6]?.toLowerCase() ?? null });
    }
  }
  return out;
}

function formatSupported(format) {
  if (!format) return true;
  const name = format.replace(/-variations$/, "");
  try {
    if (CSS.supports(`font-format(${name})`)) return true;
  } catch {
    /* older browsers: the list below */
  }
  return ["woff2", "woff", "truetype", "opentype", "collection"].includes(name);
}

async function inlineFace({ rule, sources, chosen }, hb, codePoints, key) {
  if (!chosen) return "";
  const data = await inlineOnce(chosen, hb, codePoints, key);
  if (!data) return ""; // unreachable font: the text falls back, it does not fail the capture
  const descriptors = [];
  for (let i = 0; i < rule.style.length; i++) {
    const name = rule.style.item(i);
    if (name !== "src") descriptors.push(`${name}: ${rule.style.getPropertyValue(name)};`);
  }
  // local() faces the browser tried first stay in front, as they were.
  const locals = sources
    .slice(0, sources.indexOf(chosen))
    .filter((s) => s.local)
    .map((s) => s.local);
  // A subset is sfnt whatever the file was: no format() hint then.
  const format = data.subset ? "" : chosen.format ? ` format("${chosen.format}")` : "";
  const src = [...locals, `url("${data.url}")${format}`].join(", ");
  return `@font-face { ${descriptors.join(" ")} src: ${src}; }`;
}

// {url, subset} for the face's file cut down to the character set, or the
// whole file when it cannot be cut; null when the file cannot be fetched.
function inlineOnce(chosen, hb, codePoints, key) {
  if (chosen.url.startsWith("data:")) return Promise.resolve({ url: chosen.url, subset: false });
  const cacheKey = `${chosen.url}\n${hb ? key : ""}`;
  let p = inlined.get(cacheKey);
  if (!p) {
    p = fetchOnce(chosen.url).then(async (file) => {
      if (!file) return null;
      const subset = subsetFont(hb, file.bytes, codePoints);
      if (subset) return { url: await dataUrl(new Blob([subset], { type: "font/ttf" })), subset: true };
      return { url: await dataUrl(new Blob([file.bytes], { type: file.type })), subset: false };
    });
    inlined.set(cacheKey, p);
  }
  return p.catch(() => null);
}

function fetchOnce(url) {
  let p = fileBytes.get(url);
  if (!p) {
    p = fetch(url, { credentials: "same-origin", cache: "force-cache" })
      .then(async (r) =>
        r.ok ? { bytes: new Uint8Array(await r.arrayBuffer()), type: r.headers.get("content-type") ?? "" } : null,
      )
      .catch(() => null);
    fileBytes.set(url, p);
  }
  return p;
}

// Family, style, weight, stretch and unicode range, spelled one way, so a
// FontFace and its @font-face rule give the same key.
function faceKey({ family, style, weight, stretch, unicodeRange }) {
  const norm = (v, fallback) =>
    String(v || fallback)
      .trim()
      .toLowerCase()
      .replace(/\s+/g, " ");
  const w = norm(weight, "normal")
    .replace(/\bnormal\b/g, "400")
    .replace(/\bbold\b/g, "700");
  const st = norm(stretch, "normal").replace(/\bnormal\b/g, "100%");
  const range = norm(unicodeRange, "u+0-10ffff").replace(/\s/g, "");
  return [unquote(family), norm(style, "normal"), w, st, range].join("|");
}

const unquote = (s) =>
  String(s)
    .trim()
    .replace(/^["']|["']$/g, "")
    .toLowerCase();
