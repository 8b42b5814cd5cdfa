// Keeps the page's last 20 errors (uncaught errors, unhandled rejections,
// console.error calls), each cut to 500 characters, in `list`. Only when a
// site opts in (consoleErrors); the app scrubs them with the core's
// detectors before they join the encrypted manifest, and only if the visitor
// leaves the box ticked. ES5 on purpose: it ships inside the loader too.

export function watchErrors(w, list) {
  var keep = function (text) {
    list.push(String(text).slice(0, 500));
    if (list.length > 20) list.shift();
  };
  w.addEventListener("error", function (e) {
    keep((e.message || "error") + (e.filename ? " @ " + e.filename + ":" + e.lineno : ""));
  });
  w.addEventListener("unhandledrejection", function (e) {
    keep("unhandled rejection: " + ((e.reason && e.reason.message) || e.reason));
  });
  var original = w.console && w.console.error;
  if (original) {
    w.console.error = function () {
      try {
        keep(Array.prototype.map.call(arguments, String).join(" "));
      } catch (e) {
        /* ignore */
      }
      return original.apply(this, arguments);
    };
  }
}
