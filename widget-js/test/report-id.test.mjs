import test from "node:test";
import assert from "node:assert/strict";
import { reportId } from "../src/shared/report-id.js";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test("a report id is a UUID version 7 that the server accepts as an Idempotency-Key", () => {
  for (let i = 0; i < 200; i++) {
    const id = reportId();
    assert.match(id, UUID_V7);
    assert.match(id, /^[A-Za-z0-9_.:-]{1,128}$/); // server/storage/storage.cpp idempotency_key_is_valid
  }
});

test("its first 48 bits are the milliseconds, so later ids sort later", () => {
  assert.equal(
    reportId(0x0123456789ab, () => new Uint8Array(10)),
    "01234567-89ab-7000-8000-000000000000",
  );
  const times = [0, 1, 15, 16, 255, 256, 1764633600000, 1764633600001, 1764633601000, 2 ** 47, 2 ** 48 - 1];
  for (let i = 1; i < times.length; i++) {
    assert.ok(reportId(times[i - 1]) < reportId(times[i]), `${times[i - 1]} then ${times[i]}`);
  }
});

test("ids made in the same millisecond still differ", () => {
  const seen = new Set(Array.from({ length: 1000 }, () => reportId(1764633600000)));
  assert.equal(seen.size, 1000);
});

test("the random bits fill every place the version and variant leave", () => {
  assert.equal(
    reportId(0, () => new Uint8Array(10).fill(0xff)),
    "00000000-0000-7fff-bfff-ffffffffffff",
  );
});
