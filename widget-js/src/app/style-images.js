// Images named by the rules of the copy's own <style> elements, inlined.
//
// modern-screenshot inlines the images of each copied element's own style
// (background-image, mask-image, …) as data URLs, but it writes the styles of
// ::before, ::after and scrollbar parts as class rules in a <style> of the SVG
// image and leaves their url()s pointing at the page's server. An SVG image
// loads nothing from outside itself, so a pseudo-element's background image
// (the frame of a phone mock-up) was missing from the picture. Each such
// image is fetched once (the browser has it cached: the page shows it) and
// written in as a data URL; one that cannot be fetched stays as it was, and
// draws nothing, as before.
import { dataUrl } from "./data-url.js";

/** A url() in CSS text; the address is group 2. */
export const CSS_URL = /url\((['"]?)([^'")]+)\1\)/g;

/** Rewrites the url()s of every <style> under `root` (the copy's SVG) that are not data: URLs. */
export async function inlineStyleImages(root, requestInit = {}) {
  const urls = new Set();
  // Only the styles that name such a url are rewritten: the web fonts' style is mostly data: URLs.
  const naming = [...root.querySelectorAll("style")].filter((style) => {
    let names = false;
    for (const [, , url] of style.textContent.matchAll(CSS_URL)) {
      if (url.startsWith("data:")) continue;
      urls.add(url);
      names = true;
    }
    return names;
  });
  if (!urls.size) return;
  const inlined = new Map(
    await Promise.all([...urls].map(async (url) => [url, await dataUrlOf(url, requestInit).catch(() => null)])),
  );
  for (const style of naming) {
    style.textContent = style.textContent.replace(CSS_URL, (whole, quote, url) =>
      inlined.get(url) ? `url("${inlined.get(url)}")` : whole,
    );
  }
}

async function dataUrlOf(url, requestInit) {
  const response = await fetch(url, { credentials: "same-origin", ...requestInit });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return dataUrl(await response.blob());
}
