// The review console's benchmark (docs/benchmarks.md, "Review console"), in
// one run against the real sealshot-server in headless Chromium:
//   - first paint of the workspace after sign-in;
//   - open + decrypt + draw a 1920×1080 report once downloaded, median of N,
//     next to the browser's own createImageBitmap of the same PNG;
//   - an inbox of 1,000 reports with comments: time to the first screen of
//     decrypted rows, and bytes downloaded next to the whole envelopes;
//   - frame time while scrolling 10,000 rows;
//   - the console's bundle, gzip.
// Not part of CI (minutes of seeding). Run by scripts/bench-console.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { promisify } from "node:util";
import { pathToFileURL } from "node:url";
import { launch, repoRoot } from "../tests/browser/support/browser.mjs";
import { freePort } from "../tests/browser/support/ingest.mjs";
import { apiCall } from "../tests/browser/support/console.mjs";

const run = promisify(execFile);
const SERVER = process.env.SEALSHOT_SERVER ?? path.join(repoRoot, "build/server/sealshot-server");
const CLI = process.env.SEALSHOT_CLI ?? path.join(repoRoot, "build/server/sealshot");
const CONSOLE_DIR = process.env.SEALSHOT_CONSOLE_DIR ?? path.join(repoRoot, "build/console");
const ACCOUNT_DIR = process.env.SEALSHOT_ACCOUNT_DIR ?? path.join(repoRoot, "build-wasm/wasm/account");
const OPENS = Number(process.env.BENCH_OPENS ?? 9);
const INBOX = Number(process.env.BENCH_INBOX ?? 1000);
const SCROLL_ROWS = Number(process.env.BENCH_SCROLL_ROWS ?? 10000);
const EMAIL = "bench@example.com";
const PASSWORD = "violet harbour lantern 93";

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const ms = (x) => `${x.toFixed(1)} ms`;

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sealshot-bench-console-"));
const dataDir = path.join(work, "data");
let server, browser;
try {
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const { stdout } = await run(CLI, [
    "org",
    "create",
    "--data-dir",
    dataDir,
    "--name",
    "Bench",
    "--owner-email",
    EMAIL,
    "--console-url",
    url,
    "--json",
  ]);
  const token = new URL(JSON.parse(stdout).link).hash.slice(1);

  // The owner's account, keys and projects, made in Node with the account module.
  const { loadSealshotAccount } = await import(pathToFileURL(path.join(ACCOUNT_DIR, "sealshot-account.mjs")));
  const account = await loadSealshotAccount({ wasmBinary: fs.readFileSync(path.join(ACCOUNT_DIR, "account.wasm")) });
  server = spawn(
    SERVER,
    ["--listen", `127.0.0.1:${port}`, "--data-dir", dataDir, "--console-dir", CONSOLE_DIR, "--log-level", "warn"],
    { stdio: "ignore" },
  );
  for (let i = 0; ; i++) {
    const ok = await apiCall(url, "GET", "/healthz").then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (i > 100) throw new Error("sealshot-server did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  const params = account.kdfParams.default;
  const salt = account.accountSaltGenerate();
  const keys = account.deriveAccountKeys(PASSWORD, salt, params);
  const pair = account.generateKeyPair();
  const accepted = await apiCall(url, "POST", `/v1/links/${token}/accept`, {
    auth_key: keys.authKey,
    kdf_salt: salt,
    kdf_opslimit: params.opslimit,
    kdf_memlimit: params.memlimit,
    public_key: pair.publicKey,
    wrapped_secret_key: account.wrapSecretKey(pair.secretKey, keys.wrapKey),
  });
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  const org = accepted.body.organisations[0].id;
  const project = async (name) => {
    const k = account.generateKeyPair();
    const r = await apiCall(
      url,
      "POST",
      `/v1/orgs/${org}/projects`,
      {
        name,
        public_key: k.publicKey,
        allowed_origins: ["https://shop.example"],
        sealed_key: account.sealGrant(k.secretKey, pair.publicKey),
      },
      accepted.cookie,
    );
    assert.equal(r.status, 201, JSON.stringify(r.body));
    fs.writeFileSync(path.join(work, `${name}.pub`), k.publicKey + "\n");
    return r.body.id;
  };
  const inboxProject = await project("Inbox");
  const scrollProject = await project("Scroll");

  // A 1920×1080 screenshot of the demo shop page, the PNG every report carries.
  browser = await launch({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1, consoleTestHooks: true });
  const shooter = await browser.context.newPage();
  await shooter.goto(pathToFileURL(path.join(repoRoot, "demo/account.html")).href);
  const shot = path.join(work, "shot.png");
  await shooter.screenshot({ path: shot });
  await shooter.close();
  const tiny = path.join(work, "tiny.png");
  fs.writeFileSync(
    tiny,
    Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
      "base64",
    ),
  );
  const seal = async (projectId, png, n) => {
    const files = [];
    for (let i = 0; i < n; i++) {
      const file = path.join(work, `${projectId}-${i}.env`);
      await run(CLI, [
        "seal",
        "--project",
        projectId,
        "--public-key",
        path.join(work, `${projectId === inboxProject ? "Inbox" : "Scroll"}.pub`),
        "--comment",
        `Report ${i}: the coupon field rejects a valid code\nsteps follow`,
        "--email",
        `visitor${i}@example.net`,
        png,
        file,
      ]);
      files.push(file);
    }
    return files;
  };
  // Ten distinct envelopes each, imported again and again (each import is a new submission).
  const importMany = async (projectId, files, total) => {
    const list = Array.from({ length: total }, (_, i) => files[i % files.length]);
    for (let i = 0; i < list.length; i += 500) {
      await run(
        CLI,
        ["submissions", "import", "--data-dir", dataDir, "--project", projectId, ...list.slice(i, i + 500)],
        { maxBuffer: 1 << 24 },
      );
    }
  };
  const inboxFiles = await seal(inboxProject, shot, 10);
  const envelopeBytes = fs.statSync(inboxFiles[0]).size;
  await importMany(inboxProject, inboxFiles, INBOX);
  await importMany(scrollProject, await seal(scrollProject, tiny, 10), SCROLL_ROWS);
  const pngBytes = fs.readFileSync(shot);

  // Sign in as a reviewer would.
  const page = await browser.context.newPage();
  await page.goto(`${url}/console/`);
  await page.waitForFunction(() => globalThis.__sealshotConsole?.state === "ready", null, { timeout: 60_000 });
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForFunction(() => globalThis.__sealshotConsole?.state === "signed_in", null, { timeout: 60_000 });
  const signedIn = Date.now();
  await page.waitForFunction(
    () => globalThis.__sealshotConsole?.state === "workspace" && globalThis.__sealshotConsole.widgets?.project,
    null,
    { timeout: 60_000 },
  );
  const firstPaint = Date.now() - signedIn;

  // A popup is measured on its first frame and placed on the next: a
  // rectangle counts once two frames agree.
  const click = async (label) => {
    let r = null;
    for (let i = 0; i < 50; i++) {
      const now = await page
        .waitForFunction((l) => globalThis.__sealshotConsole?.widgets?.[l], label, { timeout: 60_000 })
        .then((h) => h.jsonValue());
      if (r && JSON.stringify(r) === JSON.stringify(now)) break;
      r = now;
      await page.waitForTimeout(50);
    }
    await page.mouse.click((r.x + r.right) / 2, (r.y + r.bottom) / 2);
  };
  const state = () => page.evaluate(() => JSON.stringify(globalThis.__sealshotConsole).slice(0, 2000));

  // Inbox of 1,000: from the project picked to every row on screen decrypted.
  await click("project");
  await click("project-Inbox");
  const t0 = Date.now();
  const first = await page
    .waitForFunction(
      () => {
        const s = globalThis.__sealshotConsole;
        return s.project && s.rows?.length > 5 && s.rows.every((r) => r.preview === "loaded") && s;
      },
      null,
      { timeout: 120_000, polling: 16 },
    )
    .then(
      (h) => h.jsonValue(),
      async (e) => {
        throw new Error(`${e.message}: ${await state()}`);
      },
    );
  const firstScreen = Date.now() - t0;
  const onScreen = first.rows.length;
  const previewBytes = first.preview_bytes;

  // Open + decrypt + draw, N times (J: the next report, a new download each time).
  const rect = first.row_rects[0];
  await page.mouse.click((rect.x + rect.right) / 2, (rect.y + rect.bottom) / 2);
  const opens = [];
  for (let i = 0; i < OPENS; i++) {
    const r = await page
      .waitForFunction(
        (n) => {
          const s = globalThis.__sealshotConsole;
          return s.report?.timings?.open_ms > 0 && s.report.id !== n && s.report;
        },
        opens.at(-1)?.id ?? "",
        { timeout: 60_000 },
      )
      .then((h) => h.jsonValue());
    assert.deepEqual([r.width, r.height], [1920, 1080]);
    opens.push({ id: r.id, ...r.timings });
    await page.keyboard.press("j");
  }
  // The browser's own decoder on the same PNG, in a blank page of the same
  // browser (in the console's page it would queue behind the app's frames).
  const blank = await browser.context.newPage();
  const bitmap = await blank.evaluate(
    async ({ b64, n }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const times = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        const bmp = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
        times.push(performance.now() - t);
        bmp.close();
      }
      return times;
    },
    { b64: pngBytes.toString("base64"), n: OPENS },
  );
  await blank.close();

  // 10,000 rows: scroll the whole table with the wheel; frame CPU time from
  // the app, frame intervals from requestAnimationFrame.
  await click("project");
  await click("project-Scroll");
  const table = await page
    .waitForFunction(
      () => {
        const s = globalThis.__sealshotConsole;
        return s.project && !s.report && s.row_rects?.length > 0 && s.row_rects[0];
      },
      null,
      { timeout: 60_000 },
    )
    .then((h) => h.jsonValue());
  await page.mouse.move((table.x + table.right) / 2, table.bottom + 40);
  await page.evaluate(() => {
    globalThis.__sealshotFrames = [];
    globalThis.__rafIntervals = [];
    let last = performance.now();
    const tick = (t) => {
      globalThis.__rafIntervals.push(t - last);
      last = t;
      if (globalThis.__rafOn) requestAnimationFrame(tick);
    };
    globalThis.__rafOn = true;
    requestAnimationFrame(tick);
  });
  const scrollStart = Date.now();
  for (let i = 0; i < 400; i++) {
    await page.mouse.wheel(0, 600);
    await page.waitForTimeout(16);
    const s = await page.evaluate(() => ({
      n: globalThis.__sealshotConsole.row_count,
      more: globalThis.__sealshotConsole.has_more,
    }));
    if (i > 40 && !s.more && s.n >= SCROLL_ROWS) break;
  }
  const scrollSeconds = (Date.now() - scrollStart) / 1000;
  const frames = await page.evaluate(() => {
    globalThis.__rafOn = false;
    return { cpu: globalThis.__sealshotFrames, raf: globalThis.__rafIntervals.slice(1) };
  });
  const rowsLoaded = await page.evaluate(() => globalThis.__sealshotConsole.row_count);

  // The bundle: what a browser downloads for the console (compressed).
  const bundle = fs.readdirSync(CONSOLE_DIR).map((f) => {
    const bytes = fs.readFileSync(path.join(CONSOLE_DIR, f));
    return { f, raw: bytes.length, gz: zlib.gzipSync(bytes, { level: 9 }).length };
  });
  const sum = (k) => bundle.reduce((a, b) => a + b[k], 0);

  const openMed = median(opens.map((o) => o.open_ms));
  const bmpMed = median(bitmap);
  console.log(`\n| measure | figure |\n| --- | --- |`);
  console.log(`| first paint of the workspace after sign-in (signed_in → first ImGui frame) | ${firstPaint} ms |`);
  console.log(
    `| open + decrypt + draw 1920×1080 after download, median of ${OPENS} | **${ms(openMed)}** (min ${ms(Math.min(...opens.map((o) => o.open_ms)))}, max ${ms(Math.max(...opens.map((o) => o.open_ms)))}) |`,
  );
  console.log(
    `| … of which decrypt / PNG decode (median) | ${ms(median(opens.map((o) => o.decrypt_ms)))} / ${ms(median(opens.map((o) => o.decode_ms)))} |`,
  );
  console.log(
    `| baseline: createImageBitmap of the same PNG (${pngBytes.length} B) in a blank page, median | ${ms(bmpMed)} (ratio ${(openMed / bmpMed).toFixed(2)}×) |`,
  );
  console.log(
    `| download of that envelope (${envelopeBytes} B, loopback), median | ${ms(median(opens.map((o) => o.download_ms)))} |`,
  );
  console.log(`| inbox of ${INBOX}: project picked → ${onScreen} rows on screen decrypted | **${firstScreen} ms** |`);
  console.log(
    `| … bytes downloaded for those previews vs their whole envelopes | ${previewBytes} B vs ${onScreen * envelopeBytes} B (${((onScreen * envelopeBytes) / previewBytes).toFixed(0)}× less) |`,
  );
  console.log(
    `| scrolling ${rowsLoaded} rows for ${scrollSeconds.toFixed(1)} s: frame CPU time p50 / p99 / max | ${ms(median(frames.cpu))} / ${ms(pct(frames.cpu, 0.99))} / ${ms(Math.max(...frames.cpu))} (${frames.cpu.length} frames) |`,
  );
  console.log(
    `| … requestAnimationFrame interval p50 / p99 | ${ms(median(frames.raf))} / ${ms(pct(frames.raf, 0.99))} |`,
  );
  console.log(`| bundle: ${bundle.length} files | ${sum("raw")} B, **${sum("gz")} B gzip** |`);
  for (const b of bundle) console.log(`|   ${b.f} | ${b.raw} B, ${b.gz} B gzip |`);
} finally {
  await browser?.close();
  if (server && server.exitCode == null) {
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await exited;
  }
  fs.rmSync(work, { recursive: true, force: true });
}
