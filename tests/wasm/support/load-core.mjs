// Loads the wasm build for Node tests. The build folder comes from
// SEALSHOT_WASM_DIR (scripts/test sets it), defaulting to build-wasm/wasm.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "../../..");
export const wasmDir = process.env.SEALSHOT_WASM_DIR ?? path.join(repoRoot, "build-wasm/wasm");

export async function loadCore() {
  const { loadSealshotCore, SealshotError } = await import(pathToFileURL(path.join(wasmDir, "sealshot-core.mjs")).href);
  // Node's fetch cannot load a file path: hand the bytes over (platform notes).
  const core = await loadSealshotCore({ wasmBinary: fs.readFileSync(path.join(wasmDir, "core.wasm")) });
  return { core, SealshotError };
}
