// What the long main-thread tasks of open → preview are made of, per corpus
// page: a Chromium trace (devtools.timeline with V8's sampling profiler, the
// same data as the Performance panel) from Sealshot.open() to the preview.
// For each task over --min ms (default 50): the browser's own work in it by
// kind (style recalculation, layout, paint, image decoding, script) and the
// widget functions that took most of it (inclusive, from the samples). Build
// a widget that keeps its function names first, so the profile reads:
//   SEALSHOT_WIDGET_PROFILE=1 SEALSHOT_WIDGET_OUT=build/widget-profile node widget-js/build.mjs
//   SEALSHOT_WIDGET_DIR=build/widget-profile node widget-js/bench/open-profile.mjs --pages admin,sb2-tables
import { parseArgs } from "node:util";
import { corpusPages, runPage, startCorpus } from "../../tests/corpus/support/session.mjs";

const { values: args } = parseArgs({
  options: {
    pages: { type: "string", default: "admin,sb2-tables" },
    config: { type: "string", default: "dpr1" },
    min: { type: "string", default: "50" },
    // one summary over every task from open to preview, instead of one per long task
    whole: { type: "boolean", default: false },
  },
});
const wanted = args.pages.split(",");
const pages = corpusPages().filter((p) => wanted.includes(p.id));
if (pages.length !== wanted.length) throw new Error(`unknown page among ${args.pages}`);

const CATEGORIES = [
  "devtools.timeline",
  "disabled-by-default-devtools.timeline",
  "v8.execute",
  "disabled-by-default-v8.cpu_profiler",
].join(",");

const fnName = (frame) => {
  const file = frame.url
    ? frame.url
        .split("/")
        .pop()
        .replace(/\.[0-9a-f]{16}\./, ".")
    : "";
  return `${frame.functionName || "(anonymous)"}${file ? ` ${file}:${frame.lineNumber + 1}` : ""}`;
};

/** The page's main thread: the CrRendererMain with the most task time. */
function mainThread(events) {
  const names = new Map();
  for (const e of events) if (e.ph === "M" && e.name === "thread_name") names.set(`${e.pid}:${e.tid}`, e.args.name);
  const busy = new Map();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.name === "RunTask" && names.get(key) === "CrRendererMain") busy.set(key, (busy.get(key) ?? 0) + e.dur);
  }
  return [...busy].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** JS samples with their stacks, on the trace's clock (µs). */
function samplesOf(events, pid) {
  const nodes = new Map(); // id → {frame, parent}
  const samples = []; // {ts, node}
  const starts = new Map();
  for (const e of events) if (e.name === "Profile" && e.pid === pid) starts.set(e.id, e.args.data.startTime);
  const clock = new Map();
  for (const e of events) {
    if (e.name !== "ProfileChunk" || e.pid !== pid) continue;
    const data = e.args.data;
    for (const n of data.cpuProfile?.nodes ?? []) nodes.set(n.id, { frame: n.callFrame, parent: n.parent });
    let t = clock.get(e.id) ?? starts.get(e.id) ?? 0;
    const ids = data.cpuProfile?.samples ?? [];
    for (let i = 0; i < ids.length; i++) {
      t += data.timeDeltas[i];
      samples.push({ ts: t, node: ids[i] });
    }
    clock.set(e.id, t);
  }
  samples.sort((a, b) => a.ts - b.ts);
  return { nodes, samples };
}

/** Self time by event name inside one task (nested complete events on one thread). */
function kindsIn(task, threadEvents) {
  const inside = threadEvents
    .filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map();
  const stack = [];
  const add = (name, us) => self.set(name, (self.get(name) ?? 0) + us);
  for (const e of inside) {
    while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
    if (stack.length) add(stack.at(-1).name, -e.dur);
    add(e.name, e.dur);
    stack.push(e);
  }
  return self;
}

function report(id, events) {
  const key = mainThread(events);
  if (!key) return console.log(`${id}: no main thread in the trace`);
  const [pid, tid] = key.split(":").map(Number);
  const thread = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === "X" && e.dur);
  const tasks = thread.filter((e) => e.name === "RunTask").sort((a, b) => a.ts - b.ts);
  const { nodes, samples } = samplesOf(events, pid);
  const min = Number(args.min) * 1000;
  const t0 = tasks[0]?.ts ?? 0;
  console.log(`\n## ${id} (${args.config}): ${args.whole ? "all tasks" : `tasks over ${args.min} ms`}`);
  // --whole: from the first sample in the widget's open() to the last in runCapture (the preview)
  const stackHas = (node, names) => {
    for (let n = nodes.get(node); n; n = nodes.get(n.parent)) if (names.has(n.frame.functionName)) return true;
    return false;
  };
  const first = samples.find((s) => stackHas(s.node, new Set(["open"])));
  const last = samples.findLast((s) => stackHas(s.node, new Set(["runCapture", "showShot"])));
  const whole = first && last ? [{ ts: first.ts, dur: last.ts - first.ts, name: "(open → preview)" }] : [];
  for (const task of args.whole ? whole : tasks.filter((t) => t.dur >= min)) {
    const kinds = [...kindsIn(task, thread)]
      .filter(([, us]) => us >= 2000)
      .sort((a, b) => b[1] - a[1])
      .slice(0, args.whole ? 14 : 6)
      .map(([name, us]) => `${name} ${(us / 1000).toFixed(0)}`);
    const inclusive = new Map(),
      leaves = new Map();
    for (const s of samples) {
      if (s.ts < task.ts || s.ts > task.ts + task.dur) continue;
      const leaf = nodes.get(s.node);
      if (leaf) leaves.set(fnName(leaf.frame), (leaves.get(fnName(leaf.frame)) ?? 0) + 1);
      const seen = new Set();
      for (let n = nodes.get(s.node); n; n = nodes.get(n.parent)) {
        if (!n.frame.url?.includes("widget-app")) continue;
        const name = fnName(n.frame);
        if (!seen.has(name)) inclusive.set(name, (inclusive.get(name) ?? 0) + 1);
        seen.add(name);
      }
    }
    const perSample = samples.length > 1 ? (samples.at(-1).ts - samples[0].ts) / samples.length / 1000 : 0;
    const js = [...inclusive]
      .sort((a, b) => b[1] - a[1])
      .slice(0, args.whole ? 30 : 8)
      .map(([name, n]) => `${name} ~${(n * perSample).toFixed(0)}`);
    console.log(`- at ${((task.ts - t0) / 1000).toFixed(0)} ms, ${(task.dur / 1000).toFixed(0)} ms`);
    if (args.whole) {
      // the main thread's idle time in the window: gaps between its tasks
      const inWindow = tasks.filter((t) => t.ts + t.dur > task.ts && t.ts < task.ts + task.dur);
      const gaps = [];
      for (let i = 1; i < inWindow.length; i++) {
        const gap = inWindow[i].ts - (inWindow[i - 1].ts + inWindow[i - 1].dur);
        if (gap > 0) gaps.push([(inWindow[i - 1].ts + inWindow[i - 1].dur - task.ts) / 1000, gap / 1000]);
      }
      const idle = gaps.reduce((sum, [, g]) => sum + g, 0);
      const big = gaps.filter(([, g]) => g >= 3).map(([at, g]) => `${g.toFixed(0)} ms at ${at.toFixed(0)}`);
      console.log(
        `  main thread idle: ${idle.toFixed(0)} ms in ${inWindow.length} tasks; gaps ≥ 3 ms: ${big.join(", ")}`,
      );
      if (process.env.LAYOUTS) {
        for (const e of thread.filter(
          (e) =>
            /^(Layout|UpdateLayoutTree|Paint|Commit|PrePaint)$/.test(e.name) &&
            e.ts >= task.ts &&
            e.ts <= task.ts + task.dur &&
            e.dur >= 2000,
        )) {
          const d = e.args?.beginData ?? {};
          const stack = (d.stackTrace ?? e.args?.data?.stackTrace ?? [])
            .slice(0, 2)
            .map((f) => f.functionName)
            .join("<");
          console.log(
            `    ${e.name} at ${((e.ts - task.ts) / 1000).toFixed(0)} ms ${(e.dur / 1000).toFixed(1)} ms dirty ${d.dirtyObjects ?? "?"}/${d.totalObjects ?? "?"} ${d.frame ?? ""} ${stack}`,
          );
        }
      }
    }
    console.log(`  browser (self ms): ${kinds.join(", ")}`);
    console.log(`  widget (inclusive ms): ${js.join("; ")}`);
    const self = [...leaves]
      .sort((a, b) => b[1] - a[1])
      .slice(0, args.whole ? 30 : 8)
      .map(([name, n]) => `${name} ~${(n * perSample).toFixed(0)}`);
    console.log(`  self (ms): ${self.join("; ")}`);
  }
}

const corpus = await startCorpus();
try {
  const browser = await corpus.browser(args.config);
  try {
    for (const def of pages) {
      let session;
      const events = [];
      const profile = {
        async start(page) {
          session = await page.context().newCDPSession(page);
          session.on("Tracing.dataCollected", ({ value }) => events.push(...value));
          await session.send("Tracing.start", { categories: CATEGORIES, transferMode: "ReportEvents" });
        },
        async stop() {
          const done = new Promise((resolve) => session.once("Tracing.tracingComplete", resolve));
          await session.send("Tracing.end");
          await done;
        },
      };
      const r = await runPage(corpus, browser, def, args.config, { profile });
      report(def.id, events);
      if (r.failed) console.log(`${def.id}: failed: ${r.failed}`);
      else console.log(`open → preview ${r.openToPreviewMs} ms, longest task ${r.longestTaskMs} ms`);
    }
  } finally {
    await browser.close();
  }
} finally {
  await corpus.close();
}
