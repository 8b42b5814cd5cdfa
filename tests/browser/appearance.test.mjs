// The dialog follows the visitor's system settings: dark colours with
// prefers-color-scheme: dark, and no animation with prefers-reduced-motion.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { openDialog, setup } from "./support/fixture.mjs";

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

async function dialogStyle(page) {
  return page.locator(".dialog").evaluate((el) => {
    const s = getComputedStyle(el);
    return { background: s.backgroundColor, color: s.color, animation: s.animationName };
  });
}

test("light scheme with motion: light dialog that animates in", async () => {
  const page = await env.page();
  await page.emulateMedia({ colorScheme: "light", reducedMotion: "no-preference" });
  await openDialog(page);
  const style = await dialogStyle(page);
  assert.equal(style.background, "rgb(255, 255, 255)");
  assert.notEqual(style.animation, "none");
  await page.close();
});

test("dark scheme and reduced motion: dark dialog, no animation", async () => {
  const page = await env.page();
  await page.emulateMedia({ colorScheme: "dark", reducedMotion: "reduce" });
  await openDialog(page);
  const style = await dialogStyle(page);
  assert.equal(style.background, "rgb(28, 32, 38)"); // --bg of the dark palette
  assert.equal(style.color, "rgb(232, 234, 237)"); // --fg of the dark palette
  assert.equal(style.animation, "none");
  await page.close();
});
