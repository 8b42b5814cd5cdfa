import { test } from "node:test";
import assert from "node:assert/strict";
import { echoMatcher, echoTerms, nameWords } from "../src/shared/echoes.js";

const find = (sources, text) => echoMatcher(echoTerms(sources))(text).map(([s, e]) => text.slice(s, e));

test("a name-like value is echoed as a whole and word by word, case-insensitive, on word boundaries", () => {
  const name = [{ value: "Clara Meyer", nameLike: true }];
  assert.deepEqual(find(name, "Welcome back, Clara"), ["Clara"]);
  assert.deepEqual(find(name, "Hi Clara!"), ["Clara"]);
  assert.deepEqual(find(name, "Signed in as CLARA  MEYER."), ["CLARA  MEYER"]);
  assert.deepEqual(find(name, "meyer's order"), ["meyer"]);
  assert.deepEqual(find(name, "Claradorf and Meyerhof"), [], "not inside other words");
});

test("words of fewer than 3 letters are not echoed; other values only as a whole", () => {
  assert.deepEqual(nameWords("Jo Li-Ann O'Neil"), ["Ann", "O'Neil"]);
  assert.deepEqual(find([{ value: "Jo Li", nameLike: true }], "Jo said: Jo Li called"), ["Jo Li"]);
  const street = [{ value: "Lindenstraße 42, Berlin", nameLike: false }];
  assert.deepEqual(find(street, "Ship to Lindenstraße 42, Berlin today"), ["Lindenstraße 42, Berlin"]);
  assert.deepEqual(find(street, "Our Berlin store"), [], "address words are not echoed alone");
});

test("emails, phone numbers and ids are echoed exactly, regex characters literal", () => {
  assert.deepEqual(find([{ value: "+49 151 2345678" }], "call +49 151 2345678 now"), ["+49 151 2345678"]);
  assert.deepEqual(find([{ value: "a.b@example.com" }], "mail a.b@example.com or aXb@exampleXcom"), [
    "a.b@example.com",
  ]);
  assert.deepEqual(find([{ value: "FJ-0048213" }], "Customer FJ-0048213."), ["FJ-0048213"]);
});

test("short or empty values make no terms; no terms, no matcher", () => {
  assert.deepEqual(echoTerms([{ value: "ab" }, { value: "  " }, { value: null }, { value: "abc" }, { value: "ABC" }]), [
    "abc",
  ]);
  assert.equal(echoMatcher([]), null);
});
