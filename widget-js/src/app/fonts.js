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

const dataUrls = new Map(); // absolute URL → Promise<data: URL | null>

/** Resolves to the CSS text (possibly empty); never rejects. */
export async function webFontCss() {
  try {
    return (await Promise.all(fontDocuments().flatMap((doc) => facesInUse(doc).map(inlineFace))))
      .filter(Boolean)
      .join("\n");
  } catch {
    return "";
  }
}

// The page and its same-origin frames: the copy draws frame content too.
function fontDocuments(doc = document, out = []) {
  out.push(doc);
  for (const frame of doc.querySelectorAll("iframe")) {
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

async function inlineFace({ rule, sources, chosen }) {
  if (!chosen) return "";
  const data = await fetchOnce(chosen.url);
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
  const src = [...locals, `url("${data}")${chosen.format ? ` format("${chosen.format}")` : ""}`].join(", ");
  return `@font-face { ${descriptors.join(" ")} src: ${src}; }`;
}

function fetchOnce(url) {
  if (url.startsWith("data:")) return Promise.resolve(url);
  let p = dataUrls.get(url);
  if (!p) {
    p = fetch(url, { credentials: "same-origin", cache: "force-cache" })
      .then((r) => (r.ok ? r.blob() : null))
      .then((blob) => (blob ? dataUrl(blob) : null))
      .catch(() => null);
    dataUrls.set(url, p);
  }
  return p;
}

function dataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
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
