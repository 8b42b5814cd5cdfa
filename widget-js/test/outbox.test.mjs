import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStore, Outbox, OUTBOX_LEASE_MS, OUTBOX_MAX_AGE_MS } from "../src/shared/outbox.js";

function setup(responses) {
  const clock = {
    t: 1_000_000,
    now() {
      return this.t;
    },
  };
  const sent = [];
  const store = new MemoryStore();
  const outbox = new Outbox({
    store,
    clock,
    random: () => 0,
    policy: { baseMs: 1000, maxMs: 60_000, maxAttempts: 3 },
    send: async (entry) => {
      sent.push(entry.id);
      const r = responses.shift();
      if (r instanceof Error) throw r;
      return r;
    },
  });
  return { clock, sent, store, outbox };
}
const envelope = new Uint8Array([1, 2, 3]);

test("stored before sending, removed on 2xx", async () => {
  const { outbox, store, sent } = setup([{ status: 201, body: { id: "sub_1" } }]);
  await outbox.add({ id: "k1", url: "https://i/x", envelope });
  assert.equal((await store.all()).length, 1);
  const r = await outbox.attempt("k1");
  assert.deepEqual([r.state, r.body.id], ["delivered", "sub_1"]);
  assert.deepEqual(sent, ["k1"]);
  assert.equal((await store.all()).length, 0);
});

test("a network error keeps the entry with its key and backs off", async () => {
  const { outbox, store, clock, sent } = setup([
    { networkError: true },
    new Error("offline"),
    { status: 201, body: { id: "s" } },
  ]);
  await outbox.add({ id: "k1", url: "u", envelope });
  assert.equal((await outbox.attempt("k1")).state, "retry");
  assert.equal((await outbox.attempt("k1")).state, "busy"); // not due yet
  clock.t += 500;
  assert.equal((await outbox.attempt("k1")).state, "retry"); // a thrown send counts as a network error
  const e = await store.get("k1");
  assert.equal(e.attempts, 2);
  assert.equal(e.lastError, "network");
  clock.t += 1000;
  assert.equal((await outbox.attempt("k1")).state, "delivered");
  assert.deepEqual(sent, ["k1", "k1", "k1"]); // one idempotency key for every attempt
});

test("a permanent 4xx drops the entry; 429 and 5xx keep it", async () => {
  const { outbox, store } = setup([
    { status: 429, retryAfter: "5" },
    { status: 503 },
    { status: 400, body: { error: "bad_envelope" } },
  ]);
  await outbox.add({ id: "k", url: "u", envelope });
  const first = await outbox.attempt("k");
  assert.deepEqual([first.state, first.delayMs], ["retry", 5000]);
  assert.equal(await outbox.nextDueIn(), 5000);
  await outbox.flush(); // nothing due
  assert.equal((await store.get("k")).attempts, 1);
  outbox.clock.t += 5000;
  assert.equal((await outbox.attempt("k")).state, "retry");
  outbox.clock.t += 60_000;
  const last = await outbox.attempt("k");
  assert.deepEqual([last.state, last.body.error], ["rejected", "bad_envelope"]);
  assert.equal(await store.get("k"), null);
});

test("out of attempts is not lost: it waits the longest step and tries again", async () => {
  const { outbox, store, clock } = setup([
    { status: 500 },
    { status: 500 },
    { status: 500 },
    { status: 201, body: {} },
  ]);
  await outbox.add({ id: "k", url: "u", envelope });
  for (let i = 0; i < 3; i++) {
    assert.equal((await outbox.attempt("k")).state, "retry");
    clock.t += 60_000;
  }
  assert.equal((await store.get("k")).attempts, 3);
  assert.equal((await outbox.attempt("k")).state, "delivered");
});

test("a lease stops a second sender (another tab) from sending the same entry", async () => {
  const { outbox, store, clock } = setup([]);
  await outbox.add({ id: "k", url: "u", envelope });
  assert.ok(await store.claim("k", clock.now(), OUTBOX_LEASE_MS));
  assert.equal((await outbox.attempt("k")).state, "busy");
  assert.deepEqual(await outbox.due(), []);
});

test("flush sends due entries oldest first; very old entries expire", async () => {
  const { outbox, clock, sent } = setup([
    { status: 201, body: {} },
    { status: 201, body: {} },
  ]);
  await outbox.add({ id: "old", url: "u", envelope });
  clock.t += 10;
  await outbox.add({ id: "new", url: "u", envelope });
  const results = await outbox.flush();
  assert.deepEqual(
    results.map((r) => [r.id, r.state]),
    [
      ["old", "delivered"],
      ["new", "delivered"],
    ],
  );
  assert.deepEqual(sent, ["old", "new"]);
  await outbox.add({ id: "ancient", url: "u", envelope });
  clock.t += OUTBOX_MAX_AGE_MS + 1;
  assert.equal((await outbox.attempt("ancient")).state, "expired");
  assert.equal(await outbox.nextDueIn(), null);
});
