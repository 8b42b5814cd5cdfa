// The corpus runner: every corpus page at every device configuration, sent
// through the real widget to the real sealshot-server, the stored envelope
// opened with the project's secret key, the PNG compared with the live page.
//
//   node tests/corpus/run.mjs [--pages id,id] [--configs dpr1,dpr1.5,dpr2,phone] [--out build/corpus] [--images]
//     [--cpu-throttle N]  (the page's CPU N times slower from the open on: Chromium's emulation)
//
// --images keeps the sent PNG and Chromium's screenshot of each run in OUT/images/;
// --render OUT/corpus.json prints the tables of an earlier run again.
//
// Writes OUT/corpus.json (every measurement) and OUT/corpus.md (the table).
// scripts/corpus runs all of it; tests/corpus/corpus.test.mjs runs the CI subset.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { repoRoot } from "../browser/support/browser.mjs";
import { CONFIGS, corpusPages, runPage, startCorpus } from "./support/session.mjs";
import { CHANNEL_TOLERANCE } from "./support/pixels.mjs";

/** Runs pages × configs; one browser per configuration. onResult sees each result as it comes. */
export async function runCorpus({ pages, configs, imagesDir = null, cpuThrottle = 1, onResult = () => {} }) {
  const corpus = await startCorpus();
  const results = [];
  try {
    for (const configName of configs) {
      const browser = await corpus.browser(configName);
      try {
        for (const def of pages) {
          const result = await runPage(corpus, browser, def, configName, { imagesDir, cpuThrottle });
          results.push(result);
          onResult(result);
        }
      } finally {
        await browser.close();
      }
    }
  } finally {
    await corpus.close();
  }
  return results;
}

const pct = (x) => (x == null ? "–" : `${(100 * x).toFixed(2)}%`);
const ratio = (a, b) => (b ? `${a}/${b}` : "–");

/** One markdown row per result. */
export function markdownTable(results, pages) {
  const title = new Map(pages.map((p) => [p.id, p]));
  const lines = [
    "| page | site | config | meant to find: hidden | left to the site: hidden | look-alikes legible | fidelity | redacted | open→preview | longest task | SVG image | misses, notes |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of results) {
    const def = title.get(r.page) ?? {};
    if (r.failed) {
      lines.push(
        `| ${r.page} | ${def.source ?? ""} | ${r.config} | **run failed**: ${r.failed.replaceAll("|", "/").slice(0, 160)} |||||||||`,
      );
      continue;
    }
    const misses = [
      ...r.misses.map((m) => `${m.find}:${m.kind}`),
      ...(r.note ? [r.note] : []),
      ...r.errors.slice(0, 1),
    ].join("; ");
    lines.push(
      `| ${r.page} | ${def.source} | ${r.config} | ${ratio(r.enforced.hidden, r.enforced.total)} | ${ratio(r.site.hidden, r.site.total)} ` +
        `| ${ratio(r.lookalikes.legible, r.lookalikes.total)} | ${pct(r.fidelity)} | ${pct(r.redacted)} | ${r.openToPreviewMs} ms ` +
        `| ${r.longestTaskMs} ms | ${r.svgChars ? `${(r.svgChars / 1e6).toFixed(2)} M chars` : "–"} | ${misses} |`,
    );
  }
  return lines.join("\n");
}

/** One row per page, the configurations side by side (docs/benchmarks.md). */
export function pageTable(results, pages) {
  const configs = [...new Set(results.map((r) => r.config))];
  const head = [
    "page",
    "site",
    ...configs.map((c) => `${c}: hidden · site · look-alikes`),
    ...configs.map((c) => `fidelity ${c}`),
    ...configs.map((c) => `open→preview ${c}`),
  ];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => " --- ").join("|")}|`];
  for (const def of pages) {
    const rs = configs.map((c) => results.find((r) => r.page === def.id && r.config === c));
    if (rs.every((r) => !r)) continue;
    const cell = (r, f) => (!r ? "" : r.failed ? "failed" : f(r));
    lines.push(
      `| ${def.id} | ${def.source} | ${rs.map((r) => cell(r, (x) => `${ratio(x.enforced.hidden, x.enforced.total)} · ${ratio(x.site.hidden, x.site.total)} · ${ratio(x.lookalikes.legible, x.lookalikes.total)}`)).join(" | ")} ` +
        `| ${rs.map((r) => cell(r, (x) => pct(x.fidelity))).join(" | ")} | ${rs.map((r) => cell(r, (x) => `${(x.openToPreviewMs / 1000).toFixed(1)} s`)).join(" | ")} |`,
    );
  }
  return lines.join("\n");
}

/** Totals per configuration. */
export function summary(results) {
  const rows = [
    "| config | pages | meant to find: hidden | left to the site: hidden | look-alikes legible | fidelity min / median | open→preview median / max | longest task max | run failures |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  const configs = [...new Set(results.map((r) => r.config))];
  for (const c of configs) {
    const rs = results.filter((r) => r.config === c);
    const ok = rs.filter((r) => !r.failed);
    const sum = (f) => ok.reduce((s, r) => s + f(r), 0);
    const sorted = (f) =>
      ok
        .map(f)
        .filter((v) => v != null)
        .sort((a, b) => a - b);
    const fid = sorted((r) => r.fidelity),
      ms = sorted((r) => r.openToPreviewMs),
      lt = sorted((r) => r.longestTaskMs);
    const med = (a) => a[Math.floor((a.length - 1) / 2)];
    rows.push(
      `| ${c} | ${rs.length} | ${sum((r) => r.enforced.hidden)}/${sum((r) => r.enforced.total)} | ${sum((r) => r.site.hidden)}/${sum((r) => r.site.total)} ` +
        `| ${sum((r) => r.lookalikes.legible)}/${sum((r) => r.lookalikes.total)} | ${pct(fid[0])} / ${pct(med(fid))} | ${med(ms)} / ${ms.at(-1)} ms ` +
        `| ${lt.at(-1)} ms | ${rs.length - ok.length} |`,
    );
  }
  return rows.join("\n");
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const { values } = parseArgs({
    options: {
      pages: { type: "string" },
      configs: { type: "string", default: Object.keys(CONFIGS).join(",") },
      out: { type: "string", default: path.join(repoRoot, "build/corpus") },
      images: { type: "boolean", default: false },
      render: { type: "string" },
      "cpu-throttle": { type: "string", default: "1" },
    },
  });
  const all = corpusPages();
  if (values.render) {
    // Re-renders the tables of an earlier run's corpus.json (no browser, no server).
    const { date, seconds, results } = JSON.parse(fs.readFileSync(values.render, "utf8"));
    console.log(`# Page corpus run ${date} (${seconds} s)\n\n${summary(results)}\n\n${pageTable(results, all)}`);
    process.exit(0);
  }
  const wanted = values.pages ? new Set(values.pages.split(",")) : null;
  const pages = wanted ? all.filter((p) => wanted.has(p.id)) : all;
  const configs = values.configs.split(",");
  for (const c of configs)
    if (!CONFIGS[c]) throw new Error(`unknown config ${c}; known: ${Object.keys(CONFIGS).join(", ")}`);
  if (!pages.length) throw new Error("no pages selected");
  const cpuThrottle = Number(values["cpu-throttle"]);
  if (!(cpuThrottle >= 1)) throw new Error("--cpu-throttle takes a number of 1 or more, e.g. 2");
  const started = Date.now();
  const results = await runCorpus({
    pages,
    configs,
    imagesDir: values.images ? path.join(values.out, "images") : null,
    cpuThrottle,
    onResult: (r) => {
      console.log(
        r.failed
          ? `${r.page} ${r.config}: RUN FAILED ${r.failed}`
          : `${r.page} ${r.config}: hidden ${r.enforced.hidden}/${r.enforced.total}, site ${r.site.hidden}/${r.site.total}, ` +
              `look-alikes ${r.lookalikes.legible}/${r.lookalikes.total}, fidelity ${pct(r.fidelity)}, ${r.openToPreviewMs} ms` +
              (r.misses.length ? `, MISSED ${r.misses.map((m) => `${m.id}(${m.find})`).join(" ")}` : ""),
      );
    },
  });
  fs.mkdirSync(values.out, { recursive: true });
  const meta = {
    date: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    tolerance: CHANNEL_TOLERANCE,
    cpuThrottle,
    configs: Object.fromEntries(configs.map((c) => [c, CONFIGS[c]])),
  };
  fs.writeFileSync(path.join(values.out, "corpus.json"), JSON.stringify({ ...meta, results }, null, 1));
  const md = `# Page corpus run ${meta.date} (${meta.seconds} s)\n\n${summary(results)}\n\n${pageTable(results, all)}\n\n${markdownTable(results, all)}\n`;
  fs.writeFileSync(path.join(values.out, "corpus.md"), md);
  console.log(`\n${summary(results)}\n\nwrote ${path.join(values.out, "corpus.json")} and corpus.md`);
}
