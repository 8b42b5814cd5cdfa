// widget.js: the script tag site owners embed. Tiny and ES5 (checked by the
// build's es5 target); one global, `Sealshot`; configured by its own data-*
// attributes; wrapped so nothing it does can throw into the host page. Calls
// made before the real widget arrives are queued. The capture code
// (widget-app.HASH.js) and core.wasm are fetched only on first open, through
// one cached load, or when the outbox of an earlier page still holds a report.
// build.mjs sets the app's file name and SHA-384 (__SEALSHOT_APP_*__) and
// the core's file name (__SEALSHOT_WASM_FILE__): the loader runs only the
// exact app it was built with, which loads only its exact core, so the snippet's
// integrity="" on widget.js pins the app too.
import { createLauncher } from "./launcher.js";
import { watchErrors } from "../shared/error-watch.js";

(function (w, d) {
  var existing = w.Sealshot;
  if (existing && existing.__loader) return; // the snippet twice on one page

  var script = d.currentScript || findScript();
  var scriptUrl = script && script.src ? script.src : "";
  var raw = readDataset(script); // validated by the app (shared/config.js)
  var state = { user: {}, metadata: {} };
  var consoleErrors = [];
  var queue = [];
  var app = null;
  var loading = null; // the one cached load of the app bundle
  var coreRequested = false; // preloadCore
  var launcher = null;
  var initialized = false;
  var removed = false;

  function warn(message, error) {
    try {
      w.console && w.console.warn("Sealshot: " + message, error || "");
    } catch (e) {
      /* nothing */
    }
  }

  function guard(fn) {
    return function () {
      try {
        return fn.apply(null, arguments);
      } catch (e) {
        warn("internal error", e);
      }
    };
  }

  function readDataset(el) {
    var out = {};
    if (!el || !el.attributes) return out;
    for (var i = 0; i < el.attributes.length; i++) {
      var a = el.attributes[i];
      if (a.name.indexOf("data-") === 0 && a.value !== "") {
        out[
          a.name.slice(5).replace(/-([a-z])/g, function (m, c) {
            return c.toUpperCase();
          })
        ] = a.value;
      }
    }
    // A nonce attribute reads back as "" in modern browsers; the property keeps it.
    if (!out.nonce && el.nonce) out.nonce = el.nonce;
    return out;
  }

  function findScript() {
    var all = d.getElementsByTagName("script");
    for (var i = all.length - 1; i >= 0; i--) if (all[i].getAttribute("data-project")) return all[i];
    return null;
  }

  function assetsUrl() {
    if (raw.assets) return raw.assets.replace(/\/?$/, "/");
    return scriptUrl ? scriptUrl.replace(/[?#].*$/, "").replace(/[^\/]*$/, "") : "";
  }

  function load() {
    if (app) return Promise.resolve(app);
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      w.Sealshot.__resolve = resolve;
      var tag = d.createElement("script");
      tag.src = assetsUrl() + __SEALSHOT_APP_FILE__;
      tag.async = true;
      // A CORS fetch (the server sends Access-Control-Allow-Origin: *), so
      // the browser can check the hash; no cookies go with it.
      tag.integrity = __SEALSHOT_APP_INTEGRITY__;
      tag.crossOrigin = "anonymous";
      if (raw.nonce) tag.setAttribute("nonce", raw.nonce);
      tag.onerror = function () {
        loading = null;
        reject(new Error("could not load " + tag.src));
      };
      (d.head || d.documentElement).appendChild(tag);
    });
    loading.then(null, function (e) {
      warn("load failed", e);
    });
    return loading;
  }

  // A first open needs the core as well as the app: its download starts with
  // the app's instead of after the app has run (about 100 ms with both cached,
  // up to 500 ms without; docs/benchmarks.md). The app's own fetch of it takes
  // this response (same URL, CORS without cookies) and checks its SHA-384 as
  // ever; Chromium ignores integrity on a fetch preload, with a console warning.
  function preloadCore() {
    if (app || coreRequested) return;
    coreRequested = true;
    var link = d.createElement("link");
    link.rel = "preload";
    link.as = "fetch";
    link.href = assetsUrl() + __SEALSHOT_WASM_FILE__;
    link.crossOrigin = "anonymous";
    if (raw.nonce) link.setAttribute("nonce", raw.nonce);
    (d.head || d.documentElement).appendChild(link);
  }

  // Called by the app bundle when it has run: builds the real widget and replays the queue.
  function register(createApp) {
    try {
      app = createApp({ raw: raw, scriptUrl: scriptUrl, state: state, consoleErrors: consoleErrors });
    } catch (e) {
      warn("configuration error", e);
      app = null;
      loading = null;
      return;
    }
    var pending = queue;
    queue = [];
    for (var i = 0; i < pending.length; i++) call(pending[i][0], pending[i][1]);
    if (w.Sealshot.__resolve) w.Sealshot.__resolve(app);
  }

  function call(method, args) {
    if (removed) return;
    if (app) {
      if (typeof app[method] === "function") app[method].apply(null, args || []);
      return;
    }
    queue.push([method, args]);
    if (method === "open") preloadCore();
    load();
  }

  function init(config) {
    if (initialized || removed) return;
    initialized = true;
    if (config) for (var k in config) if (Object.prototype.hasOwnProperty.call(config, k)) raw[k] = config[k];
    if (raw.consoleErrors === "true" || raw.consoleErrors === true) watchErrors(w, consoleErrors);
    if (raw.button !== "false" && raw.button !== false) {
      launcher = createLauncher(
        raw.launcherLabel || "Feedback",
        raw.position,
        guard(function () {
          call("open");
        }),
      );
    }
    // A report from an earlier page is still waiting: load the app (not the wasm) to send it.
    try {
      if (w.localStorage && w.localStorage.getItem("sealshot.outbox")) load();
    } catch (e) {
      /* storage blocked */
    }
  }

  w.Sealshot = {
    __loader: true,
    __register: guard(register),
    version: "0.1.0",
    init: guard(init),
    open: guard(function () {
      if (!initialized) init();
      call("open");
    }),
    close: guard(function () {
      if (app) app.close();
    }),
    setUser: guard(function (user) {
      state.user = user || {};
    }),
    setMetadata: guard(function (data) {
      for (var k in data) if (Object.prototype.hasOwnProperty.call(data, k)) state.metadata[k] = data[k];
    }),
    remove: guard(function () {
      removed = true;
      if (app) app.remove();
      if (launcher) launcher.remove();
      launcher = null;
    }),
    /** Resolves when the widget is loaded (for tests and sites that want to wait). */
    ready: guard(function () {
      return load();
    }),
  };

  // Calls a site made before this script arrived, through the documented stub
  // `window.Sealshot = window.Sealshot || {q: []}` (docs/widget.md).
  var early = existing && existing.q ? existing.q : [];
  if (raw.project) guard(init)();
  for (var i = 0; i < early.length; i++)
    guard(function (c) {
      w.Sealshot[c[0]].apply(null, c[1] || []);
    })(early[i]);
})(window, document);
