// Loads the account module (Argon2id, key wrapping, grants) from the hashed
// files this build wrote: the .wasm is fetched with its integrity hash and
// handed over as bytes, so nothing is loaded that the page did not pin.
import { loadSealshotAccount } from "sealshot-account";

export async function loadAccount() {
  const res = await fetch(`/console/${__ACCOUNT_WASM_FILE__}`, { integrity: __ACCOUNT_WASM_INTEGRITY__ });
  if (!res.ok) throw new Error(`The sign-in module did not load (${res.status}).`);
  return loadSealshotAccount({ wasmBinary: new Uint8Array(await res.arrayBuffer()) });
}

// The server says which Argon2id parameters a person's keys were made with;
// a malicious server could offer cheaper ones, so anything outside the range
// the client pins is refused before the password is used.
export function checkKdf(account, kdf) {
  const { minimum, maximum } = account.kdfParams;
  const ok =
    kdf &&
    typeof kdf.salt === "string" &&
    Number.isSafeInteger(kdf.opslimit) &&
    Number.isSafeInteger(kdf.memlimit) &&
    kdf.opslimit >= minimum.opslimit &&
    kdf.opslimit <= maximum.opslimit &&
    kdf.memlimit >= minimum.memlimit &&
    kdf.memlimit <= maximum.memlimit;
  if (!ok) throw new Error("The server offered key-derivation settings outside the safe range; sign-in stopped.");
  return { opslimit: kdf.opslimit, memlimit: kdf.memlimit };
}
