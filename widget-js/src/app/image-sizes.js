// Images inlined at the size the picture draws them, not at the size they
// were published at.
//
// The copy of the page is an SVG image that may load nothing from outside
// itself, so every image goes into it as a data: URL, which the SVG image then
// carries, parses and decodes in one call on the main thread. A landing page's
// hero photo is typically 1900-4000 px wide and 0.5-2.5 MB, drawn with
// `background-size: cover` into a 1280 px viewport at ratio 1: the copy
// carried every byte of it, and its one long task grew past 200 ms.
//
// While the page is copied, note() records how each in-view element draws
// its background images and <img>. When the library asks for an image,
// fetchFn() knows its natural size (read from the file's header while the
// page was copied, app/image-header.js), works out the largest size any of
// those uses draws it at in the picture's device pixels, and, when that is
// well under the natural size, hands over a copy scaled to it (decoded,
// scaled and encoded off the main thread by createImageBitmap and
// OffscreenCanvas). An image handed over as it is is never decoded.
// An image used in any way it cannot size (a mask, a border image, an image
// set, a size it cannot read) is left whole, as before.

import { dataUrl } from "./data-url.js";
import { CSS_URL } from "./style-images.js";
import { HEADER_BYTES, naturalSize } from "./image-header.js";

// Scaled only when each side shrinks by a quarter or more: below that the
// saving does not pay for the re-encoding.
const WORTH_SCALING = 0.75;
// The SVG image's load costs about 0.3 ms per 1,000 characters of its data:
// URL on this machine, images included (docs/benchmarks.md): a JPEG over this
// size that is needed whole is re-encoded when that saves a quarter or more.
const REENCODE_OVER_BYTES = 256 * 1024;
// A photo's pixels move by a few levels at this quality, within what the eye
// (and the corpus's tolerance of 24 per channel) tells apart.
const JPEG_QUALITY = 0.85;
const SCALABLE_TYPES = /^image\/(jpeg|png|webp|avif)$/;
// Properties that draw a url() at a size this module does not work out.
const OTHER_IMAGE_PROPERTIES = [
  "list-style-image",
  "border-image-source",
  "mask-image",
  "-webkit-mask-image",
  "-webkit-mask-box-image-source",
  "content",
];

/**
 * scale: device px per CSS px of the picture. Returns {note(element,
 * computedStyle), noteInView(elements), skipUnset(authorFree), fetchFn(url),
 * stats}; each element is noted once. skipUnset: the properties no author
 * style of the page sets (app/author-styles.js) are not read from then on.
 */
export function createImageSizes({ scale }) {
  const uses = new Map(); // absolute url → [use] | null (null: keep it whole)
  let otherProperties = OTHER_IMAGE_PROPERTIES;
  // imagesDecoded: decodes started, the size-only ones of headers it could not read included.
  const stats = { imagesScaled: 0, imagesReencoded: 0, imageBytesSaved: 0, imagesDecoded: 0 };
  const decode = (source, plan) => {
    stats.imagesDecoded++;
    return pixelsFor(source, plan);
  };
  const keep = (url) => uses.set(url, null);
  // Each image is fetched and its size read from its first use on, while the
  // rest of the page is copied; when that use needs it scaled or re-encoded,
  // decoding (off the main thread) starts then too, not after the copy.
  const sources = new Map(); // url → Promise<source|null> (loadSource)
  const early = new Map(); // url → {plan, pixels: Promise<ImageBitmap>}
  const add = (url, use) => {
    if (url.startsWith("data:")) return; // the library inlines those as they are
    const list = uses.get(url);
    if (list === null) return;
    if (list) list.push(use);
    else uses.set(url, [use]);
    if (sources.has(url)) return;
    const source = loadSource(url);
    sources.set(url, source);
    source.then((loaded) => {
      const plan = loaded && uses.get(url)?.length ? planFor(loaded, uses.get(url)) : null;
      if (loaded?.bitmap) stats.imagesDecoded++;
      if (plan) early.set(url, { plan, pixels: decode(loaded, plan) });
    });
  };
  // Drops what was decoded for `url` and is not used.
  const release = (url, source) => {
    early.get(url)?.pixels.then(
      (bitmap) => bitmap.close(),
      () => {},
    );
    early.delete(url);
    source?.bitmap?.close();
  };

  const noted = new WeakSet();
  function note(el, cs) {
    if (noted.has(el)) return;
    noted.add(el);
    for (const property of otherProperties) {
      const value = cs.getPropertyValue(property);
      if (value.includes("url(")) for (const [, , url] of value.matchAll(CSS_URL)) keep(url);
    }
    if (el.localName === "img") {
      const url = el.currentSrc || el.src;
      if (url) {
        const box = contentBox(el, cs);
        if (box) add(url, { img: cs.objectFit, ...box, zoom: magnification(el) });
        else keep(url);
      }
    }
    const images = cs.backgroundImage;
    if (!images.includes("url(")) return;
    const zoom = magnification(el);
    const layers = splitLayers(images);
    const sizes = splitLayers(cs.backgroundSize);
    const origins = splitLayers(cs.backgroundOrigin);
    const attachments = splitLayers(cs.backgroundAttachment);
    layers.forEach((layer, i) => {
      const urls = [...layer.matchAll(CSS_URL)].map((m) => m[2]);
      if (!urls.length) return;
      if (!/^url\(/.test(layer) || urls.length > 1) return urls.forEach(keep); // image-set(), cross-fade()…
      const area =
        attachments[i % attachments.length] === "fixed"
          ? { width: el.ownerDocument.defaultView.innerWidth, height: el.ownerDocument.defaultView.innerHeight }
          : positioningArea(el, cs, origins[i % origins.length]);
      if (!area) return keep(urls[0]);
      add(urls[0], { background: sizes[i % sizes.length], ...area, zoom });
    });
  }

  async function fetchFn(url) {
    const list = uses.get(url);
    const source = await sources.get(url);
    if (!list?.length || !source) {
      release(url, source);
      return false; // the library inlines it whole, as before
    }
    const plan = planFor(source, list);
    if (!plan) {
      release(url, source);
      return dataUrl(source.blob);
    }
    const { blob } = source;
    try {
      let started = early.get(url);
      if (started && (started.plan.width !== plan.width || started.plan.height !== plan.height)) {
        release(url); // a later use needs more of it
        started = null;
      }
      early.delete(url);
      const pixels = await (started?.pixels ?? decode(source, plan));
      // Handed to the canvas as they are, not drawn: a 2D draw of 2.4 M pixels
      // took 36-55 ms of the main thread here.
      const canvas = new OffscreenCanvas(plan.width, plan.height);
      canvas.getContext("bitmaprenderer").transferFromImageBitmap(pixels);
      const out = await canvas.convertToBlob(
        plan.photo ? { type: "image/jpeg", quality: JPEG_QUALITY } : { type: "image/png" },
      );
      if (out.size > blob.size * (plan.scaled ? 1 : WORTH_SCALING)) return dataUrl(blob);
      stats[plan.scaled ? "imagesScaled" : "imagesReencoded"]++;
      stats.imageBytesSaved += blob.size - out.size;
      return dataUrl(out);
    } catch {
      return dataUrl(blob);
    } finally {
      source.bitmap?.close();
    }
  }

  // {width, height, scaled, photo}: the size to hand over when a copy scaled
  // to the largest use (or re-encoded) may be worth it; null to hand it over as it is.
  function planFor({ blob, natural }, list) {
    if (!natural) return null;
    let need = 0;
    for (const use of list) {
      const drawn = drawnSize(use, natural);
      if (!drawn) return null;
      need = Math.max(
        need,
        (drawn.width * use.zoom * scale) / natural.width,
        (drawn.height * use.zoom * scale) / natural.height,
      );
    }
    const scaled = need < WORTH_SCALING;
    const photo = blob.type === "image/jpeg";
    // A large photo needed whole is re-encoded at the picture's quality instead.
    if (!scaled && !(photo && blob.size > REENCODE_OVER_BYTES)) return null;
    return {
      width: scaled ? Math.max(1, Math.ceil(natural.width * need)) : natural.width,
      height: scaled ? Math.max(1, Math.ceil(natural.height * need)) : natural.height,
      scaled,
      photo,
    };
  }

  // Notes the elements in view that draw an image before the copy meets them:
  // their images are fetched, sized and decoded while the page is copied. A
  // landing page's hero photo was decoded after the copy, 150-200 ms before
  // the picture could be drawn.
  function noteInView(elements) {
    for (const el of elements) {
      const cs = el.ownerDocument.defaultView.getComputedStyle(el);
      if (el.localName === "img" || cs.backgroundImage.includes("url(")) note(el, cs);
    }
  }

  function skipUnset(authorFree) {
    otherProperties = OTHER_IMAGE_PROPERTIES.filter((p) => !authorFree?.has(p));
  }

  return { note, noteInView, skipUnset, fetchFn, stats };
}

// {blob, natural, bitmap}: the image's bytes and, for a kind that can be
// scaled, its size in pixels, read from its header (app/image-header.js) or,
// when the header does not tell, from its decoded pixels (bitmap). Null when
// it cannot be fetched: the library tries on its own.
async function loadSource(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return null;
    const blob = await response.blob();
    if (!SCALABLE_TYPES.test(blob.type)) return { blob, natural: null, bitmap: null };
    const natural = naturalSize(new Uint8Array(await blob.slice(0, HEADER_BYTES).arrayBuffer()));
    if (natural) return { blob, natural, bitmap: null };
    const bitmap = await createImageBitmap(blob);
    return { blob, natural: { width: bitmap.width, height: bitmap.height }, bitmap };
  } catch {
    return null;
  }
}

// The pixels a plan hands over, decoded (and scaled) off the main thread.
function pixelsFor({ blob, bitmap }, { width, height, scaled }) {
  const from = bitmap ?? blob;
  return scaled
    ? createImageBitmap(from, { resizeWidth: width, resizeHeight: height, resizeQuality: "high" })
    : createImageBitmap(from);
}

/** The size (CSS px) one use draws an image of `natural` size at, or null when it cannot tell. */
export function drawnSize(use, natural) {
  const ratio = natural.width / natural.height;
  if (use.img != null) {
    const { width: w, height: h } = use;
    const contain = Math.min(w / natural.width, h / natural.height);
    const cover = Math.max(w / natural.width, h / natural.height);
    switch (use.img) {
      case "fill":
        return { width: w, height: h };
      case "contain":
        return { width: natural.width * contain, height: natural.height * contain };
      case "cover":
        return { width: natural.width * cover, height: natural.height * cover };
      case "scale-down": {
        const k = Math.min(1, contain);
        return { width: natural.width * k, height: natural.height * k };
      }
      default: // none
        return { ...natural };
    }
  }
  const { width: aw, height: ah } = use;
  const size = use.background.trim();
  if (size === "cover" || size === "contain") {
    const k = (size === "cover" ? Math.max : Math.min)(aw / natural.width, ah / natural.height);
    return { width: natural.width * k, height: natural.height * k };
  }
  const [x, y = "auto"] = size.split(/\s+/);
  const length = (token, of) => {
    if (token === "auto") return null;
    const m = /^(-?[\d.]+)(px|%)$/.exec(token);
    if (!m) return undefined;
    return m[2] === "%" ? (parseFloat(m[1]) / 100) * of : parseFloat(m[1]);
  };
  const w = length(x, aw),
    h = length(y, ah);
  if (w === undefined || h === undefined) return null; // calc() and the like
  if (w == null && h == null) return { ...natural };
  if (w == null) return { width: h * ratio, height: h };
  if (h == null) return { width: w, height: w / ratio };
  return { width: w, height: h };
}

/** Splits a computed list value at its top-level commas. */
export function splitLayers(value) {
  const out = [];
  let depth = 0,
    start = 0,
    quote = null;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out;
}

// How much larger than its layout size the element is drawn (transforms,
// zoom on it or an ancestor): its images are needed that much larger.
function magnification(el) {
  const width = el.offsetWidth;
  if (!width) return 1;
  return Math.max(1, el.getBoundingClientRect().width / width);
}

// The box the background is sized against (background-origin), CSS px, or null.
function positioningArea(el, cs, origin) {
  if (!el.clientWidth || !el.clientHeight) return null; // inline boxes across lines and the like
  if (origin === "border-box") return { width: el.offsetWidth, height: el.offsetHeight };
  if (origin === "content-box") return contentBox(el, cs);
  return { width: el.clientWidth, height: el.clientHeight };
}

function contentBox(el, cs) {
  const width = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  const height = el.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
  return width > 0 && height > 0 ? { width, height } : null;
}
