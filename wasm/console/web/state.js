// What the console knows about the signed-in person. The secret key stays
// in this module's memory only (never storage, never sent) and is dropped on
// sign-out. window.__sealshotConsole is a read-only view for the browser
// tests: state names and public values, never a key.
let secretKey = null;
const view = { state: "loading", error: null, email: null, fingerprint: null, organisations: [] };

export function setState(changes) {
  Object.assign(view, changes);
  globalThis.__sealshotConsole = Object.freeze({ ...view, organisations: [...view.organisations] });
}

// The key is 32 bytes in a Uint8Array (never text: a string cannot be
// wiped); whoever takes it zeroes it once it is in the workspace's memory.
export function holdSecretKey(key) {
  dropSecretKey();
  secretKey = key;
}
export function takeSecretKey() {
  const key = secretKey;
  secretKey = null;
  return key;
}
export function dropSecretKey() {
  secretKey?.fill(0);
  secretKey = null;
}

setState({});
