// The committed envelope v1 vectors (tests/vectors/envelope_v1.json), made by
// the native build, must open — or fail with the same error code — in wasm.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { loadCore, repoRoot } from "./support/load-core.mjs";

const { core, SealshotError } = await loadCore();
const { vectors } = JSON.parse(fs.readFileSync(path.join(repoRoot, "tests/vectors/envelope_v1.json"), "utf8"));
const hex = (s) => Uint8Array.from(Buffer.from(s, "hex"));

test("the vector file has positive and negative vectors", () => {
  assert.ok(vectors.filter((v) => !v.expect_error).length >= 4);
  assert.ok(vectors.filter((v) => v.expect_error).length >= 4);
});

for (const v of vectors) {
  test(`vector ${v.name}`, () => {
    if (v.expect_error) {
      assert.throws(() => core.open(hex(v.envelope), v.secret_key, v.project_id),
        (e) => e instanceof SealshotError && e.code === v.expect_error);
    } else {
      assert.deepEqual(core.open(hex(v.envelope), v.secret_key, v.project_id), hex(v.payload));
      assert.equal(core.inspect(hex(v.envelope)).projectId, v.project_id);
    }
  });
}
