// The characters the copy of the page can draw, as one set for every web font
// (each font keeps those of them it has): the text of the finished copy (our
// blanking, generated and frame text included), form values and placeholders,
// the library's per-family record (it holds ::before/::after content and
// text-transform's other case), both cases of each letter, printable ASCII,
// and what the browser draws itself (list bullets, an ellipsis). A few glyphs
// too many cost a few bytes; one too few would draw in a fallback font.
const ALWAYS = " \u00a0\u2022\u25e6\u25aa\u2013\u2014\u2026\u2018\u2019\u201c\u201d";

/** Sorted code points. root: the copy; families: modern-screenshot's Map(family → Set(char)). */
export function copyCharacters(root, families) {
  const points = new Set();
  const add = (text) => {
    if (!text) return;
    for (const c of text) {
      points.add(c.codePointAt(0));
      const upper = c.toUpperCase(),
        lower = c.toLowerCase();
      if (upper !== c) for (const u of upper) points.add(u.codePointAt(0));
      if (lower !== c) for (const l of lower) points.add(l.codePointAt(0));
    }
  };
  for (let cp = 0x20; cp < 0x7f; cp++) points.add(cp);
  add(ALWAYS);
  const walker = root.ownerDocument.createTreeWalker(root, 0x1 | 0x4); // elements and text
  for (let node = walker.currentNode; node; node = walker.nextNode()) {
    if (node.nodeType === 3) add(node.data);
    else {
      add(node.getAttribute("value"));
      add(node.getAttribute("placeholder"));
    }
  }
  for (const chars of families?.values() ?? []) for (const c of chars) add(c);
  return [...points].sort((a, b) => a - b);
}
