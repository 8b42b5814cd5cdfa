// The phone detector on the wasm build, measured like the native
// tests/pii_phone_examples_test.cpp on libphonenumber's example numbers of
// every region (phone_examples.json, generated beside core.wasm by the wasm
// build from the same metadata as the tables compiled into it). The floors
// are the native test's: the two builds must find the same numbers.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { loadCore, wasmDir } from "./support/load-core.mjs";

const { core } = await loadCore();
const examples = JSON.parse(fs.readFileSync(path.join(wasmDir, "phone_examples.json"), "utf8"));

// A number counts as found when the scan yields exactly one hit: a phone hit covering exactly the number.
function found(before, number, after) {
  const hits = core.scan(before + number + after);
  return (
    hits.length === 1 &&
    hits[0].kind === "phone" &&
    hits[0].start === before.length &&
    hits[0].end === before.length + number.length
  );
}

const plain = ["Ann Smith, ", ", Berlin"];
const label = ["Phone: ", ""];
const forms = [
  ["mobile", "international", "international", plain, 245],
  ["mobile", "E.164", "e164", plain, 245],
  ["mobile", "national after a label", "national", label, 245],
  ["mobile", "national in plain text", "national", plain, 224],
  ["fixed", "international", "international", plain, 245],
  ["fixed", "E.164", "e164", plain, 245],
  ["fixed", "national after a label", "national", label, 244],
  ["fixed", "national in plain text", "national", plain, 219],
];

test("every region has a mobile and a fixed-line example", () => {
  assert.equal(examples.filter((e) => e.type === "mobile").length, 245);
  assert.equal(examples.filter((e) => e.type === "fixed").length, 245);
});

for (const [type, name, field, [before, after], floor] of forms) {
  test(`${type} numbers, ${name}: found in at least ${floor} regions`, () => {
    const rows = examples.filter((e) => e.type === type);
    const missed = rows.filter((e) => !found(before, e[field], after)).map((e) => `${e.region} '${e[field]}'`);
    assert.ok(
      rows.length - missed.length >= floor,
      `found ${rows.length - missed.length}; missed: ${missed.join(", ")}`,
    );
  });
}

test("a spaced international number is found without a label, '+' included; a dashed serial after 'Call of' is not", () => {
  const text = "Free from abroad + 800 - 12 12 23 52 (24 h). Call of Duty 455-981-221";
  assert.deepEqual(core.scan(text), [{ kind: "phone", start: 17, end: 36 }]);
});
