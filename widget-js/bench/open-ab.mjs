// Open → preview of two or more widget builds on corpus pages, in one run,
// alternated A B B A A B…: this machine is shared and drifts by tens of
// percent within minutes, so only builds measured side by side compare.
// Each build runs the pages through the real corpus set-up (server, browser,
// tests/corpus/support/session.mjs); the first build is the baseline.
// Prints the median open → preview and capture (after the scan) per page and
// build, and each build's total of medians against the baseline's.
//   SEALSHOT_WIDGET_OUT=build/widget-a node widget-js/build.mjs   (one build per version)
//   node widget-js/bench/open-ab.mjs --widgets build/widget-a,build/widget-b \
//     --pages g-user-management,g-inbox --rounds 5 [--config dpr1]
import path from "node:path";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    widgets: { type: "string" },
    pages: { type: "string", default: "g-user-management,g-inbox,g-settings" },
    rounds: { type: "string", default: "3" },
    config: { type: "string", default: "dpr1" },
  },
});
const widgets = (args.widgets ?? "").split(",").filter(Boolean);
if (widgets.length < 2) throw new Error("--widgets needs two or more build directories, the baseline first");
const rounds = Number(args.rounds);
const wanted = args.pages.split(",");

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// [page][widget] → [{open, capture}]
const results = {};
async function runBuild(dir) {
  // The corpus session reads SEALSHOT_WIDGET_DIR when it starts: a module instance per build.
  process.env.SEALSHOT_WIDGET_DIR = path.resolve(dir);
  const session = await import(`../../tests/corpus/support/session.mjs?widget=${encodeURIComponent(dir)}`);
  const pages = session.corpusPages().filter((p) => wanted.includes(p.id));
  if (pages.length !== wanted.length) throw new Error(`unknown page among ${args.pages}`);
  const corpus = await session.startCorpus();
  try {
    const browser = await corpus.browser(args.config);
    for (const def of pages) {
      const r = await session.runPage(corpus, browser, def, args.config, {});
      ((results[def.id] ??= {})[dir] ??= []).push({ open: r.openToPreviewMs, capture: r.captureTimings?.capture });
      console.error(`${dir} ${def.id}: ${r.openToPreviewMs} ms`);
    }
    await browser.close();
  } finally {
    await corpus.close();
  }
}

for (let round = 0; round < rounds; round++) {
  for (const dir of round % 2 ? [...widgets].reverse() : widgets) await runBuild(dir);
}

console.log(`Open → preview, ${args.config}, ${rounds} alternated rounds: median per page (ms), open / capture`);
console.log();
console.log(`| page | ${widgets.map((w) => path.basename(w)).join(" | ")} |`);
console.log(`| --- |${widgets.map(() => " ---: |").join("")}`);
const totals = widgets.map(() => 0);
for (const page of wanted) {
  const cells = widgets.map((w, i) => {
    const runs = results[page][w];
    const open = median(runs.map((x) => x.open));
    totals[i] += open;
    return `${open} / ${Math.round(median(runs.map((x) => x.capture)))}`;
  });
  console.log(`| ${page} | ${cells.join(" | ")} |`);
}
console.log(`| total of medians | ${totals.map((t, i) => `${t} (${(t / totals[0]).toFixed(3)})`).join(" | ")} |`);
