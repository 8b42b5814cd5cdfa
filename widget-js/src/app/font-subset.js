// Cuts a web font down to the characters the copy of the page shows, with
// HarfBuzz's subsetter (harfbuzzjs's hb-subset build, MIT), so the SVG image
// of the copy carries a few KB per face instead of the whole file: the
// browser decodes and sanitizes every font of that image on every capture,
// and for a 760 KB face that was most of the image's load (docs/benchmarks.md,
// "Web fonts as subsets").
//
// The wasm is fetched once per page view, only when a face in use is a file
// it can read, pinned by its SHA-384 like core.wasm (build.mjs). It runs on the main
// thread, one face per task: a Worker would need a blob: URL and a new
// `worker-src` in every site's CSP (docs/widget.md). HarfBuzz reads TrueType,
// OpenType and collections, not WOFF or WOFF2: those faces, and any face it
// cannot subset, are inlined whole, as before (never lose text).

const WASM_FILE = typeof __SEALSHOT_HB_SUBSET_FILE__ === "string" ? __SEALSHOT_HB_SUBSET_FILE__ : "hb-subset.wasm";
const WASM_INTEGRITY = typeof __SEALSHOT_HB_SUBSET_INTEGRITY__ === "string" ? __SEALSHOT_HB_SUBSET_INTEGRITY__ : "";
const HB_MEMORY_MODE_WRITABLE = 2;
const HB_SUBSET_SETS_LAYOUT_FEATURE_TAG = 6;

let pending = null;

/** Resolves to HarfBuzz's exports, or null when it cannot be loaded (the faces are then inlined whole). */
export function loadSubsetter(assetsUrl) {
  pending ??= (async () => {
    const url = new URL(WASM_FILE, assetsUrl).href;
    const init = { credentials: "same-origin" };
    if (WASM_INTEGRITY) init.integrity = WASM_INTEGRITY;
    const response = await fetch(url, init);
    if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
    // Streaming lets the browser compile while it downloads and keep the compiled code with the
    // cached file, so a later page view does not compile it again; the bytes are the fallback.
    const { instance } = await WebAssembly.instantiateStreaming(response.clone(), {}).catch(async () =>
      WebAssembly.instantiate(await response.arrayBuffer(), {}),
    );
    instance.exports._initialize?.();
    return instance.exports;
  })().catch(() => null);
  return pending;
}

/** True when the bytes start like a font HarfBuzz reads (sfnt or collection), not WOFF/WOFF2. */
export function isSfnt(bytes) {
  if (bytes.length < 12) return false;
  const tag = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  return tag === "\0\u0001\0\0" || tag === "OTTO" || tag === "true" || tag === "ttcf";
}

/**
 * The face cut down to `codePoints` (and what its layout features reach from
 * them: ligatures, contextual forms), as sfnt bytes; null when it cannot be.
 */
export function subsetFont(hb, bytes, codePoints) {
  if (!hb || !isSfnt(bytes)) return null;
  let input = 0,
    face = 0,
    subset = 0,
    blob = 0,
    font = 0;
  try {
    font = hb.malloc(bytes.length);
    if (!font) return null;
    new Uint8Array(hb.memory.buffer).set(bytes, font);
    const source = hb.hb_blob_create(font, bytes.length, HB_MEMORY_MODE_WRITABLE, 0, 0);
    face = hb.hb_face_create(source, 0);
    hb.hb_blob_destroy(source);
    input = hb.hb_subset_input_create_or_fail();
    if (!input) return null;
    // Every layout feature stays: the copy is shaped by the browser as the page was.
    const features = hb.hb_subset_input_set(input, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG);
    hb.hb_set_clear(features);
    hb.hb_set_invert(features);
    const unicodes = hb.hb_subset_input_unicode_set(input);
    for (const cp of codePoints) hb.hb_set_add(unicodes, cp);
    subset = hb.hb_subset_or_fail(face, input);
    if (!subset) return null;
    blob = hb.hb_face_reference_blob(subset);
    const length = hb.hb_blob_get_length(blob);
    if (!length) return null;
    const data = hb.hb_blob_get_data(blob, 0);
    // A copy: the wasm memory is reused (and may grow) on the next call.
    return new Uint8Array(hb.memory.buffer, data, length).slice();
  } catch {
    return null;
  } finally {
    if (blob) hb.hb_blob_destroy(blob);
    if (subset) hb.hb_face_destroy(subset);
    if (input) hb.hb_subset_input_destroy(input);
    if (face) hb.hb_face_destroy(face);
    if (font) hb.free(font);
  }
}
