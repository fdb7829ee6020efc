import { describe, expect, it } from 'vitest';
import { fieldCount, summarizeRecord } from './record-summary';

describe('summarizeRecord', () => {
  it('takes the first scalar fields and skips nested and empty ones', () => {
    const data = { id: 7, address: { city: 'Oslo' }, name: 'Acme', note: '', vip: true, extra: 'x' };
    expect(summarizeRecord(data)).toEqual([
      { key: 'id', value: '7' },
      { key: 'name', value: 'Acme' },
      { key: 'vip', value: 'true' },
    ]);
  });

  it('cuts long values and ignores non-objects', () => {
    expect(summarizeRecord({ t: 'a'.repeat(50) }, 3, 10)[0]!.value).toBe(`${'a'.repeat(9)}…`);
    expect(summarizeRecord('text')).toEqual([]);
    expect(summarizeRecord([1, 2])).toEqual([]);
    expect(fieldCount({ a: 1, b: 2 })).toBe(2);
    expect(fieldCount(null)).toBe(0);
  });
});
