// Writes a real envelope of about --bytes bytes for a project, sealed by the
// wasm core exactly as the widget would (random payload: incompressible, like
// ciphertext always is).
//   node make_envelope.mjs --wasm-dir build-wasm/wasm --project prj_… --public-key KEY --bytes 204800 --out FILE
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const { values: a } = parseArgs({
  options: {
    "wasm-dir": { type: "string" },
    project: { type: "string" },
    "public-key": { type: "string" },
    bytes: { type: "string" },
    out: { type: "string" },
  },
});
const { loadSealshotCore } = await import(pathToFileURL(path.join(a["wasm-dir"], "sealshot-core.mjs")).href);
const core = await loadSealshotCore({ wasmBinary: fs.readFileSync(path.join(a["wasm-dir"], "core.wasm")) });
const target = Number(a.bytes);
// Envelope overhead: header (128 + id length) + 17 bytes per 64 KiB chunk.
const overhead = 128 + a.project.length + 17 * Math.ceil(target / 65536);
const payload = crypto.randomBytes(Math.max(0, target - overhead));
const envelope = core.seal(a.project, a["public-key"], payload);
fs.writeFileSync(a.out, envelope);
console.log(envelope.length);
