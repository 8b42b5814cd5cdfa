// The wasm core, fetched and compiled once per page: every caller shares one
// promise, and nothing is fetched before the first open (or a pending outbox).
// "sealshot-core" is build-wasm/wasm/sealshot-core.mjs, mapped by build.mjs.
import { loadSealshotCore } from "sealshot-core";

let pending = null;

export function loadCore(assetsUrl) {
  pending ??= loadSealshotCore({ locateFile: (file) => new URL(file, assetsUrl).href }).catch((error) => {
    pending = null; // let a later open try again (e.g. after going back online)
    throw error;
  });
  return pending;
}
