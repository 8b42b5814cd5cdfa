// The dialog's CSS, scoped by its shadow root: nothing leaks in or out.
// Colours follow prefers-color-scheme; motion stops with prefers-reduced-motion.
export const DIALOG_CSS = `
:host { all: initial; }
* { box-sizing: border-box; }
.root { --bg: #ffffff; --fg: #1b1f24; --muted: #5b6573; --line: #d7dce2; --field: #f6f7f9; --accent: #1d4ed8;
  --accent-fg: #fff; --danger: #b42318; --overlay: rgba(15, 18, 22, .55);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif; color: var(--fg); }
@media (prefers-color-scheme: dark) {
  .root { --bg: #1c2026; --fg: #e8eaed; --muted: #a3acb8; --line: #3a414b; --field: #262b32; --accent: #7aa2ff;
    --accent-fg: #0b1020; --danger: #ff8a80; --overlay: rgba(0, 0, 0, .65); }
}
.backdrop { position: fixed; inset: 0; background: var(--overlay); z-index: 2147483646; animation: fade .15s ease-out; }
/* The visual viewport (dialog.js sets its place, size and scale): the screen the visitor sees. */
.frame { position: fixed; z-index: 2147483647; left: 0; top: 0; width: 100vw; height: 100vh; transform-origin: 0 0;
  container: sealshot-frame / size; pointer-events: none; }
.dialog { position: absolute; top: 50%; left: 50%; transform: translate(-50%, -50%); pointer-events: auto;
  width: min(1040px, calc(100% - 32px)); max-height: calc(100% - 32px); overflow: auto; overscroll-behavior: contain;
  display: flex; flex-direction: column;
  background: var(--bg); color: var(--fg); border-radius: 12px; box-shadow: 0 20px 60px rgba(0,0,0,.35); animation: pop .18s ease-out; }
/* The header, body and footer keep their own height; the dialog scrolls instead of squeezing them into each other. */
.dialog > *, form > * { flex-shrink: 0; }
header { display: flex; align-items: center; justify-content: space-between; padding: 14px 18px; border-bottom: 1px solid var(--line); }
h2 { font-size: 17px; margin: 0; font-weight: 650; }
.body { display: grid; grid-template-columns: minmax(0, 3fr) minmax(260px, 2fr); gap: 18px; padding: 16px 18px 18px; }
.shot { min-width: 0; }
.tools, .sources { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 8px; }
.sources { margin: 8px 0 0; }
.stage { position: relative; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; background: var(--field); min-height: 160px; }
canvas { display: block; width: 100%; height: auto; touch-action: none; cursor: crosshair; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; margin: -1px; }
.status { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; margin: 0; padding: 16px; text-align: center; color: var(--muted); }
.privacy { color: var(--muted); font-size: 12.5px; margin: 8px 0 0; }
form { display: flex; flex-direction: column; gap: 12px; min-width: 0; }
label { display: flex; flex-direction: column; gap: 4px; font-weight: 600; font-size: 13px; }
label.check { flex-direction: row; align-items: center; gap: 8px; font-weight: 400; }
input, textarea, select { font: inherit; color: var(--fg); background: var(--field); border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; }
textarea { min-height: 120px; resize: vertical; }
input[type=checkbox] { width: 16px; height: 16px; }
[aria-invalid=true] { border-color: var(--danger); }
.error { color: var(--danger); font-size: 12.5px; margin: -6px 0 0; min-height: 0; }
.error:empty { display: none; }
button { font: inherit; border-radius: 8px; border: 1px solid var(--line); background: var(--bg); color: var(--fg); padding: 7px 12px; cursor: pointer; }
button[aria-pressed=true] { background: var(--fg); color: var(--bg); border-color: var(--fg); }
button:disabled { opacity: .5; cursor: default; }
button.primary { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); font-weight: 600; }
button.close { border: none; font-size: 22px; line-height: 1; padding: 4px 10px; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
footer { display: flex; justify-content: flex-end; gap: 8px; margin-top: auto; }
.progress { height: 6px; border-radius: 3px; background: var(--field); overflow: hidden; border: 1px solid var(--line); }
.progress[hidden] { display: none; }
.bar { height: 100%; width: 0; background: var(--accent); transition: width .1s linear; }
.message { margin: 0; min-height: 1.45em; }
.message.bad { color: var(--danger); }
[hidden] { display: none !important; }
/* A phone (portrait or landscape) or a small window: the dialog fills the screen and scrolls. */
@container sealshot-frame (max-width: 720px) or (max-height: 560px) {
  .dialog { top: 0; left: 0; transform: none; width: 100%; max-height: none; height: 100%; border-radius: 0; animation-name: fade; }
}
@container sealshot-frame (max-width: 720px) {
  .body { grid-template-columns: 1fr; padding: 12px; }
  /* A tall page's preview would push the form a few screens down: at most half the screen, aspect kept. */
  canvas { width: auto; height: auto; max-width: 100%; max-height: 50cqh; margin: 0 auto; }
  /* 16 px text in fields: smaller text makes mobile browsers zoom the page when a field is focused. */
  input, textarea, select { font-size: 16px; }
}
@keyframes fade { from { opacity: 0; } }
@keyframes pop { from { opacity: 0; transform: translate(-50%, -48%); } }
@media (prefers-reduced-motion: reduce) { *, .backdrop, .dialog { animation: none !important; transition: none !important; } }
`;

/** Puts CSS into a shadow root without an inline <style> when possible (strict CSPs allow constructed sheets). */
export function adoptCss(root, css, nonce) {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    return;
  } catch {
    /* older browsers: fall back to a <style> with the page's nonce */
  }
  const style = document.createElement("style");
  if (nonce) style.setAttribute("nonce", nonce);
  style.textContent = css;
  root.appendChild(style);
}
