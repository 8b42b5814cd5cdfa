// The mistakes a new operator makes with the `sealshot` CLI, each caught with
// one sentence, the spec's error code and the exit status of its class
// (docs/operations.md, "Exit statuses"): key files of the wrong kind, files
// that would be overwritten, secret keys others can read, typos in commands
// and ids. Needs only the native CLI (SEALSHOT_CLI).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { tinyPng } from "./support/tiny-png.mjs";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = process.env.SEALSHOT_CLI ?? path.join(repoRoot, "build/server/sealshot");
const PROJECT = "prj_mistakes00000000000000000";
const EXIT = { usage: 2, file: 3, key: 4, report: 5 };
let dir, pub, secret, envelope;

const at = (name) => path.join(dir, name);
function run(args, options = {}) {
  return spawnSync(cli, args, { encoding: "utf8", timeout: 30000, ...options });
}
function ok(args, options) {
  const r = run(args, options);
  assert.equal(r.status, 0, `sealshot ${args.join(" ")}\n${r.stderr}`);
  return r;
}
// One sentence on stderr, matching `pattern`, and the class's exit status.
function fails(args, status, pattern, options) {
  const r = run(args, options);
  assert.equal(r.status, status, `sealshot ${args.join(" ")}\n${r.stderr}`);
  assert.match(r.stderr, /^sealshot: [^\n]+\n$/);
  assert.match(r.stderr, pattern);
  return r;
}
const sealArgs = (keyFile, out, extra = []) => [
  "seal",
  "--project",
  PROJECT,
  "--public-key",
  keyFile,
  "--comment",
  "hello",
  ...extra,
  at("in.png"),
  out,
];

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sealshot-mistakes-"));
  fs.writeFileSync(at("in.png"), tinyPng(12, 8));
  pub = at("shop.pub");
  secret = at("shop.secret");
  ok(["keygen", "--public-key-out", pub, "--secret-key-out", secret]);
  envelope = at("report.env");
  ok(sealArgs(pub, envelope));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test("key files say what they are on their first line", () => {
  assert.match(fs.readFileSync(pub, "utf8"), /^# sealshot-public-key-v1: [^\n]*\n[A-Za-z0-9_-]{43}\n$/);
  assert.match(fs.readFileSync(secret, "utf8"), /^# sealshot-secret-key-v1: [^\n]*\n[A-Za-z0-9_-]{43}\n$/);
});

test("a secret key where the public key belongs, and the reverse, is refused naming the right option", () => {
  fails(
    sealArgs(secret, at("never.env")),
    EXIT.key,
    /'.*shop\.secret' is a secret key file; --public-key wants the project's public key file .*nobody can open\. \[bad_key\]$/m,
  );
  assert.ok(!fs.existsSync(at("never.env")));
  fails(
    ["open", "--secret-key", pub, envelope, at("never")],
    EXIT.key,
    /'.*shop\.pub' is a public key file; --secret-key wants the project's secret key file/,
  );
  assert.ok(!fs.existsSync(at("never")));
  fs.writeFileSync(at("notes.txt"), "# my notes\nhello\n");
  fails(sealArgs(at("notes.txt"), at("never.env")), EXIT.key, /is not a sealshot key file: its first line is neither/);
});

test("key files of earlier versions: marked-less public keys and commented secret keys still work", () => {
  // Earlier `keygen --public-key-out` wrote the bare key; a key copied from a snippet looks the same.
  const key = fs.readFileSync(pub, "utf8").split("\n")[1];
  fs.writeFileSync(at("old.pub"), key + "\n");
  ok(sealArgs(at("old.pub"), at("old.env")));
  // Earlier `keygen` and `project create` wrote this comment above the secret key.
  const secretKey = fs.readFileSync(secret, "utf8").split("\n")[1];
  fs.writeFileSync(
    at("old.secret"),
    "# Sealshot project secret key: opens reports. Keep it private.\n" + secretKey + "\n",
    { mode: 0o600 },
  );
  ok(["open", "--secret-key", at("old.secret"), at("old.env"), at("old-open")]);
  fails(sealArgs(at("old.secret"), at("never.env")), EXIT.key, /is a secret key file/);
  // A bare key is never taken for a secret key: it is what public key files looked like.
  fs.writeFileSync(at("bare.secret"), secretKey + "\n", { mode: 0o600 });
  fails(
    ["open", "--secret-key", at("bare.secret"), envelope, at("never")],
    EXIT.key,
    /does not say it is a secret key: its first line is not '# sealshot-secret-key-v1'/,
  );
});

test("a key file with two keys is refused, not read up to the first", () => {
  const text = fs.readFileSync(secret, "utf8");
  fs.writeFileSync(at("two.secret"), text + text.split("\n")[1] + "\n", { mode: 0o600 });
  fails(
    ["open", "--secret-key", at("two.secret"), envelope, at("never")],
    EXIT.key,
    /holds 2 keys; a key file holds exactly one/,
  );
  fs.writeFileSync(
    at("two.pub"),
    fs.readFileSync(pub, "utf8") + "\n# another\n" + fs.readFileSync(pub, "utf8").split("\n")[1],
  );
  fails(sealArgs(at("two.pub"), at("never.env")), EXIT.key, /holds 2 keys/);
});

test("a secret key file other users may read is refused, like ssh does", () => {
  fs.copyFileSync(secret, at("loose.secret"));
  for (const mode of [0o640, 0o604, 0o660]) {
    fs.chmodSync(at("loose.secret"), mode);
    fails(
      ["open", "--secret-key", at("loose.secret"), envelope, at("never")],
      EXIT.key,
      new RegExp(
        `may be read or changed by other users \\(mode 0${mode.toString(8)}\\); a secret key file must be private: chmod 600`,
      ),
    );
  }
  assert.ok(!fs.existsSync(at("never")));
});

test("decrypted reports are written 0600 in a 0700 folder", () => {
  const out = at("opened");
  ok(["open", "--secret-key", secret, envelope, out]);
  assert.equal(fs.statSync(out).mode & 0o777, 0o700);
  assert.deepEqual(fs.readdirSync(out).sort(), ["manifest.json", "screenshot.png"]);
  for (const f of fs.readdirSync(out)) assert.equal(fs.statSync(path.join(out, f)).mode & 0o777, 0o600, f);
});

test("nothing is overwritten without --force: keygen, seal and open", () => {
  // keygen: an existing public key file is refused before the secret key is written.
  const before = fs.readFileSync(pub, "utf8");
  fails(
    ["keygen", "--public-key-out", pub, "--secret-key-out", at("new.secret")],
    EXIT.file,
    /'.*shop\.pub' already exists; pass --force to replace it\. \[already_exists\]$/m,
  );
  assert.equal(fs.readFileSync(pub, "utf8"), before);
  assert.ok(!fs.existsSync(at("new.secret")));
  ok(["keygen", "--public-key-out", at("spare.pub"), "--secret-key-out", at("spare.secret")]);
  const printed = ok([
    "keygen",
    "--public-key-out",
    at("spare.pub"),
    "--secret-key-out",
    at("spare2.secret"),
    "--force",
  ]).stdout;
  assert.equal(fs.readFileSync(at("spare.pub"), "utf8").split("\n")[1], printed.trim());
  // --force never replaces a secret key: it is the only copy of what opens the reports.
  fails(
    ["keygen", "--public-key-out", at("spare.pub"), "--secret-key-out", secret, "--force"],
    EXIT.file,
    /already exists; a secret key file is never replaced/,
  );
  fails(["keygen", "--public-key-out", at("x.pub")], EXIT.usage, /--public-key-out requires --secret-key-out/);

  // seal
  const sealed = fs.readFileSync(envelope);
  fails(sealArgs(pub, envelope), EXIT.file, /report\.env' already exists; pass --force to replace it/);
  assert.deepEqual(fs.readFileSync(envelope), sealed);
  ok(sealArgs(pub, at("forced.env")));
  ok(sealArgs(pub, at("forced.env"), ["--force"]));

  // open: any existing part refuses the whole report, so nothing is half-written.
  const out = at("open-twice");
  fs.mkdirSync(out, { mode: 0o700 });
  fs.writeFileSync(path.join(out, "manifest.json"), "mine");
  fails(["open", "--secret-key", secret, envelope, out], EXIT.file, /manifest\.json' already exists; pass --force/);
  assert.equal(fs.readFileSync(path.join(out, "manifest.json"), "utf8"), "mine");
  assert.ok(!fs.existsSync(path.join(out, "screenshot.png")));
  ok(["open", "--secret-key", secret, envelope, out, "--force"]);
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8")).comment, "hello");
});

test("an unknown command names the word and the nearest real one", () => {
  fails(["opne"], EXIT.usage, /^sealshot: 'opne' is not a `sealshot` command; did you mean 'open'\? \(see --help\)$/m);
  fails(["submissions", "lst"], EXIT.usage, /'lst' is not a `sealshot submissions` command; did you mean 'list'\?/);
  fails(["sumbissions", "list"], EXIT.usage, /did you mean 'submissions'\?/);
  fails(
    ["frobnicate"],
    EXIT.usage,
    /'frobnicate' is not a `sealshot` command; the commands are [a-z, -]*keygen[a-z, -]* \(see --help\)$/m,
  );
});

test("a malformed project id is a usage error that says so", () => {
  fails(
    ["open", "--secret-key", secret, "--project", "bad id!", envelope, at("never")],
    EXIT.usage,
    /--project: 'bad id!' is not a project id: 1 to 64 characters/,
  );
  fails(
    ["seal", "--project", "x/y", "--public-key", pub, "--comment", "c", at("in.png"), at("never.env")],
    EXIT.usage,
    /'x\/y' is not a project id/,
  );
  fails(["submissions", "list", "--data-dir", dir, "--project", "prj_$"], EXIT.usage, /'prj_\$' is not a project id/);
});

test("each failure prints the spec's error code and exits with its class", () => {
  fails(
    ["open", "--secret-key", secret, "--project", "prj_other", envelope, at("never")],
    EXIT.report,
    /^sealshot: The envelope belongs to another project\. \[envelope_wrong_project\]\n$/,
  );
  ok(["keygen", "--public-key-out", at("other.pub"), "--secret-key-out", at("other.secret")]);
  fails(
    ["open", "--secret-key", at("other.secret"), envelope, at("never")],
    EXIT.key,
    /does not open the envelope\. \[envelope_wrong_key\]/,
  );
  fs.writeFileSync(at("cut.env"), fs.readFileSync(envelope).subarray(0, 200));
  fails(["open", "--secret-key", secret, at("cut.env"), at("never")], EXIT.report, /\[envelope_truncated\]$/m);
  fails(
    ["open", "--secret-key", secret, at("missing.env"), at("never")],
    EXIT.file,
    /Cannot open '.*missing\.env': No such file or directory\. \[storage_error\]$/m,
  );
  fails(["open", "--secret-key", at("missing.secret"), envelope, at("never")], EXIT.file, /\[storage_error\]$/m);
  assert.ok(!fs.existsSync(at("never")));
});

test("open tries each --secret-key in turn (a project whose key was rotated) and says when none opens", () => {
  ok(["keygen", "--public-key-out", at("retired.pub"), "--secret-key-out", at("retired.secret")]);
  fails(
    ["open", "--secret-key", at("retired.secret"), "--secret-key", at("other.secret"), envelope, at("never")],
    EXIT.key,
    /^sealshot: None of the 2 secret keys given opens the envelope\. \[envelope_wrong_key\]\n$/,
  );
  assert.ok(!fs.existsSync(at("never")));
  ok(["open", "--secret-key", at("retired.secret"), "--secret-key", secret, envelope, at("either-key")]);
  assert.ok(fs.existsSync(path.join(at("either-key"), "manifest.json")));
});
