import { describe, expect, it } from 'vitest';
import { filterActors, parseAuditFilters, shortId, summarizeMetadata, type AuditEvent } from './audit';

const ID = '0190a0b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b';

describe('audit filters', () => {
  it('turns days into the start and the end of those UTC days', () => {
    const f = parseAuditFilters(new URLSearchParams(`action=member.added&actorId=${ID}&from=2026-01-01&to=2026-01-31`));
    expect(f.errors).toEqual({});
    expect(f.query).toEqual({ action: 'member.added', actorId: ID, from: '2026-01-01T00:00:00.000Z', to: '2026-01-31T23:59:59.999Z' });
    expect(f.active).toBe(true);
  });

  it('reports bad values and leaves them out of the API query', () => {
    const f = parseAuditFilters(new URLSearchParams('action=DROP TABLE&actorId=me&from=2026-02-30&orgId=x'));
    expect(Object.keys(f.errors).sort()).toEqual(['action', 'actorId', 'from', 'orgId']);
    expect(f.query).toEqual({});
    expect(f.values.action).toBe('DROP TABLE');
  });

  it('refuses a range that ends before it starts', () => {
    const f = parseAuditFilters(new URLSearchParams('from=2026-02-01&to=2026-01-01'));
    expect(f.errors.to).toMatch(/on or after/);
    expect(f.query).toEqual({});
  });

  it('is inactive with no filters', () => {
    const f = parseAuditFilters(new URLSearchParams('cursor=abc'));
    expect(f.active).toBe(false);
    expect(f.query).toEqual({});
  });
});

describe('audit metadata', () => {
  it('summarises a few keys on one line', () => {
    expect(summarizeMetadata({})).toBe('');
    expect(summarizeMetadata(null)).toBe('');
    expect(summarizeMetadata({ email: 'a@b.c', role: 'admin' })).toBe('email: a@b.c · role: admin');
    expect(summarizeMetadata({ a: 1, b: true, c: null, d: 'x' })).toBe('a: 1 · b: true · c: null · +1 more');
    expect(summarizeMetadata({ nested: { x: [1, 2] } })).toBe('nested: {"x":[1,2]}');
    expect(summarizeMetadata({ long: 'y'.repeat(100) })).toBe(`long: ${'y'.repeat(39)}…`);
  });

  it('shortens ids', () => {
    expect(shortId(ID)).toBe('0190a0b2…');
    expect(shortId('abc')).toBe('abc');
    expect(shortId(null)).toBe('—');
  });
});

describe('the actor filter', () => {
  const KEY = '0190a0b2-7c3d-7e4f-8a1b-2c3d4e5f6a7c';
  const OTHER_KEY = '0190a0b2-7c3d-7e4f-8a1b-2c3d4e5f6a7d';
  const GONE = '0190a0b2-7c3d-7e4f-8a1b-2c3d4e5f6a7e';
  const event = (actor: AuditEvent['actor']) => ({ actor }) as AuditEvent;

  it('lists every API key of the organization, not only those acting on the page shown', () => {
    const actors = filterActors(
      [{ userId: ID, email: 'ada@acme.test' }],
      [
        { id: KEY, name: 'warehouse' },
        { id: OTHER_KEY, name: 'crm export' },
      ],
      [
        event({ type: 'user', id: GONE, email: 'removed@acme.test' } as AuditEvent['actor']),
        event({ type: 'system' } as AuditEvent['actor']),
      ],
    );
    expect(actors).toEqual([
      { id: ID, email: 'ada@acme.test' },
      { id: OTHER_KEY, email: 'API key “crm export”' },
      { id: KEY, email: 'API key “warehouse”' },
      { id: GONE, email: 'removed@acme.test' },
    ]);
  });
});
