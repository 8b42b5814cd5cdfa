// Open → redacted preview on the demo shop and on a heavier dashboard
// (tests/browser/pages/dashboard.html: ~3,000 elements, three icon-font kits
// in three formats), in headless Chromium against sealshot-server: the wait,
// the longest main-thread task while it lasts (PerformanceObserver
// 'longtask', tasks over 50 ms) and the requests the capture made itself
// (fonts, images). Prints the markdown table of docs/benchmarks.md.
//   node widget-js/bench/open-bench.mjs [--runs 5] [--dpr 1]
import { parseArgs } from "node:util";
import { setup } from "../../tests/browser/support/fixture.mjs";

const { values: args } = parseArgs({
  options: { runs: { type: "string", default: "5" }, dpr: { type: "string", default: "1" } },
});
const runs = Number(args.runs),
  dpr = Number(args.dpr);
const PAGES = [
  ["demo shop (account.html)", "account.html"],
  ["dashboard (~3,000 elements, icon fonts)", "test-pages/dashboard.html"],
];
const env = await setup({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: dpr });
await env.browser.context.addInitScript(() => {
  window.__longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: "longtask", buffered: true });
  } catch {
    /* no longtask support */
  }
});
const results = [];
try {
  for (const [label, file] of PAGES) {
    const rows = [];
    for (let i = 0; i < runs; i++) {
      const page = await env.page(file);
      await page.waitForTimeout(300); // let the page's own load tasks finish
      const requests = [];
      page.on("request", (r) => {
        if (/\/assets\/fonts\/|\.(png|jpe?g|svg|woff2?|ttf)$/.test(r.url())) requests.push(r.url());
      });
      const tOpen = await page.evaluate(() => performance.now());
      const t0 = Date.now();
      await page.evaluate(() => {
        document.addEventListener(
          "sealshot:capture",
          (e) => {
            window.__copy = e.detail.copy ?? null;
          },
          { once: true },
        );
        window.Sealshot.open();
      });
      await page.locator(".dialog canvas").waitFor({ state: "visible", timeout: 180_000 });
      const openToPreview = Date.now() - t0;
      const tasks = await page.evaluate((t) => window.__longTasks.filter((e) => e.start + e.duration >= t), tOpen);
      // The widget's own account of the copy (since the viewport cull): elements copied, of them emptied, SVG length.
      const copy = await page
        .waitForFunction(() => window.__copy !== undefined)
        .then(() => page.evaluate(() => window.__copy));
      rows.push({
        openToPreview,
        longest: Math.round(Math.max(0, ...tasks.map((e) => e.duration))),
        over200: tasks.filter((e) => e.duration > 200).length,
        fontRequests: requests.filter((u) => u.includes("/fonts/")).length,
        first: i === 0,
        copy,
      });
      await page.close();
    }
    results.push([label, rows]);
  }
} finally {
  await env.close();
}
const copyCell = (c) => (c ? `${c.elements} (${c.shells}) / ${(c.svgChars / 1e6).toFixed(2)} M chars` : "–");
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
console.log(
  `load average ${(await import("node:os"))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(
      " ",
    )} at the end; ${runs} runs per page at 1920×1080, DPR ${dpr}, each a fresh page view; medians of runs 2..${runs} (run 1 warms the browser).\n`,
);
console.log(
  "| page | open → preview | longest task | tasks > 200 ms | font requests by the capture | copy: elements (empty) / SVG |\n|---|---:|---:|---:|---:|---:|",
);
for (const [label, rows] of results) {
  const warm = rows.length > 1 ? rows.filter((r) => !r.first) : rows;
  console.log(
    `| ${label} | ${median(warm.map((r) => r.openToPreview))} ms | ${median(warm.map((r) => r.longest))} ms | ` +
      `${median(warm.map((r) => r.over200))} | ${median(warm.map((r) => r.fontRequests))} | ${copyCell(warm.at(-1).copy)} |`,
  );
}
