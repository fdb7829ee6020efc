import { describe, expect, it } from 'vitest';
import {
  addPair,
  addRow,
  canonicalJson,
  emptyRow,
  literalToText,
  mappingsFromRows,
  moveRow,
  parseLiteral,
  previewErrorsByRow,
  removePair,
  removeRow,
  rowErrorOf,
  rowsFromMappings,
  sampleFromMappings,
  updateRow,
} from './mappings';
import type { Mapping } from './types';

const DEMO: Mapping[] = [
  { source: 'email', target: 'email', transform: 'lowercase', required: true },
  { source: '', target: 'fullName', transform: 'template', args: { template: '{{firstName}} {{lastName}}' } },
  {
    source: 'lifecycleStage',
    target: 'stage',
    transform: 'value_map',
    args: { map: { lead: 'Lead', customer: 'Customer' }, fallback: 'Other' },
  },
  { source: 'tags', target: 'tags', transform: 'split', args: { separator: ';' }, default: [] },
  { source: 'createdAt', target: 'created', transform: 'date', args: { inputFormat: 'unix_seconds' } },
  { source: '', target: 'origin', transform: 'constant', args: { value: 42 } },
  { source: 'plan', target: 'plan', default: 'free' },
];

const targets = (rows: { target: string }[]) => rows.map((r) => r.target);

describe('rows ↔ API mappings', () => {
  it('round-trips mappings through the editor rows unchanged', () => {
    expect(canonicalJson(mappingsFromRows(rowsFromMappings(DEMO)))).toBe(canonicalJson(DEMO));
  });

  it('sends only the args the transform takes', () => {
    const [row] = rowsFromMappings([{ source: 'a', target: 'a', transform: 'split', args: { separator: ',' } }]);
    const switched = mappingsFromRows([{ ...row, transform: 'trim' }]);
    expect(switched).toEqual([{ source: 'a', target: 'a', transform: 'trim' }]);
  });

  it('constant and template rows send no source', () => {
    const row = { ...emptyRow('row-1'), source: 'leftover', target: 'x', transform: 'constant' as const, value: 'yes' };
    expect(mappingsFromRows([row])).toEqual([{ source: '', target: 'x', transform: 'constant', args: { value: 'yes' } }]);
  });

  it('builds the value map from its pairs, skipping blank pairs, with the fallback', () => {
    const row = {
      ...emptyRow('row-1'),
      source: 's',
      target: 't',
      transform: 'value_map' as const,
      pairs: [
        { from: 'a', to: '1' },
        { from: '', to: '' },
        { from: 'b', to: 'B' },
      ],
      fallback: 'null',
    };
    expect(mappingsFromRows([row])[0].args).toEqual({ map: { a: 1, b: 'B' }, fallback: null });
  });

  it('leaves out the iso date format (the default)', () => {
    const row = { ...emptyRow('row-1'), source: 'd', target: 'd', transform: 'date' as const };
    expect(mappingsFromRows([row])[0]).not.toHaveProperty('args');
  });
});

describe('literals', () => {
  it('reads JSON numbers, booleans, null, arrays and quoted text; anything else is text', () => {
    expect(parseLiteral('42')).toBe(42);
    expect(parseLiteral('-1.5')).toBe(-1.5);
    expect(parseLiteral('true')).toBe(true);
    expect(parseLiteral('null')).toBeNull();
    expect(parseLiteral('["a","b"]')).toEqual(['a', 'b']);
    expect(parseLiteral('"42"')).toBe('42');
    expect(parseLiteral('Lead')).toBe('Lead');
    expect(parseLiteral('[broken')).toBe('[broken');
  });
  it('shows stored values so they read back the same', () => {
    for (const v of ['Lead', '42', 'true', 42, false, null, ['x'], '"quoted"']) expect(parseLiteral(literalToText(v))).toEqual(v);
  });
});

describe('editing rows', () => {
  const rows = rowsFromMappings(DEMO.slice(0, 3));

  it('moves a row up and down and keeps the others in order', () => {
    expect(targets(moveRow(rows, rows[2].id, -1))).toEqual(['email', 'stage', 'fullName']);
    expect(targets(moveRow(rows, rows[0].id, 1))).toEqual(['fullName', 'email', 'stage']);
  });

  it('does nothing when a row cannot move further', () => {
    expect(targets(moveRow(rows, rows[0].id, -1))).toEqual(['email', 'fullName', 'stage']);
    expect(targets(moveRow(rows, rows[2].id, 1))).toEqual(['email', 'fullName', 'stage']);
  });

  it('moving changes the order of the mappings sent', () => {
    expect(mappingsFromRows(moveRow(rows, rows[1].id, -1)).map((m) => m.target)).toEqual(['fullName', 'email', 'stage']);
  });

  it('adds an empty row with a fresh id at the end, and removes by id', () => {
    const added = addRow(rows);
    expect(added).toHaveLength(4);
    expect(new Set(added.map((r) => r.id)).size).toBe(4);
    expect(added[3]).toMatchObject({ source: '', target: '', transform: '' });
    expect(targets(removeRow(added, rows[1].id))).toEqual(['email', 'stage', '']);
  });

  it('updates one row only', () => {
    const next = updateRow(rows, rows[1].id, { target: 'name' });
    expect(targets(next)).toEqual(['email', 'name', 'stage']);
    expect(next[0]).toBe(rows[0]);
  });

  it('adds and removes value-map pairs, keeping one blank pair', () => {
    const row = emptyRow('row-1');
    expect(addPair(row)).toHaveLength(2);
    expect(removePair(row, 0)).toEqual([{ from: '', to: '' }]);
  });
});

describe('errors', () => {
  const rows = rowsFromMappings(DEMO.slice(0, 3));

  it("places a compiler error on its row and field by the error's field", () => {
    const e = rowErrorOf(
      { message: 'mappings[1].args.template has an empty placeholder {{}} at position 0', field: '/mappings/1/args/template' },
      rows,
    );
    expect(e).toEqual({ rowId: rows[1].id, field: 'args', message: 'Row 2: args.template has an empty placeholder {{}} at position 0' });
  });

  it('places a request-schema error on its row and field, readably', () => {
    const e = rowErrorOf({ message: 'body.mappings.2.target must match pattern "^(?!x)[A-Z]$"', field: '/mappings/2/target' }, rows);
    expect(e?.rowId).toBe(rows[2].id);
    expect(e?.field).toBe('target');
    expect(e?.message).toMatch(/^Row 3: target must be a field name/);
  });

  it('puts an error about a whole mapping on its row', () => {
    expect(rowErrorOf({ message: 'mappings[0] must be an object', field: '/mappings/0' }, rows)?.field).toBe('row');
  });

  it('returns null for an error about no row', () => {
    expect(rowErrorOf({ message: 'Sync not found' }, rows)).toBeNull();
    expect(rowErrorOf({ message: 'mappings[9].target is required', field: '/mappings/9/target' }, rows)).toBeNull();
    expect(rowErrorOf({ message: 'too many', field: '/mappings' }, rows)).toBeNull();
    // The wording alone places nothing.
    expect(rowErrorOf({ message: 'mappings[1].target is required' }, rows)).toBeNull();
  });

  it('puts preview errors on the row writing that target', () => {
    expect(previewErrorsByRow([{ target: 'email', message: 'is required but the source "email" has no value' }], rows)).toEqual({
      [rows[0].id]: 'is required but the source "email" has no value',
    });
  });
});

describe('sample records', () => {
  it('fills every source path and template placeholder', () => {
    const sample = sampleFromMappings([...DEMO, { source: 'properties.city', target: 'city' }]);
    expect(sample).toMatchObject({
      email: expect.any(String),
      firstName: 'Ada',
      lastName: 'Lovelace',
      lifecycleStage: 'lead',
      properties: { city: 'example' },
    });
  });
  it('gives a small example without mappings', () => {
    expect(Object.keys(sampleFromMappings([]))).toContain('email');
  });
});
