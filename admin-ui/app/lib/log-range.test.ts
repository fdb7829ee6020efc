import { describe, expect, it } from 'vitest';
import { isRangePreset, NOT_A_TIME, presetSearch, rangeInOrder, resolveLogRange } from './log-range';

const NOW = Date.parse('2026-12-07T15:30:00.000Z');

describe('the logs range', () => {
  it('counts a preset back from now, open at the end so new lines keep coming', () => {
    expect(resolveLogRange({ range: '1h', from: '', to: '' }, 'UTC', NOW)).toEqual({
      preset: '1h',
      from: '2026-12-07T14:30:00.000Z',
      errors: {},
    });
    expect(resolveLogRange({ range: '24h', from: '', to: '' }, 'UTC', NOW).from).toBe('2026-12-06T15:30:00.000Z');
    expect(resolveLogRange({ range: '7d', from: '', to: '' }, 'Europe/Berlin', NOW).from).toBe('2026-11-30T15:30:00.000Z');
  });

  it('ignores a range it does not know, and has no bounds without one', () => {
    expect(resolveLogRange({ range: '2y', from: '', to: '' }, 'UTC', NOW)).toEqual({ preset: null, errors: {} });
    expect(resolveLogRange({ range: '', from: '', to: '' }, 'UTC', NOW)).toEqual({ preset: null, errors: {} });
    expect(isRangePreset('24h')).toBe(true);
    expect(isRangePreset('hour')).toBe(false);
  });

  it('reads a custom From and To as wall-clock times in the person’s zone', () => {
    // Berlin is UTC+1 in December; New York UTC-5.
    expect(resolveLogRange({ range: '', from: '2026-12-07T14:05', to: '2026-12-07T16:00' }, 'Europe/Berlin', NOW)).toEqual({
      preset: null,
      from: '2026-12-07T13:05:00.000Z',
      to: '2026-12-07T15:00:00.000Z',
      errors: {},
    });
    expect(resolveLogRange({ range: '', from: '2026-12-07T09:00', to: '' }, 'America/New_York', NOW).from).toBe('2026-12-07T14:00:00.000Z');
    expect(resolveLogRange({ range: '', from: '', to: '2026-12-07T09:00' }, 'UTC', NOW)).toEqual({
      preset: null,
      to: '2026-12-07T09:00:00.000Z',
      errors: {},
    });
  });

  it('lets a typed From or To win over a preset', () => {
    const r = resolveLogRange({ range: '1h', from: '2026-12-01T00:00', to: '' }, 'UTC', NOW);
    expect(r.preset).toBeNull();
    expect(r.from).toBe('2026-12-01T00:00:00.000Z');
  });

  it('names a time it cannot read on its field', () => {
    const r = resolveLogRange({ range: '', from: 'yesterday', to: '2026-13-45T10:00' }, 'UTC', NOW);
    expect(r.errors).toEqual({ from: NOT_A_TIME, to: NOT_A_TIME });
    expect(r.from).toBeUndefined();
  });

  it('leaves To before From for the API to refuse, and knows when the pair is in order again', () => {
    // The API answers 400 with field query.to; the form clears that message once the times are in order.
    const r = resolveLogRange({ range: '', from: '2026-12-07T16:00', to: '2026-12-07T14:00' }, 'UTC', NOW);
    expect(r.errors).toEqual({});
    expect(rangeInOrder('2026-12-07T16:00', '2026-12-07T14:00')).toBe(false);
    expect(rangeInOrder('2026-12-07T16:00', '2026-12-07T16:00')).toBe(true);
    expect(rangeInOrder('2026-12-07T16:00', '2026-12-08T09:00')).toBe(true);
    expect(rangeInOrder('', '2026-12-07T14:00')).toBe(true);
    expect(rangeInOrder('2026-12-07T16:00', 'not yet')).toBe(true);
  });

  it('links a preset from the current filters, dropping custom times and the page', () => {
    const search = new URLSearchParams({ level: 'error', from: '2026-12-07T10:00', to: '2026-12-07T11:00', cursor: 'abc', q: 'GET' });
    expect(presetSearch(search, '24h')).toBe('?level=error&q=GET&range=24h');
    expect(presetSearch(new URLSearchParams({ range: '1h' }), null)).toBe('');
  });
});
