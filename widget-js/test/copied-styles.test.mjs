import { test } from "node:test";
import assert from "node:assert/strict";
import { ALWAYS_WRITTEN, repeatedOnChild } from "../src/app/copied-styles.js";

const HTML = "http://www.w3.org/1999/xhtml";
const el = (tagName, namespaceURI = HTML) => ({ tagName, namespaceURI, nodeType: 1 });
const repeated = (child, name) => {
  const only = repeatedOnChild(child);
  return !only || only.has(name);
};

test("a child gets again only the inherited values of the element before it; box-dependent ones always", () => {
  for (const name of ["color", "font-size", "text-underline-offset"]) assert.ok(repeated(el("DIV"), name), name);
  for (const name of ["display", "box-sizing", "background-color", "width", "border-top-style"])
    assert.ok(!repeated(el("DIV"), name), name);
  for (const name of ["margin-top", "padding-left", "transform-origin", "top"])
    assert.ok(ALWAYS_WRITTEN.includes(name), name);
});

test("tags whose defaults depend on their parent, and non-HTML elements, get every value again", () => {
  for (const tag of ["OPTION", "TD", "TH", "TR", "LI", "LEGEND"]) assert.ok(repeated(el(tag), "display"), tag);
  assert.ok(repeated(el("rect", "http://www.w3.org/2000/svg"), "display"));
});
