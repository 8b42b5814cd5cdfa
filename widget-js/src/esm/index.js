// The ES module entry, for sites that bundle their JavaScript:
//   import * as Sealshot from "./sealshot/esm/sealshot.mjs";   (build/widget/esm/ after scripts/build)
//   Sealshot.init({ project: "prj_…", publicKey: "…", endpoint: "https://feedback.example.com",
//                   assetsUrl: "/static/sealshot/" });
// Same behaviour as the script tag: nothing heavy loads before the first
// open(), and no function throws; failures are logged and resolve quietly.
import { createLauncher } from "../loader/launcher.js";
import { normalizeConfig } from "../shared/config.js";
import { watchErrors } from "../shared/error-watch.js";

let config = null;
let app = null;
let loading = null;
let launcher = null;
const state = { user: {}, metadata: {} };
const consoleErrors = [];
let watching = false;

function warn(what, error) {
  try {
    console.warn(`Sealshot: ${what}`, error ?? "");
  } catch {
    /* nothing */
  }
}

function load() {
  loading ??= import("../app/widget.js").then(({ createApp }) => (app = createApp({ config, state, consoleErrors })));
  loading.catch((error) => {
    loading = null;
    warn("load failed", error);
  });
  return loading;
}

export function init(options) {
  try {
    if (config) return;
    config = normalizeConfig({ assetsUrl: new URL("./", import.meta.url).href, ...options });
    if (config.consoleErrors && !watching) {
      watching = true;
      watchErrors(window, consoleErrors);
    }
    if (config.button)
      launcher = createLauncher(options.launcherLabel || "Feedback", config.position, () => {
        open();
      });
    try {
      if (localStorage.getItem("sealshot.outbox")) load();
    } catch {
      /* storage blocked */
    }
  } catch (error) {
    config = null;
    warn("init failed:", error);
  }
}

export async function open() {
  if (!config) {
    warn("call init() first");
    return;
  }
  try {
    (await load()).open();
  } catch (error) {
    warn("open failed", error);
  }
}

export function close() {
  try {
    app?.close();
  } catch (error) {
    warn("close failed", error);
  }
}
export function setUser(user) {
  state.user = user && typeof user === "object" ? user : {};
}
export function setMetadata(data) {
  if (data && typeof data === "object") Object.assign(state.metadata, data);
}

export function remove() {
  try {
    app?.remove();
    launcher?.remove();
  } catch (error) {
    warn("remove failed", error);
  }
  app = null;
  loading = null;
  launcher = null;
  config = null;
}
