import { randomFillSync } from 'node:crypto';

/**
 * Random bytes for 256 ids are drawn at once (as node:crypto's randomUUID does): one call into the CSPRNG per id
 * cost more than the rest of an id. Each id's 16 bytes are used once; the time is written over the first 6.
 */
const IDS_PER_FILL = 256;
const pool = Buffer.alloc(16 * IDS_PER_FILL);
let nextInPool = IDS_PER_FILL;

/** UUID v7 (RFC 9562): time-ordered, so new rows append to indexes and ids sort by creation. */
export function uuidv7(now = Date.now()): string {
  if (nextInPool === IDS_PER_FILL) {
    randomFillSync(pool);
    nextInPool = 0;
  }
  const at = 16 * nextInPool++;
  pool.writeUIntBE(now, at, 6);
  pool[at + 6] = 0x70 | (pool[at + 6] & 0x0f);
  pool[at + 8] = 0x80 | (pool[at + 8] & 0x3f);
  const h = pool.toString('hex', at, at + 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}
