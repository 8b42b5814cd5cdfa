import { test } from "node:test";
import assert from "node:assert/strict";
import { isRetryable, parseRetryAfter, retryDelay } from "../src/shared/retry.js";

const policy = { baseMs: 1000, maxMs: 60_000, maxAttempts: 8 };

test("network errors, 408, 429 and 5xx are retried; other 4xx are not", () => {
  for (const o of [{ networkError: true }, { status: 408 }, { status: 429 }, { status: 500 }, { status: 503 }])
    assert.ok(isRetryable(o), JSON.stringify(o));
  for (const s of [400, 401, 403, 404, 409, 413, 422]) assert.ok(!isRetryable({ status: s }), String(s));
});

test("backoff doubles with full jitter between half and all of the step, capped", () => {
  const low = (a) => retryDelay(a, { status: 503 }, policy, () => 0);
  const high = (a) => retryDelay(a, { status: 503 }, policy, () => 0.999999);
  assert.deepEqual([1, 2, 3, 4].map(low), [500, 1000, 2000, 4000]);
  assert.deepEqual([1, 2, 3, 4].map(high), [1000, 2000, 4000, 8000]);
  assert.equal(high(7), 60_000);
  assert.equal(low(8), null); // out of attempts
  assert.equal(retryDelay(1, { status: 400 }, policy), null);
});

test("Retry-After is honoured, in seconds or as a date, never undercut by jitter", () => {
  assert.equal(parseRetryAfter("7"), 7000);
  assert.equal(parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT")), 10_000);
  assert.equal(parseRetryAfter("soon"), null);
  assert.equal(parseRetryAfter(null), null);
  assert.equal(
    retryDelay(1, { status: 429, retryAfter: "30" }, policy, () => 0),
    30_000,
  );
  assert.equal(
    retryDelay(3, { status: 503, retryAfter: "1" }, policy, () => 0.999999),
    4000,
  );
  assert.equal(
    retryDelay(1, { status: 503, retryAfter: "99999" }, policy, () => 0),
    600_000,
  ); // capped at 10 × maxMs
});
