// The outbox: every sealed report is written to a store before the first
// byte is sent, and leaves it only when the server has answered 2xx (or
// refused it for good). So a report survives a closed tab, a navigation or
// being offline, and is sent later by any page of the site that loads the
// widget. Each entry carries one Idempotency-Key for all its attempts, so a
// retry after a lost response is stored once by the server.
//
// The store is an interface (IndexedDB in the browser, app/idb-store.js; a
// Map in tests) with: put(entry), get(id), delete(id), all(), and
// claim(id, now, leaseMs) → entry | null, which atomically takes a lease so
// two tabs do not send the same entry at the same moment.
import { retryDelay, RETRY_DEFAULTS } from "./retry.js";

export const OUTBOX_LEASE_MS = 120_000;
// A report nobody could deliver for this long is dropped rather than kept forever.
export const OUTBOX_MAX_AGE_MS = 30 * 24 * 3600_000;

export class Outbox {
  /**
   * store: see above. send(entry, onProgress) → Promise<{status, body?, retryAfter?} | {networkError:true}>.
   * clock: {now()}; random: () => [0,1); policy: retry policy (shared/retry.js).
   */
  constructor({ store, send, clock = Date, random = Math.random, policy = RETRY_DEFAULTS, onChange = () => {} }) {
    Object.assign(this, { store, send, clock, random, policy, onChange });
  }

  /** Persists a new report; returns the stored entry. */
  async add({ id, url, envelope, project }) {
    const now = this.clock.now();
    const entry = {
      id,
      url,
      project,
      envelope,
      createdAt: now,
      attempts: 0,
      nextAttemptAt: now,
      leaseUntil: 0,
      lastError: null,
    };
    await this.store.put(entry);
    this.onChange();
    return entry;
  }

  /**
   * One delivery attempt of one entry, if it is due and not leased elsewhere.
   * Returns {state: "delivered"|"retry"|"rejected"|"busy"|"missing"|"expired", ...}.
   */
  async attempt(id, onProgress) {
    const now = this.clock.now();
    const entry = await this.store.claim(id, now, OUTBOX_LEASE_MS);
    if (!entry) return { state: (await this.store.get(id)) ? "busy" : "missing" };
    if (now - entry.createdAt > OUTBOX_MAX_AGE_MS) {
      await this.store.delete(id);
      this.onChange();
      return { state: "expired" };
    }
    let outcome;
    try {
      outcome = await this.send(entry, onProgress);
    } catch (error) {
      outcome = { networkError: true, message: String((error && error.message) || error) };
    }
    if (!outcome.networkError && outcome.status >= 200 && outcome.status < 300) {
      await this.store.delete(id);
      this.onChange();
      return { state: "delivered", status: outcome.status, body: outcome.body };
    }
    const attempts = entry.attempts + 1;
    const delay = retryDelay(attempts, outcome, this.policy, this.random);
    if (delay == null && !outcome.networkError && !isRetryableStatus(outcome.status)) {
      // The server refused this report (bad envelope, unknown project, origin
      // not allowed): sending it again cannot help.
      await this.store.delete(id);
      this.onChange();
      return { state: "rejected", status: outcome.status, body: outcome.body };
    }
    // Out of attempts for now but not refused: keep it, try again much later.
    const wait = delay ?? this.policy.maxMs;
    const updated = {
      ...entry,
      attempts,
      nextAttemptAt: this.clock.now() + wait,
      leaseUntil: 0,
      lastError: outcome.networkError ? "network" : `http_${outcome.status}`,
    };
    await this.store.put(updated);
    this.onChange();
    return {
      state: "retry",
      delayMs: wait,
      status: outcome.status,
      body: outcome.body,
      networkError: !!outcome.networkError,
    };
  }

  /** Entries due now, oldest first. */
  async due() {
    const now = this.clock.now();
    return (await this.store.all())
      .filter((e) => e.nextAttemptAt <= now && e.leaseUntil <= now)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Tries every due entry once; returns their results. */
  async flush() {
    const results = [];
    for (const entry of await this.due()) results.push({ id: entry.id, ...(await this.attempt(entry.id)) });
    return results;
  }

  /** Milliseconds until the next entry is due, or null when the outbox is empty. */
  async nextDueIn() {
    const all = await this.store.all();
    if (!all.length) return null;
    const now = this.clock.now();
    return Math.max(0, Math.min(...all.map((e) => Math.max(e.nextAttemptAt, e.leaseUntil))) - now);
  }
}

function isRetryableStatus(status) {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** The store contract on a Map: used by the tests, and as the fallback where IndexedDB is unavailable. */
export class MemoryStore {
  constructor() {
    this.map = new Map();
  }
  async put(entry) {
    this.map.set(entry.id, structuredClone(entry));
  }
  async get(id) {
    const e = this.map.get(id);
    return e ? structuredClone(e) : null;
  }
  async delete(id) {
    this.map.delete(id);
  }
  async all() {
    return [...this.map.values()].map((e) => structuredClone(e));
  }
  async claim(id, now, leaseMs) {
    const e = this.map.get(id);
    if (!e || e.leaseUntil > now || e.nextAttemptAt > now) return null;
    e.leaseUntil = now + leaseMs;
    return structuredClone(e);
  }
}
