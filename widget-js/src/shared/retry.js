// When to try an upload again and how long to wait: exponential backoff with
// full jitter, capped, honouring the server's Retry-After. Pure, so the policy
// is tested on its own (test/retry.test.mjs).

export const RETRY_DEFAULTS = Object.freeze({ baseMs: 1000, maxMs: 60_000, maxAttempts: 8 });

/** outcome: {status} from the server, or {networkError: true}. */
export function isRetryable(outcome) {
  if (outcome.networkError) return true;
  const s = outcome.status;
  return s === 408 || s === 429 || (s >= 500 && s <= 599);
}

/** Retry-After as milliseconds, from seconds or an HTTP date; null when absent or invalid. */
export function parseRetryAfter(value, now = Date.now()) {
  if (value == null || value === "") return null;
  const text = String(value).trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const when = Date.parse(text);
  return Number.isNaN(when) ? null : Math.max(0, when - now);
}

/**
 * Delay before attempt number `attempt` (1 = the first retry), or null to give up.
 * random: () => [0,1), injectable for tests.
 */
export function retryDelay(attempt, outcome, { baseMs, maxMs, maxAttempts } = RETRY_DEFAULTS, random = Math.random) {
  if (!isRetryable(outcome) || attempt >= maxAttempts) return null;
  const exp = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  const jittered = Math.round(exp / 2 + random() * (exp / 2));
  const server = parseRetryAfter(outcome.retryAfter);
  // The server knows its load: never retry sooner than it asked, but cap a
  // silly value so a report is not parked for days in the page.
  return server == null ? jittered : Math.min(Math.max(server, jittered), 10 * maxMs);
}
