// The `sealshot` CLI end to end, and envelopes crossing the wasm/native
// boundary in both directions (sealed in wasm → opened by the native CLI;
// sealed by the CLI → opened in wasm).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadCore, repoRoot } from "../wasm/support/load-core.mjs";
import { decodePng } from "../wasm/support/png-decode.mjs";
import { makeImage } from "../wasm/support/images.mjs";

const cli = process.env.SEALSHOT_CLI ?? path.join(repoRoot, "build/server/sealshot");
const PROJECT = "prj_clitest000000000000000000";
let core, dir;

function run(args, input) {
  return spawnSync(cli, args, { input, encoding: "utf8", timeout: 30000 });
}

before(async () => {
  ({ core } = await loadCore());
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sealshot-cli-"));
});

test("keygen writes a 0600 secret key, never overwrites, prints the public key", () => {
  const sk = path.join(dir, "k.secret"),
    pk = path.join(dir, "k.public");
  const r = run(["keygen", "--secret-key-out", sk, "--public-key-out", pk]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout.trim(), /^[A-Za-z0-9_-]{43}$/);
  assert.equal(
    fs.readFileSync(pk, "utf8"),
    `# sealshot-public-key-v1: this project's public key; it seals reports and may be shared.\n${r.stdout}`,
  );
  assert.equal(fs.statSync(sk).mode & 0o777, 0o600);
  const again = run(["keygen", "--secret-key-out", sk]);
  assert.equal(again.status, 3); // a file class failure (docs/operations.md)
  assert.match(again.stderr, /^sealshot: .*already exists/);
  const printed = JSON.parse(run(["keygen"]).stdout);
  assert.match(printed.public_key, /^[A-Za-z0-9_-]{43}$/);
});

test("seal in the CLI (with redaction) → openReport in wasm", () => {
  const { publicKey, secretKey } = core.generateKeyPair();
  fs.writeFileSync(path.join(dir, "wasm.public"), publicKey + "\n");
  const w = 120,
    h = 80,
    rgba = makeImage(w, h);
  fs.writeFileSync(path.join(dir, "in.png"), core.encodePng(rgba, w, h));
  const out = path.join(dir, "cli.env");
  const r = run([
    "seal",
    "--project",
    PROJECT,
    "--public-key",
    path.join(dir, "wasm.public"),
    "--redact",
    "10,10,20,5.5",
    "--dpr",
    "2",
    "--comment",
    "Zahlung schlägt fehl",
    path.join(dir, "in.png"),
    out,
  ]);
  assert.equal(r.status, 0, r.stderr);
  const report = core.openReport(fs.readFileSync(out), secretKey, PROJECT);
  assert.equal(report.manifest.comment, "Zahlung schlägt fehl");
  assert.equal(report.manifest.screenshot.redactions, 1);
  const { rgba: got } = decodePng(report.parts.find((p) => p.name === "screenshot.png").data);
  const expected = rgba.slice();
  core.redact(expected, w, h, [{ x: 10, y: 10, width: 20, height: 5.5 }], 2);
  assert.deepEqual(got, expected);
});

test("seal in wasm → open in the CLI", () => {
  const sk = path.join(dir, "k.secret"),
    pk = fs.readFileSync(path.join(dir, "k.public"), "utf8").trim().split("\n").pop();
  const png = core.encodePng(makeImage(30, 20), 30, 20);
  fs.writeFileSync(path.join(dir, "wasm.env"), core.sealReport(PROJECT, pk, { schema: 1, comment: "from wasm" }, png));
  const outDir = path.join(dir, "opened");
  const r = run(["open", "--secret-key", sk, path.join(dir, "wasm.env"), outDir]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(fs.readFileSync(path.join(outDir, "manifest.json"), "utf8")).comment, "from wasm");
  assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(outDir, "screenshot.png"))), png);
});

test("open refuses other projects, wrong keys and damaged files with one sentence", () => {
  const sk = path.join(dir, "k.secret");
  const env = path.join(dir, "wasm.env");
  let r = run(["open", "--secret-key", sk, "--project", "prj_other", env, path.join(dir, "x")]);
  assert.equal(r.status, 5);
  assert.match(r.stderr, /^sealshot: The envelope belongs to another project\. \[envelope_wrong_project\]\n$/);
  const other = path.join(dir, "other.secret");
  fs.writeFileSync(other, "# sealshot-secret-key-v1\n" + core.generateKeyPair().secretKey + "\n", { mode: 0o600 });
  r = run(["open", "--secret-key", other, env, path.join(dir, "x")]);
  assert.equal(r.status, 4);
  assert.match(r.stderr, /does not open/);
  const cut = path.join(dir, "cut.env");
  fs.writeFileSync(cut, fs.readFileSync(env).subarray(0, 300));
  r = run(["open", "--secret-key", sk, cut, path.join(dir, "x")]);
  assert.equal(r.status, 5);
  assert.match(
    r.stderr,
    /^sealshot: The envelope is \d+ bytes but its header announces \d+\. \[envelope_truncated\]\n$/,
  );
  fs.writeFileSync(path.join(dir, "bad.secret"), "# sealshot-secret-key-v1\nshort\n", { mode: 0o600 });
  r = run(["open", "--secret-key", path.join(dir, "bad.secret"), env, path.join(dir, "x")]);
  assert.equal(r.status, 4);
  assert.match(r.stderr, /secret key must be 43 characters/);
});

test("seal refuses bad rectangles, bad PNGs and missing options clearly", () => {
  const pk = path.join(dir, "k.public");
  let r = run([
    "seal",
    "--project",
    PROJECT,
    "--public-key",
    pk,
    "--redact",
    "1,2,3",
    "--comment",
    "x",
    path.join(dir, "in.png"),
    path.join(dir, "o.env"),
  ]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--redact takes x,y,width,height/);
  fs.writeFileSync(path.join(dir, "not.png"), "GIF89a");
  r = run([
    "seal",
    "--project",
    PROJECT,
    "--public-key",
    pk,
    "--comment",
    "x",
    path.join(dir, "not.png"),
    path.join(dir, "o.env"),
  ]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /not a readable PNG/);
  r = run(["seal", "--project", PROJECT, "--public-key", pk, path.join(dir, "in.png"), path.join(dir, "o.env")]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /comment/);
  assert.ok(!fs.existsSync(path.join(dir, "o.env")));
});

test("scan prints one JSON object per hit with UTF-16 offsets", () => {
  const text = "Grüße 😀 — écrivez à marie.dupont@example.fr ou au +33 1 42 68 53 00.\n";
  const r = run(["scan"], text);
  assert.equal(r.status, 0, r.stderr);
  const hits = r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  const email = hits.find((h) => h.kind === "email");
  assert.equal(text.slice(email.start, email.end), "marie.dupont@example.fr");
  const phone = hits.find((h) => h.kind === "phone");
  assert.equal(text.slice(phone.start, phone.end), "+33 1 42 68 53 00");
  assert.equal(Buffer.from(text).subarray(email.utf8_start, email.utf8_end).toString(), "marie.dupont@example.fr");
  assert.equal(run(["scan"], "nothing here, order #1234 on 2024-05-17").stdout, "");
});
