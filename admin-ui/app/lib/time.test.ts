import { describe, expect, it } from 'vitest';
import {
  displayTimeZone,
  formatClock,
  formatExact,
  formatRelativeTime,
  formatShort,
  timeZoneFromCookies,
  toWallClock,
  wallClockToIso,
} from './time';

const AT = '2026-12-07T15:02:26.123Z';

describe('the time zone times show in', () => {
  it('is the profile’s, else the browser’s, else UTC', () => {
    expect(displayTimeZone('Asia/Tokyo', 'Europe/Berlin')).toBe('Asia/Tokyo');
    expect(displayTimeZone(null, 'Europe/Berlin')).toBe('Europe/Berlin');
    expect(displayTimeZone(null, null)).toBe('UTC');
    expect(displayTimeZone('Mars/Base', 'Nowhere/Else')).toBe('UTC');
  });

  it('reads the browser’s zone from its cookie, refusing what is not a zone', () => {
    expect(timeZoneFromCookies('a=1; linkyard-tz=America%2FNew_York; b=2')).toBe('America/New_York');
    expect(timeZoneFromCookies('linkyard-tz=%3Cscript%3E')).toBeNull();
    expect(timeZoneFromCookies('linkyard-tz=%E0%A4%A')).toBeNull();
    expect(timeZoneFromCookies(null)).toBeNull();
  });
});

describe('exact and short times', () => {
  it('are written in the given zone with its offset', () => {
    expect(formatExact(AT, 'UTC')).toBe('Dec 7, 2026, 15:02:26 UTC');
    expect(formatExact(AT, 'Europe/Berlin')).toBe('Dec 7, 2026, 16:02:26 GMT+1');
    expect(formatExact(AT, 'Asia/Kolkata')).toBe('Dec 7, 2026, 20:32:26 GMT+5:30');
    expect(formatShort(AT, 'America/New_York')).toBe('Dec 7, 10:02');
    expect(formatClock(AT, 'Europe/Berlin')).toBe('16:02:26.123');
  });

  it('show a dash for a missing or broken value', () => {
    expect(formatExact(null, 'UTC')).toBe('—');
    expect(formatShort('not a date', 'UTC')).toBe('—');
  });
});

describe('relative times', () => {
  const now = Date.parse(AT);
  it('count back and forward from now', () => {
    expect(formatRelativeTime(new Date(now - 3 * 60_000 - 20_000).toISOString(), now, 'UTC')).toBe('3 min ago');
    expect(formatRelativeTime(new Date(now + 2 * 3_600_000).toISOString(), now, 'UTC')).toBe('in 2 h');
    expect(formatRelativeTime(new Date(now - 2_000).toISOString(), now, 'UTC')).toBe('just now');
    expect(formatRelativeTime(new Date(now - 3 * 86_400_000).toISOString(), now, 'UTC')).toBe('3 d ago');
  });
  it('become a date after a month', () => {
    expect(formatRelativeTime('2026-10-01T08:00:00.000Z', now, 'Europe/Berlin')).toBe('Oct 1, 10:00');
  });
});

describe('datetime-local values', () => {
  it('are wall-clock times in the person’s zone, both ways', () => {
    expect(toWallClock(AT, 'Europe/Berlin')).toBe('2026-12-07T16:02');
    expect(wallClockToIso('2026-12-07T16:02', 'Europe/Berlin')).toBe('2026-12-07T15:02:00.000Z');
    expect(wallClockToIso('2026-07-01T09:00', 'Europe/Berlin')).toBe('2026-07-01T07:00:00.000Z');
    expect(wallClockToIso('2026-07-01T09:00', 'UTC')).toBe('2026-07-01T09:00:00.000Z');
    expect(wallClockToIso('2026-07-01', 'America/New_York')).toBe('2026-07-01T04:00:00.000Z');
  });
  it('refuse what is not a date', () => {
    expect(wallClockToIso('yesterday', 'UTC')).toBeNull();
    expect(wallClockToIso('2026-13-45T99:00', 'UTC')).toBeNull();
  });
});
