// What of the page address goes into a report. Query strings and fragments
// carry tokens, emails and search terms often enough that the default keeps
// only origin and path; a site opts in with `keepQuery` / `keepHash`.

export function reportUrl(href, { keepQuery = false, keepHash = false } = {}) {
  let url;
  try {
    url = new URL(String(href));
  } catch {
    return "";
  }
  // Credentials in the authority are never reported.
  url.username = "";
  url.password = "";
  if (!keepQuery) url.search = "";
  if (!keepHash) url.hash = "";
  return url.href;
}
