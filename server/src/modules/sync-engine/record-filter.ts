import type { FilterScalar, SyncFilter } from '../syncs/selective.js';

/**
 * Selective sync's filters applied by Linkyard (those the provider cannot apply): pure, on the record as listed.
 *
 * - A field is a dotted path; a list on the way is entered element by element, so `labels.name` reads the name of
 *   every label, and a record matches when any value found matches (`neq`: when none equals).
 * - Values are compared with coercion: numbers and numeric strings as numbers, two dates (ISO-8601) as instants,
 *   `true`/`false` strings as booleans; else as text. `contains` is a case-insensitive substring test (on a
 *   list: any element). `exists` (default true) is a value other than null being present.
 * - `prefix` is where the provider's fields sit in its records (HubSpot `properties.`).
 */
export function matchesFilters(record: unknown, filters: readonly SyncFilter[], prefix = ''): boolean {
  return filters.every((f) => matches(valuesAt(record, `${prefix}${f.field}`), f));
}

/** Splits a page's records into kept and filtered out; `keep[i]` says whether record i stays. */
export function keepMask(records: readonly unknown[], filters: readonly SyncFilter[], prefix = ''): boolean[] {
  return records.map((r) => filters.length === 0 || matchesFilters(r, filters, prefix));
}

function matches(values: unknown[], f: SyncFilter): boolean {
  const present = values.filter((v) => v !== null && v !== undefined);
  switch (f.op) {
    case 'exists':
      return (f.value ?? true) === true ? present.length > 0 : present.length === 0;
    case 'eq':
      return f.value === null ? present.length === 0 : present.some((v) => equal(v, f.value as FilterScalar));
    case 'neq':
      return f.value === null ? present.length > 0 : !present.some((v) => equal(v, f.value as FilterScalar));
    case 'in':
      return present.some((v) => (f.value as FilterScalar[]).some((w) => equal(v, w)));
    case 'contains': {
      const needle = String(f.value).toLowerCase();
      return present.some((v) => isScalarValue(v) && String(v).toLowerCase().includes(needle));
    }
    case 'gt':
      return present.some((v) => order(v, f.value as FilterScalar) > 0);
    case 'gte':
      return present.some((v) => order(v, f.value as FilterScalar) >= 0);
    case 'lt':
      return present.some((v) => order(v, f.value as FilterScalar) < 0);
    case 'lte':
      return present.some((v) => order(v, f.value as FilterScalar) <= 0);
  }
}

/** Every value at a dotted path; lists on the way (and at the end) are entered element by element. */
export function valuesAt(record: unknown, path: string): unknown[] {
  let current: unknown[] = [record];
  for (const key of path.split('.')) {
    const next: unknown[] = [];
    for (const value of current.flatMap(spread)) {
      if (value !== null && typeof value === 'object' && Object.hasOwn(value, key)) next.push((value as Record<string, unknown>)[key]);
    }
    current = next;
  }
  return current.flatMap(spread);
}

const spread = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
const isScalarValue = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

const NUMERIC = /^\s*-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function asNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && NUMERIC.test(v)) return Number(v);
  return null;
}

/** An instant from an ISO-8601 date or date-time (`+0000` offsets as Salesforce and Jira write them included). */
function asInstant(v: unknown): number | null {
  if (typeof v !== 'string' || !DATE.test(v)) return null;
  const ms = Date.parse(v.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? null : ms;
}

function asBoolean(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return null;
}

function equal(a: unknown, b: FilterScalar): boolean {
  if (!isScalarValue(a) || b === null) return false;
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== null && nb !== null) return na === nb;
  const da = asInstant(a);
  const db = asInstant(b);
  if (da !== null && db !== null) return da === db;
  const ba = asBoolean(a);
  const bb = asBoolean(b);
  if (ba !== null && bb !== null) return ba === bb;
  return String(a) === String(b);
}

/** Sign of a − b, or NaN when they cannot be ordered (which every comparison then fails). */
function order(a: unknown, b: FilterScalar): number {
  if (!isScalarValue(a) || b === null || typeof b === 'boolean') return Number.NaN;
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== null && nb !== null) return Math.sign(na - nb);
  const da = asInstant(a);
  const db = asInstant(b);
  if (da !== null && db !== null) return Math.sign(da - db);
  if (typeof a !== 'string' || typeof b !== 'string') return Number.NaN;
  return a < b ? -1 : a > b ? 1 : 0;
}
