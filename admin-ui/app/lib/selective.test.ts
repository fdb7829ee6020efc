import { describe, expect, it } from 'vitest';
import { fieldsOf, filterOf, filterValueText, parseFilterScalar } from './selective';

describe('selective sync form values', () => {
  it('types values: numbers, booleans and null; quoted text stays text', () => {
    expect(parseFilterScalar('42')).toBe(42);
    expect(parseFilterScalar('-1.5')).toBe(-1.5);
    expect(parseFilterScalar('true')).toBe(true);
    expect(parseFilterScalar('null')).toBe(null);
    expect(parseFilterScalar('"42"')).toBe('42');
    expect(parseFilterScalar('007')).toBe('007');
    expect(parseFilterScalar("' OR Name != '")).toBe("' OR Name != '");
  });

  it('builds the API filter of a row', () => {
    expect(filterOf({ field: ' status ', op: 'eq', value: 'open' })).toEqual({ field: 'status', op: 'eq', value: 'open' });
    expect(filterOf({ field: 'n', op: 'in', value: 'a, 2, ,"3"' })).toEqual({ field: 'n', op: 'in', value: ['a', 2, '3'] });
    expect(filterOf({ field: 'e', op: 'exists', value: '' })).toEqual({ field: 'e', op: 'exists' });
    expect(filterOf({ field: 'e', op: 'exists', value: 'false' })).toEqual({ field: 'e', op: 'exists', value: false });
    expect(filterOf({ field: 'x', op: 'contains', value: '12' })).toEqual({ field: 'x', op: 'contains', value: '12' });
  });

  it('shows stored values so that saving them again sends the same value', () => {
    for (const [op, value] of [
      ['eq', 'open'],
      ['eq', '42'],
      ['eq', 42],
      ['eq', null],
      ['eq', 'true'],
      ['in', ['a', 1]],
      ['contains', '12'],
    ] as const) {
      expect(filterOf({ field: 'f', op, value: filterValueText(op, value) }).value).toEqual(value);
    }
    expect(fieldsOf(' a, b,,c ')).toEqual(['a', 'b', 'c']);
  });
});
