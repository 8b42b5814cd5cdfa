// Loads the account module (build-wasm/wasm/account/) for Node tests; the
// build folder comes from SEALSHOT_WASM_DIR like the core's (load-core.mjs).
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { wasmDir } from "./load-core.mjs";

export const accountDir = path.join(wasmDir, "account");

export async function loadAccount() {
  const { loadSealshotAccount, SealshotError } = await import(
    pathToFileURL(path.join(accountDir, "sealshot-account.mjs")).href
  );
  // Node's fetch cannot load a file path: hand the bytes over (platform notes).
  const account = await loadSealshotAccount({ wasmBinary: fs.readFileSync(path.join(accountDir, "account.wasm")) });
  return { account, SealshotError };
}
