import { BadRequest } from '../../lib/errors.js';
import {
  DATE_INPUT_FORMATS,
  MAX_LITERAL_ARRAY_ITEMS,
  MAX_LITERAL_STRING_LENGTH,
  MAX_MAPPINGS,
  MAX_SEPARATOR_LENGTH,
  MAX_SOURCE_LENGTH,
  MAX_TARGET_LENGTH,
  MAX_TEMPLATE_LENGTH,
  MAX_VALUE_MAP_ENTRIES,
  MAX_VALUE_MAP_KEY_LENGTH,
  RESERVED_SEGMENTS,
  TARGET_PATTERN,
  TRANSFORMS,
  type DateInputFormat,
  type FieldMapping,
  type MappingError,
  type TransformName,
} from './mappings.schemas.js';

export { FieldMappingSchema, FieldMappingsSchema, TRANSFORMS } from './mappings.schemas.js';
export type { FieldMapping, MappingError, TransformName } from './mappings.schemas.js';

/**
 * Field mappings: turn one provider record into the organization's record. Runs for every synced record,
 * so `compileMappings` does all parsing and validation once and returns closures; `apply` never throws
 * and never re-parses a path.
 *
 * Source paths (into the provider record):
 *   - names joined by dots: `properties.firstname`; a name is `[A-Za-z0-9_$-]+` and not all digits
 *   - `[n]` indexes an array: `emails[0].value`, `rows[2][1]` (a dotted all-digit name is rejected: write `[0]`)
 *   - `["…"]` is a name with any other characters, as a JSON string: `custom_fields["Account Id"]`, `["@odata.etag"]`
 *   - names look up own properties of plain objects only, indexes only arrays; anything else is "missing"
 *   - `__proto__`, `constructor` and `prototype` are rejected as any segment; at most 32 segments, 500 characters
 * Targets: identifiers joined by dots; a dot creates a nested object (`address.city` → `{ address: { city } }`).
 *   A target may not be both a value and a parent of another target (`address` with `address.city`).
 *
 * Per field, in order: read the source (or the constant / rendered template) → if missing or null, use
 * `default` as written (not transformed) or null → else run the transform → if `required` and the result
 * is null, '' or [], report an error. A field with an error is left out of the output; every other mapped
 * target is present (null when there is no value), in mapping order. Output values may share structure
 * with the input record (no deep copy).
 *
 * Transforms (a failure is a per-field error, never an exception):
 *   string     text, number or boolean → text; objects and arrays are errors
 *   number     number, or decimal text ("42", " -1.5e3 "); NaN, Infinity, hex and other text are errors
 *   boolean    true/false, 1/0, "true"/"false"/"yes"/"no"/"1"/"0" (any case)
 *   date       → ISO 8601 in UTC (`2024-03-07T09:30:00.000Z`); args.inputFormat: iso (default; a missing
 *              offset means UTC), unix_seconds, unix_ms; years 0000–9999
 *              (number, boolean and date treat a blank string as missing, so default/required apply)
 *   lowercase, uppercase, trim   text only
 *   split      args.separator (1+ chars): text → array of trimmed, non-empty parts (at most 1,000)
 *   join       args.separator (may be ''): array of scalars → text (null items skipped)
 *   default    args.value replaces a missing, null, blank-text or empty-array source
 *   constant   args.value, no source
 *   template   args.template: `{{firstName}} {{lastName}}`; placeholders are source paths; missing → '';
 *              the result is trimmed, and counts as missing when every placeholder was empty (or it
 *              trims to ''); no source
 *   value_map  args.map: { "provider value": organization value }; keys compare as text (numbers and
 *              booleans are converted); unmapped values use args.fallback when given, else are errors
 * join and template results longer than 10,000 characters are errors.
 */

export const MAX_PRODUCED_STRING_LENGTH = 10_000;
export const MAX_SPLIT_ITEMS = 1000;
export const MAX_PATH_SEGMENTS = 32;
export const MAX_TEMPLATE_PLACEHOLDERS = 50;
/** Target reported for an error about the record as a whole (e.g. it is not an object). */
export const RECORD_TARGET = '*';

export interface MappingResult {
  output: Record<string, unknown>;
  errors: MappingError[];
}

export interface CompiledMappings {
  /** Target fields in output order; empty for passthrough. */
  readonly targets: readonly string[];
  apply(record: unknown): MappingResult;
}

/** A path segment: a string is an object property name, a number an array index. */
export type PathSegment = string | number;

// ---------------------------------------------------------------------------------------------------------
// paths

class PathSyntaxError extends Error {}

const NAME_CHAR = /[A-Za-z0-9_$-]/;
const ALL_DIGITS = /^\d+$/;
const INDEX = /^(?:0|[1-9]\d{0,8})$/;
const RESERVED = new Set<string>(RESERVED_SEGMENTS);

/** Parses a source path (syntax above). Throws with a message saying what is wrong and where. */
export function parsePath(path: string): PathSegment[] {
  if (path.length === 0) throw new PathSyntaxError('is empty');
  if (path.length > MAX_SOURCE_LENGTH) throw new PathSyntaxError(`is longer than ${MAX_SOURCE_LENGTH} characters`);
  const segments: PathSegment[] = [];
  let i = 0;
  let afterDot = false;
  while (i < path.length) {
    const c = path[i];
    if (c === '[' && !afterDot) {
      const close = bracketEnd(path, i);
      const inner = path.slice(i + 1, close);
      if (inner.startsWith('"')) {
        let name: unknown;
        try {
          name = JSON.parse(inner);
        } catch {
          throw new PathSyntaxError(`has a malformed quoted name ${inner} at position ${i} (write it as a JSON string, e.g. ["Account Id"])`);
        }
        if (typeof name !== 'string' || name === '') throw new PathSyntaxError(`has an empty quoted name at position ${i}`);
        segments.push(checkName(name));
      } else {
        if (!INDEX.test(inner)) throw new PathSyntaxError(`has "[${inner}]" at position ${i}; use [0], [1], … for array items or ["name"] for names`);
        segments.push(Number(inner));
      }
      i = close + 1;
    } else if (NAME_CHAR.test(c)) {
      let j = i + 1;
      while (j < path.length && NAME_CHAR.test(path[j])) j++;
      const name = path.slice(i, j);
      if (ALL_DIGITS.test(name)) throw new PathSyntaxError(`has ".${name}" at position ${i}; write [${name}] for an array item or ["${name}"] for a name`);
      segments.push(checkName(name));
      i = j;
    } else {
      throw new PathSyntaxError(afterDot || i === 0
        ? `expects a name at position ${i}, found "${c}" (quote unusual names: ["my name"])`
        : `has an unexpected "${c}" at position ${i}`);
    }
    afterDot = false;
    if (i < path.length) {
      if (path[i] === '.') {
        afterDot = true;
        i++;
        if (i === path.length) throw new PathSyntaxError('ends with "."');
      } else if (path[i] !== '[') {
        throw new PathSyntaxError(`has an unexpected "${path[i]}" at position ${i}`);
      }
    }
    if (segments.length > MAX_PATH_SEGMENTS) throw new PathSyntaxError(`has more than ${MAX_PATH_SEGMENTS} segments`);
  }
  return segments;
}

/** Index of the `]` closing the bracket at `open`, skipping a quoted name's escaped characters. */
function bracketEnd(path: string, open: number): number {
  let j = open + 1;
  if (path[j] === '"') {
    j++;
    while (j < path.length && path[j] !== '"') j += path[j] === '\\' ? 2 : 1;
    j++;
  }
  while (j < path.length && path[j] !== ']') {
    if (path[j] === '[') break;
    j++;
  }
  if (path[j] !== ']') throw new PathSyntaxError(`has an unclosed "[" at position ${open}`);
  return j;
}

function checkName(name: string): string {
  if (RESERVED.has(name)) throw new PathSyntaxError(`uses the reserved name "${name}"`);
  return name;
}

const hasOwn = Object.prototype.hasOwnProperty;

type Getter = (root: unknown) => unknown;

function readName(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && hasOwn.call(value, name)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

/** A closure reading one parsed path; undefined when any step is missing or of the wrong kind. */
export function compileGetter(segments: readonly PathSegment[]): Getter {
  if (segments.length === 1 && typeof segments[0] === 'string') {
    const name = segments[0];
    return (root) => readName(root, name);
  }
  if (segments.length === 2 && typeof segments[0] === 'string' && typeof segments[1] === 'string') {
    const [a, b] = segments;
    return (root) => readName(readName(root, a), b);
  }
  const steps = segments.slice();
  const n = steps.length;
  return (root) => {
    let current = root;
    for (let i = 0; i < n; i++) {
      const step = steps[i];
      if (typeof step === 'number') {
        if (!Array.isArray(current)) return undefined;
        current = current[step];
      } else {
        current = readName(current, step);
      }
      if (current === undefined) return undefined;
    }
    return current;
  };
}

// ---------------------------------------------------------------------------------------------------------
// per-record values

/** What a transform or a template returns instead of throwing. */
class Failure {
  constructor(readonly message: string) {}
}
/** "No value": the default applies (and `required` fails without one). */
const MISSING: unique symbol = Symbol('missing');
type Produced = unknown;
type Transform = (value: unknown) => Produced;

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string': return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
    case 'number': return `the number ${value}`;
    case 'boolean': return `the boolean ${value}`;
    case 'object': return 'an object';
    default: return `a ${typeof value}`;
  }
}

const isBlank = (value: unknown): boolean => typeof value === 'string' && value.trim() === '';
const isEmptyResult = (value: unknown): boolean =>
  value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  return undefined;
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

const toNumber: Transform = (value) => {
  if (typeof value === 'number') return Number.isFinite(value) ? value : new Failure(`expected a number, got ${describe(value)}`);
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return MISSING;
    if (DECIMAL.test(text)) {
      const n = Number(text);
      if (Number.isFinite(n)) return n;
    }
  }
  return new Failure(`expected a number, got ${describe(value)}`);
};

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, false: false, yes: true, no: false, 1: true, 0: false };
const toBoolean: Transform = (value) => {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (word === '') return MISSING;
    if (hasOwn.call(BOOLEAN_WORDS, word)) return BOOLEAN_WORDS[word];
  }
  return new Failure(`expected true/false, yes/no or 1/0, got ${describe(value)}`);
};

const toText: Transform = (value) => scalarText(value) ?? new Failure(`expected text, a number or a boolean, got ${describe(value)}`);

const textOnly = (fn: (text: string) => string): Transform => (value) =>
  typeof value === 'string' ? fn(value) : new Failure(`expected text, got ${describe(value)}`);

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const DAY_MS = 86_400_000;

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

// Calendar arithmetic by hand (proleptic Gregorian, H. Hinnant's algorithms): Date#toISOString costs
// several times more than the rest of a record's mapping, and Date.UTC moves years 0–99 to 1900–1999.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
const YEAR_ZERO_MS = daysFromCivil(0, 1, 1) * DAY_MS;
const YEAR_10000_MS = daysFromCivil(10_000, 1, 1) * DAY_MS;

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);
const pad4 = (n: number) => (n < 1000 ? `000${n}`.slice(-4) : `${n}`);

/** Same as `new Date(ms).toISOString()` for years 0000–9999 (checked by the caller), without a Date. */
export function formatIsoUtc(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  return `${pad4(year)}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}.${pad3(rest - second * 1000)}Z`;
}

function isoOutput(ms: number, value: unknown, hint: string): Produced {
  if (!Number.isFinite(ms) || ms < YEAR_ZERO_MS || ms >= YEAR_10000_MS) {
    return new Failure(`${describe(value)} is outside the supported date range (years 0000–9999)${hint}`);
  }
  return formatIsoUtc(ms);
}

function parseIsoDate(value: unknown): Produced {
  if (typeof value !== 'string') {
    return new Failure(`expected an ISO 8601 date, got ${describe(value)}${typeof value === 'number' ? ' (set args.inputFormat to "unix_seconds" or "unix_ms" for timestamps)' : ''}`);
  }
  const m = ISO_DATE.exec(value) ?? ISO_DATE.exec(value.trim());
  if (!m) {
    if (value.trim() === '') return MISSING;
    return new Failure(`expected an ISO 8601 date such as 2024-03-07 or 2024-03-07T09:30:00Z, got ${describe(value)}`);
  }
  const year = +m[1], month = +m[2], day = +m[3];
  const hour = m[4] ? +m[4] : 0, minute = m[5] ? +m[5] : 0, second = m[6] ? +m[6] : 0;
  const millis = m[7] ? +(m[7] + '00').slice(0, 3) : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return new Failure(`${describe(value)} is not a valid calendar date or time`);
  }
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = +digits.slice(0, 2), om = digits.length > 2 ? +digits.slice(2, 4) : 0;
    if (oh > 23 || om > 59) return new Failure(`${describe(value)} has an invalid UTC offset`);
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
  return isoOutput(ms, value, '');
}

function dateTransform(format: DateInputFormat): Transform {
  if (format === 'iso') return parseIsoDate;
  const scale = format === 'unix_seconds' ? 1000 : 1;
  const hint = format === 'unix_seconds' ? '; is it in milliseconds? then set args.inputFormat to "unix_ms"' : '';
  return (value) => {
    let n: number;
    if (typeof value === 'number') n = value;
    else if (typeof value === 'string') {
      const text = value.trim();
      if (text === '') return MISSING;
      n = DECIMAL.test(text) ? Number(text) : NaN;
    } else n = NaN;
    if (!Number.isFinite(n)) return new Failure(`expected a Unix timestamp in ${format === 'unix_ms' ? 'milliseconds' : 'seconds'}, got ${describe(value)}`);
    return isoOutput(Math.round(n * scale), value, hint);
  };
}

function splitTransform(separator: string): Transform {
  return (value) => {
    if (typeof value !== 'string') return new Failure(`expected text to split, got ${describe(value)}`);
    const parts: string[] = [];
    for (const piece of value.split(separator)) {
      const part = piece.trim();
      if (part === '') continue;
      if (parts.length === MAX_SPLIT_ITEMS) return new Failure(`splitting gives more than ${MAX_SPLIT_ITEMS} items`);
      parts.push(part);
    }
    return parts;
  };
}

function joinTransform(separator: string): Transform {
  return (value) => {
    if (!Array.isArray(value)) return new Failure(`expected an array to join, got ${describe(value)}`);
    let out = '';
    let first = true;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item === null || item === undefined) continue;
      const text = scalarText(item);
      if (text === undefined) return new Failure(`item ${i} is ${describe(item)}; join takes text, numbers and booleans`);
      out = first ? text : out + separator + text;
      first = false;
      if (out.length > MAX_PRODUCED_STRING_LENGTH) return new Failure(`the joined text is longer than ${MAX_PRODUCED_STRING_LENGTH} characters`);
    }
    return out;
  };
}

/** Arrays written from a mapping's own literals are copied so records never share (and mutate) them. */
const literalValue = (value: unknown): (() => unknown) => (Array.isArray(value) ? () => value.slice() : () => value);

function valueMapTransform(map: Map<string, unknown>, fallback: { value: unknown } | undefined): Transform {
  const fallbackValue = fallback && literalValue(fallback.value);
  const entries = new Map([...map].map(([k, v]) => [k, literalValue(v)]));
  return (value) => {
    const key = scalarText(value);
    if (key === undefined) return new Failure(`expected text, a number or a boolean to look up, got ${describe(value)}`);
    const hit = entries.get(key);
    if (hit) return hit();
    return fallbackValue ? fallbackValue() : new Failure(`${describe(value)} is not in the value map and there is no fallback`);
  };
}

const defaultTransform: Transform = (value) =>
  isBlank(value) || (Array.isArray(value) && value.length === 0) ? MISSING : value;

interface TemplatePart {
  literal: string;
  placeholder?: { text: string; get: Getter };
}

function renderTemplate(parts: readonly TemplatePart[]): (record: unknown) => Produced {
  return (record) => {
    let out = '';
    let anyValue = false;
    for (const part of parts) {
      out += part.literal;
      if (part.placeholder) {
        const value = part.placeholder.get(record);
        if (value !== null && value !== undefined) {
          const text = scalarText(value);
          if (text === undefined) return new Failure(`placeholder {{${part.placeholder.text}}} is ${describe(value)}, not text`);
          if (text !== '') anyValue = true;
          out += text;
        }
      }
      if (out.length > MAX_PRODUCED_STRING_LENGTH) return new Failure(`the template result is longer than ${MAX_PRODUCED_STRING_LENGTH} characters`);
    }
    const result = anyValue ? out.trim() : '';
    return result === '' ? MISSING : result;
  };
}

// ---------------------------------------------------------------------------------------------------------
// compile

interface CompiledField {
  target: string;
  /** Segments of a dotted target; null for a plain name. */
  nested: string[] | null;
  source: string | undefined;
  /** Reads the source (or renders / returns the value for template and constant) and transforms it. */
  produce: (record: unknown) => Produced;
  fallback: (() => unknown) | null;
  required: boolean;
}

const MAPPING_KEYS = ['source', 'target', 'transform', 'args', 'required', 'default'];
const TRANSFORM_ARGS: Record<TransformName, { required: string[]; optional: string[] }> = {
  string: { required: [], optional: [] },
  number: { required: [], optional: [] },
  boolean: { required: [], optional: [] },
  date: { required: [], optional: ['inputFormat'] },
  lowercase: { required: [], optional: [] },
  uppercase: { required: [], optional: [] },
  trim: { required: [], optional: [] },
  split: { required: ['separator'], optional: [] },
  join: { required: ['separator'], optional: [] },
  default: { required: ['value'], optional: [] },
  constant: { required: ['value'], optional: [] },
  template: { required: ['template'], optional: [] },
  value_map: { required: ['map'], optional: ['fallback'] },
};
const TARGET_REGEX = new RegExp(TARGET_PATTERN);
const TRANSFORM_NAMES = new Set<string>(TRANSFORMS);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function isLiteralScalar(value: unknown): boolean {
  return value === null || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) ||
    (typeof value === 'string' && value.length <= MAX_LITERAL_STRING_LENGTH);
}
function isLiteral(value: unknown): boolean {
  return isLiteralScalar(value) || (Array.isArray(value) && value.length <= MAX_LITERAL_ARRAY_ITEMS && value.every(isLiteralScalar));
}
const LITERAL_RULE = `must be text (at most ${MAX_LITERAL_STRING_LENGTH} characters), a number, a boolean, null, or an array of at most ${MAX_LITERAL_ARRAY_ITEMS} of those`;

/**
 * Validates mappings and compiles them into one function. Throws `BadRequest` naming the mapping and
 * field (`mappings[2].transform "splt" is not one of …`). No mappings: the record's own fields pass through.
 */
export function compileMappings(mappings: readonly FieldMapping[]): CompiledMappings {
  if (!Array.isArray(mappings)) throw new BadRequest('mappings must be an array');
  if (mappings.length > MAX_MAPPINGS) throw new BadRequest(`mappings has ${mappings.length} entries; at most ${MAX_MAPPINGS} are allowed`);
  if (mappings.length === 0) return { targets: [], apply: passthrough };

  const fields: CompiledField[] = [];
  const valueTargets = new Map<string, number>();
  const parentTargets = new Map<string, number>();
  mappings.forEach((mapping, index) => {
    const field = compileField(mapping, index);
    checkTargetUnique(field.target, index, valueTargets, parentTargets);
    fields.push(field);
  });
  return { targets: fields.map((f) => f.target), apply: (record) => applyFields(fields, record) };
}

/** Compiles the mappings and runs them on one record: the preview endpoint. */
export function previewMappings(mappings: readonly FieldMapping[], record: unknown): MappingResult {
  return compileMappings(mappings).apply(record);
}

function compileField(mapping: FieldMapping, index: number): CompiledField {
  const at = (field?: string) => `mappings[${index}]${field ? `.${field}` : ''}`;
  const fail = (field: string | undefined, message: string): never => {
    throw new BadRequest(`${at(field)} ${message}`);
  };
  if (!isPlainObject(mapping)) fail(undefined, 'must be an object like { "source": "email", "target": "email" }');
  for (const key of Object.keys(mapping)) {
    if (!MAPPING_KEYS.includes(key)) fail(key, `is not a mapping property (expected ${MAPPING_KEYS.join(', ')})`);
  }
  const { source, target, transform, args, required, default: defaultValue } = mapping;

  if (typeof target !== 'string' || target === '') fail('target', 'is required (the organization field to write)');
  if (target.length > MAX_TARGET_LENGTH) fail('target', `is longer than ${MAX_TARGET_LENGTH} characters`);
  const targetSegments = target.split('.');
  const reserved = targetSegments.find((s) => RESERVED.has(s));
  if (reserved !== undefined) fail('target', `"${target}" uses the reserved name "${reserved}"`);
  if (!TARGET_REGEX.test(target)) {
    fail('target', `"${target}" is not a valid field name (letters, digits and _, not starting with a digit; dots for nested fields)`);
  }

  if (transform !== undefined && (typeof transform !== 'string' || !TRANSFORM_NAMES.has(transform))) {
    fail('transform', `${typeof transform === 'string' ? `"${transform}"` : describe(transform)} is not one of ${TRANSFORMS.join(', ')}`);
  }
  if (required !== undefined && typeof required !== 'boolean') fail('required', 'must be true or false');
  if (defaultValue !== undefined && !isLiteral(defaultValue)) fail('default', LITERAL_RULE);
  if (transform === 'default' && defaultValue !== undefined) fail('default', 'cannot be combined with transform "default"; put the value in args.value');

  const sourceless = transform === 'constant' || transform === 'template';
  let sourcePath: string | undefined;
  let get: Getter | undefined;
  if (source !== undefined && typeof source !== 'string') fail('source', 'must be a path such as properties.email');
  if (sourceless) {
    if (source) fail('source', `must be empty for transform "${transform}" (${transform === 'template' ? 'placeholders in args.template name the source fields' : 'the value comes from args.value'})`);
  } else {
    if (!source) fail('source', 'is required (a path into the provider record such as properties.email or emails[0].value)');
    sourcePath = source;
    get = compileGetter(parseOrFail(source!, (message) => fail('source', `"${source}" ${message}`)));
  }

  // args
  if (args !== undefined && !isPlainObject(args)) fail('args', 'must be an object');
  const argValues = (args ?? {}) as Record<string, unknown>;
  const argKeys = Object.keys(argValues);
  if (transform === undefined) {
    if (argKeys.length) fail('args', 'is set but there is no transform');
  } else {
    const spec = TRANSFORM_ARGS[transform];
    for (const key of argKeys) {
      if (!spec.required.includes(key) && !spec.optional.includes(key)) {
        const takes = [...spec.required, ...spec.optional];
        fail(`args.${key}`, `is not used by transform "${transform}"${takes.length ? ` (it takes ${takes.join(', ')})` : ' (it takes no args)'}`);
      }
    }
    for (const key of spec.required) {
      if (argValues[key] === undefined) fail(`args.${key}`, `is required for ${transform}`);
    }
  }

  let transformFn: Transform | null = null;
  let produce: (record: unknown) => Produced;
  switch (transform) {
    case undefined: break;
    case 'string': transformFn = toText; break;
    case 'number': transformFn = toNumber; break;
    case 'boolean': transformFn = toBoolean; break;
    case 'lowercase': transformFn = textOnly((s) => s.toLowerCase()); break;
    case 'uppercase': transformFn = textOnly((s) => s.toUpperCase()); break;
    case 'trim': transformFn = textOnly((s) => s.trim()); break;
    case 'date': {
      const format = argValues.inputFormat ?? 'iso';
      if (!(DATE_INPUT_FORMATS as readonly unknown[]).includes(format)) {
        fail('args.inputFormat', `${describe(format)} is not one of ${DATE_INPUT_FORMATS.join(', ')}`);
      }
      transformFn = dateTransform(format as DateInputFormat);
      break;
    }
    case 'split':
    case 'join': {
      const separator = argValues.separator;
      const min = transform === 'split' ? 1 : 0;
      if (typeof separator !== 'string' || separator.length < min || separator.length > MAX_SEPARATOR_LENGTH) {
        fail('args.separator', `must be text of ${min} to ${MAX_SEPARATOR_LENGTH} characters`);
      }
      transformFn = transform === 'split' ? splitTransform(separator as string) : joinTransform(separator as string);
      break;
    }
    case 'default':
    case 'constant':
      if (!isLiteral(argValues.value)) fail('args.value', LITERAL_RULE);
      if (transform === 'default') transformFn = defaultTransform;
      break;
    case 'value_map': {
      const map = argValues.map;
      if (!isPlainObject(map)) fail('args.map', 'must be an object like { "provider value": "organization value" }');
      const entries = Object.entries(map as Record<string, unknown>);
      if (entries.length === 0) fail('args.map', 'is empty');
      if (entries.length > MAX_VALUE_MAP_ENTRIES) fail('args.map', `has ${entries.length} entries; at most ${MAX_VALUE_MAP_ENTRIES} are allowed`);
      for (const [key, value] of entries) {
        if (key.length > MAX_VALUE_MAP_KEY_LENGTH) fail('args.map', `has a key longer than ${MAX_VALUE_MAP_KEY_LENGTH} characters`);
        if (!isLiteral(value)) fail(`args.map[${JSON.stringify(key)}]`, LITERAL_RULE);
      }
      const hasFallback = hasOwn.call(argValues, 'fallback') && argValues.fallback !== undefined;
      if (hasFallback && !isLiteral(argValues.fallback)) fail('args.fallback', LITERAL_RULE);
      transformFn = valueMapTransform(new Map(entries), hasFallback ? { value: argValues.fallback } : undefined);
      break;
    }
    case 'template': {
      const template = argValues.template;
      if (typeof template !== 'string' || template.length > MAX_TEMPLATE_LENGTH) {
        fail('args.template', `must be text of at most ${MAX_TEMPLATE_LENGTH} characters, e.g. "{{firstName}} {{lastName}}"`);
      }
      const parts = parseTemplate(template as string, (message) => fail('args.template', message));
      produce = renderTemplate(parts);
      break;
    }
  }

  if (transform === 'constant') {
    const value = literalValue(argValues.value);
    produce = () => value();
  } else if (transform !== 'template') {
    const read = get!;
    const fn = transformFn;
    produce = fn
      ? (record) => {
          const value = read(record);
          return value === undefined || value === null ? MISSING : fn(value);
        }
      : (record) => {
          const value = read(record);
          return value === undefined || value === null ? MISSING : value;
        };
  }

  const fallbackLiteral = transform === 'default' ? argValues.value : defaultValue;
  return {
    target,
    nested: targetSegments.length > 1 ? targetSegments : null,
    source: sourcePath,
    produce: produce!,
    fallback: fallbackLiteral === undefined ? null : literalValue(fallbackLiteral),
    required: required === true,
  };
}

function parseOrFail(path: string, fail: (message: string) => never): PathSegment[] {
  try {
    return parsePath(path);
  } catch (err) {
    if (err instanceof PathSyntaxError) return fail(`is not a valid path: it ${err.message}`);
    throw err;
  }
}

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

function parseTemplate(template: string, fail: (message: string) => never): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const literal = template.slice(last, match.index);
    if (literal.includes('{{') || literal.includes('}}')) fail(`has an unbalanced "{{" or "}}" near position ${last}`);
    const text = match[1].trim();
    if (text === '') fail(`has an empty placeholder {{}} at position ${match.index}`);
    const segments = parseOrFail(text, (message) => fail(`placeholder {{${text}}} ${message}`));
    parts.push({ literal, placeholder: { text, get: compileGetter(segments) } });
    if (parts.length > MAX_TEMPLATE_PLACEHOLDERS) fail(`has more than ${MAX_TEMPLATE_PLACEHOLDERS} placeholders`);
    last = match.index! + match[0].length;
  }
  const tail = template.slice(last);
  if (tail.includes('{{') || tail.includes('}}')) fail(`has an unbalanced "{{" or "}}" near position ${last}`);
  if (parts.length === 0) fail('has no {{placeholders}}; use transform "constant" for a fixed value');
  parts.push({ literal: tail });
  return parts;
}

function checkTargetUnique(target: string, index: number, values: Map<string, number>, parents: Map<string, number>): void {
  const conflict = (other: number, otherTarget: string): never => {
    throw new BadRequest(`mappings[${index}].target "${target}" conflicts with mappings[${other}].target "${otherTarget}": a field cannot hold both a value and nested fields`);
  };
  const same = values.get(target);
  if (same !== undefined) throw new BadRequest(`mappings[${index}].target "${target}" is already mapped by mappings[${same}]`);
  const child = parents.get(target);
  if (child !== undefined) conflict(child, `${target}.…`);
  let dot = target.indexOf('.');
  while (dot !== -1) {
    const prefix = target.slice(0, dot);
    const owner = values.get(prefix);
    if (owner !== undefined) conflict(owner, prefix);
    if (!parents.has(prefix)) parents.set(prefix, index);
    dot = target.indexOf('.', dot + 1);
  }
  values.set(target, index);
}

// ---------------------------------------------------------------------------------------------------------
// apply

const notAnObject = (record: unknown): MappingResult => ({
  output: {},
  errors: [{ target: RECORD_TARGET, message: `the record must be an object, got ${describe(record)}` }],
});

function passthrough(record: unknown): MappingResult {
  if (!isPlainObject(record)) return notAnObject(record);
  const output: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (key !== '__proto__') output[key] = record[key]; // an own "__proto__" (from JSON.parse) would set the copy's prototype
  }
  return { output, errors: [] };
}

function applyFields(fields: readonly CompiledField[], record: unknown): MappingResult {
  if (!isPlainObject(record)) return notAnObject(record);
  const output: Record<string, unknown> = {};
  const errors: MappingError[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    let value = field.produce(record);
    if (value instanceof Failure) {
      errors.push(field.source === undefined
        ? { target: field.target, message: value.message }
        : { target: field.target, source: field.source, message: value.message });
      continue;
    }
    let missing = false;
    if (value === MISSING) {
      missing = true;
      value = field.fallback ? field.fallback() : null;
    }
    if (field.required && isEmptyResult(value)) {
      const message = missing
        ? field.source === undefined ? 'is required but has no value' : `is required but the source "${field.source}" has no value`
        : 'is required but the value is empty';
      errors.push(field.source === undefined ? { target: field.target, message } : { target: field.target, source: field.source, message });
      continue;
    }
    if (field.nested === null) {
      output[field.target] = value;
    } else {
      const path = field.nested;
      let node = output;
      for (let j = 0; j < path.length - 1; j++) {
        let next = node[path[j]] as Record<string, unknown> | undefined;
        if (next === undefined) {
          next = {};
          node[path[j]] = next;
        }
        node = next;
      }
      node[path[path.length - 1]] = value;
    }
  }
  return { output, errors };
}
