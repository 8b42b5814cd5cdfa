// The widget build is reproducible (docs/widget.md, "Checking the widget
// against its source"): the CI share of the check, a few seconds.
//  - widget-js/build.mjs runs twice more, from two copies of widget-js/ in
//    folders of different depth, at different times, in other time zones and
//    locales, with the wasm folder at a different relative place: every output
//    file must match byte for byte, and match the build scripts/build made
//    (SEALSHOT_WIDGET_DIR) from this checkout.
//  - core.wasm and the JavaScript carry no path of this machine and no debug
//    sections, the way a compiled file usually picks up where it was built.
// Compiling the wasm core twice from two clean checkouts takes minutes:
// scripts/check-reproducible does that (not in CI).
// Needs the wasm build (SEALSHOT_WASM_DIR) and the widget build (SEALSHOT_WIDGET_DIR).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const wasmDir = path.resolve(process.env.SEALSHOT_WASM_DIR ?? path.join(repoRoot, "build-wasm/wasm"));
const widgetDir = path.resolve(process.env.SEALSHOT_WIDGET_DIR ?? path.join(repoRoot, "build/widget"));
let dir;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sealshot-repro-"));
});
after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// Every file under `root`, relative, sorted.
function listFiles(root, sub = "") {
  return fs
    .readdirSync(path.join(root, sub), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(root, path.join(sub, e.name)) : [path.join(sub, e.name)]))
    .sort();
}
function assertSameTree(a, b, what) {
  assert.deepEqual(listFiles(b), listFiles(a), `${what}: the same file names`);
  for (const f of listFiles(a)) {
    assert.ok(fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))), `${what}: ${f} differs`);
  }
}

// A copy of widget-js/ (its sources, not its node_modules, which is linked) under `checkout`.
function copyWidgetSources(checkout) {
  const from = path.join(repoRoot, "widget-js");
  const to = path.join(checkout, "widget-js");
  fs.cpSync(from, to, { recursive: true, filter: (src) => !src.startsWith(path.join(from, "node_modules")) });
  fs.symlinkSync(path.join(from, "node_modules"), path.join(to, "node_modules"));
  return to;
}
function build(checkout, out, env) {
  const r = spawnSync(process.execPath, [path.join(checkout, "widget-js", "build.mjs")], {
    cwd: checkout,
    encoding: "utf8",
    timeout: 120000,
    env: { ...process.env, ...env, SEALSHOT_WASM_DIR: wasmDir, SEALSHOT_WIDGET_OUT: out },
  });
  assert.equal(r.status, 0, `widget build in ${checkout}:\n${r.stdout}\n${r.stderr}`);
}

test("two more widget builds, elsewhere and later, give the same bytes as scripts/build did", async () => {
  const first = path.join(dir, "a", "sealshot");
  const second = path.join(dir, "another", "deeper", "folder", "sealshot-copy");
  copyWidgetSources(first);
  copyWidgetSources(second);
  build(first, path.join(dir, "out-first"), { TZ: "UTC", LC_ALL: "C" });
  await new Promise((resolve) => setTimeout(resolve, 1100)); // another second on any clock
  build(second, path.join(second, "build", "widget"), {
    TZ: "Pacific/Chatham",
    LC_ALL: "C.UTF-8",
    LANG: "de_DE.UTF-8",
  });
  assertSameTree(path.join(dir, "out-first"), path.join(second, "build", "widget"), "two builds");
  assertSameTree(widgetDir, path.join(dir, "out-first"), `${widgetDir} (scripts/build) and a new build`);
});

// The names of a wasm module's custom sections (id 0).
function customSections(bytes) {
  const names = [];
  let at = 8;
  const leb = () => {
    let value = 0,
      shift = 0,
      byte;
    do {
      byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    const end = at + size;
    if (id === 0) {
      const length = leb();
      names.push(bytes.subarray(at, at + length).toString("utf8"));
    }
    at = end;
  }
  return names;
}

test("core.wasm and the widget's JavaScript name no path of the machine that built them", () => {
  const wasm = fs.readFileSync(path.join(wasmDir, "core.wasm"));
  const sections = customSections(wasm);
  for (const name of sections) {
    assert.doesNotMatch(name, /^\.debug_|^sourceMappingURL$|^external_debug_info$/, `core.wasm has a ${name} section`);
  }
  const machinePaths = [...new Set([repoRoot, fs.realpathSync(repoRoot), wasmDir, os.homedir(), os.tmpdir() + "/"])];
  const built = [
    path.join(wasmDir, "core.wasm"),
    path.join(wasmDir, "core.mjs"),
    ...listFiles(widgetDir).map((f) => path.join(widgetDir, f)),
  ];
  for (const file of built) {
    const text = fs.readFileSync(file).toString("latin1");
    for (const p of machinePaths) assert.ok(!text.includes(p), `${file} contains the path ${p}`);
    assert.doesNotMatch(
      text,
      /\/(?:home|root|tmp|work|build)\/[\w.-]+\/[\w./-]+\.(?:c|cc|cpp|h|hpp|js|mjs)\b/,
      `${file} contains a source path`,
    );
  }
});
