// The rules of style sheets from other origins, read through a copy.
//
// The page cannot read the rules of a sheet from another origin that it
// linked without CORS: a web-font service's CSS on nearly every template and
// landing page. Every step that reads the page's rules to do less work then
// had to assume anything: which properties author styles set
// (app/author-styles.js), which elements may have a ::before or ::after and
// which may style their scrollbar (app/pseudo-elements.js: else the copy asks
// every element), and where CSS-generated text may be (app/generated-content.js).
//
// Such a sheet is fetched again with CORS (from the browser's cache, as a
// rule; the font services allow it) when the capture starts, and parsed on
// its own. Its @import rules would be dropped unseen, so a copy with any is
// no copy. Until its copy has arrived, or when it cannot, the sheet stays
// unreadable and each step assumes anything, as before. The set-up waits for
// the copies (authorFreeProperties) before the steps that use them; the
// search for generated text, the capture's first step, does not: waiting
// there delayed the scan, and the set-up behind it, more than it saved.

const copies = new Map(); // href → Promise<CSSStyleSheet|null>, once per page
const settled = new Map(); // href → CSSStyleSheet|null, once its copy has arrived or failed
// The browser has the sheet in its cache; a capture does not wait for a slow network.
const FETCH_TIMEOUT_MS = 500;

/** Starts fetching copies of the document's sheets that cannot be read. */
export function prefetchUnreadableSheets(doc) {
  unreadableCopies(doc);
}

/** Resolves once the copy of each of the document's unreadable sheets has arrived or failed. */
export async function unreadableSheetsSettled(doc) {
  await Promise.all(unreadableCopies(doc));
}

/** The sheet's rules, or its copy's once that has arrived; null when neither can be read. */
export function rulesOf(sheet) {
  return ownRules(sheet) ?? (sheet.href ? settled.get(sheet.href)?.cssRules : null) ?? null;
}

/** Resolves to the sheet's rules, or its copy's when it has one; null when neither can be read. */
export async function rulesOrCopy(sheet) {
  return ownRules(sheet) ?? (sheet.href ? (await readableCopy(sheet.href))?.cssRules : null) ?? null;
}

// The copies (promises) of the document's sheets that cannot be read, started if need be.
function unreadableCopies(doc) {
  return [...doc.styleSheets]
    .filter((sheet) => !ownRules(sheet) && sheet.href)
    .map((sheet) => readableCopy(sheet.href));
}

/** The sheet's own rules, or null when its origin keeps them from the page. */
export function ownRules(sheet) {
  try {
    return sheet.cssRules;
  } catch {
    return null;
  }
}

// Resolves to a parsed copy of the sheet at href, or null (fetched once per page).
function readableCopy(href) {
  let pending = copies.get(href);
  if (!pending) {
    pending = fetch(href, { mode: "cors", credentials: "omit", signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`${r.status}`))))
      .then(async (text) => {
        if (/@import/i.test(text)) return null;
        const sheet = new CSSStyleSheet();
        await sheet.replace(text);
        return sheet;
      })
      .catch(() => null)
      .then((sheet) => {
        settled.set(href, sheet);
        return sheet;
      });
    copies.set(href, pending);
  }
  return pending;
}
