import { describe, expect, it } from 'vitest';
import { cellText, changedCells, fieldChange, initialChoices, resolveRequest, sameValue, takeSide, unchosen } from './conflicts';

const fields = [
  { path: 'name', base: 'Ada', local: 'Ada L.', remote: 'Ada' }, // ours only
  { path: 'email', base: 'a@x.test', local: 'a@x.test', remote: 'ada@x.test' }, // theirs only
  { path: 'phone', base: '1', local: '2', remote: '3' }, // both, differently
  { path: 'plan', base: null, local: 'pro', remote: 'pro' }, // both, the same way
];

describe('conflict diff', () => {
  it('tells how each field changed against the base', () => {
    expect(fields.map(fieldChange)).toEqual(['local', 'remote', 'both', 'same']);
    expect(fieldChange({ path: 'x', base: 1, local: 1, remote: 1 })).toBe('none');
  });

  it('highlights the cells that differ from the base', () => {
    expect(changedCells(fields[0]!)).toEqual({ local: true, remote: false });
    expect(changedCells(fields[1]!)).toEqual({ local: false, remote: true });
    expect(changedCells(fields[2]!)).toEqual({ local: true, remote: true });
  });

  it('compares JSON values deeply, whatever the key order', () => {
    expect(sameValue({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(sameValue([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(sameValue(null, 0)).toBe(false);
  });

  it('shows absent values as a dash and others as text or JSON', () => {
    expect([null, undefined, '', 'text', 3, true, { a: 1 }].map(cellText)).toEqual(['—', '—', '""', 'text', '3', 'true', '{"a":1}']);
  });
});

describe('conflict choices', () => {
  it('opens with one-sided changes taken from their side and the two-sided ones to choose', () => {
    const choices = initialChoices(fields);
    expect(choices).toEqual({ name: 'local', email: 'remote', plan: 'local' });
    expect(unchosen(fields, choices)).toEqual(['phone']);
    expect(resolveRequest(fields, choices)).toBeNull();
  });

  it('takes a whole side as local or remote', () => {
    expect(resolveRequest(fields, takeSide(fields, 'local'))).toEqual({ resolution: 'local' });
    expect(resolveRequest(fields, takeSide(fields, 'remote'))).toEqual({ resolution: 'remote' });
  });

  it('merges field by field with every chosen value', () => {
    const choices = { ...initialChoices(fields), phone: 'remote' as const };
    expect(resolveRequest(fields, choices)).toEqual({
      resolution: 'merged',
      data: { name: 'Ada L.', email: 'ada@x.test', phone: '3', plan: 'pro' },
    });
    expect(resolveRequest(fields, { ...choices, phone: 'base' })).toMatchObject({ resolution: 'merged', data: { phone: '1' } });
  });

  it('counts a field equal on both sides for either side', () => {
    const two = [fields[0]!, fields[3]!];
    expect(resolveRequest(two, { name: 'local', plan: 'remote' })).toEqual({ resolution: 'local' });
  });
});
