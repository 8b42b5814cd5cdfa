// The wasm module describes the core to JavaScript (core.limits,
// core.pngDefaults, core.piiKinds, from sealshot_core_info): the values must
// be those of the C++ headers, printed by a native build of them
// (build/tests/print_core_info), so no limit or PII kind name is repeated
// in JS and none can drift.
//   SEALSHOT_CORE_INFO=build/tests/print_core_info node --test tests/wasm/core-info.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { loadCore, repoRoot } from "./support/load-core.mjs";

const printer = process.env.SEALSHOT_CORE_INFO ?? path.join(repoRoot, "build/tests/print_core_info");
const native = JSON.parse(execFileSync(printer, { encoding: "utf8" }));
const { core } = await loadCore();
// kMaxScanChars → maxScanChars
const jsName = (cxx) => cxx[1].toLowerCase() + cxx.slice(2);

test("core.limits holds every core limit under its C++ name, with the C++ value, and nothing else", () => {
  const expected = Object.fromEntries(Object.entries(native.limits).map(([name, value]) => [jsName(name), value]));
  assert.deepEqual({ ...core.limits }, expected);
  assert.ok(Object.isFrozen(core.limits));
});

test("core.piiKinds are the detectors' kind names in kind-number order, and scan() reports them", () => {
  assert.deepEqual([...core.piiKinds], native.piiKinds);
  const hits = core.scan("Mail jane.doe@example.com or call +49 151 23456789.");
  assert.deepEqual(
    hits.map((h) => h.kind),
    ["email", "phone"],
  );
  for (const h of hits) assert.ok(core.piiKinds.includes(h.kind));
});

test("PNG defaults come from the core", () => {
  assert.ok(Number.isInteger(core.pngDefaults.level) && Number.isInteger(core.pngDefaults.filter));
});
