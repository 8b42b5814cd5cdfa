// The page's web fonts as @font-face rules with data: URLs, handed to the
// capture library as its font CSS. The library's own font pass parses
// stylesheets through a <style> element in a scratch document, which a strict
// Content-Security-Policy blocks (docs/capture-comparison.md); reading the
// CSSOM and fetching the font files works under the CSP docs/widget.md states.

let cached = null;

export function webFontCss() {
  cached ??= collect().catch(() => "");
  return cached;
}

async function collect() {
  const inUse = new Set();
  for (const face of document.fonts) if (face.status === "loaded") inUse.add(unquote(face.family));
  if (!inUse.size) return "";
  const rules = [];
  for (const sheet of document.styleSheets) {
    let list;
    try { list = sheet.cssRules; } catch { continue; } // cross-origin stylesheet without CORS
    walk(list, sheet.href || document.baseURI, rules);
  }
  const css = await Promise.all(rules
    .filter(({ rule }) => inUse.has(unquote(rule.style.getPropertyValue("font-family"))))
    .map(({ rule, base }) => inline(rule.cssText, base)));
  return css.join("\n");
}

function walk(list, base, out) {
  for (const rule of list) {
    if (rule.constructor.name === "CSSFontFaceRule" || rule.type === 5) out.push({ rule, base });
    else if (rule.cssRules) walk(rule.cssRules, base, out);
  }
}

async function inline(cssText, base) {
  const urls = [...cssText.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)];
  let out = cssText;
  for (const [whole, , url] of urls) {
    if (url.startsWith("data:")) continue;
    try {
      const response = await fetch(new URL(url, base).href, { credentials: "same-origin" });
      if (!response.ok) continue;
      out = out.replace(whole, `url("${await dataUrl(await response.blob())}")`);
    } catch { /* unreachable font: the text falls back, it does not fail the capture */ }
  }
  return out;
}

function dataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

const unquote = (s) => String(s).trim().replace(/^["']|["']$/g, "").toLowerCase();
