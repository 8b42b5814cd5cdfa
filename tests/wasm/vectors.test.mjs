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
      assert.throws(
        () => core.open(hex(v.envelope), v.secret_key, v.project_id),
        (e) => e instanceof SealshotError && e.code === v.expect_error,
      );
    } else {
      assert.deepEqual(core.open(hex(v.envelope), v.secret_key, v.project_id), hex(v.payload));
      assert.equal(core.inspect(hex(v.envelope)).projectId, v.project_id);
    }
  });
}

test("the vectors include authentic streams with PUSH and REKEY tags, which readers refuse", () => {
  for (const name of ["push-tag-mid-stream", "rekey-tag-mid-stream"]) {
    assert.equal(vectors.find((v) => v.name === name)?.expect_error, "envelope_corrupt", name);
  }
});

// docs/envelope.md's manifest table, read from the page: the fields in the
// first column of the table under "## Manifest".
function documentedManifest() {
  const doc = fs.readFileSync(path.join(repoRoot, "docs/envelope.md"), "utf8");
  const section = doc.slice(doc.indexOf("\n## Manifest\n"));
  const fields = new Map();
  for (const line of section.split("\n").filter((l) => l.startsWith("| `"))) {
    const cells = line.split("|").map((c) => c.trim());
    for (const [, name] of cells[1].matchAll(/`([a-z_]+)`/g)) fields.set(name, cells[3]);
  }
  return fields;
}

test("the packed-report vector is a report whose manifest uses the documented fields", () => {
  const v = vectors.find((x) => x.name === "packed-report");
  const report = core.openReport(hex(v.envelope), v.secret_key, v.project_id);
  assert.deepEqual(
    report.parts.map((p) => [p.name, p.type]),
    [
      ["manifest.json", "application/json"],
      ["screenshot.png", "image/png"],
    ],
  );
  const fields = documentedManifest();
  assert.ok(fields.size >= 10, "the manifest table was found");
  for (const key of Object.keys(report.manifest))
    assert.ok(fields.has(key), `manifest field '${key}' is not in docs/envelope.md`);
  for (const [name, writtenBy] of fields) {
    if (/required/.test(writtenBy)) assert.ok(name in report.manifest, `required field '${name}' missing`);
  }
  assert.equal(report.manifest.schema, 1);
  for (const key of ["width", "height", "device_pixel_ratio", "redactions"])
    assert.ok(key in report.manifest.screenshot, key);
});
