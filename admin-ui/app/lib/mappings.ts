/**
 * Field-mapping rows as the editor holds them, and their conversion to and from the API's mapping objects
 * (server/src/modules/syncs/mappings.ts). The API validates; these helpers only shape what the user typed.
 */
import { fieldPath } from './form-errors';
import type { Mapping } from './types';

export const TRANSFORMS = [
  { key: 'string', label: 'Text', hint: 'Text, number or boolean → text' },
  { key: 'number', label: 'Number', hint: 'Number or decimal text → number' },
  { key: 'boolean', label: 'Boolean', hint: 'true/false, yes/no, 1/0 → boolean' },
  { key: 'date', label: 'Date', hint: 'A date → ISO 8601 in UTC' },
  { key: 'lowercase', label: 'Lowercase', hint: 'Text → lowercase' },
  { key: 'uppercase', label: 'Uppercase', hint: 'Text → uppercase' },
  { key: 'trim', label: 'Trim', hint: 'Removes spaces around text' },
  { key: 'split', label: 'Split', hint: 'Text → list, at a separator' },
  { key: 'join', label: 'Join', hint: 'List → text, with a separator' },
  { key: 'default', label: 'Default', hint: 'A value when the source is missing or blank' },
  { key: 'constant', label: 'Constant', hint: 'Always the same value; no source' },
  { key: 'template', label: 'Template', hint: 'Text with {{placeholders}}; no source' },
  { key: 'value_map', label: 'Value map', hint: 'Provider value → your value' },
] as const;

export type TransformName = (typeof TRANSFORMS)[number]['key'];
export const DATE_INPUT_FORMATS = [
  { key: 'iso', label: 'ISO 8601 text' },
  { key: 'unix_seconds', label: 'Unix seconds' },
  { key: 'unix_ms', label: 'Unix milliseconds' },
] as const;
export type DateInputFormat = (typeof DATE_INPUT_FORMATS)[number]['key'];

/** Transforms that take no source path (the value comes from the args). */
export const SOURCELESS: readonly string[] = ['constant', 'template'];

export interface MapPair {
  from: string;
  to: string;
}

/** One editable row. Values the user types as literals (constant, default, map values) are kept as text. */
export interface MappingRow {
  id: string;
  source: string;
  target: string;
  transform: TransformName | '';
  separator: string;
  template: string;
  /** constant and default: the value as typed. */
  value: string;
  inputFormat: DateInputFormat;
  pairs: MapPair[];
  fallback: string;
  required: boolean;
  /** The mapping's `default` as typed ('' = none). */
  defaultValue: string;
}

export function emptyRow(id: string): MappingRow {
  return {
    id,
    source: '',
    target: '',
    transform: '',
    separator: ',',
    template: '',
    value: '',
    inputFormat: 'iso',
    pairs: [{ from: '', to: '' }],
    fallback: '',
    required: false,
    defaultValue: '',
  };
}

// ---------------------------------------------------------------------------------------------------------
// literals: what the user types for constant, default, fallback and map values

/**
 * Text typed for a literal → the value sent: JSON numbers, true/false, null, arrays and "quoted text" are
 * read as JSON; anything else is the text itself (so `Lead` needs no quotes).
 */
export function parseLiteral(text: string): unknown {
  const trimmed = text.trim();
  if (/^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)$/.test(trimmed) || /^[["]/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  return text;
}

/** The text to show for a stored literal, so that `parseLiteral` gives the same value back. */
export function literalToText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return parseLiteral(value) === value ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------------------
// rows ↔ API mappings

export function rowsFromMappings(mappings: readonly Mapping[]): MappingRow[] {
  return mappings.map((m, i) => {
    const args = (m.args ?? {}) as Record<string, unknown>;
    const row = emptyRow(`row-${i + 1}`);
    row.source = m.source ?? '';
    row.target = m.target;
    row.transform = (m.transform ?? '') as MappingRow['transform'];
    if (typeof args.separator === 'string') row.separator = args.separator;
    if (typeof args.template === 'string') row.template = args.template;
    if (args.value !== undefined) row.value = literalToText(args.value);
    if (typeof args.inputFormat === 'string') row.inputFormat = args.inputFormat as DateInputFormat;
    if (args.map && typeof args.map === 'object') {
      row.pairs = Object.entries(args.map as Record<string, unknown>).map(([from, to]) => ({ from, to: literalToText(to) }));
    }
    if (args.fallback !== undefined) row.fallback = literalToText(args.fallback);
    row.required = m.required === true;
    row.defaultValue = m.default === undefined ? '' : literalToText(m.default);
    return row;
  });
}

/** The args object of a row's transform (only the args that transform takes). */
export function argsOf(row: MappingRow): Record<string, unknown> | undefined {
  switch (row.transform) {
    case 'split':
    case 'join':
      return { separator: row.separator };
    case 'template':
      return { template: row.template };
    case 'constant':
    case 'default':
      return { value: parseLiteral(row.value) };
    case 'date':
      return row.inputFormat === 'iso' ? undefined : { inputFormat: row.inputFormat };
    case 'value_map': {
      const map: Record<string, unknown> = {};
      for (const pair of row.pairs) if (pair.from !== '' || pair.to !== '') map[pair.from] = parseLiteral(pair.to);
      return { map, ...(row.fallback !== '' ? { fallback: parseLiteral(row.fallback) } : {}) };
    }
    default:
      return undefined;
  }
}

/** The API's mapping objects, in row order. */
export function mappingsFromRows(rows: readonly MappingRow[]): Mapping[] {
  return rows.map((row) => {
    const mapping: Mapping = { source: SOURCELESS.includes(row.transform) ? '' : row.source.trim(), target: row.target.trim() };
    if (row.transform) mapping.transform = row.transform;
    const args = argsOf(row);
    if (args) mapping.args = args;
    if (row.required) mapping.required = true;
    if (row.defaultValue !== '' && row.transform !== 'default' && row.transform !== 'constant')
      // Whatever was typed goes to the API, which says which literal it refuses and why.
      mapping.default = parseLiteral(row.defaultValue) as Mapping['default'];
    return mapping;
  });
}

// ---------------------------------------------------------------------------------------------------------
// editing

function nextId(rows: readonly MappingRow[]): string {
  const max = rows.reduce((n, r) => Math.max(n, Number(r.id.replace(/\D/g, '')) || 0), 0);
  return `row-${max + 1}`;
}

export function addRow(rows: readonly MappingRow[]): MappingRow[] {
  return [...rows, emptyRow(nextId(rows))];
}

export function removeRow(rows: readonly MappingRow[], id: string): MappingRow[] {
  return rows.filter((r) => r.id !== id);
}

/** Moves a row one place up (-1) or down (+1); the order of the others is kept. Out of bounds: unchanged. */
export function moveRow(rows: readonly MappingRow[], id: string, by: -1 | 1): MappingRow[] {
  const from = rows.findIndex((r) => r.id === id);
  const to = from + by;
  if (from < 0 || to < 0 || to >= rows.length) return [...rows];
  const next = [...rows];
  [next[from], next[to]] = [next[to], next[from]];
  return next;
}

export function updateRow(rows: readonly MappingRow[], id: string, patch: Partial<Omit<MappingRow, 'id'>>): MappingRow[] {
  return rows.map((r) => (r.id === id ? { ...r, ...patch } : r));
}

export function updatePair(row: MappingRow, index: number, patch: Partial<MapPair>): MapPair[] {
  return row.pairs.map((p, i) => (i === index ? { ...p, ...patch } : p));
}

export function addPair(row: MappingRow): MapPair[] {
  return [...row.pairs, { from: '', to: '' }];
}

export function removePair(row: MappingRow, index: number): MapPair[] {
  const next = row.pairs.filter((_, i) => i !== index);
  return next.length ? next : [{ from: '', to: '' }];
}

// ---------------------------------------------------------------------------------------------------------
// errors

/** The row fields an error can be shown next to. */
export type RowField = 'source' | 'target' | 'transform' | 'args' | 'required' | 'default' | 'row';

/** Errors by row id, then by field. */
export type RowErrors = Record<string, Partial<Record<RowField, string>>>;

const ROW_FIELDS: readonly RowField[] = ['source', 'target', 'transform', 'args', 'required', 'default'];

/**
 * Places an API error on its row and field by the error's `field` (`/mappings/2/args/separator`: row 3, its
 * args), `rows` being the rows in the order they were sent. Returns null when the error is about no row.
 */
export function rowErrorOf(
  error: { message: string; field?: string | null },
  rows: readonly MappingRow[],
  listName: 'mappings' | 'outboundMappings' = 'mappings',
): { rowId: string; field: RowField; message: string } | null {
  const [list, index, property] = fieldPath(error.field);
  if (list !== listName || index === undefined || !/^\d+$/.test(index)) return null;
  const row = rows[Number(index)];
  if (!row) return null;
  const field = ROW_FIELDS.find((f) => f === property) ?? 'row';
  return { rowId: row.id, field, message: humaniseMessage(error.message, Number(index)) };
}

/** The message worded for the row it is shown on: `mappings[2].target "x" is …` → `Row 3: target "x" is …`. */
function humaniseMessage(message: string, index: number): string {
  return message
    .replace(/^(body\.)?(outboundMappings|mappings)(\[\d+\]|\.\d+)\.?/, `Row ${index + 1}: `)
    .replace(/(outboundMappings|mappings)\[(\d+)\]/g, (_, _list: string, n: string) => `row ${Number(n) + 1}`)
    .replace(/: +/, ': ')
    .replace(/must match pattern ".*"$/, 'must be a field name: letters, digits and _, not starting with a digit (dots for nested fields)')
    .replace(/must NOT have fewer than 1 characters/, 'is required');
}

export function toRowErrors(entry: ReturnType<typeof rowErrorOf>): RowErrors {
  return entry ? { [entry.rowId]: { [entry.field]: entry.message } } : {};
}

/** Preview errors (by target field) placed on the rows writing that target. */
export function previewErrorsByRow(
  errors: readonly { target: string; message: string }[],
  rows: readonly MappingRow[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const row = rows.find((r) => r.target.trim() === e.target);
    if (row) out[row.id] = out[row.id] ? `${out[row.id]}; ${e.message}` : e.message;
  }
  return out;
}

/** A readable one-line summary of a row's transform and args, for the read-only view. */
export function describeTransform(mapping: Mapping): string {
  if (!mapping.transform) return '—';
  const label = TRANSFORMS.find((t) => t.key === mapping.transform)?.label ?? mapping.transform;
  const args = (mapping.args ?? {}) as Record<string, unknown>;
  switch (mapping.transform) {
    case 'split':
    case 'join':
      return `${label} at ${JSON.stringify(args.separator ?? '')}`;
    case 'template':
      return `${label}: ${String(args.template ?? '')}`;
    case 'constant':
    case 'default':
      return `${label}: ${JSON.stringify(args.value)}`;
    case 'date':
      return `${label} (${String(args.inputFormat ?? 'iso')})`;
    case 'value_map': {
      const map = (args.map ?? {}) as Record<string, unknown>;
      const pairs = Object.entries(map)
        .map(([k, v]) => `${k} → ${JSON.stringify(v)}`)
        .join(', ');
      return `${label}: ${pairs}${args.fallback !== undefined ? `; else ${JSON.stringify(args.fallback)}` : ''}`;
    }
    default:
      return label;
  }
}

// ---------------------------------------------------------------------------------------------------------
// sample records

/** A small example record with a value at each source path (and template placeholder) of the mappings. */
export function sampleFromMappings(mappings: readonly Mapping[]): Record<string, unknown> {
  const sample: Record<string, unknown> = {};
  const paths: string[] = [];
  for (const m of mappings) {
    if (m.source) paths.push(m.source);
    const template = (m.args as { template?: unknown } | undefined)?.template;
    if (typeof template === 'string') for (const match of template.matchAll(/\{\{([^{}]*)\}\}/g)) paths.push(match[1].trim());
    const map = (m.args as { map?: Record<string, unknown> } | undefined)?.map;
    if (m.source && map && Object.keys(map).length) setPath(sample, m.source, Object.keys(map)[0]);
  }
  for (const path of paths) if (getPath(sample, path) === undefined) setPath(sample, path, exampleValue(path));
  return Object.keys(sample).length ? sample : { id: '1001', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' };
}

function exampleValue(path: string): unknown {
  const name = path.toLowerCase();
  if (name.includes('email')) return 'Ada.Lovelace@Example.com';
  if (name.includes('first')) return 'Ada';
  if (name.includes('last')) return 'Lovelace';
  if (name.includes('name')) return 'Ada Lovelace';
  if (/(date|_at|at$|time)/.test(name)) return '2024-03-07T09:30:00Z';
  if (/(count|amount|balance|total|number|price)/.test(name)) return 42;
  return 'example';
}

/** Only simple dotted paths are filled (bracketed ones are left to the user). */
function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  if (!/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/.test(path)) return;
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

function getPath(target: Record<string, unknown>, path: string): unknown {
  let node: unknown = target;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** JSON with object keys sorted, to compare mappings whatever order the database gave their args. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
