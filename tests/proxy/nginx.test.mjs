// The documented reverse-proxy deployment (docs/nginx/sealshot.conf, read as
// is with ports and paths replaced): Debian's nginx on loopback terminates
// TLS in front of sealshot-server (--insecure-http --trusted-proxy). A
// report goes through it while slow clients hold connections to nginx, and
// the server's workers stay free; the same slow clients sent straight to the
// server starve it (the control that shows this test can fail).
// Needs nginx and openssl (scripts/apt-packages.txt), the native build
// (SEALSHOT_CLI; sealshot-server beside it). About 5 s.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { fileURLToPath } from "node:url";
import { tinyPng } from "../cli/support/tiny-png.mjs";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = process.env.SEALSHOT_CLI ?? path.join(repoRoot, "build/server/sealshot");
const serverBinary = path.join(path.dirname(cli), "sealshot-server");
const exampleConf = path.join(repoRoot, "docs/nginx/sealshot.conf");
const origin = "https://shop.example";
const threads = 4; // few workers, so a handful of slow clients would take them all
const slowCount = 24;

let dir, serverPort, proxyPort, server, projectId, envelope;
const sockets = new Set();

function ok(command, args) {
  const r = spawnSync(command, args, { encoding: "utf8", timeout: 30000 });
  assert.equal(r.status, 0, `${command} ${args.join(" ")}\n${r.stderr}`);
  return r.stdout;
}
function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(condition, ms, what) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// One request on a fresh connection; resolves to { status, body } or { error }.
function request(transport, port, method, pathname, { body, headers = {}, timeout = 3000 } = {}) {
  return new Promise((resolve) => {
    const req = transport.request(
      {
        host: "127.0.0.1",
        port,
        method,
        path: pathname,
        timeout,
        rejectUnauthorized: false,
        agent: false,
        headers: body ? { ...headers, "Content-Length": body.length } : headers,
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ error: e.code ?? e.message }));
    req.end(body);
  });
}
const postReport = (transport, port, timeout) =>
  request(transport, port, "POST", `/v1/projects/${projectId}/submissions`, {
    body: envelope,
    timeout,
    headers: { "Content-Type": "application/octet-stream", Origin: origin },
  });

// Slow clients: half send headers a line every second, half announce a
// body and trickle it. `secure`: TLS first (to nginx), else plain HTTP.
function openSlowClients(port, secure) {
  for (let i = 0; i < slowCount; ++i) {
    const socket = secure
      ? tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false })
      : net.connect({ host: "127.0.0.1", port });
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on(secure ? "secureConnect" : "connect", () => {
      socket.write(
        i % 2
          ? `POST /v1/projects/${projectId}/submissions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: ${envelope.length}\r\n\r\nS`
          : "GET /healthz HTTP/1.1\r\nHost: localhost\r\n",
      );
      const timer = setInterval(() => socket.write(i % 2 ? "E" : "X-Slow: 1\r\n"), 1000);
      socket.on("close", () => clearInterval(timer));
    });
  }
}
function closeSlowClients() {
  for (const s of sockets) s.destroy();
  sockets.clear();
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sealshot-nginx-"));
  const data = path.join(dir, "data");
  const created = JSON.parse(
    ok(cli, [
      "project",
      "create",
      "--data-dir",
      data,
      "--name",
      "Shop",
      "--origin",
      origin,
      "--secret-key-out",
      path.join(dir, "shop.secret"),
      "--json",
    ]),
  );
  projectId = created.project.id;
  fs.writeFileSync(path.join(dir, "shop.pub"), created.project.public_key);
  fs.writeFileSync(path.join(dir, "shot.png"), tinyPng(1, 1));
  ok(cli, [
    "seal",
    "--project",
    projectId,
    "--public-key",
    path.join(dir, "shop.pub"),
    "--comment",
    "Through nginx",
    path.join(dir, "shot.png"),
    path.join(dir, "report.env"),
  ]);
  envelope = fs.readFileSync(path.join(dir, "report.env"));

  serverPort = await freePort();
  proxyPort = await freePort();
  server = spawn(
    serverBinary,
    [
      "--data-dir",
      data,
      "--insecure-http",
      "--listen",
      `127.0.0.1:${serverPort}`,
      "--trusted-proxy",
      "127.0.0.1",
      "--threads",
      String(threads),
      "--queue",
      "4",
      "--overflow-threads",
      "1",
      "--overflow-queue",
      "4",
      "--log-level",
      "warn",
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  await until(async () => !(await request(http, serverPort, "GET", "/healthz")).error, 10000, "sealshot-server");

  ok("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=localhost",
    "-keyout",
    path.join(dir, "key.pem"),
    "-out",
    path.join(dir, "cert.pem"),
  ]);
  const example = fs.readFileSync(exampleConf, "utf8");
  const site = example
    .replace("server 127.0.0.1:8080;", `server 127.0.0.1:${serverPort};`)
    .replace("listen 443 ssl;", `listen 127.0.0.1:${proxyPort} ssl;`)
    .replace("/etc/ssl/sealshot/fullchain.pem", path.join(dir, "cert.pem"))
    .replace("/etc/ssl/sealshot/privkey.pem", path.join(dir, "key.pem"));
  assert.notEqual(site, example);
  assert.match(site, new RegExp(`listen 127.0.0.1:${proxyPort} ssl;`));
  fs.writeFileSync(path.join(dir, "sealshot.conf"), site);
  fs.mkdirSync(path.join(dir, "tmp"));
  fs.writeFileSync(
    path.join(dir, "nginx.conf"),
    `user root;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp;
  proxy_temp_path ${dir}/tmp;
  include ${dir}/sealshot.conf;
}
`,
  );
  ok("nginx", ["-c", path.join(dir, "nginx.conf"), "-e", path.join(dir, "error.log")]);
  await until(async () => !(await request(https, proxyPort, "GET", "/healthz")).error, 10000, "nginx");
});

after(() => {
  closeSlowClients();
  try {
    process.kill(Number(fs.readFileSync(path.join(dir, "nginx.pid"), "utf8")), "SIGQUIT");
  } catch {}
  if (server) server.kill("SIGTERM");
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a report goes through nginx while slow clients hold connections to it", async () => {
  openSlowClients(proxyPort, true);
  await sleep(1500); // every slow client connected and sent its first bytes
  const res = await postReport(https, proxyPort, 3000);
  assert.equal(res.status, 201, JSON.stringify(res));
  assert.match(JSON.parse(res.body).id, /^sub_/);
  // …and the server itself has a worker free at once: none is held by a slow client.
  const direct = await request(http, serverPort, "GET", "/healthz", { timeout: 1000 });
  assert.equal(direct.status, 200, JSON.stringify(direct));
  closeSlowClients();
});

test("control: the same slow clients sent straight to the server starve it", async () => {
  openSlowClients(serverPort, false);
  await sleep(1000);
  const res = await postReport(http, serverPort, 1500);
  assert.notEqual(res.status, 201, "the server should have had no worker free");
  closeSlowClients();
});
