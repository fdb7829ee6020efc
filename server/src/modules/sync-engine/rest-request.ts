import { writeJsonPointer } from '../../providers/json-pointer.js';
import { renderExpression } from '../../providers/template.js';
import { apiUrl } from '../oauth/provider-endpoints.js';
import type { ListingPosition, ListingShape } from './rest-listing.js';

/**
 * The REST connector's request building: the request for a position of a listing, with query strings and JSON
 * bodies from a definition's parameters. Pure: no I/O.
 */

export interface BuiltRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  body?: string;
  /** Default `application/json` when there is a body (writes: form encoding). */
  contentType?: string;
  /** Beyond the definition's and the credentials' (writes: idempotency key, precondition). */
  headers?: Record<string, string>;
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

/** Where a listing's requests go: the resolved API base and the values its path templates are rendered with. */
export interface ApiEndpoint {
  apiBase: string;
  values: Record<string, string>;
  allowHttp: boolean;
}

/** The request for the page at `position` of a listing of this shape. */
export function buildRequest(
  endpoint: ApiEndpoint,
  shape: ListingShape,
  position: ListingPosition,
  pageSize: number | undefined,
): BuiltRequest {
  const next = position.next;
  const { pagination } = shape;
  if ('url' in next) {
    // The provider's link carries the query; a POST listing re-sends its body.
    return shape.method === 'GET'
      ? { method: 'GET', url: next.url }
      : { method: 'POST', url: next.url, body: JSON.stringify(firstParams(shape, position, pageSize)) };
  }
  if ('cursor' in next && pagination.style === 'cursor_body' && (pagination.continuePath !== undefined || pagination.cursorOnly)) {
    const params: Record<string, unknown> = {};
    setParam(shape.method, params, pagination.param, next.cursor);
    return encodeRequest(endpoint, shape.method, pagination.continuePath ?? shape.path, params);
  }
  if ('first' in next && shape.boundOnly && shape.bound) {
    const params: Record<string, unknown> = {};
    setParam(shape.method, params, shape.bound.param, shape.bound.value);
    return encodeRequest(endpoint, shape.method, shape.boundPath ?? shape.path, params);
  }
  const params = firstParams(shape, position, pageSize);
  if ('cursor' in next && (pagination.style === 'cursor_body' || pagination.style === 'page_token')) {
    setParam(shape.method, params, pagination.param, next.cursor);
  } else if ('offset' in next && pagination.style === 'offset_total') {
    setParam(shape.method, params, pagination.offsetParam, next.offset);
  } else if ('page' in next && pagination.style === 'page_number') {
    setParam(shape.method, params, pagination.param, next.page);
  }
  return encodeRequest(endpoint, shape.method, shape.path, params);
}

/** The parameters every request of the listing sends: defaults, page size, bound, runtime placeholders rendered. */
function firstParams(shape: ListingShape, position: ListingPosition, pageSize: number | undefined): Record<string, unknown> {
  const next = position.next;
  const { pagination } = shape;
  const params = structuredClone(shape.params) as Record<string, unknown>;
  if (pageSize !== undefined && shape.pageSize?.param) setParam(shape.method, params, shape.pageSize.param, pageSize);
  if (shape.bound) setParam(shape.method, params, shape.bound.param, shape.bound.value);
  const offset = 'offset' in next ? next.offset : pagination.style === 'query_offset' ? pagination.firstOffset : 0;
  const runtime: Record<string, string> = { offset: String(offset) };
  if (pageSize !== undefined) runtime.limit = String(pageSize);
  if (position.sinceValue !== undefined) runtime.since = position.sinceValue;
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string' && RUNTIME_PLACEHOLDER.test(value)) params[name] = renderExpression(value, runtime);
  }
  // After rendering: a filter value that looks like a placeholder stays text.
  shape.select?.(shape.method, params);
  return params;
}

function encodeRequest(endpoint: ApiEndpoint, method: 'GET' | 'POST', path: string, params: Record<string, unknown>): BuiltRequest {
  const url = apiUrl(endpoint.apiBase, path, endpoint.values, endpoint.allowHttp);
  return method === 'GET'
    ? { method: 'GET', url: withQuery(url, queryString(params)) }
    : { method: 'POST', url, body: JSON.stringify(params) };
}
