import { test } from "node:test";
import assert from "node:assert/strict";
import { GATED_PROPERTIES, SVG_ONLY_PROPERTIES, createStyleGates, readBySvgChild } from "../src/app/style-gates.js";
import { INHERITED } from "../src/app/copied-styles.js";

// A stand-in for the browser's list and computed styles: what the gates read.
const ALL = [
  "display",
  "position",
  "top",
  "left",
  "color",
  "margin-top",
  "fill",
  "stroke",
  "border-top-style",
  "border-top-color",
  "border-top-width",
  "background-color",
  "background-image",
  "background-position",
  "grid-template-columns",
  "grid-row-start",
  "flex-grow",
  "order",
  "text-decoration-color",
  "transform-origin",
  "object-fit",
  "content",
];
const DEFAULTS = {
  display: "block",
  position: "static",
  borderTopStyle: "none",
  borderRightStyle: "none",
  borderBottomStyle: "none",
  borderLeftStyle: "none",
  outlineStyle: "none",
  backgroundImage: "none",
  maskImage: "none",
  borderImageSource: "none",
  textDecorationLine: "none",
  transform: "none",
  rotate: "none",
  scale: "none",
  translate: "none",
  offsetPath: "none",
  perspective: "none",
  shapeOutside: "none",
  columnCount: "auto",
  columnWidth: "auto",
  overflowX: "visible",
  overflowY: "visible",
};

function fakeElement({
  tag = "DIV",
  ns = "http://www.w3.org/1999/xhtml",
  style = {},
  before = "none",
  beforeStyle = {},
  parent = null,
}) {
  const el = { tagName: tag, localName: tag, namespaceURI: ns, nodeType: 1, parentNode: parent, assignedSlot: null };
  const computed = { ...DEFAULTS, ...style, getPropertyValue: () => "none" };
  const beforeComputed = { ...DEFAULTS, ...beforeStyle, content: before, getPropertyValue: () => "none" };
  const noPseudo = { ...DEFAULTS, content: "none", getPropertyValue: () => "none" };
  el.ownerDocument = {
    defaultView: {
      getComputedStyle: (node, pseudo) =>
        pseudo ? (pseudo === "::before" ? beforeComputed : noPseudo) : node === el ? computed : node.computed,
    },
  };
  el.computed = computed;
  return el;
}

test("a plain static block reads neither offsets, SVG paint, an unset border's colour nor grid or flex item values", () => {
  const listFor = createStyleGates(ALL);
  const list = listFor(fakeElement({ parent: fakeElement({}) }));
  for (const name of ["display", "position", "color", "margin-top", "background-color", "border-top-style"])
    assert.ok(list.includes(name), name);
  for (const name of [
    "top",
    "left",
    "fill",
    "stroke",
    "border-top-color",
    "border-top-width",
    "background-position",
    "grid-template-columns",
    "grid-row-start",
    "flex-grow",
    "order",
    "text-decoration-color",
    "transform-origin",
    "object-fit",
    "content",
  ])
    assert.ok(!list.includes(name), name);
});

test("each value that makes a group matter brings it back", () => {
  const listFor = createStyleGates(ALL);
  const has = (opts, name) => listFor(fakeElement(opts)).includes(name);
  assert.ok(has({ style: { position: "relative" } }, "top"));
  assert.ok(has({ style: { position: "sticky" } }, "left"));
  assert.ok(has({ style: { borderTopStyle: "solid" } }, "border-top-color"));
  assert.ok(has({ style: { backgroundImage: "url(a.png)" } }, "background-position"));
  assert.ok(has({ style: { display: "inline-grid" } }, "grid-template-columns"));
  assert.ok(has({ parent: fakeElement({ style: { display: "grid" } }) }, "grid-row-start"));
  assert.ok(has({ parent: fakeElement({ style: { display: "flex" } }) }, "flex-grow"));
  assert.ok(has({ parent: fakeElement({ style: { display: "inline-grid" } }) }, "order"));
  assert.ok(has({ style: { textDecorationLine: "underline" } }, "text-decoration-color"));
  assert.ok(has({ style: { rotate: "10deg" } }, "transform-origin"));
  assert.ok(has({ tag: "IMG" }, "object-fit"));
});

test("a parent laid out as display: contents, or none known, keeps the item groups", () => {
  const listFor = createStyleGates(ALL);
  assert.ok(
    listFor(fakeElement({ parent: fakeElement({ style: { display: "contents" } }) })).includes("grid-row-start"),
  );
  assert.ok(listFor(fakeElement({})).includes("flex-grow"));
});

test("an <svg>, a <foreignObject> and frames get the whole list", () => {
  const listFor = createStyleGates(ALL);
  assert.equal(listFor(fakeElement({ tag: "svg", ns: "http://www.w3.org/2000/svg" })), ALL);
  assert.equal(listFor(fakeElement({ tag: "foreignObject", ns: "http://www.w3.org/2000/svg" })), ALL);
  assert.equal(listFor(fakeElement({ tag: "IFRAME" })), ALL);
});

// Inside an <svg> nothing lays out or paints a CSS box.
test("an SVG element inside an <svg> reads its paint, geometry and inherited properties, not a box's", () => {
  const listFor = createStyleGates(ALL);
  const list = listFor(fakeElement({ tag: "path", ns: "http://www.w3.org/2000/svg" }));
  for (const name of ["display", "color", "fill", "stroke", "transform-origin", "text-decoration-color", "content"])
    assert.ok(list.includes(name), name);
  for (const name of [
    "position",
    "top",
    "left",
    "margin-top",
    "border-top-style",
    "border-top-color",
    "border-top-width",
    "background-color",
    "background-image",
    "background-position",
    "grid-template-columns",
    "grid-row-start",
    "flex-grow",
    "order",
    "object-fit",
  ])
    assert.ok(!list.includes(name), name);
  for (const name of INHERITED) assert.ok(readBySvgChild(name), `inherited ${name}`);
  for (const name of ["vertical-align", "overflow-x", "outline-style", "opacity", "clip-path", "mask-image", "width"])
    assert.ok(readBySvgChild(name), name);
});

test("an element that cannot have a ::before is not asked for it", () => {
  const listFor = createStyleGates(ALL, () => false);
  const placed = listFor(fakeElement({ before: '""', beforeStyle: { position: "absolute" } }));
  assert.ok(!placed.includes("top"), "a ::before the page cannot give it is not read");
});

// The library copies a ::before with its element's list.
test("an element with a ::before leaves out only the groups inert for both", () => {
  const listFor = createStyleGates(ALL);
  const plain = listFor(fakeElement({ before: '"→"' }));
  for (const name of ["top", "border-top-color", "background-position"]) assert.ok(!plain.includes(name), name);
  const bordered = listFor(fakeElement({ before: '"→"', beforeStyle: { borderTopStyle: "solid" } }));
  assert.ok(bordered.includes("border-top-color"), "the pseudo-element's border colour is read");
  const placed = listFor(fakeElement({ before: '""', beforeStyle: { position: "absolute" } }));
  assert.ok(placed.includes("top"), "the pseudo-element's offsets are read");
  // Its style matters only when it has content: without, the library does not copy it.
  const none = listFor(fakeElement({ beforeStyle: { position: "absolute" } }));
  assert.ok(!none.includes("top"));
});

test("elements with the same inert groups share one list", () => {
  const listFor = createStyleGates(ALL);
  assert.equal(listFor(fakeElement({})), listFor(fakeElement({ tag: "SECTION" })));
});

// The copy's pruner drops an inherited value that the parent's copy passes
// down, so an HTML parent must carry every inherited property an HTML child
// can read: only SVG-only ones may be left out.
test("no inherited property is left out except SVG paint and geometry", () => {
  const leftOut = GATED_PROPERTIES.filter((name) => INHERITED.has(name));
  assert.ok(leftOut.includes("fill"));
  for (const name of leftOut) assert.ok(SVG_ONLY_PROPERTIES.includes(name), name);
});
