// The ingest side of a browser test: the real sealshot-server (real TLS with
// its self-signed localhost certificate) also serving the built widget
// (--widget-dir), a project made with the `sealshot` CLI, its embed snippet
// from `sealshot project snippet`, envelopes read back with `sealshot submissions get`.
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import net from "node:net";
import https from "node:https";
import { promisify } from "node:util";
import { repoRoot } from "./browser.mjs";

const run = promisify(execFile);
const SERVER = process.env.SEALSHOT_SERVER ?? path.join(repoRoot, "build/server/sealshot-server");
const CLI = process.env.SEALSHOT_CLI ?? path.join(repoRoot, "build/server/sealshot");

/** A free loopback port (bound and released at once). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** origin: the demo site's origin, allowed by the project's CORS list; widgetDir: build/widget. */
export async function startIngest({ origin, widgetDir }) {
  for (const binary of [SERVER, CLI]) {
    if (!fs.existsSync(binary)) throw new Error(`${binary} is not built: run scripts/build first.`);
  }
  return startReal({ origin, widgetDir });
}

async function startReal({ origin, widgetDir }) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sealshot-ingest-"));
  const secretFile = path.join(dataDir, "..", path.basename(dataDir) + ".secret");
  const { stdout } = await run(
    CLI,
    [
      "project",
      "create",
      "--data-dir",
      dataDir,
      "--name",
      "Widget test",
      "--origin",
      origin,
      "--secret-key-out",
      secretFile,
      "--json",
    ],
    { timeout: 20_000 },
  );
  const { id: project, public_key: publicKey } = JSON.parse(stdout).project;
  const secretKey = fs
    .readFileSync(secretFile, "utf8")
    .split("\n")
    .find((l) => l.trim() && !l.startsWith("#"))
    .trim();
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  let child = null;
  const start = async () => {
    child = spawn(
      SERVER,
      ["--listen", `127.0.0.1:${port}`, "--data-dir", dataDir, "--widget-dir", widgetDir, "--log-level", "warn"],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    for (let i = 0; i < 100; i++) {
      if (await healthy(url)) return;
      if (child.exitCode != null) throw new Error(`sealshot-server exited: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`sealshot-server did not become ready: ${stderr}`);
  };
  const stop = async () => {
    if (!child || child.exitCode != null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode == null) child.kill("SIGKILL");
  };
  await start();
  return {
    url,
    project,
    publicKey,
    secretKey,
    dataDir,
    /** What `sealshot project snippet` prints for this server: {snippet, integrity}. */
    async snippet() {
      const { stdout: out } = await run(
        CLI,
        [
          "project",
          "snippet",
          "--data-dir",
          dataDir,
          "--project",
          project,
          "--widget-dir",
          widgetDir,
          "--public-url",
          url,
          "--json",
        ],
        { timeout: 20_000 },
      );
      return JSON.parse(out);
    },
    async envelope(id) {
      const out = path.join(dataDir, "..", `${path.basename(dataDir)}-${id}.env`);
      await run(CLI, ["submissions", "get", "--data-dir", dataDir, "--project", project, "--id", id, "--out", out], {
        timeout: 20_000,
      });
      const bytes = new Uint8Array(fs.readFileSync(out));
      fs.rmSync(out, { force: true });
      return bytes;
    },
    /** `sealshot project set-quota` on this project while the server runs; returns the CLI's JSON. */
    async setQuota(flags) {
      const { stdout: out } = await run(
        CLI,
        ["project", "set-quota", "--data-dir", dataDir, "--project", project, ...flags, "--json"],
        { timeout: 20_000 },
      );
      return JSON.parse(out);
    },
    async count() {
      const { stdout: list } = await run(
        CLI,
        ["submissions", "list", "--data-dir", dataDir, "--project", project, "--limit", "500", "--json"],
        { timeout: 20_000 },
      );
      return JSON.parse(list).items.length;
    },
    stop,
    start,
    async close() {
      await stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(secretFile, { force: true });
    },
  };
}

function healthy(url) {
  return new Promise((resolve) => {
    const req = https.get(`${url}/healthz`, { rejectUnauthorized: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => {
      req.destroy();
      resolve(false);
    });
  });
}
