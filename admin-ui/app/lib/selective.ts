/**
 * Selective sync's form values: the rows of the filters editor as the API takes them (`{ field, op, value }`), and
 * back. Values are typed input: numbers, true, false and null are sent as such; text in double quotes stays text;
 * `in` takes a comma-separated list, `exists` true or false.
 */

export const FILTER_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'in', 'exists'] as const;

export interface FilterRow {
  field: string;
  op: string;
  value: string;
}

export interface FilterBody {
  field: string;
  op: string;
  value?: unknown;
}

/** One typed value from its text. */
export function parseFilterScalar(text: string): string | number | boolean | null {
  const t = text.trim();
  if (/^".*"$/s.test(t)) return t.slice(1, -1);
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(t) && Number.isFinite(Number(t))) return Number(t);
  return text;
}

export function filterOf(row: FilterRow): FilterBody {
  const field = row.field.trim();
  if (row.op === 'exists') {
    const t = row.value.trim();
    return t === '' ? { field, op: row.op } : { field, op: row.op, value: parseFilterScalar(t) };
  }
  if (row.op === 'in') {
    return {
      field,
      op: row.op,
      value: row.value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '')
        .map(parseFilterScalar),
    };
  }
  if (row.op === 'contains') return { field, op: row.op, value: row.value };
  return { field, op: row.op, value: parseFilterScalar(row.value) };
}

/** A stored value as the editor shows it (so saving it again sends the same value). */
export function filterValueText(op: string, value: unknown): string {
  if (value === undefined) return '';
  if (op === 'in' && Array.isArray(value)) return value.map((v) => scalarText(v)).join(', ');
  if (op === 'contains') return String(value);
  return scalarText(value);
}

function scalarText(v: unknown): string {
  if (typeof v === 'string') {
    // Text that would read back as something else is quoted.
    return parseFilterScalar(v) === v && !v.includes(',') ? v : `"${v}"`;
  }
  return v === null ? 'null' : String(v);
}

export function fieldsOf(text: string): string[] {
  return text
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
}
