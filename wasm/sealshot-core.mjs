// The JavaScript face of the capture core. Wraps the raw C ABI of core.wasm
// (wasm/bindings.cpp) in plain functions that take and return typed arrays
// and throw SealshotError with a stable `code` on bad input.
//
// Usage (browser):  const core = await loadSealshotCore();
// Usage (Node):     const core = await loadSealshotCore({ wasmBinary: fs.readFileSync(".../core.wasm") });
import createSealshotCore from "./core.mjs";

export class SealshotError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "SealshotError";
    this.code = code;
  }
}

function secureRandomUint32() {
  const word = new Uint32Array(1);
  globalThis.crypto.getRandomValues(word);
  return word[0];
}

export async function loadSealshotCore(options = {}) {
  const module = await createSealshotCore({
    // libsodium asks Module.getRandomValue for entropy; Web Crypto exists in
    // browsers and in Node 20 alike.
    getRandomValue: secureRandomUint32,
    ...options,
  });
  return new SealshotCore(module);
}

class SealshotCore {
  #m;
  constructor(module) {
    this.#m = module;
    // Limits, PNG defaults and PII kind names come from the core itself
    // (sealshot_core_info in wasm/bindings.cpp): nothing here repeats them.
    if (module._sealshot_core_info() !== 0) throw new SealshotError("internal", "The core did not describe itself.");
    const info = JSON.parse(new TextDecoder().decode(this.#takeOutput()));
    this.limits = Object.freeze(info.limits);
    this.pngDefaults = Object.freeze(info.pngDefaults);
    /** PII kind names by the core's kind number (what scan() reports). */
    this.piiKinds = Object.freeze(info.piiKinds);
  }

  /** Size of the module's memory now (it grows and never shrinks): for benchmarks. */
  get heapBytes() {
    return this.#m.HEAPU8.length;
  }

  // --- memory helpers: every pointer is freed in `finally` -----------------
  #alloc(size) {
    const ptr = this.#m._malloc(Math.max(1, size));
    if (!ptr) throw new SealshotError("out_of_memory", "The WebAssembly module is out of memory.");
    return ptr;
  }
  #copyIn(bytes) {
    const ptr = this.#alloc(bytes.length);
    this.#m.HEAPU8.set(bytes, ptr);
    return ptr;
  }
  #string(text) {
    const size = this.#m.lengthBytesUTF8(text) + 1;
    const ptr = this.#alloc(size);
    this.#m.stringToUTF8(text, ptr, size);
    return ptr;
  }
  #check(code) {
    if (code !== 0) {
      const name = this.#m.UTF8ToString(this.#m._sealshot_error_name(code));
      const message = this.#m.UTF8ToString(this.#m._sealshot_error_message());
      throw new SealshotError(name, message);
    }
  }
  #takeOutput() {
    const m = this.#m;
    const ptr = m._sealshot_output_data();
    const out = m.HEAPU8.slice(ptr, ptr + m._sealshot_output_size());
    m._sealshot_output_clear();
    return out;
  }
  #with(pointers, body) {
    try {
      return body();
    } finally {
      for (const p of pointers) if (p) this.#m._free(p);
    }
  }
  #rectsIn(rects) {
    if (!Array.isArray(rects)) throw new SealshotError("invalid_argument", "Redaction rectangles must be an array.");
    const ptr = this.#alloc(rects.length * 32);
    const view = new Float64Array(this.#m.HEAPU8.buffer, ptr, rects.length * 4);
    rects.forEach((r, i) => view.set([+r.x, +r.y, +r.width, +r.height], i * 4));
    return ptr;
  }
  static #checkImage(rgba, width, height) {
    if (!(rgba instanceof Uint8Array || rgba instanceof Uint8ClampedArray)) {
      throw new SealshotError("invalid_argument", "Pixels must be a Uint8Array or Uint8ClampedArray.");
    }
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      throw new SealshotError("invalid_argument", "Image width and height must be positive integers.");
    }
    if (rgba.length < width * height * 4) {
      throw new SealshotError(
        "buffer_too_small",
        `The pixel buffer holds ${rgba.length} bytes but a ${width}x${height} RGBA image needs ${width * height * 4}.`,
      );
    }
  }

  // --- image ----------------------------------------------------------------
  /** Fills rects (CSS pixels) with opaque colour, in place. Returns {filled, skipped}. */
  redact(rgba, width, height, rects, devicePixelRatio = 1, fill = 0x000000) {
    SealshotCore.#checkImage(rgba, width, height);
    const pixels = this.#copyIn(rgba.subarray(0, width * height * 4));
    const rectPtr = this.#rectsIn(rects);
    return this.#with([pixels, rectPtr], () => {
      this.#check(this.#m._sealshot_redact(pixels, width, height, rectPtr, rects.length, devicePixelRatio, fill));
      rgba.set(this.#m.HEAPU8.subarray(pixels, pixels + width * height * 4));
      const counts = new Uint32Array(this.#takeOutput().buffer);
      return { filled: counts[0], skipped: counts[1] };
    });
  }

  /** PNG bytes of an RGBA image (RGB when opaque). */
  encodePng(rgba, width, height, { level = this.pngDefaults.level, filter = this.pngDefaults.filter } = {}) {
    SealshotCore.#checkImage(rgba, width, height);
    const pixels = this.#copyIn(rgba.subarray(0, width * height * 4));
    return this.#with([pixels], () => {
      this.#check(this.#m._sealshot_png_encode(pixels, width, height, level, filter));
      return this.#takeOutput();
    });
  }

  /** The widget's hot path: one copy in, redact in place, encode. Returns PNG bytes. */
  redactAndEncode(
    rgba,
    width,
    height,
    rects,
    devicePixelRatio = 1,
    { fill = 0x000000, level = this.pngDefaults.level, filter = this.pngDefaults.filter } = {},
  ) {
    SealshotCore.#checkImage(rgba, width, height);
    const pixels = this.#copyIn(rgba.subarray(0, width * height * 4));
    const rectPtr = this.#rectsIn(rects);
    return this.#with([pixels, rectPtr], () => {
      this.#check(this.#m._sealshot_redact(pixels, width, height, rectPtr, rects.length, devicePixelRatio, fill));
      this.#m._sealshot_output_clear();
      this.#check(this.#m._sealshot_png_encode(pixels, width, height, level, filter));
      return this.#takeOutput();
    });
  }

  // --- envelopes --------------------------------------------------------------
  seal(projectId, publicKey, payload) {
    const pid = this.#string(String(projectId));
    const key = this.#string(String(publicKey));
    const data = this.#copyIn(payload);
    return this.#with([pid, key, data], () => {
      this.#check(this.#m._sealshot_seal(pid, key, data, payload.length));
      return this.#takeOutput();
    });
  }

  /** Frames {manifest, png} as a payload and seals it. manifest: object or JSON string. */
  sealReport(projectId, publicKey, manifest, png = new Uint8Array(0)) {
    const json = new TextEncoder().encode(typeof manifest === "string" ? manifest : JSON.stringify(manifest));
    const pid = this.#string(String(projectId));
    const key = this.#string(String(publicKey));
    const m = this.#copyIn(json);
    const p = this.#copyIn(png);
    return this.#with([pid, key, m, p], () => {
      this.#check(this.#m._sealshot_seal_report(pid, key, m, json.length, p, png.length));
      return this.#takeOutput();
    });
  }

  /**
   * The widget's send path in one call: fills the rects in a copy of the
   * pixels, encodes the PNG and seals it with the manifest, all inside the
   * module, so the PNG is never copied out to JS and back in. screenshot:
   * {rgba, width, height, rects, devicePixelRatio} or null (manifest only).
   * The caller's pixels are not changed. Returns {envelope, pngSize}.
   */
  sealScreenshotReport(
    projectId,
    publicKey,
    manifest,
    screenshot = null,
    { fill = 0x000000, level = this.pngDefaults.level, filter = this.pngDefaults.filter } = {},
  ) {
    const json = new TextEncoder().encode(typeof manifest === "string" ? manifest : JSON.stringify(manifest));
    const m = this.#m;
    let width = 0,
      height = 0,
      rects = [],
      dpr = 1;
    if (screenshot) {
      ({ width, height } = screenshot);
      SealshotCore.#checkImage(screenshot.rgba, width, height);
      rects = screenshot.rects ?? [];
      dpr = screenshot.devicePixelRatio ?? 1;
    }
    const owned = [];
    return this.#with(owned, () => {
      const rectPtr = screenshot ? this.#rectsIn(rects) : 0;
      owned.push(rectPtr);
      // Allocated after the rects' view is written: a heap growth detaches earlier views.
      const pixels = screenshot ? this.#alloc(width * height * 4) : 0;
      owned.push(pixels);
      if (screenshot) m.HEAPU8.set(screenshot.rgba.subarray(0, width * height * 4), pixels);
      const pid = this.#string(String(projectId));
      owned.push(pid);
      const key = this.#string(String(publicKey));
      owned.push(key);
      const man = this.#copyIn(json);
      owned.push(man);
      this.#check(
        m._sealshot_seal_screenshot_report(
          pid,
          key,
          man,
          json.length,
          pixels,
          width,
          height,
          rectPtr,
          rects.length,
          dpr,
          fill,
          level,
          filter,
        ),
      );
      return { envelope: this.#takeOutput(), pngSize: m._sealshot_png_size() >>> 0 };
    });
  }

  open(envelope, secretKey, projectId) {
    const env = this.#copyIn(envelope);
    const key = this.#string(String(secretKey));
    const pid = this.#string(String(projectId));
    return this.#with([env, key, pid], () => {
      this.#check(this.#m._sealshot_open(env, envelope.length, key, pid));
      return this.#takeOutput();
    });
  }

  /** Opens an envelope and unpacks it: {manifest, parts: [{name, type, data}]}. */
  openReport(envelope, secretKey, projectId) {
    const payload = this.open(envelope, secretKey, projectId);
    const m = this.#m;
    const ptr = this.#copyIn(payload);
    return this.#with([ptr], () => {
      try {
        this.#check(m._sealshot_payload_unpack(ptr, payload.length));
        const parts = [];
        for (let i = 0; i < m._sealshot_part_count(); i++) {
          const data = m._sealshot_part_data(i);
          parts.push({
            name: m.UTF8ToString(m._sealshot_part_name(i)),
            type: m.UTF8ToString(m._sealshot_part_type(i)),
            data: m.HEAPU8.slice(data, data + m._sealshot_part_size(i)),
          });
        }
        // docs/envelope.md: a report's first part is its manifest, a JSON object.
        if (parts[0]?.name !== "manifest.json" || parts[0].type !== "application/json") {
          throw new SealshotError(
            "payload_malformed",
            "The report's first part is not manifest.json (application/json).",
          );
        }
        let manifest;
        try {
          manifest = JSON.parse(new TextDecoder().decode(parts[0].data));
        } catch {
          throw new SealshotError("payload_malformed", "The report's manifest is not valid JSON.");
        }
        if (manifest === null || typeof manifest !== "object" || Array.isArray(manifest)) {
          throw new SealshotError("payload_malformed", "The report's manifest is not a JSON object.");
        }
        return { manifest, parts };
      } finally {
        m._sealshot_parts_clear();
      }
    });
  }

  /** Checks an envelope's plaintext header without any key. */
  inspect(envelope) {
    const env = this.#copyIn(envelope);
    return this.#with([env], () => {
      this.#check(this.#m._sealshot_envelope_inspect(env, envelope.length));
      return JSON.parse(new TextDecoder().decode(this.#takeOutput()));
    });
  }

  // --- keys and PII -----------------------------------------------------------
  generateKeyPair() {
    this.#check(this.#m._sealshot_keypair_generate());
    const [publicKey, secretKey] = new TextDecoder().decode(this.#takeOutput()).split("\n");
    return { publicKey, secretKey };
  }

  /** PII hits in a JS string: [{kind, start, end}] with UTF-16 offsets. */
  scan(text) {
    text = String(text);
    const ptr = this.#alloc(text.length * 2);
    const units = new Uint16Array(this.#m.HEAPU8.buffer, ptr, text.length);
    for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
    return this.#with([ptr], () => {
      this.#check(this.#m._sealshot_pii_scan(ptr, text.length));
      const triples = new Uint32Array(this.#takeOutput().buffer);
      const hits = [];
      for (let i = 0; i < triples.length; i += 3) {
        hits.push({ kind: this.piiKinds[triples[i + 2]] ?? "unknown", start: triples[i], end: triples[i + 1] });
      }
      return hits;
    });
  }
}
