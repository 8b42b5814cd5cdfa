import { test } from "node:test";
import assert from "node:assert/strict";
import { configFromDataset, normalizeConfig, submissionsUrl } from "../src/shared/config.js";
import { configFromLoader } from "../src/shared/app-config.js";
import { labelsFor, LABELS, pickLanguage } from "../src/shared/i18n.js";

const KEY = "A".repeat(43);

test("endpoint and assets default to where widget.js came from", () => {
  const c = normalizeConfig(
    { project: "prj_1", publicKey: KEY },
    { scriptUrl: "https://ingest.example:8443/widget.js?v=1" },
  );
  assert.equal(c.endpoint, "https://ingest.example:8443");
  assert.equal(c.assetsUrl, "https://ingest.example:8443/");
  assert.equal(submissionsUrl(c), "https://ingest.example:8443/v1/projects/prj_1/submissions");
});

test("data-* attributes become config; bad project or key is refused", () => {
  const raw = {
    project: "prj_1",
    key: KEY,
    endpoint: "https://i.example/",
    mask: ".a, #b",
    button: "false",
    consoleErrors: "true",
  };
  const c = configFromLoader(raw, "https://cdn.example/s/widget.js");
  assert.deepEqual(
    [c.endpoint, c.assetsUrl, c.maskSelectors, c.button, c.consoleErrors],
    ["https://i.example", "https://cdn.example/s/", [".a", "#b"], false, true],
  );
  assert.deepEqual(configFromDataset({ project: "p", autoDetect: "0" }).autoDetect, false);
  assert.throws(
    () => normalizeConfig({ project: "bad id!", publicKey: KEY }, { scriptUrl: "https://x/w.js" }),
    /data-project/,
  );
  assert.throws(
    () => normalizeConfig({ project: "p", publicKey: "short" }, { scriptUrl: "https://x/w.js" }),
    /data-key/,
  );
});

test("init() values that are not strings pass through", () => {
  const c = configFromLoader(
    { project: "prj_1", publicKey: KEY, maskSelectors: [".x"], labels: { send: "Go" } },
    "https://i/w.js",
  );
  assert.deepEqual([c.maskSelectors, c.labels.send], [[".x"], "Go"]);
});

test("English and German carry the same labels", () => {
  assert.deepEqual(Object.keys(LABELS.de).sort(), Object.keys(LABELS.en).sort());
  assert.deepEqual(Object.keys(LABELS.de.categories).sort(), Object.keys(LABELS.en.categories).sort());
});

test("language pick and label overrides, flat and per language", () => {
  assert.equal(pickLanguage(["", "de-AT", "en"]), "de");
  assert.equal(pickLanguage(["fr", "xx"]), "en");
  const de = labelsFor("de", {
    send: "Abschicken!",
    de: { title: "Rückmeldung" },
    en: { title: "ignored here" },
    categories: { bug: "Fehler" },
  });
  assert.deepEqual(
    [de.send, de.title, de.cancel, de.categories.bug, de.categories.idea],
    ["Abschicken!", "Rückmeldung", "Abbrechen", "Fehler", "Idee oder Vorschlag"],
  );
});
