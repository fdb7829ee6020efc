import { readJsonPointer } from '../../providers/json-pointer.js';
import type { FieldSelection, FilterPushdown, ResourceDefinition } from '../../providers/provider-definition.js';
import type { FilterScalar, Selection, SyncFilter } from '../syncs/selective.js';
import { keepMask } from './record-filter.js';
import type { ListingKind, ListingShape } from './rest-listing.js';
import { setParam } from './rest-request.js';
import { formatSince } from './timestamps.js';

/**
 * Selective sync in a listing's requests: the fields to fetch written as the provider's own field selection, and
 * the filters the provider can apply written as its own filters, both as the resource definition declares them
 * (`selective`, provider-definition.ts). What cannot go to the provider is returned as `local`, for
 * record-filter.ts. Pure.
 *
 * Values never reach a query language unescaped: SOQL and JQL literals are quoted and escaped here, field names
 * were checked against an identifier pattern when the sync was saved (and are checked again: a name that is not
 * an identifier stays local).
 */

export const NO_SELECTION: Selection = Object.freeze({ fields: [], filters: [] });

/** What a listing's parameters get: applied after the definition's runtime placeholders are rendered. */
export interface SelectionPlan {
  apply: (method: 'GET' | 'POST', params: Record<string, unknown>) => void;
  /** Filters the provider does not apply. */
  local: SyncFilter[];
}

/**
 * The listing's request family with the selection written in, and the filters left to apply locally. A full
 * listing of a resource whose filters go into a search body (HubSpot) uses the search endpoint from the epoch, so
 * the filters reach the provider on full runs too (search stops at 10,000 results per query).
 */
export function selectiveShape(
  resource: ResourceDefinition,
  shape: ListingShape,
  kind: ListingKind,
  selection: Selection,
  now: () => number,
): { shape: ListingShape; local: SyncFilter[] } {
  if (selection.fields.length === 0 && selection.filters.length === 0) return { shape, local: [] };
  const incremental = resource.incremental;
  if (kind === 'full' && resource.selective?.filters?.style === 'search_body' && incremental?.style === 'endpoint') {
    const search: ListingShape = {
      method: incremental.method,
      path: incremental.path,
      params: incremental.defaultParams ?? {},
      pagination: incremental.pagination ?? resource.pagination,
      pageSize: incremental.pageSize ?? resource.pageSize,
      bound: { param: incremental.sinceParam, value: formatSince(EPOCH, incremental.format, 0, now()) },
    };
    const plan = planSelection(resource, selection, search.bound?.param);
    if (plan.local.length < selection.filters.length) return { shape: { ...search, select: plan.apply }, local: plan.local };
  }
  const plan = planSelection(resource, selection, shape.bound?.param);
  return { shape: { ...shape, select: plan.apply }, local: plan.local };
}

const EPOCH = '1970-01-01T00:00:00Z';

/** A page without the records the local filters leave out; `filtered` counts them. */
export function keepMatching<
  P extends { records: unknown[]; externalIds: string[]; updatedAt: (string | null)[]; etags?: (string | null)[] },
>(
  page: P,
  local: readonly SyncFilter[],
  prefix: string,
): { records: unknown[]; externalIds: string[]; updatedAt: (string | null)[]; etags?: (string | null)[]; filtered: number } {
  const { records: all, externalIds, updatedAt, etags } = page;
  if (local.length === 0) return { records: all, externalIds, updatedAt, ...(etags ? { etags } : {}), filtered: 0 };
  const keep = keepMask(all, local, prefix);
  const pick = <T>(list: T[]) => list.filter((_, i) => keep[i]);
  const records = pick(all);
  return {
    records,
    externalIds: pick(externalIds),
    updatedAt: pick(updatedAt),
    ...(etags ? { etags: pick(etags) } : {}),
    filtered: all.length - records.length,
  };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * The plan for one request family. `boundParam` is the parameter carrying the listing's incremental bound: a
 * filter is never written over it (the run's own bound decides what changed).
 */
export function planSelection(resource: ResourceDefinition, selection: Selection, boundParam?: string): SelectionPlan {
  const declared = resource.selective;
  const steps: ((method: 'GET' | 'POST', params: Record<string, unknown>) => void)[] = [];
  if (selection.fields.length > 0 && declared?.fields) {
    const fields = declared.fields;
    steps.push((method, params) => selectFields(fields, selection.fields, method, params));
  }
  let local = [...selection.filters];
  if (local.length > 0 && declared?.filters) {
    const pushed = pushFilters(declared.filters, local, boundParam);
    local = pushed.local;
    steps.push(pushed.apply);
  }
  return { apply: (method, params) => steps.forEach((step) => step(method, params)), local };
}

function withRequired(selection: FieldSelection, fields: readonly string[]): string[] {
  return [...new Set([...selection.required, ...fields])];
}

function selectFields(selection: FieldSelection, chosen: readonly string[], method: 'GET' | 'POST', params: Record<string, unknown>) {
  const names = withRequired(selection, chosen);
  if (selection.style === 'soql_select') {
    const query = params[selection.param];
    if (typeof query === 'string') params[selection.param] = query.replace(/^SELECT\s+.+?\s+FROM\s/i, `SELECT ${names.join(', ')} FROM `);
    return;
  }
  if (method === 'POST') {
    setParam(method, params, selection.param, names);
    return;
  }
  const joined = names.join(selection.joiner);
  params[selection.param] = selection.template ? selection.template.replace('{{fields}}', joined) : joined;
}

interface Pushed {
  local: SyncFilter[];
  apply: (method: 'GET' | 'POST', params: Record<string, unknown>) => void;
}

function pushFilters(pushdown: FilterPushdown, filters: SyncFilter[], boundParam: string | undefined): Pushed {
  switch (pushdown.style) {
    case 'soql_where':
    case 'jql': {
      const write = pushdown.style === 'jql' ? jqlClause : soqlClause;
      const pushed = filters.filter((f) => pushdown.ops.includes(f.op) && IDENTIFIER.test(f.field));
      const local = filters.filter((f) => !pushed.includes(f));
      const clauses = pushed.map(write);
      const param = pushdown.param;
      return {
        local,
        apply: (_method, params) => {
          const query = params[param];
          if (clauses.length === 0 || typeof query !== 'string') return;
          params[param] = pushdown.style === 'jql' ? withJql(query, clauses) : withSoqlWhere(query, clauses);
        },
      };
    }
    case 'search_body':
      return pushSearchFilters(pushdown, filters);
    case 'params':
      return pushParams(pushdown, filters, boundParam);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// SOQL

/** A SOQL literal: strings quoted with the documented escapes; ISO dates and date-times are SOQL date literals. */
export function soqlLiteral(value: FilterScalar): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return soqlNumber(value);
  if (SOQL_DATE.test(value)) return value;
  return `'${soqlEscape(value)}'`;
}

const SOQL_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2}))?$/;

/** Plain decimal notation (SOQL has no exponents). */
function soqlNumber(n: number): string {
  const text = String(n);
  if (!/e/i.test(text)) return text;
  return Number.isInteger(n) ? BigInt(n).toString() : n.toFixed(20).replace(/\.?0+$/, '');
}

function soqlEscape(text: string): string {
  return text.replace(/[\\'"\n\r\t\b\f]/g, (c) => SOQL_ESCAPES[c]);
}
const SOQL_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

const SOQL_OPERATORS = { eq: '=', neq: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

export function soqlClause(f: SyncFilter): string {
  switch (f.op) {
    case 'contains': {
      // LIKE also reads % and _ as wildcards; escaped, they match themselves.
      const text = soqlEscape(String(f.value)).replace(/[%_]/g, (c) => `\\${c}`);
      return `${f.field} LIKE '%${text}%'`;
    }
    case 'in':
      return `${f.field} IN (${(f.value as FilterScalar[]).map(soqlLiteral).join(', ')})`;
    case 'exists':
      return `${f.field} ${(f.value ?? true) === true ? '!=' : '='} null`;
    default:
      return `${f.field} ${SOQL_OPERATORS[f.op]} ${soqlLiteral(f.value as FilterScalar)}`;
  }
}

/** Adds the clauses to the query's WHERE (or gives it one), before ORDER BY / LIMIT. */
export function withSoqlWhere(query: string, clauses: string[]): string {
  const tail = /\s(ORDER\s+BY|LIMIT|OFFSET)\s/i.exec(query);
  const head = tail ? query.slice(0, tail.index) : query;
  const rest = tail ? query.slice(tail.index) : '';
  const condition = clauses.join(' AND ');
  return /\sWHERE\s/i.test(head) ? `${head} AND ${condition}${rest}` : `${head} WHERE ${condition}${rest}`;
}

// ---------------------------------------------------------------------------------------------------------------
// JQL

/** A JQL string literal: double quotes, with backslash escapes for quotes, backslashes and control characters. */
export function jqlString(text: string): string {
  return `"${text.replace(/[\\"\n\r\t]/g, (c) => JQL_ESCAPES[c])}"`;
}
const JQL_ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function jqlLiteral(value: FilterScalar): string {
  return typeof value === 'number' ? String(value) : jqlString(String(value));
}

const JQL_OPERATORS = { eq: '=', neq: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

export function jqlClause(f: SyncFilter): string {
  const field = jqlString(f.field);
  switch (f.op) {
    case 'contains':
      return `${field} ~ ${jqlString(String(f.value))}`;
    case 'in':
      return `${field} in (${(f.value as FilterScalar[]).map(jqlLiteral).join(', ')})`;
    case 'exists':
      return `${field} ${(f.value ?? true) === true ? 'is not EMPTY' : 'is EMPTY'}`;
    default:
      if (f.value === null) return `${field} ${f.op === 'neq' ? 'is not EMPTY' : 'is EMPTY'}`;
      return `${field} ${JQL_OPERATORS[f.op]} ${jqlLiteral(f.value as FilterScalar)}`;
  }
}

/** ANDs the clauses in front of the listing's own JQL (which may be only an ORDER BY). */
export function withJql(query: string, clauses: string[]): string {
  const condition = clauses.join(' AND ');
  const trimmed = query.trim();
  if (trimmed === '') return condition;
  return /^ORDER\s+BY\s/i.test(trimmed) ? `${condition} ${trimmed}` : `${condition} AND ${trimmed}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Search bodies (HubSpot) and plain parameters (GitHub, Stripe)

function pushSearchFilters(pushdown: Extract<FilterPushdown, { style: 'search_body' }>, filters: SyncFilter[]): Pushed {
  const pushed: SyncFilter[] = [];
  for (const f of filters) {
    const supported =
      pushdown.operators[f.op] !== undefined &&
      !(f.op === 'exists' && f.value === false) &&
      !((f.op === 'eq' || f.op === 'neq') && f.value === null) &&
      !f.field.includes('.');
    if (supported && pushed.length < pushdown.maxFilters) pushed.push(f);
  }
  const entries = pushed.map((f) => {
    const operator = pushdown.operators[f.op]!;
    if (f.op === 'exists') return { propertyName: f.field, operator };
    if (f.op === 'in') return { propertyName: f.field, operator, values: (f.value as FilterScalar[]).map(String) };
    return { propertyName: f.field, operator, value: String(f.value) };
  });
  return {
    local: filters.filter((f) => !pushed.includes(f)),
    apply: (method, params) => {
      if (method !== 'POST' || entries.length === 0) return;
      const existing = readJsonPointer(params, pushdown.path);
      setParam('POST', params, pushdown.path, [...(Array.isArray(existing) ? existing : []), ...entries]);
    },
  };
}

function pushParams(pushdown: Extract<FilterPushdown, { style: 'params' }>, filters: SyncFilter[], boundParam: string | undefined): Pushed {
  const values = new Map<string, string[]>();
  const local: SyncFilter[] = [];
  for (const f of filters) {
    const entry = pushdown.params.find((p) => p.field === f.field && p.op === f.op && p.param !== boundParam);
    const taken = entry ? values.get(entry.param) : undefined;
    if (!entry || typeof f.value === 'object' || (taken && !entry.joiner)) {
      local.push(f);
      continue;
    }
    values.set(entry.param, [...(taken ?? []), String(f.value)]);
  }
  return {
    local,
    apply: (method, params) => {
      for (const [param, list] of values) {
        const entry = pushdown.params.find((p) => p.param === param)!;
        setParam(method, params, param, list.join(entry.joiner ?? ''));
      }
    },
  };
}
