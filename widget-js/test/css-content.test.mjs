import { test } from "node:test";
import assert from "node:assert/strict";
import { formatCounter, needsTreeState, parseContent, parseQuotes } from "../src/shared/css-content.js";

test("strings, escapes, attr(), counters, quotes and images in computed content values", () => {
  assert.deepEqual(parseContent('"Tel: +49 151 2345678"'), [{ type: "text", text: "Tel: +49 151 2345678" }]);
  assert.deepEqual(
    parseContent(String.raw`"a\"b" 'c\'d' "\31 23" "\1F600"`).map((t) => t.text),
    ['a"b', "c'd", "123", "😀"],
  );
  assert.deepEqual(parseContent('counter(item) ". " counters(item, ".", upper-roman) open-quote'), [
    { type: "counter", name: "item", style: "decimal" },
    { type: "text", text: ". " },
    { type: "counters", name: "item", separator: ".", style: "upper-roman" },
    { type: "quote", which: "open" },
  ]);
  assert.deepEqual(parseContent("attr(data-phone)"), [{ type: "attr", name: "data-phone" }]);
  assert.deepEqual(parseContent('url("x.png") / "alt text"'), [], "an image and its alternative text draw no text");
  assert.deepEqual(
    parseContent('"a" url("x.png") "b"').map((t) => t.text),
    ["a", "b"],
  );
  for (const v of ["none", "normal", "", undefined]) assert.deepEqual(parseContent(v), []);
  assert.equal(needsTreeState(parseContent('"x"')), false);
  assert.equal(needsTreeState(parseContent("close-quote")), true);
});

test("counter styles", () => {
  assert.deepEqual(
    [1, 4, 9, 14, 1999].map((n) => formatCounter(n, "upper-roman")),
    ["I", "IV", "IX", "XIV", "MCMXCIX"],
  );
  assert.deepEqual(
    [1, 26, 27, 52].map((n) => formatCounter(n, "lower-alpha")),
    ["a", "z", "aa", "az"],
  );
  assert.equal(formatCounter(7, "decimal-leading-zero"), "07");
  assert.equal(formatCounter(9018204), "9018204");
  assert.equal(formatCounter(3, "none"), "");
  assert.equal(formatCounter(3, "some-unknown-style"), "3");
});

test("quotes", () => {
  assert.deepEqual(parseQuotes('"«" "»" "‹" "›"'), [
    ["«", "»"],
    ["‹", "›"],
  ]);
  assert.deepEqual(parseQuotes("auto")[0], ["\u201c", "\u201d"]);
  assert.deepEqual(parseQuotes("none"), []);
});

test("quotes: auto follows the content language; explicit pairs win; unknown languages get English quotes", () => {
  assert.deepEqual(parseQuotes("auto", "de-AT"), [
    ["\u201e", "\u201c"],
    ["\u201a", "\u2018"],
  ]);
  assert.deepEqual(parseQuotes("auto", "ja")[1], ["\u300e", "\u300f"]);
  assert.deepEqual(parseQuotes("auto", "xx"), parseQuotes("auto", "en"));
  assert.deepEqual(parseQuotes('"«" "»"', "de"), [["«", "»"]]);
});
