// Echoes of data a site marked: the profile name is masked, but "Welcome
// back, Clara" in the header and "Hi Clara!" in a chat show it again. The
// rule (docs/widget.md, "Echoes"): text anywhere on the page that equals the
// value of a masked element, a sensitive input or a name/email/phone field
// is masked too, the whole value everywhere; for name-like sources each word
// of 3 or more letters as well. Matching ignores case and whitespace runs
// and only counts at word boundaries ("Ann" is not in "Annual"). Address
// words are never split out: a city is not personal on its own.
// Pure, so it is unit-tested (test/echoes.test.mjs); app/collect-rects.js
// gathers the sources and boxes the matches.

export const MIN_ECHO_CHARS = 3;
const MIN_NAME_WORD_LETTERS = 3;
// Bounds on what one page can ask for, so a huge masked table cannot make a huge pattern.
const MAX_TERMS = 500;
const MAX_TERM_CHARS = 200;

/** autocomplete tokens of fields whose value is a person's name (each word is echoed). */
export const NAME_AUTOCOMPLETE = new Set(["name", "given-name", "family-name", "additional-name"]);

/** Words of a name worth echoing: letter runs (apostrophes inside kept) of ≥ 3 letters. */
export function nameWords(value) {
  const words = String(value).match(/\p{L}[\p{L}\p{M}'’]*/gu) ?? [];
  return words.filter((w) => (w.match(/\p{L}/gu) ?? []).length >= MIN_NAME_WORD_LETTERS);
}

/**
 * sources: [{value, nameLike}] → the distinct terms to mask (longest first):
 * each whole value of ≥ 3 characters, and for name-like sources each word.
 */
export function echoTerms(sources) {
  const terms = new Map(); // lower-case key → term
  const add = (t) => {
    const term = String(t).replace(/\s+/g, " ").trim();
    if (term.length < MIN_ECHO_CHARS || term.length > MAX_TERM_CHARS) return;
    const key = term.toLowerCase();
    if (!terms.has(key)) terms.set(key, term);
  };
  for (const { value, nameLike } of sources) {
    if (typeof value !== "string" || !value.trim()) continue;
    add(value);
    if (nameLike) for (const w of nameWords(value)) add(w);
  }
  return [...terms.values()].sort((a, b) => b.length - a.length).slice(0, MAX_TERMS);
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A function text → [[start, end], …] (UTF-16 offsets, not overlapping, in
 * order) of every echo of the terms in text; null when there are no terms.
 */
export function echoMatcher(terms) {
  if (!terms.length) return null;
  const alternatives = terms.map((t) => t.split(" ").map(escape).join("\\s+"));
  // A term starting or ending with a letter or digit must not continue a word there.
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join("|")})(?![\\p{L}\\p{N}])`, "giu");
  return (text) => {
    const out = [];
    for (const m of String(text).matchAll(re)) if (m[0].length) out.push([m.index, m.index + m[0].length]);
    return out;
  };
}
