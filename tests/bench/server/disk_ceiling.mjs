// The durable-write ceiling the ingest benchmark is compared with: how many
// 200 KB writes a second the disk under --dir takes when every 4th write is
// followed by an fdatasync (sealshot's batches are larger, so this is a floor
// of what its storage could reach). A bounded loop (--seconds, default 5)
// into one file in a fresh temporary directory, removed afterwards.
//   node disk_ceiling.mjs [--dir DIR] [--seconds S] [--bytes N] [--sync-every K]
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values: a } = parseArgs({
  options: {
    dir: { type: "string", default: os.tmpdir() },
    seconds: { type: "string", default: "5" },
    bytes: { type: "string", default: "204800" },
    "sync-every": { type: "string", default: "4" },
  },
});
const seconds = Number(a.seconds);
const size = Number(a.bytes);
const syncEvery = Number(a["sync-every"]);
if (!(seconds > 0 && seconds <= 60 && size > 0 && syncEvery > 0)) {
  console.error("disk_ceiling: --seconds must be in (0, 60], --bytes and --sync-every positive");
  process.exit(2);
}
// Random bytes, like ciphertext: nothing for a compressing file system to gain.
const block = crypto.randomBytes(size);
const dir = fs.mkdtempSync(path.join(a.dir, "sealshot-disk-ceiling-"));
let writes = 0;
let syncs = 0;
let elapsed = 0;
try {
  const fd = fs.openSync(path.join(dir, "ceiling.bin"), "w");
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < end) {
    fs.writeSync(fd, block);
    writes += 1;
    if (writes % syncEvery === 0) {
      fs.fdatasyncSync(fd);
      syncs += 1;
    }
    now = process.hrtime.bigint();
  }
  fs.fdatasyncSync(fd);
  elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  fs.closeSync(fd);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
const perSecond = writes / elapsed;
console.log(
  `durable-write ceiling: ${perSecond.toFixed(0)} writes/s of ${size} B ` +
    `(${((perSecond * size) / 1e6).toFixed(0)} MB/s), fdatasync every ${syncEvery} writes; ` +
    `${writes} writes, ${syncs} syncs in ${elapsed.toFixed(2)} s`,
);
