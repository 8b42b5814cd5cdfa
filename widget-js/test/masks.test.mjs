import { test } from "node:test";
import assert from "node:assert/strict";
import { BUILTIN_MASK_SELECTORS, blockOut, maskSelector, sensitiveReason, textRedactor } from "../src/shared/masks.js";

test("built-in selectors include ours and every peer's privacy marker", () => {
  for (const s of [
    "[data-sealshot-mask]",
    ".sealshot-mask",
    ".usprivacy",
    ".sentry-mask",
    "[data-sentry-mask]",
    ".sentry-block",
    ".rr-mask",
    ".rr-block",
    "[data-jam-blur]",
    ".gl-mask",
    ".gl-block",
  ])
    assert.ok(BUILTIN_MASK_SELECTORS.includes(s), s);
});

test("site selectors are appended; blanks and non-strings are dropped", () => {
  const sel = maskSelector(["#ssn", " ", 42, ".private"]);
  assert.ok(sel.endsWith(",#ssn,.private"));
  assert.equal(sel.split(",").length, BUILTIN_MASK_SELECTORS.length + 2);
});

test("sensitive inputs by default", () => {
  const r = (d) => sensitiveReason(d);
  assert.equal(r({ tag: "input", type: "password" }), "password");
  assert.equal(r({ tag: "INPUT", type: "text", autocomplete: "billing cc-number" }), "payment-card");
  assert.equal(r({ tag: "input", autocomplete: "cc-csc" }), "payment-card");
  assert.equal(r({ tag: "input", autocomplete: "one-time-code" }), "one-time-code");
  assert.equal(r({ tag: "input", type: "email" }), "email");
  assert.equal(r({ tag: "input", type: "tel" }), "phone");
  assert.equal(r({ tag: "input", type: "text" }), null);
  assert.equal(r({ tag: "input", type: "search" }), null);
  assert.equal(r({ tag: "div", type: "password" }), null);
  // Name, email and phone fields by autocomplete, and anything the browser autofilled.
  assert.equal(r({ tag: "input", type: "text", autocomplete: "shipping given-name" }), "name");
  assert.equal(r({ tag: "input", autocomplete: "family-name" }), "name");
  assert.equal(r({ tag: "input", autocomplete: "email" }), "email");
  assert.equal(r({ tag: "input", autocomplete: "tel-national" }), "phone");
  assert.equal(r({ tag: "input", autocomplete: "address-line1" }), null);
  assert.equal(r({ tag: "input", autocomplete: "address-line1", autofilled: true }), "autofilled");
  assert.equal(r({ tag: "input", autocomplete: "name", unmasked: true }), null);
});

test("payment iframes by host or allow=payment", () => {
  assert.equal(
    sensitiveReason({ tag: "iframe", src: "https://js.stripe.com/v3/elements-inner-card.html" }),
    "payment-frame",
  );
  assert.equal(
    sensitiveReason({ tag: "iframe", src: "https://assets.braintreegateway.com/hosted-fields" }),
    "payment-frame",
  );
  assert.equal(sensitiveReason({ tag: "iframe", src: "https://checkoutshopper-live.adyen.com/x" }), "payment-frame");
  assert.equal(sensitiveReason({ tag: "iframe", src: "/pay", allow: "payment *" }), "payment-frame");
  assert.equal(sensitiveReason({ tag: "iframe", src: "https://notstripe.com.evil.example/" }), null);
  assert.equal(sensitiveReason({ tag: "iframe", src: "https://example.com/chat" }), null);
});

test("data-sealshot-unmask opts an element out of the defaults", () => {
  assert.equal(sensitiveReason({ tag: "input", type: "email", unmasked: true }), null);
});

test("blockOut keeps length, spaces and tabular digit widths", () => {
  assert.equal(blockOut("Clara M. +49 151"), "Xxxxx X. +00 000");
  assert.equal(blockOut("Straße 42").length, "Straße 42".length);
});

test("textRedactor marks whole masked strings and every detected hit", () => {
  const redact = textRedactor({ wholeTexts: ["  Clara Meier  "], substrings: ["+49 151 234", "151", "ab"] });
  assert.deepEqual(redact("Clara Meier"), [["Clara Meier", true]]);
  assert.deepEqual(redact("call +49 151 234 now"), [
    ["call ", false],
    ["+49 151 234", true],
    [" now", false],
  ]);
  assert.deepEqual(redact("x 151 y 151"), [
    ["x ", false],
    ["151", true],
    [" y ", false],
    ["151", true],
  ]);
  assert.deepEqual(redact("nothing here ab"), [["nothing here ab", false]]); // hits under 3 chars are ignored
});
