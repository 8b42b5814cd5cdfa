// The text a CSS `content` value generates (::before, ::after, ::marker),
// decided on the computed value as a string so it is testable without a DOM
// (test/css-content.test.mjs). Chromium resolves attr() in computed values
// but leaves counters and quotes symbolic: those are filled in by the caller
// (app/generated-content.js walks the tree for their values).

/**
 * Tokens of a computed `content` value: {type: "text", text}, {type:
 * "counter", name, style}, {type: "counters", name, separator, style},
 * {type: "quote", which: "open"|"close"|"no-open"|"no-close"}, {type:
 * "attr", name} (when the browser left it unresolved). Images (url(),
 * gradients) produce nothing; the alternative text after "/" is not drawn.
 * "none" and "normal" give [].
 */
export function parseContent(value) {
  const s = String(value ?? "").trim();
  const tokens = [];
  if (s === "" || s === "none" || s === "normal") return tokens;
  let i = 0;
  const readString = () => {
    const q = s[i++];
    let out = "";
    while (i < s.length && s[i] !== q) {
      if (s[i] === "\\") {
        i++;
        const hex = /^[0-9a-fA-F]{1,6}/.exec(s.slice(i));
        if (hex) {
          i += hex[0].length;
          if (s[i] === " ") i++; // one space ends a hex escape
          const cp = parseInt(hex[0], 16);
          out += cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : "\ufffd";
        } else if (s[i] === "\n") {
          i++; // an escaped newline continues the string
        } else if (i < s.length) {
          out += s[i++];
        }
      } else {
        out += s[i++];
      }
    }
    i++; // closing quote
    return out;
  };
  // Arguments of a function up to its closing parenthesis (strings and nesting respected).
  const readArgs = () => {
    const args = [];
    let cur = "",
      depth = 0;
    while (i < s.length) {
      const c = s[i];
      if (c === '"' || c === "'") {
        cur += JSON.stringify(readString());
        continue;
      }
      i++;
      if (c === "(") depth++;
      else if (c === ")") {
        if (depth-- === 0) break;
      } else if (c === "," && depth === 0) {
        args.push(cur.trim());
        cur = "";
        continue;
      }
      cur += c;
    }
    args.push(cur.trim());
    return args;
  };
  const unquote = (a) => (a?.startsWith('"') ? JSON.parse(a) : (a ?? ""));
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "/") break; // alternative text for speech: not drawn
    if (c === '"' || c === "'") {
      tokens.push({ type: "text", text: readString() });
      continue;
    }
    const word = /^-?[A-Za-z_][\w-]*/.exec(s.slice(i));
    if (!word) {
      i++;
      continue;
    }
    i += word[0].length;
    const name = word[0].toLowerCase();
    if (s[i] === "(") {
      i++;
      const args = readArgs();
      if (name === "counter") tokens.push({ type: "counter", name: args[0], style: args[1] || "decimal" });
      else if (name === "counters")
        tokens.push({ type: "counters", name: args[0], separator: unquote(args[1]), style: args[2] || "decimal" });
      else if (name === "attr") tokens.push({ type: "attr", name: args[0].split(/\s+/)[0] });
      // url(), image-set(), gradients: pixels, not text
      continue;
    }
    if (name === "open-quote" || name === "close-quote" || name === "no-open-quote" || name === "no-close-quote") {
      tokens.push({ type: "quote", which: name.replace("-quote", "") });
    }
  }
  return tokens;
}

/** Whether any token needs the tree walk (counters or quotes). */
export function needsTreeState(tokens) {
  return tokens.some((t) => t.type === "counter" || t.type === "counters" || t.type === "quote");
}

const ROMAN = [
  [1000, "m"],
  [900, "cm"],
  [500, "d"],
  [400, "cd"],
  [100, "c"],
  [90, "xc"],
  [50, "l"],
  [40, "xl"],
  [10, "x"],
  [9, "ix"],
  [5, "v"],
  [4, "iv"],
  [1, "i"],
];

function alphabetic(n, letters) {
  if (n < 1) return String(n);
  let out = "";
  for (; n > 0; n = Math.floor((n - 1) / letters.length)) out = letters[(n - 1) % letters.length] + out;
  return out;
}

/** A counter value in a list-style-type (the common ones; others fall back to decimal, as browsers do for unknown styles). */
export function formatCounter(value, style = "decimal") {
  const n = Math.trunc(Number(value) || 0);
  switch (String(style).trim().toLowerCase()) {
    case "none":
      return "";
    case "disc":
      return "•";
    case "circle":
      return "◦";
    case "square":
      return "▪";
    case "decimal-leading-zero":
      return (n < 0 ? "-" : "") + String(Math.abs(n)).padStart(2, "0");
    case "lower-alpha":
    case "lower-latin":
      return alphabetic(n, "abcdefghijklmnopqrstuvwxyz");
    case "upper-alpha":
    case "upper-latin":
      return alphabetic(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    case "lower-greek":
      return alphabetic(n, "αβγδεζηθικλμνξοπρστυφχψω");
    case "lower-roman":
    case "upper-roman": {
      if (n < 1 || n > 3999) return String(n);
      let out = "",
        rest = n;
      for (const [v, r] of ROMAN) for (; rest >= v; rest -= v) out += r;
      return style.trim().toLowerCase() === "upper-roman" ? out.toUpperCase() : out;
    }
    default:
      return String(n);
  }
}

// What `quotes: auto` draws per content language: the languages whose
// <q><q></q></q> Chromium draws pixel for pixel like these characters
// (checked by hand, Chromium 13x); others (fr, es, pt, nl, da among them)
// get English quotes, which may differ from what the browser draws.
const EN = [
  ["\u201c", "\u201d"],
  ["\u2018", "\u2019"],
];
const LOW9 = [
  ["\u201e", "\u201c"],
  ["\u201a", "\u2018"],
];
const GUILLEMETS_LOW9 = [
  ["\u00ab", "\u00bb"],
  ["\u201e", "\u201c"],
];
const RIGHT_ONLY = [
  ["\u201d", "\u201d"],
  ["\u2019", "\u2019"],
];
const AUTO_QUOTES = {
  en: EN,
  zh: EN,
  ko: EN,
  tr: EN,
  de: LOW9,
  cs: LOW9,
  ru: GUILLEMETS_LOW9,
  uk: GUILLEMETS_LOW9,
  it: [
    ["\u00ab", "\u00bb"],
    ["\u201c", "\u201d"],
  ],
  nb: [
    ["\u00ab", "\u00bb"],
    ["\u2018", "\u2019"],
  ],
  pl: [
    ["\u201e", "\u201d"],
    ["\u00ab", "\u00bb"],
  ],
  sv: RIGHT_ONLY,
  fi: RIGHT_ONLY,
  he: RIGHT_ONLY,
  ar: [
    ["\u201d", "\u201c"],
    ["\u2019", "\u2018"],
  ],
  ja: [
    ["\u300c", "\u300d"],
    ["\u300e", "\u300f"],
  ],
};

/**
 * The pairs of a computed `quotes` value: [[open, close], …]; "auto" (and
 * "normal") give the pairs of the content language `lang` (English when
 * unknown), "none" gives [].
 */
export function parseQuotes(value, lang = "") {
  const v = String(value ?? "").trim();
  if (v === "none") return [];
  const tokens = parseContent(v)
    .filter((t) => t.type === "text")
    .map((t) => t.text);
  if (tokens.length < 2) {
    const primary = String(lang).toLowerCase().split(/[-_]/)[0];
    return AUTO_QUOTES[primary] ?? AUTO_QUOTES.en;
  }
  const pairs = [];
  for (let k = 0; k + 1 < tokens.length; k += 2) pairs.push([tokens[k], tokens[k + 1]]);
  return pairs;
}
