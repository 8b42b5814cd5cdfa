// CI subset of the page corpus: every page of our own and the template pages
// marked "ci" in pages.json (one or two per template package), at device pixel
// ratio 1, through the real widget and sealshot-server (scripts/corpus runs all
// pages at every ratio). Fails when a piece of personal data the
// widget is meant to find (detector kinds, marked elements, sensitive inputs,
// echoes, CSS-generated text) is not one solid colour in the stored PNG,
// unless known-failures.json lists it with the issue point that will fix it.
// Look-alikes, fidelity and open→preview time are reported, not asserted.
//   node --test tests/corpus/corpus.test.mjs   (after scripts/setup and scripts/build)
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "../browser/support/browser.mjs";
import { corpusPages, knownFailures, runPage, startCorpus } from "./support/session.mjs";
import { templatesInstalled } from "./support/site.mjs";
import { markdownTable, summary } from "./run.mjs";

const CONFIG = "dpr1";
const known = knownFailures();
const matches = (k, page, miss) =>
  k.page === page &&
  k.find === miss.find &&
  (k.kind == null || k.kind === miss.kind) &&
  (k.id == null || k.id === miss.id);
const isKnown = (page, miss) => known.some((k) => matches(k, page, miss));

let corpus, browser;
const results = [];
before(async () => {
  assert.ok(templatesInstalled(), "the corpus templates are not installed: run scripts/setup (npm ci in tests/corpus)");
  corpus = await startCorpus();
  browser = await corpus.browser(CONFIG);
});
after(async () => {
  await browser?.close();
  await corpus?.close();
  if (!results.length) return;
  const out = path.join(repoRoot, "build/corpus-ci");
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "corpus.json"), JSON.stringify({ date: new Date().toISOString(), results }, null, 1));
  const table = `${summary(results)}\n\n${markdownTable(results, corpusPages())}\n`;
  fs.writeFileSync(path.join(out, "corpus.md"), table);
  // Reported, not asserted (targets in docs/benchmarks.md): fidelity, open → preview, long tasks.
  console.log(`\ncorpus at ${CONFIG} (build/corpus-ci/corpus.md):\n${summary(results)}`);
  const fixed = known.filter((k) =>
    results.some((r) => r.page === k.page && !r.failed && !r.misses.some((m) => matches(k, r.page, m))),
  );
  if (fixed.length)
    console.log(
      `known failures that no longer fail (remove them from known-failures.json): ${fixed.map((k) => `${k.page}/${k.find}`).join(", ")}`,
    );
});

describe(`page corpus at ${CONFIG} (sealshot-server, widget, Chromium)`, () => {
  for (const def of corpusPages({ templates: true }).filter((p) => p.source === "own" || p.ci)) {
    test(`${def.id}: every piece of personal data the widget is meant to find is hidden`, async () => {
      const r = await runPage(corpus, browser, def, CONFIG);
      results.push(r);
      assert.equal(r.failed, undefined, `the run failed: ${r.failed}`);
      assert.ok(r.enforced.total > 0 || r.site.total > 0, "no labelled personal data in view");
      const unexpected = r.misses.filter((m) => !isKnown(def.id, m));
      assert.deepEqual(
        unexpected.map((m) => `${m.id} (${m.find})`),
        [],
        "personal data left readable in the sent PNG",
      );
    });
  }
  // open → preview is measured as on a visitor's second page: the app bundle
  // and core.wasm in the browser's cache (support/other-origins.mjs).
  test("after the first page, the widget's app and core load from the browser's cache", () => {
    const later = results.slice(1).filter((r) => !r.failed);
    assert.ok(later.length > 0, "no page after the first ran");
    assert.deepEqual(
      later.filter((r) => !r.assetsFromCache).map((r) => r.page),
      [],
      "pages whose widget files were downloaded again",
    );
  });
});
