import { civilFromDays } from './civil-date.js';

/**
 * Timestamps in Postgres's binary form (a big-endian int64 of microseconds since 2000-01-01 UTC, as a binary COPY
 * sends a timestamptz) written as the API's ISO 8601 text, straight into a Buffer: what
 * `to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` gives, which for the years 0001–9999 is also
 * `Date.toISOString()`'s text. Making that text in Postgres cost it more than reading the row (about 170 µs per
 * timestamp column per 1,000 rows for the change feed, measured); here it is a few arithmetic operations.
 */

const MICROS_PER_DAY = 86_400_000_000;
/** Postgres's epoch for binary timestamps, 2000-01-01, in days since 1970-01-01. */
const PG_EPOCH_DAYS = 10_957;
/** The most bytes `writeIsoTimestamp` writes: a 6-digit year (int64 µs reach year 294,276) and the rest. */
export const ISO_TIMESTAMP_MAX_BYTES = 26;

/** Two decimal digits of `n` (0–99) at `p`; the position after them. */
function digits(b: Buffer, p: number, n: number): number {
  b[p] = 48 + Math.floor(n / 10);
  b[p + 1] = 48 + (n % 10);
  return p + 2;
}

/** Whether the binary timestamp at `bytes[start..start + 8)` is `infinity` or `-infinity` (to_char gives NULL for them). */
export function isInfiniteTimestamp(bytes: Buffer, start: number): boolean {
  const hi = bytes.readInt32BE(start);
  const lo = bytes.readUInt32BE(start + 4);
  return (hi === 0x7fffffff && lo === 0xffffffff) || (hi === -0x80000000 && lo === 0);
}

/**
 * Writes the binary timestamp at `bytes[start..start + 8)` (finite: see isInfiniteTimestamp) at `target[at..]` as
 * `YYYY-MM-DDTHH:MM:SS.mmmZ`, as to_char writes it: milliseconds truncated, a BC year's era dropped (1 BC is year
 * 0001), a year past 9999 in all its digits. Returns the position after it.
 */
export function writeIsoTimestamp(bytes: Buffer, start: number, target: Buffer, at: number): number {
  const hi = bytes.readInt32BE(start);
  const lo = bytes.readUInt32BE(start + 4);
  let days: number;
  let microsOfDay: number;
  if (hi > -0x100000 && hi < 0x100000) {
    // |µs| < 2^52 (the years 1858–2141): exact in a double.
    const micros = hi * 0x100000000 + lo;
    days = Math.floor(micros / MICROS_PER_DAY);
    microsOfDay = micros - days * MICROS_PER_DAY;
  } else {
    const micros = (BigInt(hi) << 32n) + BigInt(lo);
    let d = micros / BigInt(MICROS_PER_DAY);
    if (d * BigInt(MICROS_PER_DAY) > micros) d -= 1n;
    days = Number(d);
    microsOfDay = Number(micros - d * BigInt(MICROS_PER_DAY));
  }
  const { year, month, day } = civilFromDays(days + PG_EPOCH_DAYS);
  const shownYear = year > 0 ? year : 1 - year;
  const ms = Math.floor(microsOfDay / 1000);
  const b = target;
  let p = at;
  if (shownYear > 9999) {
    p += b.write(String(shownYear), p, 'latin1');
  } else {
    p = digits(b, p, Math.floor(shownYear / 100));
    p = digits(b, p, shownYear % 100);
  }
  b[p++] = 0x2d; // -
  p = digits(b, p, month);
  b[p++] = 0x2d;
  p = digits(b, p, day);
  b[p++] = 0x54; // T
  p = digits(b, p, Math.floor(ms / 3_600_000));
  b[p++] = 0x3a; // :
  p = digits(b, p, Math.floor(ms / 60_000) % 60);
  b[p++] = 0x3a;
  p = digits(b, p, Math.floor(ms / 1000) % 60);
  b[p++] = 0x2e; // .
  b[p++] = 48 + Math.floor((ms % 1000) / 100);
  p = digits(b, p, ms % 100);
  b[p++] = 0x5a; // Z
  return p;
}
