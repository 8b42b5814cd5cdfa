// Our diffStyle (src/app/diff-style.js) stands in for modern-screenshot's
// getDiffStyle in the bundle (build.mjs): the same Map, entries in the same
// order, for any list, values, defaults and priorities. Checked against the
// library's own function, cut from the installed file as the build cuts it.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { createRequire } from "node:module";
import { diffStyle } from "../src/app/diff-style.js";

const require = createRequire(import.meta.url);
const source = fs.readFileSync(
  require
    .resolve("modern-screenshot")
    .replace(/index\.c?js$/, "index.mjs")
    .replace(/\.cjs$/, ".mjs"),
  "utf8",
);
const start = source.indexOf("function getDiffStyle(style, defaultStyle, includeStyleProperties) {");
const end = source.indexOf("function copyCssStyles(", start);
const libraryDiffStyle = new Function(`${source.slice(start, end)}; return getDiffStyle;`)();

const NAMES = [
  "color",
  "display",
  "margin-top",
  "margin-bottom",
  "border-top-width",
  "border-top-style",
  "border-top-color",
  "border-left-width",
  "-webkit-text-stroke-width",
  "-webkit-text-stroke-color",
  "-x",
  "zoom",
  "background-color",
  "background-image",
  "font-size",
  "margin-top", // a name twice
];

// A small deterministic generator, so a failure can be replayed.
function random(seed) {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
}

function fakeStyle(values, priorities) {
  const names = Object.keys(values);
  return {
    getPropertyValue: (name) => values[name] ?? "",
    getPropertyPriority: (name) => priorities[name] ?? "",
    get length() {
      return names.length;
    },
    item: (i) => names[i],
  };
}

test("diffStyle returns the library's Map, in its order, on random styles", () => {
  assert.ok(start > 0 && end > start, "getDiffStyle found in modern-screenshot's file");
  for (let seed = 1; seed <= 500; seed++) {
    const r = random(seed);
    const list = NAMES.filter(() => r() < 0.8);
    const values = {},
      priorities = {},
      defaults = new Map();
    for (const name of NAMES) {
      values[name] = r() < 0.5 ? "a" : "b";
      if (r() < 0.1) priorities[name] = "important";
      if (r() < 0.9) defaults.set(name, r() < 0.7 ? values[name] : "other");
    }
    const style = fakeStyle(values, priorities);
    for (const names of [list, undefined]) {
      const ours = [...diffStyle(style, defaults, names)];
      const theirs = [...libraryDiffStyle(style, defaults, names)];
      assert.deepEqual(ours, theirs, `seed ${seed}, ${names ? "a list" : "every property"}`);
    }
    // Called again with the same list (its plan is cached): the same again.
    assert.deepEqual([...diffStyle(style, defaults, list)], [...libraryDiffStyle(style, defaults, list)]);
  }
});

test("a group is written whole when one member differs, and only then", () => {
  const style = fakeStyle({ "border-top-width": "2px", "border-top-style": "solid", color: "red" }, {});
  const defaults = new Map([
    ["border-top-width", "0px"],
    ["border-top-style", "solid"],
    ["color", "red"],
  ]);
  assert.deepEqual(
    [...diffStyle(style, defaults, ["color", "border-top-style", "border-top-width"])],
    [
      ["border-top-style", ["solid", ""]],
      ["border-top-width", ["2px", ""]],
    ],
  );
});
