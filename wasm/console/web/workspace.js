// After sign-in the Dear ImGui workspace takes over the page: the app's
// .wasm and the bundled DejaVu font are fetched with their integrity
// hashes, the canvas fills the window, and the person's opened key is
// copied into the app's memory (then wiped from the copy made for it).
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

export async function startWorkspace(me, secretKey) {
  const [wasm, font] = await Promise.all([pinned(__APP_WASM_FILE__, __APP_WASM_INTEGRITY__),
    pinned(__FONT_FILE__, __FONT_INTEGRITY__)]);
  const canvas = document.createElement("canvas");
  canvas.id = "canvas";
  canvas.tabIndex = 0;
  canvas.setAttribute("aria-label", "Sealshot console workspace");
  document.body.replaceChildren(canvas);
  canvas.focus();
  const app = await createConsoleApp({ wasmBinary: wasm, canvas });
  const fontPtr = app._malloc(font.length);
  app.HEAPU8.set(font, fontPtr);
  app._console_set_font(fontPtr, font.length);
  app._free(fontPtr);
  const meText = copyString(app, JSON.stringify(me));
  const key = copyString(app, secretKey);
  try {
    return app._console_start(meText.ptr, key.ptr);
  } finally {
    app.HEAPU8.fill(0, key.ptr, key.ptr + key.size);
    app._free(key.ptr);
    app._free(meText.ptr);
  }
}
