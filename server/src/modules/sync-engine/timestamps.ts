import type { SinceFormat, TimestampFormat } from '../../providers/provider-definition.js';

/**
 * Provider timestamps in, ISO-8601 UTC out (`2024-05-01T12:00:00.000Z`), and the incremental lower bound ("since")
 * written the way each provider wants it. Normalised values all have the same shape, so they compare as strings.
 */

/** Later than this is a provider bug (or a seconds/milliseconds mix-up), not a modification time. */
const MAX_MS = Date.UTC(9999, 11, 31);

/** A date-time without a zone designator (`2024-05-01T12:00:00`): read as UTC, not as the server's local time. */
const ZONELESS_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

function fromMs(ms: number): string | null {
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_MS ? new Date(ms).toISOString() : null;
}

function numeric(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim());
  return null;
}

/**
 * A record's modification time as ISO-8601 UTC with milliseconds, or null when it is absent or unreadable (a null
 * updated-at is not an error: the record is still synced, it just does not move the high-water mark).
 */
export function normaliseTimestamp(value: unknown, format: TimestampFormat = 'iso8601'): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (format === 'unix_seconds') {
    const n = numeric(value);
    return n === null ? null : fromMs(Math.round(n * 1000));
  }
  if (format === 'unix_ms') {
    const n = numeric(value);
    return n === null ? null : fromMs(Math.round(n));
  }
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return fromMs(Date.parse(ZONELESS_DATE_TIME.test(text) ? `${text.replace(' ', 'T')}Z` : text));
}

/** ISO-8601 UTC at second precision (SOQL rejects fractional seconds), rounded down so the bound stays inclusive. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The lower bound of an incremental request: the stored high-water mark minus the definition's look-back, in the
 * provider's format. `now` matters only for `jql_relative_minutes`.
 */
export function formatSince(sinceIso: string, format: SinceFormat, lookbackSeconds = 0, now: number = Date.now()): string {
  const parsed = Date.parse(sinceIso);
  if (Number.isNaN(parsed)) throw new RangeError('The stored incremental cursor is not a timestamp');
  const ms = Math.max(0, parsed - lookbackSeconds * 1000);
  switch (format) {
    case 'iso8601':
      return isoSeconds(ms);
    case 'unix_seconds':
      return String(Math.floor(ms / 1000));
    case 'unix_ms':
      return String(ms);
    case 'date':
      return new Date(ms).toISOString().slice(0, 10);
    case 'jql_relative_minutes':
      // Rounded up, plus a minute: Jira measures from its own "now", which is later than ours by the request's
      // latency (and any clock skew), so the window may only get wider.
      return `-${Math.max(0, Math.ceil((now - ms) / 60_000)) + 1}m`;
  }
}

/** The later of two normalised timestamps (either may be missing). */
export function laterOf(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return a >= b ? a : b;
}
