// A page at ORIGIN with `body` as its HTML, from which the widget's own app
// modules (widget-js/src/app/*.js) import by file name: for tests of one
// module in a real browser without building the widget.
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "./browser.mjs";

export const ORIGIN = "http://sealshot.test";

/** Serves `body` at ORIGIN/ and the app modules at ORIGIN/<name>.js, then opens ORIGIN/. */
export async function openWithAppModules(page, body) {
  await page.route(`${ORIGIN}/**`, (route) => {
    const { pathname } = new URL(route.request().url());
    if (pathname === "/") return route.fulfill({ contentType: "text/html", body });
    const file = path.join(repoRoot, "widget-js/src/app", path.basename(pathname));
    return route.fulfill({ contentType: "text/javascript", body: fs.readFileSync(file, "utf8") });
  });
  await page.goto(`${ORIGIN}/`);
}
