import { describe, expect, it } from 'vitest';
import { formatTimeLabel } from './chart';
import { formatExact, formatShort } from './time';

// Node's ICU writes the first hour of a day as "24" when asked for hour12: false in en-US, while browsers
// write "00": the page then differs between the server render and hydration (React error 418). Times
// after midnight UTC are where that showed.
describe('times in the first hour of a UTC day', () => {
  const justAfterMidnight = '2026-11-22T00:02:05.000Z';

  it('are written 00:xx in page dates', () => {
    expect(formatShort(justAfterMidnight, 'UTC')).toBe('Nov 22, 00:02');
    expect(formatExact(justAfterMidnight, 'UTC')).toBe('Nov 22, 2026, 00:02:05 UTC');
  });

  it('are written 00:xx in chart labels', () => {
    expect(formatTimeLabel(justAfterMidnight)).toBe('Nov 22, 00:02');
  });
});
