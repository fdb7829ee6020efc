import { BadRequest } from '../../lib/errors.js';
import { jsonPointer } from '../../lib/input-values.js';
import {
  DATE_INPUT_FORMATS,
  MAX_LITERAL_ARRAY_ITEMS,
  MAX_LITERAL_STRING_LENGTH,
  MAX_MAPPINGS,
  MAX_SEPARATOR_LENGTH,
  MAX_TARGET_LENGTH,
  MAX_TEMPLATE_LENGTH,
  MAX_VALUE_MAP_ENTRIES,
  MAX_VALUE_MAP_KEY_LENGTH,
  TARGET_PATTERN,
  TRANSFORMS,
  type DateInputFormat,
  type FieldMapping,
  type MappingError,
  type TransformName,
} from './mappings.schemas.js';
import { PathSyntaxError, RESERVED, compileGetter, parsePath, type Getter, type PathSegment } from './mappings.paths.js';
import {
  Failure,
  MISSING,
  dateTransform,
  defaultTransform,
  describe,
  isEmptyResult,
  joinTransform,
  literalValue,
  renderTemplate,
  splitTransform,
  textOnly,
  toBoolean,
  toNumber,
  toText,
  valueMapTransform,
  type Produced,
  type TemplatePart,
  type Transform,
} from './mappings.transforms.js';

export { FieldMappingSchema, FieldMappingsSchema, MappingErrorSchema, TRANSFORMS } from './mappings.schemas.js';
export type { FieldMapping, MappingError, TransformName } from './mappings.schemas.js';
export { MAX_PATH_SEGMENTS, compileGetter, parsePath, type PathSegment } from './mappings.paths.js';
export { MAX_PRODUCED_STRING_LENGTH, MAX_SPLIT_ITEMS } from './mappings.transforms.js';
export { formatIsoUtc } from './mappings.dates.js';

/**
 * Field mappings: turn one provider record into the organization's record. Runs for every synced record,
 * so `compileMappings` does all parsing and validation once and returns closures; `apply` never throws
 * and never re-parses a path. This file compiles and applies; source paths are in ./mappings.paths.ts,
 * the transforms in ./mappings.transforms.ts and their date arithmetic in ./mappings.dates.ts.
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

export const MAX_TEMPLATE_PLACEHOLDERS = 50;
/** Target reported for an error about the record as a whole (e.g. it is not an object). */
export const RECORD_TARGET = '*';

export interface MappingResult {
  output: Record<string, unknown>;
  errors: MappingError[];
}

export interface ApplyOptions {
  /**
   * Leave out a target whose source is absent from the record (absent, not null: an explicit null still maps to
   * null), unless it has a default or is required. A pushed create sends only the fields the record gives, so a
   * provider that refuses null for a field (GitHub's `state`) keeps its own default.
   */
  omitAbsent?: boolean;
}

export interface CompiledMappings {
  /** Target fields in output order; empty for passthrough. */
  readonly targets: readonly string[];
  apply(record: unknown, options?: ApplyOptions): MappingResult;
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
  /** Whether the source is absent from the record (undefined, not null); null for mappings without a source. */
  absent: ((record: unknown) => boolean) | null;
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

const hasOwn = Object.prototype.hasOwnProperty;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function isLiteralScalar(value: unknown): boolean {
  return (
    value === null ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    (typeof value === 'string' && value.length <= MAX_LITERAL_STRING_LENGTH)
  );
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
  if (!Array.isArray(mappings)) throw new BadRequest('mappings must be an array', '/mappings');
  if (mappings.length > MAX_MAPPINGS)
    throw new BadRequest(`mappings has ${mappings.length} entries; at most ${MAX_MAPPINGS} are allowed`, '/mappings');
  if (mappings.length === 0) return { targets: [], apply: passthrough };

  const fields: CompiledField[] = [];
  const valueTargets = new Map<string, number>();
  const parentTargets = new Map<string, number>();
  mappings.forEach((mapping, index) => {
    const field = compileField(mapping, index);
    checkTargetUnique(field.target, index, valueTargets, parentTargets);
    fields.push(field);
  });
  return { targets: fields.map((f) => f.target), apply: (record, options) => applyFields(fields, record, options?.omitAbsent === true) };
}

/** Compiles the mappings and runs them on one record: the preview endpoint. */
export function previewMappings(mappings: readonly FieldMapping[], record: unknown): MappingResult {
  return compileMappings(mappings).apply(record);
}

type Fail = (field: string | undefined, message: string) => never;

/**
 * The error's `field` for a mapping's property as the messages name it (`args.separator`, `args.map["x"]`):
 * a JSON Pointer into the request body, `/mappings/2/args/separator`; a value map's key stays with `args/map`.
 */
function mappingField(index: number, property: string | undefined): string {
  const path = property ? property.replace(/\[.*$/, '').split('.') : [];
  return jsonPointer(['mappings', String(index), ...path]);
}

/** Validates one mapping (the first problem throws, naming the mapping and field) and compiles it. */
function compileField(mapping: FieldMapping, index: number): CompiledField {
  const at = (field?: string) => `mappings[${index}]${field ? `.${field}` : ''}`;
  const fail: Fail = (field, message) => {
    throw new BadRequest(`${at(field)} ${message}`, mappingField(index, field));
  };
  if (!isPlainObject(mapping)) fail(undefined, 'must be an object like { "source": "email", "target": "email" }');
  for (const key of Object.keys(mapping)) {
    if (!MAPPING_KEYS.includes(key)) fail(key, `is not a mapping property (expected ${MAPPING_KEYS.join(', ')})`);
  }
  const { source, target, transform, args, required, default: defaultValue } = mapping;
  const targetSegments = checkTarget(target, fail);
  if (transform !== undefined && (typeof transform !== 'string' || !TRANSFORM_NAMES.has(transform))) {
    fail('transform', `${typeof transform === 'string' ? `"${transform}"` : describe(transform)} is not one of ${TRANSFORMS.join(', ')}`);
  }
  if (required !== undefined && typeof required !== 'boolean') fail('required', 'must be true or false');
  if (defaultValue !== undefined && !isLiteral(defaultValue)) fail('default', LITERAL_RULE);
  if (transform === 'default' && defaultValue !== undefined)
    fail('default', 'cannot be combined with transform "default"; put the value in args.value');
  const get = compileSource(source, transform, fail);
  const argValues = checkArgs(transform, args, fail);

  const fallbackLiteral = transform === 'default' ? argValues.value : defaultValue;
  return {
    target,
    nested: targetSegments.length > 1 ? targetSegments : null,
    source: get ? source : undefined,
    produce: compileProducer(transform, argValues, get, fail),
    absent: get ? (record) => get(record) === undefined : null,
    fallback: fallbackLiteral === undefined ? null : literalValue(fallbackLiteral),
    required: required === true,
  };
}

/** The target's segments: a valid field name, not reserved, dots for nested fields. */
function checkTarget(target: unknown, fail: Fail): string[] {
  if (typeof target !== 'string' || target === '') fail('target', 'is required (the organization field to write)');
  const name = target as string;
  if (name.length > MAX_TARGET_LENGTH) fail('target', `is longer than ${MAX_TARGET_LENGTH} characters`);
  const targetSegments = name.split('.');
  const reserved = targetSegments.find((s) => RESERVED.has(s));
  if (reserved !== undefined) fail('target', `"${name}" uses the reserved name "${reserved}"`);
  if (!TARGET_REGEX.test(name)) {
    fail('target', `"${name}" is not a valid field name (letters, digits and _, not starting with a digit; dots for nested fields)`);
  }
  return targetSegments;
}

/** The source's getter; constant and template mappings take no source (undefined). */
function compileSource(source: unknown, transform: TransformName | undefined, fail: Fail): Getter | undefined {
  if (source !== undefined && typeof source !== 'string') fail('source', 'must be a path such as properties.email');
  if (transform === 'constant' || transform === 'template') {
    if (source)
      fail(
        'source',
        `must be empty for transform "${transform}" (${transform === 'template' ? 'placeholders in args.template name the source fields' : 'the value comes from args.value'})`,
      );
    return undefined;
  }
  if (!source) fail('source', 'is required (a path into the provider record such as properties.email or emails[0].value)');
  return compileGetter(parseOrFail(source as string, (message) => fail('source', `"${source as string}" ${message}`)));
}

/** The mapping's args: only those its transform takes, and every one it requires. */
function checkArgs(transform: TransformName | undefined, args: unknown, fail: Fail): Record<string, unknown> {
  if (args !== undefined && !isPlainObject(args)) fail('args', 'must be an object');
  const argValues = (args ?? {}) as Record<string, unknown>;
  const argKeys = Object.keys(argValues);
  if (transform === undefined) {
    if (argKeys.length) fail('args', 'is set but there is no transform');
    return argValues;
  }
  const spec = TRANSFORM_ARGS[transform];
  for (const key of argKeys) {
    if (!spec.required.includes(key) && !spec.optional.includes(key)) {
      const takes = [...spec.required, ...spec.optional];
      fail(
        `args.${key}`,
        `is not used by transform "${transform}"${takes.length ? ` (it takes ${takes.join(', ')})` : ' (it takes no args)'}`,
      );
    }
  }
  for (const key of spec.required) {
    if (argValues[key] === undefined) fail(`args.${key}`, `is required for ${transform}`);
  }
  return argValues;
}

/** What the mapping writes for a record: the source transformed, a rendered template, or a constant. */
function compileProducer(
  transform: TransformName | undefined,
  argValues: Record<string, unknown>,
  get: Getter | undefined,
  fail: Fail,
): (record: unknown) => Produced {
  if (transform === 'template') return renderTemplate(checkedTemplate(argValues, fail));
  if (transform === 'constant') {
    if (!isLiteral(argValues.value)) fail('args.value', LITERAL_RULE);
    const value = literalValue(argValues.value);
    return () => value();
  }
  const fn = transform === undefined ? null : compileTransform(transform, argValues, fail);
  const read = get!;
  return fn
    ? (record) => {
        const value = read(record);
        return value === undefined || value === null ? MISSING : fn(value);
      }
    : (record) => {
        const value = read(record);
        return value === undefined || value === null ? MISSING : value;
      };
}

/** The transform of a mapping that reads a source, with its args checked. */
function compileTransform(
  transform: Exclude<TransformName, 'template' | 'constant'>,
  argValues: Record<string, unknown>,
  fail: Fail,
): Transform {
  switch (transform) {
    case 'string':
      return toText;
    case 'number':
      return toNumber;
    case 'boolean':
      return toBoolean;
    case 'lowercase':
      return textOnly((s) => s.toLowerCase());
    case 'uppercase':
      return textOnly((s) => s.toUpperCase());
    case 'trim':
      return textOnly((s) => s.trim());
    case 'date': {
      const format = argValues.inputFormat ?? 'iso';
      if (!(DATE_INPUT_FORMATS as readonly unknown[]).includes(format)) {
        fail('args.inputFormat', `${describe(format)} is not one of ${DATE_INPUT_FORMATS.join(', ')}`);
      }
      return dateTransform(format as DateInputFormat);
    }
    case 'split':
    case 'join': {
      const separator = argValues.separator;
      const min = transform === 'split' ? 1 : 0;
      if (typeof separator !== 'string' || separator.length < min || separator.length > MAX_SEPARATOR_LENGTH) {
        fail('args.separator', `must be text of ${min} to ${MAX_SEPARATOR_LENGTH} characters`);
      }
      return transform === 'split' ? splitTransform(separator as string) : joinTransform(separator as string);
    }
    case 'default':
      if (!isLiteral(argValues.value)) fail('args.value', LITERAL_RULE);
      return defaultTransform;
    case 'value_map':
      return checkedValueMap(argValues, fail);
  }
}

function checkedValueMap(argValues: Record<string, unknown>, fail: Fail): Transform {
  const map = argValues.map;
  if (!isPlainObject(map)) fail('args.map', 'must be an object like { "provider value": "organization value" }');
  const entries = Object.entries(map as Record<string, unknown>);
  if (entries.length === 0) fail('args.map', 'is empty');
  if (entries.length > MAX_VALUE_MAP_ENTRIES)
    fail('args.map', `has ${entries.length} entries; at most ${MAX_VALUE_MAP_ENTRIES} are allowed`);
  for (const [key, value] of entries) {
    if (key.length > MAX_VALUE_MAP_KEY_LENGTH) fail('args.map', `has a key longer than ${MAX_VALUE_MAP_KEY_LENGTH} characters`);
    if (!isLiteral(value)) fail(`args.map[${JSON.stringify(key)}]`, LITERAL_RULE);
  }
  const hasFallback = hasOwn.call(argValues, 'fallback') && argValues.fallback !== undefined;
  if (hasFallback && !isLiteral(argValues.fallback)) fail('args.fallback', LITERAL_RULE);
  return valueMapTransform(new Map(entries), hasFallback ? { value: argValues.fallback } : undefined);
}

function checkedTemplate(argValues: Record<string, unknown>, fail: Fail) {
  const template = argValues.template;
  if (typeof template !== 'string' || template.length > MAX_TEMPLATE_LENGTH) {
    fail('args.template', `must be text of at most ${MAX_TEMPLATE_LENGTH} characters, e.g. "{{firstName}} {{lastName}}"`);
  }
  return parseTemplate(template as string, (message) => fail('args.template', message));
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
    throw new BadRequest(
      `mappings[${index}].target "${target}" conflicts with mappings[${other}].target "${otherTarget}": a field cannot hold both a value and nested fields`,
      mappingField(index, 'target'),
    );
  };
  const same = values.get(target);
  if (same !== undefined)
    throw new BadRequest(`mappings[${index}].target "${target}" is already mapped by mappings[${same}]`, mappingField(index, 'target'));
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

function applyFields(fields: readonly CompiledField[], record: unknown, omitAbsent = false): MappingResult {
  if (!isPlainObject(record)) return notAnObject(record);
  const output: Record<string, unknown> = {};
  const errors: MappingError[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    let value = field.produce(record);
    if (value instanceof Failure) {
      errors.push(
        field.source === undefined
          ? { target: field.target, message: value.message }
          : { target: field.target, source: field.source, message: value.message },
      );
      continue;
    }
    let missing = false;
    if (value === MISSING) {
      if (omitAbsent && !field.fallback && !field.required && field.absent?.(record)) continue;
      missing = true;
      value = field.fallback ? field.fallback() : null;
    }
    if (field.required && isEmptyResult(value)) {
      const message = missing
        ? field.source === undefined
          ? 'is required but has no value'
          : `is required but the source "${field.source}" has no value`
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
