// The id of one report in the outbox, also sent as its Idempotency-Key: a
// UUID version 7 (RFC 9562), 48 bits of milliseconds then 74 random bits.
// Random enough that two visitors never collide; ordered by time so the
// server adds each key at the end of its index, not on a random page
// (docs/benchmarks.md, "Ingest server"). The time it reveals is the time the
// report was made, which the report carries anyway.
const hex = (n, width) => n.toString(16).padStart(width, "0");

export function reportId(nowMs = Date.now(), randomBytes = (b) => crypto.getRandomValues(b)) {
  const r = randomBytes(new Uint8Array(10));
  const ms = Math.max(0, Math.floor(nowMs));
  const time = hex(ms, 12).slice(-12); // 48 bits, most significant first
  const version = hex(0x7000 | (((r[0] & 0x0f) << 8) | r[1]), 4);
  const variant = hex(0x8000 | (((r[2] & 0x3f) << 8) | r[3]), 4);
  const tail = Array.from(r.subarray(4), (b) => hex(b, 2)).join("");
  return `${time.slice(0, 8)}-${time.slice(8)}-${version}-${variant}-${tail}`;
}
