// `sealshot org …` end to end with the real sealshot-server binary: the
// printed set-up link signs the first owner in over TLS, an invitation link
// brings a second person in, and a project made before organisations is
// adopted. Needs the native CLI and server (SEALSHOT_CLI, SEALSHOT_SERVER).
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

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = process.env.SEALSHOT_CLI ?? path.join(repoRoot, "build/server/sealshot");
const serverBinary = process.env.SEALSHOT_SERVER ?? path.join(repoRoot, "build/server/sealshot-server");
let dataDir, server, port;

function sealshot(args) {
  const { SEALSHOT_WIDGET_DIR, ...env } = process.env;
  return spawnSync(cli, args, { encoding: "utf8", timeout: 30000, env });
}
function ok(args) {
  const r = sealshot(args);
  assert.equal(r.status, 0, `sealshot ${args.join(" ")}\n${r.stderr}`);
  return r.stdout;
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

function request(method, urlPath, { body, cookie } = {}) {
  const payload = body === undefined ? "" : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: "127.0.0.1",
        port,
        path: urlPath,
        method,
        ca: fs.readFileSync(path.join(dataDir, "tls", "localhost.crt")),
        headers: {
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(payload),
          "X-Sealshot-Request": "1",
          Origin: `https://127.0.0.1:${port}`,
          ...(cookie ? { Cookie: cookie } : {}),
        },
        timeout: 10000,
      },
      (res) => {
        let text = "";
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode, headers: res.headers, json: text ? JSON.parse(text) : null }),
        );
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

// What a browser sends to accept a link. The server only stores these; the
// console derives them from the password (docs/security.md).
function newAccount() {
  const b64 = (n) => crypto.randomBytes(n).toString("base64url");
  const { publicKey } = crypto.generateKeyPairSync("x25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  return {
    auth_key: b64(32),
    kdf_salt: b64(16),
    kdf_opslimit: 3,
    kdf_memlimit: 64 << 20,
    public_key: Buffer.from(raw).toString("base64url"),
    wrapped_secret_key: "opaque." + b64(60),
  };
}

function tokenOf(link) {
  const m = /\/console\/link#([A-Za-z0-9_-]{43})$/.exec(link);
  assert.ok(m, `not a set-up link: ${link}`);
  return m[1];
}

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sealshot-org-"));
  // The data directory (with the database) exists before the server starts.
  ok(["org", "create", "--data-dir", dataDir, "--name", "Placeholder", "--owner-email", "first@acme.example"]);
  port = await freePort();
  server = spawn(serverBinary, ["--listen", `127.0.0.1:${port}`, "--data-dir", dataDir, "--log-level", "warn"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await request("GET", "/healthz")).status === 200) return;
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
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("org create prints a single-use set-up link that signs the owner in", async () => {
  const out = JSON.parse(
    ok([
      "org",
      "create",
      "--data-dir",
      dataDir,
      "--name",
      "Acme",
      "--owner-email",
      "Owner@Acme.example",
      "--console-url",
      `https://127.0.0.1:${port}/`,
      "--json",
    ]),
  );
  assert.equal(out.email, "owner@acme.example");
  assert.match(out.organisation, /^org_[a-z2-7]{26}$/);
  const token = tokenOf(out.link);
  assert.ok(out.link.startsWith(`https://127.0.0.1:${port}/console/link#`));

  const shown = await request("GET", `/v1/links/${token}`);
  assert.equal(shown.status, 200);
  assert.deepEqual([shown.json.kind, shown.json.organisation, shown.json.role], ["setup", "Acme", "owner"]);

  const accepted = await request("POST", `/v1/links/${token}/accept`, { body: newAccount() });
  assert.equal(accepted.status, 200, JSON.stringify(accepted.json));
  const cookie = accepted.headers["set-cookie"][0].split(";")[0];
  const me = await request("GET", "/v1/me", { cookie });
  assert.equal(me.status, 200);
  assert.equal(me.json.organisations[0].role, "owner");
  assert.equal((await request("POST", `/v1/links/${token}/accept`, { body: newAccount() })).status, 410);

  // org invite: a second person through the CLI-printed link.
  const invite = JSON.parse(
    ok([
      "org",
      "invite",
      "--data-dir",
      dataDir,
      "--org",
      out.organisation,
      "--email",
      "reviewer@acme.example",
      "--role",
      "viewer",
      "--json",
    ]),
  );
  const joined = await request("POST", `/v1/links/${tokenOf(invite.link)}/accept`, { body: newAccount() });
  assert.equal(joined.status, 200);
  const members = await request("GET", `/v1/orgs/${out.organisation}/members`, { cookie });
  assert.deepEqual(members.json.items.map((m) => [m.email, m.role]).sort(), [
    ["owner@acme.example", "owner"],
    ["reviewer@acme.example", "viewer"],
  ]);

  // A password reset link from the CLI: 30 minutes, shown as a reset.
  const reset = JSON.parse(
    ok(["org", "reset-link", "--data-dir", dataDir, "--email", "reviewer@acme.example", "--json"]),
  );
  const resetLink = await request("GET", `/v1/links/${tokenOf(reset.link)}`);
  assert.equal(resetLink.json.kind, "reset");
  assert.ok(resetLink.json.expires_at_ms - Date.now() <= 30 * 60 * 1000);

  // The audit log shows the CLI's and the people's actions.
  const audit = await request("GET", `/v1/orgs/${out.organisation}/audit`, { cookie });
  const actions = audit.json.items.map((e) => e.action);
  for (const a of ["org.create", "member.joined", "member.invite.viewer", "password.reset_link"]) {
    assert.ok(actions.includes(a), a);
  }

  // sealshot audit export: the same entries as JSON lines, oldest first.
  const lines = ok(["audit", "export", "--data-dir", dataDir, "--org", out.organisation])
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  assert.equal(lines.length, audit.json.items.length);
  assert.equal(lines[0].action, "org.create");
  assert.deepEqual(
    lines.map((e) => e.seq),
    [...lines.map((e) => e.seq)].sort((a, b) => a - b),
  );
});

test("org commands refuse bad input with one sentence", () => {
  for (const [args, pattern] of [
    [["org", "create", "--data-dir", dataDir, "--name", "X", "--owner-email", "not-an-email"], /email address/],
    [["org", "create", "--data-dir", dataDir, "--name", "", "--owner-email", "a@b.example"], /needs a name/],
    [
      ["org", "invite", "--data-dir", dataDir, "--org", "org_" + "a".repeat(26), "--email", "a@b.example"],
      /No such organisation/,
    ],
    [
      [
        "org",
        "invite",
        "--data-dir",
        dataDir,
        "--org",
        "org_" + "a".repeat(26),
        "--email",
        "a@b.example",
        "--role",
        "god",
      ],
      /--role must be/,
    ],
    [["org", "reset-link", "--data-dir", dataDir, "--email", "nobody@acme.example"], /No such person/],
    [
      [
        "org",
        "adopt-project",
        "--data-dir",
        dataDir,
        "--org",
        "org_" + "a".repeat(26),
        "--project",
        "prj_" + "b".repeat(26),
      ],
      /No such/,
    ],
  ]) {
    const r = sealshot(args);
    assert.equal(r.status, 1, args.join(" "));
    assert.match(r.stderr, /^sealshot: [^\n]+\n$/);
    assert.match(r.stderr, pattern);
  }
});
