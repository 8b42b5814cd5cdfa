// Debian's Chromium driven by playwright-core with CHROMIUM_FLAGS (no network
// noise, no GPU, no sandbox), in a fresh profile that is deleted afterwards.
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "../../..");
const { chromium } = createRequire(path.join(repoRoot, "tests/package.json"))("playwright-core");

export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--hide-scrollbars",
];

/**
 * A persistent context in a fresh user-data-dir; close() removes the profile.
 * consoleTestHooks: the review console publishes its state and its widgets'
 * rectangles (window.__sealshotConsole) only with this test flag.
 */
export async function launch({
  viewport = { width: 1920, height: 1080 },
  deviceScaleFactor = 1,
  args = [],
  consoleTestHooks = false,
  ...rest
} = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "sealshot-browser-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [...CHROMIUM_FLAGS, ...args],
    viewport,
    deviceScaleFactor,
    ignoreHTTPSErrors: true,
    timeout: 30_000,
    ...rest,
  });
  context.setDefaultTimeout(20_000);
  if (consoleTestHooks)
    await context.addInitScript(() => {
      globalThis.__sealshotConsoleTestHooks = true;
    });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
