// Styles of author-styles.html that live in no <style> or <link> of the page:
// an adopted sheet, a shadow root's own sheet, and a script animation.
document.addEventListener("DOMContentLoaded", () => {
  const adopted = new CSSStyleSheet();
  adopted.replaceSync(".spread { word-spacing: 14px; }");
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, adopted];

  const root = document.querySelector("#shadow .host").attachShadow({ mode: "open" });
  root.innerHTML = "<style>p { text-align: right; }</style><p>Right-aligned by a shadow tree's own sheet.</p>";

  // Shorthand in a keyframe, held at its end.
  document.querySelector(".ringed").animate([{ outline: "0px solid #0a0" }, { outline: "5px dashed #0a0" }], {
    duration: 1,
    fill: "forwards",
  });
});
