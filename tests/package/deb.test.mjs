// The Debian package as an operator gets it (cmake/packaging.cmake,
// packaging/, docs/operations.md "Install on Debian"): cpack builds the .deb,
// dpkg installs it on this machine, systemd-analyze checks the unit, the
// server runs from the installed paths with the installed config as the
// unit's user, takes a real report over TLS that the CLI then opens, and
// dpkg removes and purges the package, leaving nothing behind.
//
// PID 1 is often not systemd where this runs (containers, CI), so the unit is
// not started by systemd: its ExecStart= runs as its User= through setpriv,
// with no new privileges and an empty capability bounding set like the unit;
// the file-system sandbox (ProtectSystem=strict, PrivateTmp, …) is checked by
// `systemd-analyze security --offline`, not exercised. The listen address is
// the one override (SEALSHOT_LISTEN, port 0), so a busy 8443 cannot fail it.
//
// Needs root, dpkg, systemd-analyze, setpriv, and the native build with the
// widget and console builds (scripts/build; SEALSHOT_BUILD_DIR, default
// build/). It refuses to run where a sealshot package, user or data
// directory already exists: it would purge them. About 2 min at load 12 on 2
// cores (CPU about 12 s), most of it cpack.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const buildDir = path.resolve(process.env.SEALSHOT_BUILD_DIR ?? path.join(repoRoot, "build"));
const unitPath = "/usr/lib/systemd/system/sealshot.service";
const configPath = "/etc/sealshot/sealshot.toml";
const dataDir = "/var/lib/sealshot";
const servedWidgetDir = "/var/lib/sealshot-widget";
const origin = "https://shop.example";
// A 2×2 grey PNG for `sealshot seal`.
const png = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAADklEQVR42mNoAAMGCAUAKg4GAQj2DKEAAAAASUVORK5CYII=",
  "base64",
);
// Everything the package puts on the machine, or makes there, that purge must take away.
const installedPaths = [
  "/usr/bin/sealshot-server",
  "/usr/bin/sealshot",
  "/usr/share/sealshot/widget/widget.js",
  "/usr/share/sealshot/console/index.html",
  configPath,
  unitPath,
  dataDir,
  servedWidgetDir,
  "/usr/share/doc/sealshot/operations.md",
  "/usr/share/doc/sealshot/examples/nginx-sealshot.conf",
  "/usr/share/doc/sealshot/copyright",
];
const leftoverPaths = [
  ...installedPaths,
  "/usr/share/sealshot",
  "/etc/sealshot",
  "/usr/share/doc/sealshot",
  "/etc/systemd/system/multi-user.target.wants/sealshot.service",
  "/var/lib/systemd/deb-systemd-helper-enabled/sealshot.service",
  "/var/lib/systemd/deb-systemd-helper-masked/sealshot.service",
];

const isRoot = process.getuid?.() === 0;
let dir,
  deb,
  installed = false,
  server;

function run(command, args, options = {}) {
  return spawnSync(command, args, { encoding: "utf8", timeout: 120000, ...options });
}
function ok(command, args, options) {
  const r = run(command, args, options);
  assert.equal(r.status, 0, `${command} ${args.join(" ")} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
const exists = (p) => {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
};
const userExists = (name) => run("getent", ["passwd", name]).status === 0;
const groupExists = (name) => run("getent", ["group", name]).status === 0;
const packageState = () => run("dpkg-query", ["-W", "-f=${db:Status-Abbrev}", "sealshot"]).stdout.trim();

// What the unit says (the installed file, not our source): User=, Group=, ExecStart=.
function unitSetting(unit, key) {
  const line = unit.split("\n").find((l) => l.startsWith(`${key}=`));
  assert.ok(line, `${unitPath} has no ${key}=`);
  return line.slice(key.length + 1).trim();
}
// A command as the unit's user, confined like the unit: no new privileges, no capabilities.
function asServiceUser(unit, argv) {
  return [
    "setpriv",
    "--reuid",
    unitSetting(unit, "User"),
    "--regid",
    unitSetting(unit, "Group"),
    "--init-groups",
    "--no-new-privs",
    "--bounding-set=-all",
    "--inh-caps=-all",
    "--",
    ...argv,
  ];
}
function okAsServiceUser(unit, argv) {
  const [command, ...args] = asServiceUser(unit, argv);
  return ok(command, args);
}

before(() => {
  if (!isRoot) return;
  // Never purge somebody's real installation.
  assert.ok(
    !/^.i/.test(packageState()) && !userExists("sealshot") && !exists(dataDir) && !exists("/etc/sealshot"),
    "a sealshot package, user, /var/lib/sealshot or /etc/sealshot exists on this machine; this test installs and " +
      "purges the package, so remove them first (apt-get purge sealshot) if they are a test's leftovers",
  );
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sealshot-deb-"));
});

after(async () => {
  if (server && server.exitCode === null) {
    server.kill("SIGKILL");
    await new Promise((resolve) => server.once("exit", resolve));
  }
  if (installed) run("dpkg", ["--purge", "sealshot"]); // a failed test leaves nothing either
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test(
  "the package, installed, serves a real report over TLS and purges cleanly",
  { skip: !isRoot && "needs root (dpkg)" },
  async (t) => {
    // Each step needs the one before: after a failure the rest are skipped, not failed again.
    let broken = false;
    const step = (name, fn) =>
      t.test(name, { skip: broken && "an earlier step failed" }, async (st) => {
        try {
          await fn(st);
        } catch (e) {
          broken = true;
          throw e;
        }
      });
    await step("cpack builds the .deb with the files, the conffile and the maintainer scripts", () => {
      ok("cpack", ["--config", path.join(buildDir, "CPackConfig.cmake"), "-B", path.join(dir, "deb")]);
      const debs = fs.readdirSync(path.join(dir, "deb")).filter((f) => f.endsWith(".deb"));
      assert.equal(debs.length, 1, `one .deb expected, found ${debs.join(", ")}`);
      deb = path.join(dir, "deb", debs[0]);
      const listing = ok("dpkg-deb", ["--contents", deb]);
      for (const p of installedPaths.filter((p) => p !== dataDir && p !== servedWidgetDir))
        assert.match(listing, new RegExp(` \\.${p}\\n`), `${p} in the package`);
      ok("dpkg-deb", ["--control", deb, path.join(dir, "control")]);
      assert.equal(fs.readFileSync(path.join(dir, "control", "conffiles"), "utf8").trim(), configPath);
      for (const script of ["postinst", "prerm", "postrm"])
        assert.ok(fs.existsSync(path.join(dir, "control", script)), script);
      assert.match(
        fs.readFileSync(path.join(dir, "control", "control"), "utf8"),
        /^Depends: .*libsodium23.*$/m,
        "library dependencies from dpkg-shlibdeps",
      );
    });

    await step("dpkg installs it: programs, config, unit enabled, a system user owning a 0700 data directory", () => {
      const r = run("dpkg", ["--install", deb], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
      installed = true;
      assert.equal(r.status, 0, `dpkg --install\n${r.stdout}\n${r.stderr}`);
      assert.equal(packageState(), "ii");
      for (const p of installedPaths) assert.ok(exists(p), `${p} installed`);
      const [, , uid, , , home, shell] = ok("getent", ["passwd", "sealshot"]).trim().split(":");
      assert.ok(Number(uid) < 1000, `a system uid, not ${uid}`);
      assert.equal(home, dataDir);
      assert.match(shell, /nologin|false/);
      const st = fs.statSync(dataDir);
      assert.equal(st.uid, Number(uid));
      assert.equal(st.mode & 0o777, 0o700);
      assert.ok(exists("/etc/systemd/system/multi-user.target.wants/sealshot.service"), "enabled at boot");
      ok("/usr/bin/sealshot", ["--help"]);
    });

    await step("the copyright file names every bundled part, and each licence it names has its text", () => {
      const text = fs.readFileSync("/usr/share/doc/sealshot/copyright", "utf8");
      assert.match(text, /^Format: \S+copyright-format\/1\.0\/$/m);
      const paragraphs = text
        .trim()
        .split(/\n\n+/)
        .map((p) => p.split("\n"));
      const field = (lines, name) => lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
      const named = new Set(
        paragraphs
          .filter((lines) => field(lines, "Files"))
          .flatMap((lines) =>
            field(lines, "License")
              .split(/\s+(?:and|or)\s+/)
              .map((n) => n.replace(/[()]/g, "")),
          ),
      );
      const texts = new Map(
        paragraphs
          .filter((lines) => lines[0].startsWith("License: "))
          .map((lines) => [field(lines, "License"), lines.slice(1).filter((l) => /^ \S/.test(l)).length]),
      );
      for (const name of named) assert.ok(texts.get(name) > 1, `the licence ${name} has a paragraph with its text`);
      for (const part of [
        "cpp-httplib",
        "CLI11",
        "nlohmann/json",
        "stb_image_write",
        "Libphonenumber",
        "modern-screenshot",
        "libsodium",
        "libdeflate",
        "Dear ImGui",
        "DejaVu Sans",
      ])
        assert.ok(text.includes(part), `${part} is named`);
    });
    await step("systemd-analyze verifies the unit and rates its sandbox", (st) => {
      const verify = run("systemd-analyze", ["verify", unitPath]);
      assert.equal(verify.status, 0, `systemd-analyze verify\n${verify.stdout}\n${verify.stderr}`);
      assert.doesNotMatch(verify.stderr, /sealshot\.service/, `warnings about the unit:\n${verify.stderr}`);
      const security = run("systemd-analyze", ["security", "--offline=yes", "--no-pager", unitPath]);
      const level = /Overall exposure level for sealshot\.service: ([\d.]+) (\S+)/.exec(security.stdout);
      assert.ok(level, `systemd-analyze security\n${security.stdout}\n${security.stderr}`);
      st.diagnostic(`systemd-analyze security: exposure ${level[1]} ${level[2]}`);
      assert.ok(
        Number(level[1]) <= 2.0,
        `exposure ${level[1]} ${level[2]}: the unit lost some of its hardening\n${security.stdout}`,
      );
    });

    const unit = () => fs.readFileSync(unitPath, "utf8");
    let port, project;
    // HTTPS verified against the certificate the server generated in its data directory.
    function request(method, pathname, { body, headers = {} } = {}) {
      return new Promise((resolve, reject) => {
        const req = https.request(
          {
            host: "127.0.0.1",
            port,
            method,
            path: pathname,
            servername: "localhost",
            agent: false,
            ca: fs.readFileSync(path.join(dataDir, "tls", "localhost.crt")),
            timeout: 10000,
            headers: body ? { ...headers, "Content-Length": body.length } : headers,
          },
          (res) => {
            const chunks = [];
            res.on("data", (c) => chunks.push(c));
            res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
          },
        );
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", reject);
        req.end(body);
      });
    }
    const get = (pathname) => request("GET", pathname);
    await step("ExecStart= runs as User= with the installed config and serves the installed widget", async () => {
      const execStart = unitSetting(unit(), "ExecStart").split(/\s+/);
      assert.deepEqual(execStart.slice(1), ["--config", configPath]);
      const [command, ...args] = asServiceUser(unit(), execStart);
      server = spawn("sh", ["-c", 'umask 077 && exec "$@"', "sh", command, ...args], {
        env: { PATH: process.env.PATH, SEALSHOT_LISTEN: "127.0.0.1:0" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let log = "";
      server.stderr.on("data", (chunk) => {
        log += chunk;
      });
      port = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`sealshot-server did not listen within 15 s:\n${log}`)), 15000);
        server.stdout.on("data", (chunk) => {
          log += chunk;
          const m = /"event":"listening".*"port":(\d+)/.exec(log);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
        server.once("exit", (code) => {
          clearTimeout(timer);
          reject(new Error(`sealshot-server exited ${code}:\n${log}`));
        });
      });
      assert.match(log, /"event":"widget_served"/);
      assert.match(log, /"event":"console_served"/);
      const widget = await get("/widget.js");
      assert.equal(widget.status, 200);
      assert.deepEqual(widget.body, fs.readFileSync("/usr/share/sealshot/widget/widget.js"));
    });

    await step("a sealed report sent over TLS is stored and opens with the project's key", async () => {
      // The CLI as the service's user, so every file in the data directory stays the service's.
      const keys = path.join(dir, "keys");
      fs.chmodSync(dir, 0o711); // the user may pass through to its own folder, not list ours
      fs.mkdirSync(keys, { mode: 0o700 });
      const { uid, gid } = fs.statSync(dataDir);
      fs.chownSync(keys, uid, gid);
      project = JSON.parse(
        okAsServiceUser(unit(), [
          "/usr/bin/sealshot",
          "project",
          "create",
          "--data-dir",
          dataDir,
          "--name",
          "Shop",
          "--origin",
          origin,
          "--secret-key-out",
          path.join(keys, "shop.secret"),
          "--json",
        ]),
      ).project;
      fs.writeFileSync(path.join(dir, "shop.pub"), project.public_key);
      fs.writeFileSync(path.join(dir, "shot.png"), png);
      const comment = "Sent to the packaged server";
      ok("/usr/bin/sealshot", [
        "seal",
        "--project",
        project.id,
        "--public-key",
        path.join(dir, "shop.pub"),
        "--comment",
        comment,
        path.join(dir, "shot.png"),
        path.join(dir, "report.env"),
      ]);
      const posted = await request("POST", `/v1/projects/${project.id}/submissions`, {
        body: fs.readFileSync(path.join(dir, "report.env")),
        headers: { "Content-Type": "application/octet-stream", Origin: origin },
      });
      assert.equal(posted.status, 201, posted.body.toString());
      const id = JSON.parse(posted.body).id;
      okAsServiceUser(unit(), [
        "/usr/bin/sealshot",
        "submissions",
        "get",
        "--data-dir",
        dataDir,
        "--project",
        project.id,
        "--id",
        id,
        "--secret-key",
        path.join(keys, "shop.secret"),
        "--open-dir",
        path.join(keys, "opened"),
      ]);
      assert.equal(JSON.parse(fs.readFileSync(path.join(keys, "opened", "manifest.json"), "utf8")).comment, comment);
      for (const f of fs.readdirSync(dataDir))
        assert.equal(fs.statSync(path.join(dataDir, f)).uid, uid, `${f} owned by sealshot`);
    });

    await step("SIGTERM stops it cleanly", async () => {
      const exited = new Promise((resolve) => server.once("exit", (code) => resolve(code)));
      server.kill("SIGTERM");
      assert.equal(await exited, 0);
    });

    await step("an upgrade keeps the previous build's hashed widget files in the directory the server serves", () => {
      // The next version: this package with another app bundle in place of the first.
      const tree = path.join(dir, "upgrade");
      ok("dpkg-deb", ["--raw-extract", deb, tree]);
      const shipped = path.join(tree, "usr/share/sealshot/widget");
      const oldApp = fs.readdirSync(shipped).find((f) => /^widget-app\.[0-9a-f]+\.js$/.test(f));
      const newApp = "widget-app.0123456789abcdef.js";
      fs.renameSync(path.join(shipped, oldApp), path.join(shipped, newApp));
      fs.rmSync(path.join(tree, "DEBIAN", "md5sums"));
      const control = path.join(tree, "DEBIAN", "control");
      fs.writeFileSync(control, fs.readFileSync(control, "utf8").replace(/^Version: (.*)$/m, "Version: $1+upgrade1"));
      ok("dpkg-deb", ["--build", "--root-owner-group", tree, path.join(dir, "upgrade.deb")]);
      ok("dpkg", ["--install", path.join(dir, "upgrade.deb")]);
      assert.match(ok("dpkg-query", ["-W", "-f=${Version}", "sealshot"]), /\+upgrade1$/);
      assert.ok(
        !exists(path.join("/usr/share/sealshot/widget", oldApp)),
        "dpkg removed the old app from the package's files",
      );
      // Where the installed settings point the server.
      const served = /^widget-dir\s*=\s*"([^"]+)"/m.exec(fs.readFileSync(configPath, "utf8"))[1];
      for (const f of [oldApp, newApp, "widget.js"])
        assert.ok(exists(path.join(served, f)), `${served}/${f} after the upgrade`);
    });

    await step("remove keeps data, settings and user; purge leaves nothing", () => {
      ok("dpkg", ["--remove", "sealshot"]);
      assert.equal(packageState(), "rc");
      for (const p of ["/usr/bin/sealshot-server", "/usr/share/sealshot", unitPath])
        assert.ok(!exists(p), `${p} removed`);
      for (const p of [configPath, path.join(dataDir, "sealshot.db")]) assert.ok(exists(p), `${p} kept by remove`);
      assert.ok(userExists("sealshot"), "user kept by remove");
      ok("dpkg", ["--purge", "sealshot"]);
      installed = false;
      assert.equal(packageState(), "");
      for (const p of leftoverPaths) assert.ok(!exists(p), `${p} left after purge`);
      assert.ok(!userExists("sealshot"), "user sealshot left after purge");
      assert.ok(!groupExists("sealshot"), "group sealshot left after purge");
    });
  },
);
