import { writeJsonPointer } from '../../providers/json-pointer.js';
import type { TimestampFormat } from '../../providers/provider-definition.js';
import { utcMillisecondIso } from '../syncs/mappings.dates.js';
import { normaliseTimestamp } from './timestamps.js';

/**
 * The REST connector's request building (query strings and JSON bodies from a definition's parameters) and
 * its per-record reads (id and modification time through JSON Pointers parsed once per listing).
 */


export interface BuiltRequest {
  method: 'GET' | 'POST';
  url: string;
  body?: string;
}

/** Parameter writer: the query string for GET, the JSON body for POST (a `/`-name is a JSON Pointer into it). */
export function setParam(method: 'GET' | 'POST', params: Record<string, unknown>, name: string, value: unknown): void {
  if (method === 'POST' && name.startsWith('/')) writeJsonPointer(params, name, value);
  else params[name] = value;
}

/** Query names keep the brackets and dollar signs providers write them with (`created[gte]`, `$top`). */
export function encodeQueryName(name: string): string {
  return encodeURIComponent(name).replace(/%5B/gi, '[').replace(/%5D/gi, ']').replace(/%24/g, '$');
}

export function queryString(params: Record<string, unknown>): string {
  const parts: string[] = [];
  const add = (name: string, value: unknown) => {
    if (value === undefined || value === null) return;
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    parts.push(`${encodeQueryName(name)}=${encodeURIComponent(text)}`);
  };
  for (const [name, value] of Object.entries(params)) {
    if (Array.isArray(value)) for (const item of value) add(name, item);
    else add(name, value);
  }
  return parts.join('&');
}

export function withQuery(url: string, query: string): string {
  if (query === '') return url;
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}

export const RUNTIME_PLACEHOLDER = /\{\{(since|offset|limit)\}\}/;

// Per-record reads (every listed record goes through these)

/**
 * A reader for one JSON Pointer, parsed once: `readJsonPointer` splits and unescapes the pointer on every call,
 * and a listing reads two pointers per record. The same rules: own properties only, undefined when a step is
 * missing. (Definitions' pointers are schema-checked, so parsing cannot fail here for a loaded definition.)
 */
export function compilePointer(pointer: string): (document: unknown) => unknown {
  if (pointer === '') return (document) => document;
  if (!pointer.startsWith('/')) throw new Error(`Not a JSON Pointer: "${pointer}"`);
  const steps = pointer.slice(1).split('/').map((step) => step.replaceAll('~1', '/').replaceAll('~0', '~'));
  const step = (current: unknown, name: string): unknown =>
    current !== null && typeof current === 'object' && Object.hasOwn(current, name) ? (current as Record<string, unknown>)[name] : undefined;
  if (steps.length === 1) {
    const [name] = steps;
    return (document) => step(document, name);
  }
  return (document) => {
    let current = document;
    for (const name of steps) {
      current = step(current, name);
      if (current === undefined) return undefined;
    }
    return current;
  };
}

/** normaliseTimestamp's range, as its output strings (which compare as the instants they write). */
export const EARLIEST_TIMESTAMP = '1970-01-01T00:00:00.000Z';
export const LATEST_TIMESTAMP = '9999-12-31T00:00:00.000Z';

/**
 * A record's modification time, as `normaliseTimestamp` gives it, with a shortcut for the commonest shape:
 * ISO already in UTC with milliseconds (`…Z`, Salesforce's `…+0000`), which needs no Date.parse and
 * toISOString round trip, only a check of its fields.
 */
export function modificationTime(value: unknown, format: TimestampFormat): string | null {
  if (format === 'iso8601' && typeof value === 'string') {
    const utc = utcMillisecondIso(value);
    if (utc !== null && utc >= EARLIEST_TIMESTAMP && utc <= LATEST_TIMESTAMP) return utc;
  }
  return normaliseTimestamp(value, format);
}
