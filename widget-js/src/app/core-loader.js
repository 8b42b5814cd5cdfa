// The wasm core, fetched and compiled once per page: every caller shares one
// promise, and nothing is fetched before the first open (or a pending outbox).
// "sealshot-core" is build-wasm/wasm/sealshot-core.mjs, mapped by build.mjs.
import { loadSealshotCore } from "sealshot-core";

// The script-tag bundle is built with the content-hashed file name and its
// SHA-384 (build.mjs); the ES module build leaves both unset: core.wasm, unpinned.
const WASM_FILE = typeof __SEALSHOT_WASM_FILE__ === "string" ? __SEALSHOT_WASM_FILE__ : "core.wasm";
const WASM_INTEGRITY = typeof __SEALSHOT_WASM_INTEGRITY__ === "string" ? __SEALSHOT_WASM_INTEGRITY__ : "";

let pending = null;

export function loadCore(assetsUrl) {
  pending ??= new Promise((resolve, reject) => {
    const url = new URL(WASM_FILE, assetsUrl).href;
    const options = { locateFile: () => url };
    if (WASM_INTEGRITY) options.instantiateWasm = pinnedInstantiate(url, WASM_INTEGRITY, reject);
    loadSealshotCore(options).then(resolve, reject);
  }).catch((error) => {
    pending = null; // let a later open try again (e.g. after going back online)
    throw error;
  });
  return pending;
}

// Emscripten's instantiateWasm hook: the bytes are fetched with `integrity`,
// so the browser refuses a core.wasm other than the one this bundle was built
// with (the core redacts and encrypts: it must be exactly that code). The
// hook cannot reject the module's promise itself, hence `fail`.
function pinnedInstantiate(url, integrity, fail) {
  return (imports, receive) => {
    fetch(url, { integrity, credentials: "same-origin" })
      .then(async (response) => {
        if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
        // Compiled while it downloads, and the browser keeps the compiled code
        // beside its cached bytes, so later opens skip most of the compile.
        // That needs the right type: a host that serves another falls back.
        if (
          WebAssembly.instantiateStreaming &&
          /^application\/wasm\b/i.test(response.headers.get("content-type") ?? "")
        )
          return WebAssembly.instantiateStreaming(response, imports);
        return WebAssembly.instantiate(await response.arrayBuffer(), imports);
      })
      .then((result) => receive(result.instance, result.module))
      .catch(fail);
    return {}; // exports arrive through receive()
  };
}
