// Every visible string of the widget, in English and German. A site
// overrides any of them with config `labels` (per language or flat).

export const LABELS = {
  en: {
    launcher: "Feedback",
    title: "Send feedback",
    close: "Close",
    screenshot: "Screenshot",
    screenshotAlt: "Screenshot of this page as it will be sent, personal data blacked out",
    capturing: "Taking a screenshot…",
    captureFailed: "The page could not be captured. Share your screen or upload an image instead.",
    privacyNote: "Personal data is blacked out and the whole report is encrypted in your browser before it is sent.",
    toolHide: "Black out",
    toolHighlight: "Highlight",
    toolArrow: "Arrow",
    undo: "Undo",
    tools: "Annotation tools",
    drawHint:
      "With the keyboard: arrow keys move the cross (with Shift in larger steps), Enter starts and ends a mark, Escape cancels it.",
    markStarted: "Mark started. Move to the opposite corner and press Enter.",
    markAdded: "Mark added.",
    markCancelled: "Mark cancelled.",
    retakeScreen: "Share screen instead",
    uploadImage: "Upload image",
    removeScreenshot: "Remove screenshot",
    noScreenshot: "No screenshot will be sent.",
    category: "Category",
    categories: { bug: "Something is broken", idea: "Idea or suggestion", question: "Question", other: "Other" },
    comment: "What happened?",
    commentPlaceholder: "Describe what you saw and what you expected",
    commentRequired: "Please write a comment.",
    email: "Email (optional)",
    emailPlaceholder: "So we can answer you",
    emailInvalid: "This does not look like an email address.",
    includeConsole: "Include recent error messages of this page",
    cancel: "Cancel",
    send: "Send",
    sending: "Sending…",
    sent: "Thank you! Your feedback was sent.",
    queued: "You seem to be offline. Your feedback is saved and will be sent automatically.",
    queuedBusy:
      "This site cannot take more feedback right now. Yours is saved on this device and will be sent automatically later.",
    rejected: "The feedback could not be accepted by the server.",
    failed: "Something went wrong. Please try again.",
  },
  de: {
    launcher: "Feedback",
    title: "Feedback senden",
    close: "Schließen",
    screenshot: "Bildschirmfoto",
    screenshotAlt: "Bildschirmfoto dieser Seite, wie es gesendet wird, persönliche Daten geschwärzt",
    capturing: "Bildschirmfoto wird erstellt…",
    captureFailed:
      "Die Seite konnte nicht aufgenommen werden. Teilen Sie stattdessen Ihren Bildschirm oder laden Sie ein Bild hoch.",
    privacyNote:
      "Persönliche Daten werden geschwärzt und der ganze Bericht wird in Ihrem Browser verschlüsselt, bevor er gesendet wird.",
    toolHide: "Schwärzen",
    toolHighlight: "Hervorheben",
    toolArrow: "Pfeil",
    undo: "Rückgängig",
    tools: "Werkzeuge zum Markieren",
    drawHint:
      "Mit der Tastatur: Pfeiltasten bewegen das Kreuz (mit Umschalt in größeren Schritten), Eingabe beginnt und beendet eine Markierung, Escape bricht sie ab.",
    markStarted: "Markierung begonnen. Zur gegenüberliegenden Ecke bewegen und Eingabe drücken.",
    markAdded: "Markierung hinzugefügt.",
    markCancelled: "Markierung abgebrochen.",
    retakeScreen: "Stattdessen Bildschirm teilen",
    uploadImage: "Bild hochladen",
    removeScreenshot: "Bildschirmfoto entfernen",
    noScreenshot: "Es wird kein Bildschirmfoto gesendet.",
    category: "Kategorie",
    categories: { bug: "Etwas funktioniert nicht", idea: "Idee oder Vorschlag", question: "Frage", other: "Sonstiges" },
    comment: "Was ist passiert?",
    commentPlaceholder: "Beschreiben Sie, was Sie gesehen und was Sie erwartet haben",
    commentRequired: "Bitte schreiben Sie einen Kommentar.",
    email: "E-Mail (optional)",
    emailPlaceholder: "Damit wir Ihnen antworten können",
    emailInvalid: "Das sieht nicht wie eine E-Mail-Adresse aus.",
    includeConsole: "Aktuelle Fehlermeldungen dieser Seite mitsenden",
    cancel: "Abbrechen",
    send: "Senden",
    sending: "Wird gesendet…",
    sent: "Danke! Ihr Feedback wurde gesendet.",
    queued: "Sie scheinen offline zu sein. Ihr Feedback ist gespeichert und wird automatisch gesendet.",
    queuedBusy:
      "Diese Website kann gerade kein weiteres Feedback annehmen. Ihres ist auf diesem Gerät gespeichert und wird später automatisch gesendet.",
    rejected: "Der Server konnte das Feedback nicht annehmen.",
    failed: "Etwas ist schiefgelaufen. Bitte versuchen Sie es noch einmal.",
  },
};

/** The language to use: config first, then the page's, then the browser's; English otherwise. */
export function pickLanguage(candidates) {
  for (const c of candidates) {
    const base = String(c || "")
      .toLowerCase()
      .split(/[-_]/)[0];
    if (LABELS[base]) return base;
  }
  return "en";
}

/**
 * Labels for a language with the site's overrides: `overrides` is either
 * flat ({send: "Go"}) or per language ({de: {send: "Los"}}).
 */
export function labelsFor(lang, overrides = {}) {
  const base = LABELS[lang] ?? LABELS.en;
  const perLang = overrides && typeof overrides[lang] === "object" ? overrides[lang] : null;
  const flat = {};
  for (const [k, v] of Object.entries(overrides || {})) if (!LABELS[k]) flat[k] = v;
  const merged = { ...LABELS.en, ...base, ...flat, ...(perLang || {}) };
  merged.categories = { ...base.categories, ...(flat.categories || {}), ...(perLang?.categories || {}) };
  return merged;
}
