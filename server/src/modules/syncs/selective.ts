import { Type } from '@sinclair/typebox';
import { BadRequest } from '../../lib/errors.js';
import { StrictObject } from '../../lib/schemas.js';
import { FILTER_OPS, type FilterOp, type ProviderDefinition, type ResourceDefinition } from '../../providers/provider-definition.js';

/**
 * Selective sync (API.md, Two-way sync): `fields`, the provider fields to fetch, and `filters`, which records to
 * keep. The route schema bounds sizes only; the rules (operators, value types per operator, what the provider can
 * select, value types a provider parameter needs) are checked here so a refusal names the entry at fault
 * (`/filters/2/value`) in a sentence. Text with NUL characters or unpaired surrogates never gets this far
 * (plugins/errors.ts refuses it for every route).
 */

export const MAX_FIELDS = 100;
export const MAX_FILTERS = 50;
export const MAX_IN_VALUES = 100;
export const MAX_FILTER_TEXT = 1000;

/** A field path: identifiers joined by dots (a dot goes into a nested object, or into each element of a list). */
export const FILTER_FIELD_PATTERN = /^[A-Za-z_$@][A-Za-z0-9_$@-]*(\.[A-Za-z_$@][A-Za-z0-9_$@-]*)*$/;
const RESERVED = /(^|\.)(__proto__|constructor|prototype)(\.|$)/;
/** A name the provider selects: a plain identifier, or dotted for SOQL relationship fields (`Account.Name`). */
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DOTTED_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export const FieldsSchema = Type.Array(Type.String({ maxLength: 100 }), {
  maxItems: MAX_FIELDS,
  description: 'Provider fields to fetch, where the provider can select fields (empty: whole records)',
});

export const FilterSchema = StrictObject({
  field: Type.String({ maxLength: 200, description: 'Provider field (dotted path into the record)' }),
  op: Type.String({ maxLength: 20, description: FILTER_OPS.join(' | ') }),
  value: Type.Optional(Type.Unknown({ description: 'Scalar; a list of scalars for `in`; a boolean for `exists` (default true)' })),
});
export const FiltersSchema = Type.Array(FilterSchema, { maxItems: MAX_FILTERS });

/** A sync's selection as the engine takes it. */
export interface Selection {
  fields: readonly string[];
  filters: readonly SyncFilter[];
}

export type FilterScalar = string | number | boolean | null;
export interface SyncFilter {
  field: string;
  op: FilterOp;
  value?: FilterScalar | FilterScalar[];
}

const isScalar = (v: unknown): v is FilterScalar =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** The value rules per operator; returns what is wrong, or null. */
function valueProblem(op: FilterOp, value: unknown): string | null {
  switch (op) {
    case 'eq':
    case 'neq':
      return isScalar(value) ? null : `must be a string, number, boolean or null for "${op}", not ${describe(value)}`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))
        ? null
        : `must be a number or a string (a date, for instance) for "${op}", not ${describe(value)}`;
    case 'contains':
      return typeof value === 'string' && value !== '' ? null : `must be a non-empty string for "contains", not ${describe(value)}`;
    case 'in':
      if (!Array.isArray(value) || value.length === 0) return `must be a non-empty list of values for "in", not ${describe(value)}`;
      if (value.length > MAX_IN_VALUES) return `may list at most ${MAX_IN_VALUES} values for "in"`;
      return value.every((v) => isScalar(v) && v !== null) ? null : 'must list only strings, numbers and booleans for "in"';
    case 'exists':
      return value === undefined || typeof value === 'boolean' ? null : `must be true or false for "exists", not ${describe(value)}`;
  }
}

function textTooLong(value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => typeof v === 'string' && v.length > MAX_FILTER_TEXT);
}

/** The filters as the engine takes them, or a 400 naming the first entry at fault. */
export function validateFilters(input: readonly { field: string; op: string; value?: unknown }[]): SyncFilter[] {
  return input.map((f, i) => {
    const at = `/filters/${i}`;
    if (!FILTER_FIELD_PATTERN.test(f.field) || RESERVED.test(f.field)) {
      throw new BadRequest(
        `Filter ${i + 1}: "${f.field.slice(0, 100)}" is not a field path; use names joined by dots, such as "status" or "address.city"`,
        `${at}/field`,
      );
    }
    if (!(FILTER_OPS as readonly string[]).includes(f.op)) {
      throw new BadRequest(`Filter ${i + 1}: "${f.op}" is not a filter operator; use one of ${FILTER_OPS.join(', ')}`, `${at}/op`);
    }
    const op = f.op as FilterOp;
    const problem = valueProblem(op, f.value);
    if (problem) throw new BadRequest(`Filter ${i + 1} (${f.field} ${op}): the value ${problem}`, `${at}/value`);
    if (textTooLong(f.value)) throw new BadRequest(`Filter ${i + 1}: a value is longer than ${MAX_FILTER_TEXT} characters`, `${at}/value`);
    return f.value === undefined ? { field: f.field, op } : { field: f.field, op, value: f.value as SyncFilter['value'] };
  });
}

/** The field list, or a 400: the provider must be able to select fields, and each name must be one it can take. */
export function validateFields(provider: ProviderDefinition, resource: ResourceDefinition, fields: readonly string[]): string[] {
  if (fields.length === 0) return [];
  const selection = resource.selective?.fields;
  if (!selection) {
    throw new BadRequest(
      `${provider.name} cannot select fields of ${resource.name.toLowerCase()}; leave fields empty to fetch whole records`,
      '/fields',
    );
  }
  const pattern = selection.style === 'soql_select' ? DOTTED_NAME : PLAIN_NAME;
  const seen = new Set<string>();
  fields.forEach((name, i) => {
    if (!pattern.test(name)) {
      throw new BadRequest(
        `Field ${i + 1}: "${name.slice(0, 100)}" is not a ${provider.name} field name (letters, digits and underscores${pattern === DOTTED_NAME ? ', dots between relationship names' : ''})`,
        `/fields/${i}`,
      );
    }
    if (seen.has(name)) throw new BadRequest(`Field ${i + 1}: "${name}" is listed twice`, `/fields/${i}`);
    seen.add(name);
  });
  return [...fields];
}

/** Provider parameters that filter take one kind of value (Stripe: Unix seconds); checked before anything is saved. */
export function checkPushdownValues(provider: ProviderDefinition, resource: ResourceDefinition, filters: readonly SyncFilter[]): void {
  const pushdown = resource.selective?.filters;
  if (pushdown?.style !== 'params') return;
  filters.forEach((f, i) => {
    const entry = pushdown.params.find((p) => p.field === f.field && p.op === f.op);
    if (!entry) return;
    const v = f.value;
    const ok =
      entry.valueType === 'integer'
        ? typeof v === 'number' && Number.isSafeInteger(v)
        : entry.valueType === 'iso8601'
          ? typeof v === 'string' && ISO_DATE.test(v) && !Number.isNaN(Date.parse(v))
          : typeof v === 'string';
    if (!ok) {
      const wanted =
        entry.valueType === 'integer'
          ? 'a whole number (Unix time in seconds, such as 1714560000)'
          : entry.valueType === 'iso8601'
            ? 'an ISO-8601 time such as 2024-05-01T00:00:00Z'
            : 'a string';
      throw new BadRequest(`Filter ${i + 1}: ${provider.name} filters ${f.field} (${f.op}) by ${wanted}`, `/filters/${i}/value`);
    }
  });
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;
