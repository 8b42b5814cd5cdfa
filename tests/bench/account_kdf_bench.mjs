// Times the sign-in key derivation (deriveAccountKeys of the account module:
// Argon2id + two subkeys) in WebAssembly, under Node and in headless Chromium,
// for the client's minimum, default and a few candidate parameter sets.
// The native twin is build/tests/bench/kdf_bench. docs/benchmarks.md, "Sign-in key derivation".
//
//   node tests/bench/account_kdf_bench.mjs [--wasm-dir build-wasm/wasm] [--runs 3] [--browser]
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../..");
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const accountDir = path.resolve(option("--wasm-dir", path.join(repoRoot, "build-wasm/wasm")), "account");
const runs = Number(option("--runs", 3));
const MiB = 1 << 20;
const candidates = [
  [3, 64],
  [3, 96],
  [3, 128],
  [4, 96],
  [3, 192],
  [3, 256],
].map(([opslimit, mib]) => ({ opslimit, memlimit: mib * MiB }));

// The first sign-in of a page, in fresh module instances made by `load`: without prepare()
// (cold) and after it (the sign-in page's flow), at the default parameters.
async function measureFirst(load) {
  const time = (account) => {
    const start = performance.now();
    account.deriveAccountKeys("correct horse battery staple", account.accountSaltGenerate()).wrapKey.fill(0);
    return performance.now() - start;
  };
  const cold = time(await load());
  const fresh = await load();
  const prepare = await fresh.prepare();
  return { cold, prepare, prepared: time(fresh) };
}

// Runs where the account module is loaded (Node or the page); returns rows of timings.
async function measure(account, candidates, runs) {
  const salt = account.accountSaltGenerate();
  const rows = [];
  for (const params of candidates) {
    const ms = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      account.deriveAccountKeys("correct horse battery staple", salt, params).wrapKey.fill(0);
      ms.push(performance.now() - start);
    }
    ms.sort((a, b) => a - b);
    rows.push({ ...params, median: ms[Math.floor(ms.length / 2)], min: ms[0] });
  }
  return { rows, defaults: account.kdfParams.default };
}

function print(where, { rows, defaults }, first) {
  console.log(
    `\n${where}: first sign-in of a fresh module at the default: ${first.cold.toFixed(0)} ms cold; ` +
      `${first.prepared.toFixed(0)} ms after prepare() (which took ${first.prepare.toFixed(0)} ms, in slices)`,
  );
  console.log(`${runs} runs each, same module:`);
  console.log("passes  memory     median ms   min ms");
  for (const r of rows) {
    const isDefault = r.opslimit === defaults.opslimit && r.memlimit === defaults.memlimit;
    console.log(
      `${String(r.opslimit).padEnd(7)} ${`${r.memlimit / MiB} MiB`.padEnd(10)} ${r.median.toFixed(0).padStart(9)} ${r.min.toFixed(0).padStart(8)}${isDefault ? "  (default)" : ""}`,
    );
  }
}

const { loadSealshotAccount } = await import(pathToFileURL(path.join(accountDir, "sealshot-account.mjs")).href);
const wasmBinary = fs.readFileSync(path.join(accountDir, "account.wasm"));
const load = () => loadSealshotAccount({ wasmBinary });
const first = await measureFirst(load);
print(`wasm under Node ${process.version}`, await measure(await load(), candidates, runs), first);

if (args.includes("--browser")) {
  const { launch } = await import(pathToFileURL(path.join(repoRoot, "tests/browser/support/browser.mjs")).href);
  const types = { ".mjs": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };
  const server = http.createServer((req, res) => {
    const name = path.basename(new URL(req.url, "http://x").pathname) || "index.html";
    if (name === "index.html")
      return res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>kdf</title>");
    const file = path.join(accountDir, name);
    if (!fs.existsSync(file)) return res.writeHead(404).end();
    res
      .writeHead(200, { "content-type": types[path.extname(name)] ?? "application/octet-stream" })
      .end(fs.readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const version = await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? "Chromium");
    const [result, first] = await page.evaluate(
      async ([source, firstSource, candidates, runs]) => {
        const { loadSealshotAccount } = await import("./sealshot-account.mjs");
        const first = await (0, eval)(`(${firstSource})`)(() => loadSealshotAccount());
        const account = await loadSealshotAccount();
        return [await (0, eval)(`(${source})`)(account, candidates, runs), first];
      },
      [measure.toString(), measureFirst.toString(), candidates, runs],
    );
    print(`wasm in headless ${version}`, result, first);
  } finally {
    await browser.close();
    server.close();
  }
}
