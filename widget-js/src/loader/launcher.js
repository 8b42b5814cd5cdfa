// The floating "Feedback" button, in its own shadow root so the page's CSS
// cannot reach it. ES5 on purpose: it ships inside the loader. Styles are set
// through the CSSOM (element.style), which a strict CSP does not block.

export function createLauncher(label, position, onClick) {
  var host = document.createElement("div");
  host.setAttribute("data-sealshot-ui", "");
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-haspopup", "dialog");
  var s = button.style;
  s.position = "fixed";
  s.bottom = "20px";
  s[position === "left" ? "left" : "right"] = "20px";
  s.zIndex = "2147483645";
  s.font = "600 14px/1 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  s.padding = "12px 18px";
  s.borderRadius = "22px";
  s.border = "0";
  s.background = "#1d4ed8";
  s.color = "#fff";
  s.cursor = "pointer";
  s.boxShadow = "0 4px 14px rgba(0,0,0,.25)";
  button.addEventListener("click", onClick);
  root.appendChild(button);
  (document.body || document.documentElement).appendChild(host);
  return {
    host: host,
    button: button,
    remove: function () {
      if (host.parentNode) host.parentNode.removeChild(host);
    },
  };
}
