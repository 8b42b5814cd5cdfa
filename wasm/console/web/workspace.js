// After sign-in the Dear ImGui workspace takes over the page: the app's
// .wasm and the bundled DejaVu font are fetched with their integrity
// hashes, the canvas fills the window, and the person's opened key is
// copied into the app's memory (then wiped from the copy made for it).
//
// Leaving (sign-out, or the session expired): the app says so with its
// view; the module is shut down, its whole memory zeroed (keys, decrypted
// comments and screenshots) and dropped, and onLeave(reason, view) lets the
// sign-in page take over again.
import createConsoleApp from "console-app";

async function pinned(file, integrity) {
  const res = await fetch(`/console/${file}`, { integrity });
  if (!res.ok) throw new Error(`/console/${file} did not load (${res.status}).`);
  return new Uint8Array(await res.arrayBuffer());
}

function copyString(app, text) {
  const size = app.lengthBytesUTF8(text) + 1;
  const ptr = app._malloc(size);
  app.stringToUTF8(text, ptr, size);
  return { ptr, size };
}

let files = null; // fetched once per page, reused when signing in again

// Emscripten's GLFW listens for keys on the whole window (and cancels
// Backspace and Tab there): while an HTML page is shown over the workspace
// its fields' keys must not reach the app.
for (const type of ["keydown", "keypress", "keyup"]) {
  window.addEventListener(
    type,
    (event) => {
      if (event.target instanceof Element && event.target.closest("main")) event.stopImmediatePropagation();
    },
    true,
  );
}

export async function startWorkspace(me, secretKey, { view = "", onLeave, onPage }) {
  files ??= await Promise.all([
    pinned(__APP_WASM_FILE__, __APP_WASM_INTEGRITY__),
    pinned(__FONT_FILE__, __FONT_INTEGRITY__),
  ]);
  const [wasm, font] = files;
  const canvas = document.createElement("canvas");
  canvas.id = "canvas";
  canvas.tabIndex = 0;
  canvas.setAttribute("aria-label", "Sealshot console workspace");
  for (const el of document.body.children) el.hidden = true;
  document.body.append(canvas);
  canvas.focus();
  let app = null;
  const sealshotLeave = (reason, viewText) => {
    if (!app) return;
    app._console_shutdown();
    app.sealshotGone = true; // answers still on their way are dropped
    app.HEAPU8.fill(0);
    app = null;
    canvas.remove();
    onLeave(reason, viewText);
  };
  // The app asks for an HTML page (two-factor sign-in): the canvas hides
  // until the person comes back; the module keeps running.
  const sealshotShowPage = (name) => {
    if (!app) return;
    canvas.hidden = true;
    onPage(name, () => {
      canvas.hidden = false;
      canvas.focus();
    });
  };
  app = await createConsoleApp({ wasmBinary: wasm, canvas, sealshotLeave, sealshotShowPage });
  const fontPtr = app._malloc(font.length);
  app.HEAPU8.set(font, fontPtr);
  app._console_set_font(fontPtr, font.length);
  app._free(fontPtr);
  const meText = copyString(app, JSON.stringify(me));
  const viewText = copyString(app, view);
  // The 32 key bytes go straight into the module's memory; the array is zeroed at once.
  const key = { ptr: app._malloc(secretKey.length), size: secretKey.length };
  app.HEAPU8.set(secretKey, key.ptr);
  secretKey.fill(0);
  try {
    return app._console_start(meText.ptr, key.ptr, key.size, viewText.ptr);
  } finally {
    app.HEAPU8.fill(0, key.ptr, key.ptr + key.size);
    app._free(key.ptr);
    app._free(meText.ptr);
    app._free(viewText.ptr);
  }
}
