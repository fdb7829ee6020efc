/**
 * lib/pg-timestamp.ts writes a binary timestamp (int64 µs since 2000-01-01) as to_char's ISO text: for the years
 * 0001–9999 that is Date.toISOString()'s text of the millisecond it falls in (truncated, never rounded up), which these
 * compare against; the change feed's integration test compares it with Postgres's own to_char beyond that range.
 */
import t from 'tap';
import { ISO_TIMESTAMP_MAX_BYTES, isInfiniteTimestamp, writeIsoTimestamp } from '../../../server/src/lib/pg-timestamp.js';

/** µs between 1970-01-01 and Postgres's epoch, 2000-01-01. */
const PG_EPOCH_US = 946_684_800_000_000n;

function iso(microsSince1970: bigint): string {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(microsSince1970 - PG_EPOCH_US);
  const target = Buffer.alloc(ISO_TIMESTAMP_MAX_BYTES + 4, 0x21);
  const end = writeIsoTimestamp(bytes, 0, target, 2);
  if (end - 2 > ISO_TIMESTAMP_MAX_BYTES || target[0] !== 0x21 || target[end] !== 0x21) throw new Error('written out of bounds');
  return target.toString('latin1', 2, end);
}

/** Date's text of the millisecond µs falls in (floor, also before 1970). */
const dateIso = (micros: bigint) => {
  let ms = micros / 1000n;
  if (ms * 1000n > micros) ms -= 1n;
  return new Date(Number(ms)).toISOString();
};

t.test('agrees with Date.toISOString (milliseconds truncated) from year 1 to 9999, both sides of both epochs', async (t) => {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const min = -62_135_596_800_000_000n; // 0001-01-01
  const span = 315_537_897_600_000_000n; // to 9999-12-31
  let mismatches = 0;
  const cases: bigint[] = [0n, PG_EPOCH_US, PG_EPOCH_US - 1n, -1n, -999n, -1000n, -1001n, 999n, 253_402_300_799_999_999n, min];
  for (let i = 0; i < 20_000; i++) {
    cases.push(min + ((BigInt(Math.floor(next() * 2 ** 30)) * BigInt(Math.floor(next() * 2 ** 30)) * 293n) % span));
    // Near the epochs, where the double-precision path ends.
    cases.push(BigInt(Math.floor((next() - 0.5) * 2 ** 53)) + (i % 2 ? PG_EPOCH_US : 0n));
  }
  for (const micros of cases) if (iso(micros) !== dateIso(micros)) mismatches++;
  t.equal(mismatches, 0, `${cases.length} timestamps`);
});

t.test('timestamps of the same day one after another, and days alternating (the day is kept between calls)', async (t) => {
  let mismatches = 0;
  const cases: bigint[] = [];
  for (let i = 0n; i < 200_000n; i++) cases.push(1_765_000_000_000_000n + i * 1_234_567n);
  for (let i = 0n; i < 1000n; i++) cases.push(i % 2n ? -86_400_000_000n * i - i : PG_EPOCH_US + i * 999_999n);
  for (const micros of cases) if (iso(micros) !== dateIso(micros)) mismatches++;
  t.equal(mismatches, 0, `${cases.length} timestamps`);
});

t.test('before year 1 and after 9999: the era dropped, all the year’s digits; infinities are told apart', async (t) => {
  t.equal(iso(-62_135_596_800_000_000n - 1n), '0001-12-31T23:59:59.999Z', '1 BC as to_char writes it (no era)');
  t.equal(iso(253_402_300_800_000_000n), '10000-01-01T00:00:00.000Z');
  const infinity = Buffer.from('7fffffffffffffff', 'hex');
  const minusInfinity = Buffer.from('8000000000000000', 'hex');
  t.ok(isInfiniteTimestamp(infinity, 0) && isInfiniteTimestamp(minusInfinity, 0));
  t.notOk(isInfiniteTimestamp(Buffer.alloc(8), 0));
});
