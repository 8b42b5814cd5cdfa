// The reviewer's side of the `sealshot` CLI end to end with the real
// sealshot-server binary over TLS: account set-up from a printed link,
// sign-in, a project made with its keypair on the client, a real sealed
// report through the ingest route, listing and opening it, granting it to a
// second person after checking their key fingerprint (a wrong one is
// refused), `project import-key` for a project made before organisations,
// key rotation (`project rotate-key`, `project revoke --rotate`) with reports
// read across keys, and the privacy scan: afterwards no password, derived key, secret key or
// report text is anywhere in the data directory, the server's logs or the
// CLI's session files. Needs the native CLI, server and
// build/tests/print_account_secrets (SEALSHOT_CLI, SEALSHOT_SERVER,
// SEALSHOT_ACCOUNT_SECRETS).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { tinyPng } from "./support/tiny-png.mjs";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = process.env.SEALSHOT_CLI ?? path.join(repoRoot, "build/server/sealshot");
const serverBinary = process.env.SEALSHOT_SERVER ?? path.join(repoRoot, "build/server/sealshot-server");
const secretsTool = process.env.SEALSHOT_ACCOUNT_SECRETS ?? path.join(repoRoot, "build/tests/print_account_secrets");

// Cheapest derivation the client accepts (3 passes, 64 MiB) to keep the test short;
// the default (kKdfDefaultParams) is what people get.
const testKdf = ["--kdf-memlimit-mib", "64"];
const comment = "Checkout button overlaps the total on my phone zq7x";
const owner = { email: "owner@acme.example", password: "violet-harbour-lantern-93" };
const second = { email: "second@acme.example", password: "copper-meadow-whistle-58" };

let work, dataDir, logDir, server, port, url, caCert, orgId, project, submissionId;

function sealshot(args, { env = {} } = {}) {
  const { SEALSHOT_WIDGET_DIR, SEALSHOT_PASSWORD, SEALSHOT_SESSION_FILE, ...base } = process.env;
  return spawnSync(cli, args, { encoding: "utf8", timeout: 30000, env: { ...base, HOME: work, ...env } });
}
function ok(args, opts) {
  const r = sealshot(args, opts);
  assert.equal(r.status, 0, `sealshot ${args.join(" ")}\n${r.stderr}`);
  return r.stdout;
}
function fails(args, pattern, opts) {
  const r = sealshot(args, opts);
  assert.equal(r.status, 1, `expected failure: sealshot ${args.join(" ")}\n${r.stdout}`);
  assert.match(r.stderr, /^sealshot: [^\n]+\n$/);
  assert.match(r.stderr, pattern);
  return r.stderr;
}

// Everything a person's commands need: their session file, password file and the CA.
function as(person) {
  return ["--session-file", person.sessionFile, "--password-file", person.passwordFile, "--ca-cert", caCert];
}
function asNoPassword(person) {
  return ["--session-file", person.sessionFile, "--ca-cert", caCert];
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port: p } = s.address();
      s.close(() => resolve(p));
    });
  });
}

function request(method, urlPath, { body, cookie, headers = {} } = {}) {
  const payload =
    body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: "127.0.0.1",
        port,
        path: urlPath,
        method,
        ca: fs.readFileSync(caCert),
        agent: false,
        headers: { "Content-Length": payload.length, ...(cookie ? { Cookie: cookie } : {}), ...headers },
        timeout: 10000,
      },
      (res) => {
        const chunks = [];
        res.on("data", (d) => chunks.push(d));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode, json: text ? JSON.parse(text) : null });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

// Seals a report with `sealshot seal` and posts it to the public ingest route, as the widget does.
async function ingest(projectId, publicKey, text) {
  const pk = path.join(work, `${projectId}.public`);
  fs.writeFileSync(pk, publicKey + "\n");
  const envelope = path.join(work, `${projectId}-${Date.now()}.env`);
  ok(["seal", "--project", projectId, "--public-key", pk, "--comment", text, path.join(work, "in.png"), envelope]);
  const r = await request("POST", `/v1/projects/${projectId}/submissions`, {
    body: fs.readFileSync(envelope),
    headers: { "Content-Type": "application/octet-stream", Origin: "https://shop.example" },
  }).catch((e) => {
    throw new Error(`${e.message}\n${fs.readFileSync(path.join(logDir, "server.stdout"), "utf8").slice(-1500)}`);
  });
  fs.rmSync(envelope);
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json.id;
}

// RFC 6238 TOTP (SHA-1, 6 digits, 30 s) of a base32 secret, as an authenticator app makes it.
function totp(base32) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of base32.replace(/=+$/, "")) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
  const mac = crypto.createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1e6).padStart(6, "0");
}

function fingerprintOf(stdout) {
  const m = /Your key fingerprint: ((?:[0-9A-F]{4} ){7}[0-9A-F]{4})\n/.exec(stdout);
  assert.ok(m, `no fingerprint in:\n${stdout}`);
  return m[1];
}

function linkOf(stdout) {
  const m = /(https:\/\/\S+\/console\/link#[A-Za-z0-9_-]{43})/.exec(stdout);
  assert.ok(m, `no link in:\n${stdout}`);
  return m[1];
}

function readManifestComment(dir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
  return manifest.comment;
}

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "sealshot-review-"));
  dataDir = path.join(work, "data");
  logDir = path.join(work, "logs");
  fs.mkdirSync(logDir);
  fs.writeFileSync(path.join(work, "in.png"), tinyPng(24, 16));
  for (const [person, name] of [
    [owner, "owner"],
    [second, "second"],
  ]) {
    person.home = path.join(work, name);
    person.sessionFile = path.join(person.home, "session.json");
    person.passwordFile = path.join(work, `${name}.password`);
    fs.writeFileSync(person.passwordFile, person.password + "\n", { mode: 0o600 });
  }
  port = await freePort();
  url = `https://127.0.0.1:${port}`;
  const created = JSON.parse(
    ok([
      "org",
      "create",
      "--data-dir",
      dataDir,
      "--name",
      "Acme",
      "--owner-email",
      owner.email,
      "--console-url",
      url,
      "--json",
    ]),
  );
  orgId = created.organisation;
  owner.link = created.link;
  const out = fs.openSync(path.join(logDir, "server.stdout"), "w");
  const err = fs.openSync(path.join(logDir, "server.stderr"), "w");
  server = spawn(serverBinary, ["--listen", `127.0.0.1:${port}`, "--data-dir", dataDir, "--log-level", "debug"], {
    stdio: ["ignore", out, err],
  });
  caCert = path.join(dataDir, "tls", "localhost.crt");
  for (let i = 0; i < 100; i++) {
    try {
      if (fs.existsSync(caCert) && (await request("GET", "/healthz")).status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("sealshot-server did not start");
});

after(async () => {
  if (server && server.exitCode == null) {
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await exited;
  }
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test("account setup from the printed link makes the keys on the client and prints the fingerprint", () => {
  const stdout = ok(["account", "setup", "--link", owner.link, ...as(owner), ...testKdf]);
  owner.fingerprint = fingerprintOf(stdout);
  // The session file keeps the cookie only, private to the person.
  const mode = fs.statSync(owner.sessionFile).mode & 0o777;
  assert.equal(mode, 0o600);
  assert.equal(fs.statSync(owner.home).mode & 0o777, 0o700);
  const session = JSON.parse(fs.readFileSync(owner.sessionFile, "utf8"));
  assert.deepEqual(Object.keys(session).sort(), ["ca_cert", "cookie", "email", "person_id", "server"]);
  assert.match(session.cookie, /^__Host-sealshot_session=[A-Za-z0-9_-]{43}$/);
  // The link is single use.
  fails(["account", "setup", "--link", owner.link, ...as(owner), ...testKdf], /already used/);
});

test("a weak password, an untrusted certificate and a plain-http server are refused", () => {
  const invite = JSON.parse(
    ok([
      "org",
      "invite",
      "--data-dir",
      dataDir,
      "--org",
      orgId,
      "--email",
      "weak@acme.example",
      "--console-url",
      url,
      "--json",
    ]),
  );
  const weakFile = path.join(work, "weak.password");
  fs.writeFileSync(weakFile, "password1234\n");
  fails(
    [
      "account",
      "setup",
      "--link",
      invite.link,
      "--password-file",
      weakFile,
      "--ca-cert",
      caCert,
      "--session-file",
      path.join(work, "weak", "session.json"),
    ],
    /password/i,
  );
  fails(
    [
      "login",
      "--server",
      url,
      "--email",
      owner.email,
      "--password-file",
      owner.passwordFile,
      "--session-file",
      path.join(work, "x.json"),
    ],
    /certificate is not trusted/,
  );
  fails(["login", "--server", `http://127.0.0.1:${port}`, "--email", owner.email], /https:\/\//);
});

test("the owner creates a project on the client; a sealed report arrives through the ingest route", async () => {
  const stdout = ok([
    "review",
    "create-project",
    "--org",
    orgId,
    "--name",
    "Shop",
    "--origin",
    "https://shop.example",
    ...as(owner),
  ]);
  const [id, snippet] = stdout.trim().split("\n");
  assert.match(id, /^prj_[a-z2-7]{26}$/);
  assert.ok(snippet.startsWith(`<script src="${url}/widget.js" data-project="${id}" data-key="`), snippet);
  project = { id, publicKey: /data-key="([^"]+)"/.exec(snippet)[1] };
  submissionId = await ingest(project.id, project.publicKey, comment);
});

test("login, list and open: the report comes back, written privately", () => {
  ok(["logout", ...asNoPassword(owner)]);
  assert.ok(!fs.existsSync(owner.sessionFile));
  fails(["review", "projects", "--org", orgId, ...asNoPassword(owner)], /Not signed in/);
  // A wrong password is refused by the server, with the generic sentence.
  const wrong = path.join(work, "wrong.password");
  fs.writeFileSync(wrong, "not-the-right-password-at-all\n");
  fails(
    [
      "login",
      "--server",
      url,
      "--email",
      owner.email,
      "--password-file",
      wrong,
      "--ca-cert",
      caCert,
      "--session-file",
      owner.sessionFile,
    ],
    /email or the password is wrong/,
  );

  const signedIn = ok(["login", "--server", url, "--email", owner.email, ...as(owner)]);
  assert.equal(fingerprintOf(signedIn), owner.fingerprint);
  assert.match(
    ok(["review", "projects", "--org", orgId, ...asNoPassword(owner)]),
    new RegExp(`${project.id}\\s+Shop\\s+owner\\s+granted`),
  );
  const listed = JSON.parse(
    ok(["review", "list", "--org", orgId, "--project", project.id, "--json", ...asNoPassword(owner)]),
  );
  assert.deepEqual(
    listed.items.map((s) => [s.id, s.status]),
    [[submissionId, "new"]],
  );

  const out = path.join(work, "opened-owner");
  ok(["review", "open", "--org", orgId, "--project", project.id, "--id", submissionId, "--out", out, ...as(owner)]);
  assert.equal(readManifestComment(out), comment);
  assert.equal(fs.statSync(out).mode & 0o777, 0o700);
  for (const f of fs.readdirSync(out)) assert.equal(fs.statSync(path.join(out, f)).mode & 0o777, 0o600, f);
  // A second open into the same folder replaces nothing without --force.
  const again = ["review", "open", "--org", orgId, "--project", project.id, "--id", submissionId, "--out", out];
  const refused = sealshot([...again, ...as(owner)]);
  assert.equal(refused.status, 3, refused.stderr); // a file problem (docs/operations.md, exit statuses)
  assert.match(refused.stderr, /already exists; pass --force/);
  ok([...again, "--force", ...as(owner)]);
  fails(
    [
      "review",
      "open",
      "--org",
      orgId,
      "--project",
      project.id,
      "--id",
      submissionId,
      "--out",
      out,
      "--session-file",
      owner.sessionFile,
      "--ca-cert",
      caCert,
      "--password-file",
      wrong,
    ],
    /password is wrong/,
  );

  ok([
    "review",
    "set-status",
    "--org",
    orgId,
    "--project",
    project.id,
    "--id",
    submissionId,
    "--status",
    "triaged",
    ...asNoPassword(owner),
  ]);
  const triaged = JSON.parse(
    ok([
      "review",
      "list",
      "--org",
      orgId,
      "--project",
      project.id,
      "--status",
      "triaged",
      "--json",
      ...asNoPassword(owner),
    ]),
  );
  assert.deepEqual(
    triaged.items.map((s) => s.id),
    [submissionId],
  );
});

test("granting checks the member's fingerprint: a wrong one is refused, the right one lets them open the report", () => {
  const invite = JSON.parse(
    ok([
      "org",
      "invite",
      "--data-dir",
      dataDir,
      "--org",
      orgId,
      "--email",
      second.email,
      "--role",
      "member",
      "--console-url",
      url,
      "--json",
    ]),
  );
  second.fingerprint = fingerprintOf(ok(["account", "setup", "--link", invite.link, ...as(second), ...testKdf]));
  assert.notEqual(second.fingerprint, owner.fingerprint);

  // Before any grant the member sees nothing to open.
  const out = path.join(work, "opened-second");
  const open = [
    "review",
    "open",
    "--org",
    orgId,
    "--project",
    project.id,
    "--id",
    submissionId,
    "--out",
    out,
    ...as(second),
  ];
  fails(open, /Not allowed|not found|No such|forbidden|waiting/i);

  // A fingerprint that is not the member's key (the owner's own here) is refused: nothing is granted.
  fails(
    [
      "review",
      "grant",
      "--org",
      orgId,
      "--project",
      project.id,
      "--email",
      second.email,
      "--fingerprint",
      owner.fingerprint,
      "--role",
      "reviewer",
      ...as(owner),
    ],
    /does not match the fingerprint/,
  );
  fails(
    ["review", "grant", "--org", orgId, "--project", project.id, "--email", second.email, ...as(owner)],
    /Give --fingerprint/,
  );
  fails(open, /Not allowed|not found|No such|forbidden|waiting/i);

  const granted = ok([
    "review",
    "grant",
    "--org",
    orgId,
    "--project",
    project.id,
    "--email",
    second.email,
    "--fingerprint",
    second.fingerprint.toLowerCase(),
    "--role",
    "reviewer",
    ...as(owner),
  ]);
  assert.match(granted, new RegExp(second.fingerprint));
  ok(open);
  assert.equal(readManifestComment(out), comment);
});

test("login asks for the second factor of an account that has one; a wrong code is refused", async () => {
  const cookie = JSON.parse(fs.readFileSync(second.sessionFile, "utf8")).cookie;
  const headers = { "Content-Type": "application/json", "X-Sealshot-Request": "1", Origin: url };
  const setup = await request("POST", "/v1/me/mfa/setup", { body: {}, cookie, headers });
  assert.equal(setup.status, 200, JSON.stringify(setup.json));
  const enabled = await request("POST", "/v1/me/mfa/enable", {
    body: { code: totp(setup.json.secret) },
    cookie,
    headers,
  });
  assert.equal(enabled.status, 200, JSON.stringify(enabled.json));
  const login = ["login", "--server", url, "--email", second.email, ...as(second)];
  fails([...login, "--mfa-code", "000000"], /code is wrong/);
  ok([...login, "--mfa-code", enabled.json.recovery_codes[0]]);
  fails([...login, "--mfa-code", enabled.json.recovery_codes[0]], /code is wrong/); // each code once
});

test("project import-key turns a secret key file into grants for a project made before organisations", async () => {
  const secretFile = path.join(work, "legacy.secret");
  const made = ok([
    "project",
    "create",
    "--data-dir",
    dataDir,
    "--name",
    "Legacy",
    "--origin",
    "https://shop.example",
    "--secret-key-out",
    secretFile,
  ]);
  const [legacyId, snippet] = made.trim().split("\n");
  const legacyKey = /data-key="([^"]+)"/.exec(snippet)[1];
  const legacySubmission = await ingest(legacyId, legacyKey, comment + " (legacy)");
  ok(["org", "adopt-project", "--data-dir", dataDir, "--org", orgId, "--project", legacyId]);

  // A key file that is not the project's is refused.
  const otherFile = path.join(work, "other.secret");
  ok(["keygen", "--secret-key-out", otherFile, "--public-key-out", path.join(work, "other.public")]);
  fails(
    ["project", "import-key", "--org", orgId, "--project", legacyId, "--secret-key", otherFile, ...as(owner)],
    /is not the secret key of/,
  );
  // A wrong fingerprint for --grant-to: refused before anything is sent for that member.
  fails(
    [
      "project",
      "import-key",
      "--org",
      orgId,
      "--project",
      legacyId,
      "--secret-key",
      secretFile,
      "--grant-to",
      second.email,
      "--fingerprint",
      owner.fingerprint,
      ...as(owner),
    ],
    /does not match the fingerprint/,
  );

  ok([
    "project",
    "import-key",
    "--org",
    orgId,
    "--project",
    legacyId,
    "--secret-key",
    secretFile,
    "--grant-to",
    second.email,
    "--fingerprint",
    second.fingerprint,
    "--role",
    "viewer",
    ...as(owner),
  ]);
  for (const person of [owner, second]) {
    const out = path.join(work, `legacy-${person === owner ? "owner" : "second"}`);
    ok([
      "review",
      "open",
      "--org",
      orgId,
      "--project",
      legacyId,
      "--id",
      legacySubmission,
      "--out",
      out,
      ...as(person),
    ]);
    assert.equal(readManifestComment(out), comment + " (legacy)");
  }
  project.legacy = {
    id: legacyId,
    publicKey: legacyKey,
    secretText: fs.readFileSync(secretFile, "utf8").trim().split("\n").pop(),
  };
  fs.rmSync(secretFile); // the operator's file is no longer needed (and is not part of the scan)
});

test("a pinned project key that the server changes is refused before anything is opened", () => {
  const pinsFile = path.join(owner.home, "pins.json");
  const saved = fs.readFileSync(pinsFile, "utf8");
  const pins = JSON.parse(saved);
  assert.equal(pins[url].project[project.id], project.publicKey);
  pins[url].project[project.id] = project.legacy.publicKey; // as if the server now sent another key
  fs.writeFileSync(pinsFile, JSON.stringify(pins));
  const out = path.join(work, "not-opened");
  fails(
    ["review", "open", "--org", orgId, "--project", project.id, "--id", submissionId, "--out", out, ...as(owner)],
    /different public key for project/,
  );
  assert.ok(!fs.existsSync(out));
  fs.writeFileSync(pinsFile, saved);
});

test("project rotate-key and revoke --rotate: old reports keep their key, new ones need the new key, the revoked person gets none", async () => {
  const third = { email: "third@acme.example", password: "amber-orchard-compass-71" };
  third.home = path.join(work, "third");
  third.sessionFile = path.join(third.home, "session.json");
  third.passwordFile = path.join(work, "third.password");
  fs.writeFileSync(third.passwordFile, third.password + "\n", { mode: 0o600 });
  const invite = JSON.parse(
    ok([
      "org",
      "invite",
      "--data-dir",
      dataDir,
      "--org",
      orgId,
      "--email",
      third.email,
      "--role",
      "member",
      "--console-url",
      url,
      "--json",
    ]),
  );
  third.fingerprint = fingerprintOf(ok(["account", "setup", "--link", invite.link, ...as(third), ...testKdf]));

  const [id, snippet1] = ok([
    "review",
    "create-project",
    "--org",
    orgId,
    "--name",
    "Rotating",
    "--origin",
    "https://shop.example",
    ...as(owner),
  ])
    .trim()
    .split("\n");
  const key1 = /data-key="([^"]+)"/.exec(snippet1)[1];
  // The owner confirmed second's fingerprint before (pinned), third's now.
  ok(["review", "grant", "--org", orgId, "--project", id, "--email", second.email, "--role", "reviewer", ...as(owner)]);
  ok([
    "review",
    "grant",
    "--org",
    orgId,
    "--project",
    id,
    "--email",
    third.email,
    "--fingerprint",
    third.fingerprint,
    "--role",
    "viewer",
    ...as(owner),
  ]);
  const oldReport = await ingest(id, key1, "before the rotation qv3k");
  const openAs = (person, report, out) => [
    "review",
    "open",
    "--org",
    orgId,
    "--project",
    id,
    "--id",
    report,
    "--out",
    path.join(work, out),
    ...as(person),
  ];
  const keysNow = async () => {
    const cookie = JSON.parse(fs.readFileSync(owner.sessionFile, "utf8")).cookie;
    return (await request("GET", `/v1/orgs/${orgId}/projects/${id}/keys`, { cookie })).json.items;
  };

  // A person whose key this computer never confirmed stops the rotation; a wrong fingerprint too. Nothing changes.
  const pinsFile = path.join(owner.home, "pins.json");
  const savedPins = fs.readFileSync(pinsFile, "utf8");
  const pins = JSON.parse(savedPins);
  const thirdId = JSON.parse(fs.readFileSync(third.sessionFile, "utf8")).person_id;
  assert.ok(pins[url].person[thirdId]);
  delete pins[url].person[thirdId];
  fs.writeFileSync(pinsFile, JSON.stringify(pins));
  const rotate = ["project", "rotate-key", "--org", orgId, "--project", id, ...as(owner)];
  fails(rotate, /nobody confirmed the key fingerprint of third@acme\.example/);
  fails([...rotate, "--fingerprint", `${third.email}=${owner.fingerprint}`], /does not match the fingerprint/);
  assert.equal((await keysNow()).length, 1);
  fs.writeFileSync(pinsFile, savedPins);

  const rotated = sealshot(rotate);
  assert.equal(rotated.status, 0, rotated.stderr);
  const key2 = /data-key="([^"]+)"/.exec(rotated.stdout)[1];
  assert.notEqual(key2, key1);
  assert.match(rotated.stderr, /to key 2 .*sealed to owner@acme\.example, second@acme\.example, third@acme\.example/);
  assert.deepEqual(
    (await keysNow()).map((k) => [k.key_number, k.public_key, k.current]),
    [
      [2, key2, true],
      [1, key1, false],
    ],
  );
  const newReport = await ingest(id, key2, "after the rotation wx8p");
  for (const [person, name] of [
    [owner, "owner"],
    [second, "second"],
    [third, "third"],
  ]) {
    ok(openAs(person, oldReport, `rot-old-${name}`));
    assert.equal(readManifestComment(path.join(work, `rot-old-${name}`)), "before the rotation qv3k");
    ok(openAs(person, newReport, `rot-new-${name}`));
    assert.equal(readManifestComment(path.join(work, `rot-new-${name}`)), "after the rotation wx8p");
  }

  // Revoke and rotate in one step: third holds no grant any more and cannot open anything.
  const revoked = sealshot([
    "project",
    "revoke",
    "--org",
    orgId,
    "--project",
    id,
    "--email",
    third.email,
    "--rotate",
    ...as(owner),
  ]);
  assert.equal(revoked.status, 0, revoked.stderr);
  assert.match(revoked.stderr, /Revoked third@acme\.example's access/);
  assert.match(revoked.stderr, /to key 3 .*sealed to owner@acme\.example, second@acme\.example\./);
  const key3 = /data-key="([^"]+)"/.exec(revoked.stdout)[1];
  const thirdCookie = JSON.parse(fs.readFileSync(third.sessionFile, "utf8")).cookie;
  assert.equal((await request("GET", `/v1/orgs/${orgId}/projects/${id}/grant`, { cookie: thirdCookie })).status, 404);
  const newest = await ingest(id, key3, "after the revocation mz5t");
  fails(openAs(third, newest, "rot-newest-third"), /No such project/);
  ok(openAs(second, newest, "rot-newest-second"));
  assert.equal(readManifestComment(path.join(work, "rot-newest-second")), "after the revocation mz5t");

  // Given back the current key only, third reads new reports but not old ones, and is told why.
  ok([
    "review",
    "grant",
    "--org",
    orgId,
    "--project",
    id,
    "--email",
    third.email,
    "--role",
    "viewer",
    "--current-key-only",
    ...as(owner),
  ]);
  ok(openAs(third, newest, "rot-newest-third"));
  const notOpened = sealshot(openAs(third, oldReport, "rot-old-third-again"));
  assert.equal(notOpened.status, 4, notOpened.stderr); // a key problem (docs/operations.md, exit statuses)
  assert.match(notOpened.stderr, /^sealshot: None of the project keys you hold \(key 3\) opens sub_\w+: .*older keys/);
  // A grant of every key the owner holds opens the old reports too (a newcomer's case).
  assert.match(
    ok(["review", "grant", "--org", orgId, "--project", id, "--email", third.email, ...as(owner)]),
    /keys 3, 2 and 1/,
  );
  ok(openAs(third, oldReport, "rot-old-third-again"));
  assert.equal(readManifestComment(path.join(work, "rot-old-third-again")), "before the rotation qv3k");
  project.rotating = { id };
});

test("key-derivation parameters outside the pinned range are refused before deriving or sending anything", async () => {
  // A malicious server (same certificate) asking for a cheap (guessable) or a huge (hanging) derivation.
  const seen = [];
  let kdf;
  const fake = https.createServer(
    {
      cert: fs.readFileSync(caCert),
      key: fs.readFileSync(path.join(dataDir, "tls", "localhost.key")),
    },
    (req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ kdf }));
    },
  );
  await new Promise((r) => fake.listen(0, "127.0.0.1", r));
  try {
    const fakeUrl = `https://127.0.0.1:${fake.address().port}`;
    const salt = "A".repeat(21) + "A";
    for (const params of [
      { opslimit: 1, memlimit: 8 << 20 },
      { opslimit: 3, memlimit: 32 << 20 },
      { opslimit: 3, memlimit: 2048 * 2 ** 20 },
      { opslimit: 100, memlimit: 64 << 20 },
    ]) {
      kdf = { salt, ...params };
      seen.length = 0;
      await new Promise((resolve, reject) => {
        const child = spawn(
          cli,
          [
            "login",
            "--server",
            fakeUrl,
            "--email",
            owner.email,
            "--password-file",
            owner.passwordFile,
            "--ca-cert",
            caCert,
            "--session-file",
            path.join(work, "fake", "session.json"),
          ],
          { env: { ...process.env, HOME: work } },
        );
        let stderr = "";
        child.stderr.on("data", (d) => {
          stderr += d;
        });
        child.on("error", reject);
        child.on("exit", (code, signal) => {
          try {
            assert.equal(code, 1, `${JSON.stringify(params)}: ${signal} ${stderr}`);
            assert.match(stderr, /Refusing the server's key-derivation parameters/);
            resolve();
          } catch (e) {
            reject(e);
          }
        });
      });
      assert.deepEqual(seen, ["POST /v1/auth/prelogin"], JSON.stringify(params));
    }
    assert.ok(!fs.existsSync(path.join(work, "fake", "session.json")));
  } finally {
    await new Promise((r) => fake.close(r));
  }
});

// Every secret one person's password leads to, computed by the core from what the server holds.
async function secretsOf(person) {
  const cookie = JSON.parse(fs.readFileSync(person.sessionFile, "utf8")).cookie;
  const me = (await request("GET", "/v1/me", { cookie })).json;
  const grants = [];
  for (const p of [project, project.legacy]) {
    const g = await request("GET", `/v1/orgs/${orgId}/projects/${p.id}/grant`, { cookie });
    assert.equal(g.status, 200);
    grants.push({ sealed_key: g.json.sealed_key, project_public_key: p.publicKey });
  }
  // Every key of the rotated project (keys 3, 2 and 1).
  const rotating = await request("GET", `/v1/orgs/${orgId}/projects/${project.rotating.id}/grant`, { cookie });
  assert.equal(rotating.status, 200);
  assert.equal(rotating.json.keys.length, 3);
  for (const k of rotating.json.keys) grants.push({ sealed_key: k.sealed_key, project_public_key: k.public_key });
  const r = spawnSync(secretsTool, [], {
    input: JSON.stringify({
      password: person.password,
      kdf: me.kdf,
      public_key: me.public_key,
      wrapped_secret_key: me.wrapped_secret_key,
      grants,
    }),
    encoding: "utf8",
    timeout: 30000,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function filesUnder(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

test("privacy scan: no password, derived key, secret key or report text in the data directory, logs or session files", async () => {
  const needles = new Map();
  for (const person of [owner, second]) {
    const s = await secretsOf(person);
    needles.set(`${person.email} password`, person.password);
    needles.set(`${person.email} auth key (base64url)`, s.auth_key_text);
    needles.set(`${person.email} auth key (hex)`, s.auth_key_hex);
    needles.set(`${person.email} wrap key (hex)`, s.wrap_key_hex);
    needles.set(`${person.email} wrap key (base64url)`, s.wrap_key_text);
    needles.set(`${person.email} secret key`, s.secret_key_text);
    assert.equal(s.project_secret_keys[1], project.legacy.secretText);
    s.project_secret_keys.forEach((k, i) => needles.set(`project ${i} secret key`, k));
  }
  needles.set("report comment", comment);
  for (const text of ["before the rotation qv3k", "after the rotation wx8p", "after the revocation mz5t"]) {
    needles.set(`report comment '${text}'`, text);
  }
  // While the server runs (the WAL may still hold pages), and after it stopped (checkpointed).
  const scan = () => {
    const files = [
      ...filesUnder(dataDir),
      ...filesUnder(logDir),
      ...filesUnder(owner.home),
      ...filesUnder(second.home),
    ];
    assert.ok(
      files.some((f) => f.endsWith("sealshot.db")),
      "the database is scanned",
    );
    assert.ok(
      files.some((f) => f.endsWith("session.json")),
      "the session files are scanned",
    );
    const hits = [];
    for (const f of files) {
      const bytes = fs.readFileSync(f);
      const text = bytes.toString("latin1");
      for (const [what, needle] of needles) {
        if (text.includes(needle) || text.toLowerCase().includes(needle.toLowerCase())) hits.push(`${what} in ${f}`);
      }
    }
    return { files: files.length, hits };
  };
  const running = scan();
  assert.deepEqual(running.hits, []);
  const exited = new Promise((r) => server.once("exit", r));
  server.kill("SIGTERM");
  await exited;
  const stopped = scan();
  assert.deepEqual(stopped.hits, []);
  // The logs did record the session (the scan looked at real content).
  assert.ok(fs.statSync(path.join(logDir, "server.stdout")).size > 1000);
});
