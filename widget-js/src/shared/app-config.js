// Joins what the loader gathered (data-* strings and init() values) into
// one normalized config.
import { CONFIG_DEFAULTS, configFromDataset, normalizeConfig } from "./config.js";

export function configFromLoader(raw, scriptUrl) {
  const strings = {},
    given = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === "string") strings[k] = v;
    else if (k in CONFIG_DEFAULTS || k === "key") given[k === "key" ? "publicKey" : k] = v;
  }
  return normalizeConfig({ ...configFromDataset(strings), ...given }, { scriptUrl });
}
