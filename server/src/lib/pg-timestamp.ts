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

/** `digits` for a small integer `n` (0–99), in int32 arithmetic. */
function twoDigits(b: Buffer, p: number, n: number): number {
  const tens = (n / 10) | 0;
  b[p] = 48 + tens;
  b[p + 1] = 48 + n - tens * 10;
  return p + 2;
}

/** Whether the binary timestamp at `bytes[start..start + 8)` is `infinity` or `-infinity` (to_char gives NULL for them). */
export function isInfiniteTimestamp(bytes: Buffer, start: number): boolean {
  const hi = bytes.readInt32BE(start);
  const lo = bytes.readUInt32BE(start + 4);
  return (hi === 0x7fffffff && lo === 0xffffffff) || (hi === -0x80000000 && lo === 0);
}

// The last day written and its `YYYY-MM-DDT`: the timestamps of a page or a chunk of rows mostly share a few days, and
// the calendar arithmetic was most of a timestamp's cost (measured: ~240 -> ~60 ns a timestamp).
let lastDays = Number.NaN;
const lastDate = Buffer.alloc(16);
let lastDateLength = 0;

/** `YYYY-MM-DDT` of the day `days` after 2000-01-01 into lastDate. */
function cacheDate(days: number): void {
  const { year, month, day } = civilFromDays(days + PG_EPOCH_DAYS);
  const shownYear = year > 0 ? year : 1 - year;
  const b = lastDate;
  let p = 0;
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
  lastDateLength = p;
  lastDays = days;
}

/**
 * Writes the binary timestamp at `bytes[start..start + 8)` (finite: see isInfiniteTimestamp) at `target[at..]` as
 * `YYYY-MM-DDTHH:MM:SS.mmmZ`, as to_char writes it: milliseconds truncated, a BC year's era dropped (1 BC is year
 * 0001), a year past 9999 in all its digits. Returns the position after it.
 */
export function writeIsoTimestamp(bytes: Buffer, start: number, target: Buffer, at: number): number {
  // By hand: Buffer's readInt32BE checks its arguments on every call.
  const hi = (bytes[start] << 24) | (bytes[start + 1] << 16) | (bytes[start + 2] << 8) | bytes[start + 3];
  const lo = ((bytes[start + 4] << 24) | (bytes[start + 5] << 16) | (bytes[start + 6] << 8) | bytes[start + 7]) >>> 0;
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
  if (days !== lastDays) cacheDate(days);
  const b = target;
  let p = at;
  for (let i = 0; i < lastDateLength; i++) b[p++] = lastDate[i];
  // The time of day in int32 arithmetic (ms < 86,400,000): `| 0` truncates as Math.floor does for these.
  const ms = (microsOfDay / 1000) | 0;
  const seconds = (ms / 1000) | 0;
  const minutes = (seconds / 60) | 0;
  const hours = (minutes / 60) | 0;
  p = twoDigits(b, p, hours);
  b[p++] = 0x3a; // :
  p = twoDigits(b, p, minutes - hours * 60);
  b[p++] = 0x3a;
  p = twoDigits(b, p, seconds - minutes * 60);
  b[p++] = 0x2e; // .
  const millis = ms - seconds * 1000;
  const hundreds = (millis / 100) | 0;
  b[p++] = 48 + hundreds;
  p = twoDigits(b, p, millis - hundreds * 100);
  b[p++] = 0x5a; // Z
  return p;
}
