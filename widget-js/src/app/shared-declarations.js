// The copy pins each element's look with its computed styles, written inline,
// and many elements carry the very same text: the rows of a table, the cells
// of a column, the paths of an icon repeated down a list. When the SVG image
// loads, each style attribute is parsed and resolved on its own. A class rule
// per repeated text is parsed once, and the elements that share a rule share
// its resolution too (Chromium caches matched declarations per rule set, not
// per attribute), so the image is smaller and lays out sooner.
//
// The rules go in a <style> after every other one in the copy, and an element
// that gets a class has no inline style left: the declarations that won as
// inline styles win as the last rules of their specificity. The copy's other
// rules are the library's and ours: pseudo-element and placeholder rules,
// and one class rule for background-clip: text, which the inline style
// outranked before and the later rule outranks now.

const CLASS_PREFIX = "sealshot-s";

/**
 * Moves each style attribute text that two or more elements under `root`
 * carry into one class rule, appended to `styleParent` as a <style>. Returns
 * {shared, rules}: the elements that lost their style attribute and the rules.
 */
export function shareRepeatedStyles(root, styleParent = root) {
  const styled = root.querySelectorAll("[style]");
  const texts = new Array(styled.length);
  const counts = new Map();
  for (let i = 0; i < styled.length; i++) {
    const text = styled[i].getAttribute("style");
    texts[i] = text;
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  const names = new Map();
  let css = "";
  let shared = 0;
  for (let i = 0; i < styled.length; i++) {
    const text = texts[i];
    if (counts.get(text) < 2 || !text.trim()) continue;
    let name = names.get(text);
    if (!name) {
      name = CLASS_PREFIX + names.size.toString(36);
      names.set(text, name);
      css += `.${name}{${text}}\n`;
    }
    const el = styled[i];
    el.removeAttribute("style");
    el.classList.add(name);
    shared++;
  }
  if (css) {
    const style = root.ownerDocument.createElementNS("http://www.w3.org/1999/xhtml", "style");
    style.textContent = css;
    styleParent.append(style);
  }
  return { shared, rules: names.size };
}
