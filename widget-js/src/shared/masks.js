// Which elements are personal data by declaration or by kind, decided on a
// plain description of an element so it is testable without a DOM
// (test/masks.test.mjs). The browser side turns elements into descriptions
// in app/collect-rects.js.

/** Our own markers plus the privacy markers of other tools, honoured so a site marks data once. */
export const BUILTIN_MASK_SELECTORS = [
  "[data-sealshot-mask]",
  ".sealshot-mask",
  ".usprivacy", // Usersnap
  ".sentry-mask",
  "[data-sentry-mask]",
  ".sentry-block", // Sentry Replay
  ".rr-mask",
  ".rr-block", // rrweb
  "[data-jam-blur]", // Jam.dev
  ".gl-mask",
  ".gl-block", // Gleap
];

export const UNMASK_ATTRIBUTE = "data-sealshot-unmask";

// Hosts whose iframes collect card data (Gleap masks the same set).
const PAYMENT_HOSTS = [
  /(^|\.)stripe\.com$/,
  /(^|\.)stripe\.network$/,
  /(^|\.)braintreegateway\.com$/,
  /(^|\.)braintree-api\.com$/,
  /(^|\.)paypal\.com$/,
  /(^|\.)adyen\.com$/,
  /(^|\.)adyenpayments\.com$/,
];

/** One CSS selector list from the built-ins plus the site's own (config `maskSelectors`). */
export function maskSelector(extra = []) {
  const valid = extra.filter((s) => typeof s === "string" && s.trim() !== "");
  return BUILTIN_MASK_SELECTORS.concat(valid).join(",");
}

// autocomplete tokens whose field holds the visitor's name, email or phone
// (their values are also echoed: shared/echoes.js).
const PERSONAL_AUTOCOMPLETE = {
  name: "name",
  "given-name": "name",
  "family-name": "name",
  "additional-name": "name",
  email: "email",
  tel: "phone",
  "tel-national": "phone",
  "tel-local": "phone",
};

/**
 * Why an element is sensitive by default, or null.
 * desc: {tag, type, autocomplete, src, allow, unmasked, autofilled}; tag upper or lower case.
 * `unmasked` means the element or an ancestor carries data-sealshot-unmask;
 * `autofilled`: the browser filled the field from the visitor's saved data.
 */
export function sensitiveReason(desc) {
  if (desc.unmasked) return null;
  const tag = String(desc.tag || "").toUpperCase();
  if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") {
    const type = String(desc.type || "").toLowerCase();
    const tokens = String(desc.autocomplete || "")
      .toLowerCase()
      .split(/\s+/);
    if (type === "password") return "password";
    if (tokens.some((t) => t.startsWith("cc-"))) return "payment-card";
    if (tokens.includes("one-time-code")) return "one-time-code";
    if (type === "email") return "email";
    if (type === "tel") return "phone";
    for (const t of tokens) if (PERSONAL_AUTOCOMPLETE[t]) return PERSONAL_AUTOCOMPLETE[t];
    if (desc.autofilled) return "autofilled";
    return null;
  }
  if (tag === "IFRAME") {
    const allow = String(desc.allow || "").toLowerCase();
    if (/(^|[\s;])payment\b/.test(allow)) return "payment-frame";
    const host = hostOf(desc.src);
    if (host && PAYMENT_HOSTS.some((re) => re.test(host))) return "payment-frame";
  }
  return null;
}

function hostOf(src) {
  try {
    return new URL(String(src || ""), "https://invalid.example/").hostname.toLowerCase();
  } catch {
    return "";
  }
}

/**
 * Stand-in for masked text in the DOM copy: letters become x/X and digits 0,
 * so the copy keeps the same line breaks and (with tabular digits) the same
 * widths, and the pixel boxes measured on the live page still cover it.
 */
export function blockOut(text) {
  return String(text).replace(/[\p{L}\p{N}]/gu, (c) => (/\p{N}/u.test(c) ? "0" : /\p{Lu}/u.test(c) ? "X" : "x"));
}

/**
 * Returns a function that splits a text node's data of the DOM copy into
 * [text, secret] segments: a whole string from a masked element, or each
 * occurrence of a detected hit, is secret. Secret segments are replaced by
 * blockOut() and rendered transparent (app/capture-dom.js).
 */
export function textRedactor({ wholeTexts = [], substrings = [] } = {}) {
  const whole = new Set(wholeTexts.map((t) => String(t).trim()).filter((t) => t.length >= 1));
  // Longest first so a hit inside a longer hit cannot leave a tail.
  const subs = [...new Set(substrings.filter((s) => s && s.trim().length >= 3))].sort((a, b) => b.length - a.length);
  return (data) => {
    if (whole.has(data.trim())) return [[data, true]];
    let segments = [[data, false]];
    for (const s of subs) {
      if (!data.includes(s)) continue;
      segments = segments.flatMap(([text, secret]) => {
        if (secret || !text.includes(s)) return [[text, secret]];
        const parts = text.split(s);
        return parts
          .flatMap((p, i) =>
            i
              ? [
                  [s, true],
                  [p, false],
                ]
              : [[p, false]],
          )
          .filter(([t]) => t !== "");
      });
    }
    return segments;
  };
}
