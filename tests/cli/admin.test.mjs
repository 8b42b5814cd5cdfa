// The admin side of the `sealshot` CLI end to end: projects, stored
// submissions (import → list → get → open), and backup/restore of a data
// directory. Needs only the native CLI (SEALSHOT_CLI), not the wasm build.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { tinyPng } from "./support/tiny-png.mjs";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = process.env.SEALSHOT_CLI ?? path.join(repoRoot, "build/server/sealshot");
let dir, dataDir;

function run(args, env = {}, options = {}) {
  // SEALSHOT_WIDGET_DIR (set for the browser tests) would add integrity="" to every snippet.
  const { SEALSHOT_WIDGET_DIR, ...inherited } = process.env;
  return spawnSync(cli, args, { encoding: "utf8", timeout: 30000, env: { ...inherited, ...env }, ...options });
}
function ok(args, env) {
  const r = run(args, env);
  assert.equal(r.status, 0, `sealshot ${args.join(" ")}\n${r.stderr}`);
  return r;
}
function json(args) {
  return JSON.parse(ok([...args, "--json"]).stdout);
}
// `status`: the failure's class (docs/operations.md, "Exit statuses").
function fails(args, pattern, status = 1) {
  const r = run(args);
  assert.equal(r.status, status, `expected failure: sealshot ${args.join(" ")}\n${r.stdout}${r.stderr}`);
  assert.match(r.stderr, /^sealshot: [^\n]+\n$/); // one sentence
  assert.match(r.stderr, pattern);
  return r;
}

function createProject(name, secretFile, extra = []) {
  const r = ok([
    "project",
    "create",
    "--data-dir",
    dataDir,
    "--name",
    name,
    "--origin",
    "https://shop.example",
    "--secret-key-out",
    secretFile,
    ...extra,
  ]);
  const [id, snippet] = r.stdout.trim().split("\n");
  return { id, snippet, publicKey: snippet.match(/data-key="([^"]+)"/)[1] };
}

function sealFor(project, comment, file) {
  const pk = path.join(dir, `${project.id}.public`);
  fs.writeFileSync(pk, project.publicKey + "\n");
  ok(["seal", "--project", project.id, "--public-key", pk, "--comment", comment, path.join(dir, "in.png"), file]);
  return file;
}

function importEnvelope(project, file) {
  return ok(["submissions", "import", "--data-dir", dataDir, "--project", project.id, file]).stdout.trim();
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sealshot-admin-"));
  dataDir = path.join(dir, "data");
  fs.writeFileSync(path.join(dir, "in.png"), tinyPng(24, 16));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test("project create stores only the public key, writes a 0600 secret key and prints the snippet", () => {
  const secret = path.join(dir, "shop.secret");
  const r = ok([
    "project",
    "create",
    "--data-dir",
    dataDir,
    "--name",
    "Fjordline shop",
    "--origin",
    "https://Shop.Example:443",
    "--origin",
    "http://localhost:5173",
    "--retention-days",
    "30",
    "--secret-key-out",
    secret,
    "--public-url",
    "https://feedback.fjordline.example",
  ]);
  const [id, snippet] = r.stdout.trim().split("\n");
  assert.match(id, /^prj_[a-z2-7]{26}$/);
  assert.match(
    snippet,
    new RegExp(
      `^<script src="https://feedback\\.fjordline\\.example/widget\\.js" data-project="${id}" ` +
        `data-key="[A-Za-z0-9_-]{43}" async></script>$`,
    ),
  );
  assert.equal(fs.statSync(secret).mode & 0o777, 0o600);
  assert.equal(fs.statSync(dataDir).mode & 0o777, 0o700);
  const secretText = fs.readFileSync(secret, "utf8");
  const [project] = json(["project", "list", "--data-dir", dataDir]);
  assert.equal(project.id, id);
  assert.deepEqual(project.allowed_origins, ["https://shop.example", "http://localhost:5173"]);
  assert.equal(project.retention_days, 30);
  assert.equal(project.public_key, snippet.match(/data-key="([^"]+)"/)[1]);
  // The secret key never reaches the data directory.
  const secretKey = secretText.split("\n").find((l) => l && !l.startsWith("#"));
  for (const f of fs.readdirSync(dataDir, { recursive: true })) {
    const p = path.join(dataDir, f);
    if (fs.statSync(p).isFile()) assert.ok(!fs.readFileSync(p).includes(secretKey), `secret key found in ${f}`);
  }
  assert.match(
    ok(["project", "list", "--data-dir", dataDir]).stdout,
    /Fjordline shop +https:\/\/shop\.example,http:\/\/localhost:5173 +30 days/,
  );
});

test("project snippet pins widget.js with its SHA-384 when the widget build is given, and says so when not", () => {
  const p = createProject("Snippet", path.join(dir, "snippet.secret"));
  const widgetDir = path.join(dir, "widget");
  fs.mkdirSync(widgetDir, { recursive: true });
  fs.writeFileSync(path.join(widgetDir, "widget.js"), "/* loader */");
  const integrity = "sha384-" + crypto.createHash("sha384").update("/* loader */").digest("base64");
  const base = [
    "project",
    "snippet",
    "--data-dir",
    dataDir,
    "--project",
    p.id,
    "--public-url",
    "https://feedback.example/",
  ];

  let r = ok([...base, "--widget-dir", widgetDir]);
  assert.equal(
    r.stdout,
    `<script src="https://feedback.example/widget.js" data-project="${p.id}" data-key="${p.publicKey}" ` +
      `integrity="${integrity}" crossorigin="anonymous" async></script>\n`,
  );
  assert.equal(r.stderr, "");
  r = ok([...base, "--json"], { SEALSHOT_WIDGET_DIR: widgetDir }); // the environment works too
  assert.equal(JSON.parse(r.stdout).integrity, integrity);
  assert.match(JSON.parse(r.stdout).snippet, new RegExp(`integrity="${integrity.replace(/[+/]/g, "\\$&")}"`));

  r = ok(base);
  assert.equal(r.stdout, p.snippet.replace("https://localhost:8443", "https://feedback.example") + "\n");
  assert.doesNotMatch(r.stdout, /integrity/);
  assert.match(r.stderr, /no integrity attribute/);

  fails([...base, "--widget-dir", path.join(dir, "no-such-dir")], /widget directory .* does not exist/);
  fails(["project", "snippet", "--data-dir", dataDir, "--project", "prj_nope"], /No such project/);
  // project create pins the snippet the same way.
  const created = ok([
    "project",
    "create",
    "--data-dir",
    dataDir,
    "--name",
    "Pinned",
    "--origin",
    "https://shop.example",
    "--secret-key-out",
    path.join(dir, "pinned.secret"),
    "--widget-dir",
    widgetDir,
  ]);
  assert.match(
    created.stdout.split("\n")[1],
    / integrity="sha384-[A-Za-z0-9+/]{64}" crossorigin="anonymous" async><\/script>$/,
  );
});

test("project create refuses bad origins and existing key files before creating anything", () => {
  const before = json(["project", "list", "--data-dir", dataDir]).length;
  const secret = path.join(dir, "never.secret");
  fails(
    [
      "project",
      "create",
      "--data-dir",
      dataDir,
      "--name",
      "x",
      "--origin",
      "https://shop.example/",
      "--secret-key-out",
      secret,
    ],
    /'https:\/\/shop\.example\/' is not an origin: it must not end with a slash/,
  );
  fails(
    [
      "project",
      "create",
      "--data-dir",
      dataDir,
      "--name",
      "x",
      "--origin",
      "https://shop.example/checkout",
      "--secret-key-out",
      secret,
    ],
    /must not have a path/,
  );
  fails(
    [
      "project",
      "create",
      "--data-dir",
      dataDir,
      "--name",
      "x",
      "--origin",
      "ftp://shop.example",
      "--secret-key-out",
      secret,
    ],
    /scheme must be http or https/,
  );
  assert.ok(!fs.existsSync(secret));
  fails(
    [
      "project",
      "create",
      "--data-dir",
      dataDir,
      "--name",
      "x",
      "--origin",
      "https://a.example",
      "--secret-key-out",
      path.join(dir, "shop.secret"),
    ],
    /already exists; a secret key file is never replaced/,
    3,
  );
  assert.equal(json(["project", "list", "--data-dir", dataDir]).length, before);
});

test("set-origins replaces the list and reports bad input in one sentence", () => {
  const p = createProject("Origins", path.join(dir, "origins.secret"));
  const r = ok([
    "project",
    "set-origins",
    "--data-dir",
    dataDir,
    "--project",
    p.id,
    "--origin",
    "https://A.example",
    "--origin",
    "https://b.example:8443",
  ]);
  assert.equal(r.stdout, "https://a.example\nhttps://b.example:8443\n");
  fails(
    ["project", "set-origins", "--data-dir", dataDir, "--project", p.id, "--origin", "https://a.example/"],
    /must not end with a slash/,
  );
  fails(
    [
      "project",
      "set-origins",
      "--data-dir",
      dataDir,
      "--project",
      "prj_aaaaaaaaaaaaaaaaaaaaaaaaaa",
      "--origin",
      "https://a.example",
    ],
    /No such project/,
  );
});

test("set-quota sets a project's quotas with size units, keeps unset ones and shows usage", () => {
  const p = createProject("Quotas", path.join(dir, "quotas.secret"));
  let out = json([
    "project",
    "set-quota",
    "--data-dir",
    dataDir,
    "--project",
    p.id,
    "--daily-submissions",
    "50",
    "--stored-bytes",
    "2GiB",
  ]);
  assert.deepEqual(out.quotas, { daily_submissions: 50, daily_bytes: 0, stored_bytes: 2 * 1024 ** 3 });
  assert.deepEqual(out.usage, { today_submissions: 0, today_bytes: 0, stored_submissions: 0, stored_bytes: 0 });
  importEnvelope(p, sealFor(p, "counted", path.join(dir, "quota.env")));
  out = json(["project", "set-quota", "--data-dir", dataDir, "--project", p.id, "--daily-bytes", "500MB"]);
  assert.deepEqual(out.quotas, { daily_submissions: 50, daily_bytes: 500 * 1024 ** 2, stored_bytes: 2 * 1024 ** 3 });
  assert.equal(out.usage.today_submissions, 1);
  assert.equal(out.usage.stored_submissions, 1);
  assert.ok(out.usage.stored_bytes > 0);
  const listed = json(["project", "list", "--data-dir", dataDir]).find((q) => q.id === p.id);
  assert.equal(listed.quotas.daily_submissions, 50);
  const table = ok([
    "project",
    "set-quota",
    "--data-dir",
    dataDir,
    "--project",
    p.id,
    "--daily-submissions",
    "0",
  ]).stdout;
  assert.match(table, /reports per day \(UTC\)\s+server default\s+1/);
  const bad = run(["project", "set-quota", "--data-dir", dataDir, "--project", p.id, "--daily-bytes", "lots"]);
  assert.equal(bad.status, 2, "a usage error"); // CLI11's exit code for a malformed option
  assert.match(bad.stderr, /daily-bytes/);
  fails(
    [
      "project",
      "set-quota",
      "--data-dir",
      dataDir,
      "--project",
      "prj_aaaaaaaaaaaaaaaaaaaaaaaaaa",
      "--daily-submissions",
      "3",
    ],
    /No such project/,
  );
});

test("submissions: import → list → get → open with the project's key; never across projects", () => {
  const secret = path.join(dir, "reports.secret");
  const p = createProject("Reports", secret);
  const other = createProject("Other", path.join(dir, "other.secret"));
  const ids = ["first", "second", "third"].map((c) =>
    importEnvelope(p, sealFor(p, `comment ${c}`, path.join(dir, `${c}.env`))),
  );
  for (const id of ids) assert.match(id, /^sub_[a-z2-7]{26}$/);

  // Newest first, keyset pages.
  const page1 = json(["submissions", "list", "--data-dir", dataDir, "--project", p.id, "--limit", "2"]);
  assert.equal(page1.items.length, 2);
  assert.notEqual(page1.next_cursor, "");
  const page2 = json([
    "submissions",
    "list",
    "--data-dir",
    dataDir,
    "--project",
    p.id,
    "--limit",
    "2",
    "--cursor",
    page1.next_cursor,
  ]);
  assert.equal(page2.next_cursor, "");
  assert.deepEqual(new Set([...page1.items, ...page2.items].map((s) => s.id)), new Set(ids));
  assert.equal(page1.items[0].status, "new");

  const out = path.join(dir, "got.env"),
    openDir = path.join(dir, "opened");
  const r = ok([
    "submissions",
    "get",
    "--data-dir",
    dataDir,
    "--project",
    p.id,
    "--id",
    ids[1],
    "--out",
    out,
    "--secret-key",
    secret,
    "--open-dir",
    openDir,
  ]);
  assert.deepEqual(fs.readFileSync(out), fs.readFileSync(path.join(dir, "second.env")));
  assert.match(r.stdout, /manifest\.json\n.*screenshot\.png\n$/s);
  assert.equal(JSON.parse(fs.readFileSync(path.join(openDir, "manifest.json"), "utf8")).comment, "comment second");

  // Tenant isolation: another project's id never finds it.
  fails(
    [
      "submissions",
      "get",
      "--data-dir",
      dataDir,
      "--project",
      other.id,
      "--id",
      ids[1],
      "--out",
      path.join(dir, "x.env"),
    ],
    /No such submission/,
  );
  assert.equal(json(["submissions", "list", "--data-dir", dataDir, "--project", other.id]).items.length, 0);
  fails(
    ["submissions", "import", "--data-dir", dataDir, "--project", other.id, path.join(dir, "first.env")],
    new RegExp(`is an envelope for project ${p.id}, not ${other.id}`),
  );
  // The wrong key does not open it; the wrong kind of key file is named.
  fails(
    [
      "submissions",
      "get",
      "--data-dir",
      dataDir,
      "--project",
      p.id,
      "--id",
      ids[1],
      "--out",
      path.join(dir, "y.env"),
      "--secret-key",
      path.join(dir, "other.secret"),
      "--open-dir",
      path.join(dir, "nope"),
    ],
    /does not open/,
    4,
  );
  const publicFile = path.join(dir, "reports.pub");
  ok(["keygen", "--public-key-out", publicFile, "--secret-key-out", path.join(dir, "unused.secret")]);
  fails(
    ["submissions", "get", "--data-dir", dataDir, "--project", p.id, "--id", ids[1], "--secret-key", publicFile],
    /is a public key file; --secret-key wants the project's secret key file/,
    4,
  );
  assert.ok(!fs.existsSync(path.join(dir, "y.env")) && !fs.existsSync(path.join(dir, "nope")));
  // Nothing is overwritten without --force.
  fails(
    ["submissions", "get", "--data-dir", dataDir, "--project", p.id, "--id", ids[1], "--out", out],
    /got\.env' already exists; pass --force/,
    3,
  );
  ok(["submissions", "get", "--data-dir", dataDir, "--project", p.id, "--id", ids[1], "--out", out, "--force"]);
  // --secret-key alone opens it, into a new private folder named after the submission.
  const alone = run(
    ["submissions", "get", "--data-dir", dataDir, "--project", p.id, "--id", ids[1], "--secret-key", secret],
    {},
    { cwd: dir },
  );
  assert.equal(alone.status, 0, alone.stderr);
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, ids[1], "manifest.json"), "utf8")).comment, "comment second");
  assert.equal(fs.statSync(path.join(dir, ids[1])).mode & 0o777, 0o700);
  assert.equal(fs.statSync(path.join(dir, ids[1], "manifest.json")).mode & 0o777, 0o600);
  fails(
    ["submissions", "get", "--data-dir", dataDir, "--project", p.id, "--id", ids[1]],
    /Give --out FILE .* --secret-key FILE/,
    2,
  );
  fails(
    ["submissions", "get", "--data-dir", dataDir, "--project", p.id, "--id", ids[1], "--open-dir", path.join(dir, "o")],
    /--open-dir needs --secret-key/,
    2,
  );

  ok(["submissions", "set-status", "--data-dir", dataDir, "--project", p.id, "--id", ids[0], "--status", "resolved"]);
  const resolved = json(["submissions", "list", "--data-dir", dataDir, "--project", p.id, "--status", "resolved"]);
  assert.deepEqual(
    resolved.items.map((s) => s.id),
    [ids[0]],
  );
  fails(
    ["submissions", "list", "--data-dir", dataDir, "--project", p.id, "--status", "done"],
    /--status must be one of/,
    2,
  );
  fails(["submissions", "list", "--data-dir", dataDir, "--project", p.id, "--cursor", "forged"], /cursor/);
  fails(["submissions", "list", "--data-dir", dataDir, "--project", p.id, "--limit", "501"], /page size/);

  ok(["submissions", "delete", "--data-dir", dataDir, "--project", p.id, "--id", ids[2]]);
  fails(
    ["submissions", "get", "--data-dir", dataDir, "--project", p.id, "--id", ids[2], "--out", path.join(dir, "z.env")],
    /No such submission/,
  );
  fails(["submissions", "delete", "--data-dir", dataDir, "--project", p.id, "--id", ids[2]], /No such submission/);
  // Deleted means gone from the disk too: no segment still holds its bytes.
  const third = fs.readFileSync(path.join(dir, "third.env"));
  for (const name of fs.readdirSync(path.join(dataDir, "segments"))) {
    assert.equal(fs.readFileSync(path.join(dataDir, "segments", name)).indexOf(third), -1, name);
  }
});

test("the data directory comes from --data-dir, else SEALSHOT_DATA_DIR; a missing one is an error", () => {
  const r = ok(["project", "list", "--json"], { SEALSHOT_DATA_DIR: dataDir });
  assert.ok(JSON.parse(r.stdout).length >= 3);
  fails(
    ["project", "list", "--data-dir", path.join(dir, "nowhere")],
    /No Sealshot data in '.*nowhere' \(pass --data-dir or set SEALSHOT_DATA_DIR\)/,
  );
  assert.ok(!fs.existsSync(path.join(dir, "nowhere")));
});

// Root leaving its own files in the service's data directory (the database's
// journal, new segments) stops the server at its next start.
test(
  "as root, a data directory another user owns is refused with the command to run instead",
  { skip: process.getuid?.() !== 0 && "needs root" },
  () => {
    const NOBODY = 65534;
    const owned = path.join(dir, "owned-by-nobody");
    const empty = path.join(dir, "empty-owned-by-nobody");
    ok(["org", "create", "--data-dir", owned, "--name", "Root's", "--owner-email", "r@acme.example"]); // root's: allowed
    fs.mkdirSync(empty);
    for (const d of [owned, empty]) {
      for (const f of [d, ...fs.readdirSync(d, { recursive: true }).map((f) => path.join(d, f))])
        fs.chownSync(f, NOBODY, NOBODY);
    }
    const before = fs.readdirSync(owned, { recursive: true }).sort();
    const sentence =
      /The data in '.*owned-by-nobody' belongs to user 'nobody' .* run the command as that user \(sudo -u nobody sealshot …\)/;
    fails(["project", "list", "--data-dir", owned], sentence);
    fails(["org", "create", "--data-dir", empty, "--name", "Acme", "--owner-email", "o@acme.example"], sentence);
    fails(["restore", "--from", path.join(dir, "no-backup"), "--data-dir", empty], sentence);
    assert.deepEqual(fs.readdirSync(owned, { recursive: true }).sort(), before, "nothing made in it");
    assert.deepEqual(fs.readdirSync(empty), []);
    // As that user, the same command works and what it makes stays that user's.
    fs.chmodSync(dir, 0o711);
    const r = run(["project", "list", "--data-dir", owned], {}, { uid: NOBODY, gid: NOBODY });
    assert.equal(r.status, 0, r.stderr);
    for (const f of fs.readdirSync(owned, { recursive: true }))
      assert.equal(fs.statSync(path.join(owned, f)).uid, NOBODY, f);
  },
);

test("backup while writing, then restore into a new directory; never over existing data", async () => {
  const p = createProject("Backup", path.join(dir, "backup.secret"));
  const files = [];
  for (let i = 0; i < 25; i++) files.push(sealFor(p, `report ${i}`, path.join(dir, `b${i}.env`)));
  importEnvelope(p, files[0]);
  // A second process keeps storing reports while the backup runs.
  const writer = spawn(cli, ["submissions", "import", "--data-dir", dataDir, "--project", p.id, ...files.slice(1)]);
  const writerDone = new Promise((resolve) => writer.on("exit", resolve));
  const backupDir = path.join(dir, "backup");
  const r = ok(["backup", "--data-dir", dataDir, "--to", backupDir]);
  assert.equal(await writerDone, 0);
  assert.match(
    r.stdout,
    /^Backup written to .*: \d+ project\(s\), \d+ submission\(s\), .* of envelopes; verified\.\n$/,
  );
  const manifest = JSON.parse(fs.readFileSync(path.join(backupDir, "manifest.json"), "utf8"));
  assert.equal(manifest.format, "sealshot-backup");
  assert.ok(manifest.submissions >= 1);
  fails(["backup", "--data-dir", dataDir, "--to", backupDir], /not empty; choose a new one/, 3);

  const restored = path.join(dir, "restored");
  ok(["restore", "--from", backupDir, "--data-dir", restored]);
  const live = json(["submissions", "list", "--data-dir", dataDir, "--project", p.id, "--limit", "500"]).items;
  const copy = json(["submissions", "list", "--data-dir", restored, "--project", p.id, "--limit", "500"]).items;
  // The backup is a snapshot: some of the concurrent imports, all intact.
  assert.ok(copy.length >= 1 && copy.length <= live.length);
  for (const s of copy) assert.ok(live.some((l) => l.id === s.id && l.size_bytes === s.size_bytes));
  let total = 0;
  for (const project of json(["project", "list", "--data-dir", restored])) {
    total += json(["submissions", "list", "--data-dir", restored, "--project", project.id, "--limit", "500"]).items
      .length;
  }
  assert.equal(total, manifest.submissions);
  const sample = copy[0].id;
  ok([
    "submissions",
    "get",
    "--data-dir",
    restored,
    "--project",
    p.id,
    "--id",
    sample,
    "--out",
    path.join(dir, "r.env"),
    "--secret-key",
    path.join(dir, "backup.secret"),
    "--open-dir",
    path.join(dir, "r-open"),
  ]);
  assert.match(JSON.parse(fs.readFileSync(path.join(dir, "r-open", "manifest.json"), "utf8")).comment, /^report \d+$/);

  fails(
    ["restore", "--from", backupDir, "--data-dir", restored],
    /'.*restored' is not empty; restore only into a new or empty directory/,
    3,
  );
  fails(["restore", "--from", backupDir, "--data-dir", dataDir], /is not empty/, 3);

  // A damaged backup is refused before anything is copied.
  fs.truncateSync(path.join(backupDir, "segments", "00000001.seg"), 10);
  fails(
    ["restore", "--from", backupDir, "--data-dir", path.join(dir, "restored2")],
    /damaged: \d+ envelope\(s\) are missing or have the wrong size/,
    3,
  );
  assert.ok(!fs.existsSync(path.join(dir, "restored2")));
  fails(
    ["restore", "--from", path.join(dir, "in.png"), "--data-dir", path.join(dir, "restored3")],
    /not a complete Sealshot backup/,
  );
});
