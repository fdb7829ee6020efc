import type { IncomingHttpHeaders } from 'node:http';
import type { PageSize, Pagination } from '../../providers/provider-definition.js';
import { readJsonPointer } from '../../providers/json-pointer.js';
import { PaginationError } from './connector-errors.js';

/**
 * Page positions for every pagination style of provider-definition.ts, and the rules that move from one page to the
 * next. A position is plain JSON: it is stored in the sync's cursor after each committed page so a crashed run
 * resumes exactly where it stopped.
 */

/** Where the next request of a listing starts. */
export type NextPosition =
  /** The listing's first request. */
  | { first: true }
  /** An opaque cursor or page token to send back (cursor_body, page_token). */
  | { cursor: string }
  /** A URL the provider handed out (next_url_body, link_header); already checked to be on the API's origin. */
  | { url: string }
  /** An offset (offset_total, query_offset). */
  | { offset: number }
  /** A page number (page_number). */
  | { page: number };

export function firstPosition(pagination: Pagination): NextPosition {
  switch (pagination.style) {
    case 'offset_total':
      return { offset: pagination.firstOffset ?? 0 };
    case 'query_offset':
      return { offset: pagination.firstOffset };
    case 'page_number':
      return { page: pagination.firstPage };
    default:
      return { first: true };
  }
}

export function isNextPosition(value: unknown): value is NextPosition {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const keys = Object.keys(v);
  if (keys.length !== 1) return false;
  if (keys[0] === 'first') return v.first === true;
  if (keys[0] === 'cursor' || keys[0] === 'url') return typeof v[keys[0]] === 'string' && (v[keys[0]] as string) !== '';
  if (keys[0] === 'offset' || keys[0] === 'page') return Number.isSafeInteger(v[keys[0]]) && (v[keys[0]] as number) >= 0;
  return false;
}

/** The `rel="next"` target of an RFC 8288 Link header, or null. */
export function linkHeaderNext(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const text = Array.isArray(header) ? header.join(', ') : header;
  // <uri>; param; param, <uri>; … — URIs cannot contain '>', and parameters sit between one '>' and the next '<'.
  for (const match of text.matchAll(/<([^>]*)>([^<]*)/g)) {
    const params = match[2];
    const rel = /(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const relations = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (relations.includes('next') && match[1].trim() !== '') return match[1].trim();
  }
  return null;
}

/**
 * A next-page URL from a response, made absolute and held to the API base's origin (provider-definition.ts: "the
 * engine follows it only on the API base's origin"), so a response cannot send our credentials to another host.
 * A path is read relative to the API base: Salesforce's `/services/data/…` already contains the base's path (when it
 * has one), other providers' paths may not.
 */
export function resolveNextUrl(next: string, apiBase: string): string {
  const base = new URL(apiBase);
  let resolved: URL;
  try {
    if (/^[a-z][a-z0-9+.-]*:/i.test(next) || next.startsWith('//')) resolved = new URL(next);
    else if (next.startsWith('/')) {
      const basePath = base.pathname.replace(/\/+$/, '');
      resolved = new URL(
        basePath === '' || next.startsWith(`${basePath}/`) || next === basePath
          ? `${base.origin}${next}`
          : `${base.origin}${basePath}${next}`,
      );
    } else resolved = new URL(next, apiBase.endsWith('/') ? apiBase : `${apiBase}/`);
  } catch {
    throw new PaginationError('unsafe_next_url', 'The provider returned a next-page link that is not a valid URL');
  }
  if (resolved.origin !== base.origin) {
    throw new PaginationError(
      'unsafe_next_url',
      `The provider returned a next-page link on another host (${resolved.host}); only ${base.host} is followed`,
    );
  }
  if (resolved.username || resolved.password) {
    throw new PaginationError('unsafe_next_url', 'The provider returned a next-page link with embedded credentials');
  }
  resolved.hash = '';
  return resolved.href;
}

function cursorValue(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

export interface PageFacts {
  body: unknown;
  headers: IncomingHttpHeaders;
  /** The page's records as the provider sent them (before id filtering). */
  rawRecords: unknown[];
  /** Where this page was requested from. */
  position: NextPosition;
  /** Page size sent with the request, when the definition names one. */
  pageSize: number | undefined;
  apiBase: string;
}

/**
 * Where the page after this one starts, or null when this page is the last. Every style stops on an empty page,
 * so a provider that keeps saying "more" cannot loop forever.
 */
export function nextPosition(pagination: Pagination, page: PageFacts): NextPosition | null {
  const { body, rawRecords } = page;
  if (rawRecords.length === 0) return null;
  switch (pagination.style) {
    case 'cursor_body': {
      if (pagination.endPath !== undefined && readJsonPointer(body, pagination.endPath) === true) return null;
      if (pagination.hasMorePath !== undefined && readJsonPointer(body, pagination.hasMorePath) !== true) return null;
      const source = pagination.cursorFrom === 'last_record' ? rawRecords[rawRecords.length - 1] : body;
      const cursor = cursorValue(readJsonPointer(source, pagination.cursorPath));
      return cursor === null ? null : { cursor };
    }
    case 'page_token': {
      const token = cursorValue(readJsonPointer(body, pagination.tokenPath));
      return token === null ? null : { cursor: token };
    }
    case 'next_url_body': {
      const next = readJsonPointer(body, pagination.nextUrlPath);
      return typeof next === 'string' && next.trim() !== '' ? { url: resolveNextUrl(next.trim(), page.apiBase) } : null;
    }
    case 'link_header': {
      const next = linkHeaderNext(page.headers.link);
      return next === null ? null : { url: resolveNextUrl(next, page.apiBase) };
    }
    case 'offset_total': {
      const offset = ('offset' in page.position ? page.position.offset : (pagination.firstOffset ?? 0)) + rawRecords.length;
      const total = pagination.totalPath === undefined ? undefined : readJsonPointer(body, pagination.totalPath);
      if (typeof total === 'number' && Number.isFinite(total)) {
        // Offsets counted from 1 reach the end one past the total.
        return offset - (pagination.firstOffset ?? 0) >= total ? null : { offset };
      }
      if (page.pageSize !== undefined && rawRecords.length < page.pageSize) return null;
      return { offset };
    }
    case 'query_offset': {
      const offset = ('offset' in page.position ? page.position.offset : pagination.firstOffset) + rawRecords.length;
      if (page.pageSize !== undefined && rawRecords.length < page.pageSize) return null;
      return { offset };
    }
    case 'page_number': {
      if (pagination.lastPagePath !== undefined && readJsonPointer(body, pagination.lastPagePath) === true) return null;
      if (page.pageSize !== undefined && rawRecords.length < page.pageSize) return null;
      return { page: ('page' in page.position ? page.position.page : pagination.firstPage) + 1 };
    }
    case 'none':
      return null;
  }
}

/** The page size to request: the sync's choice (or the definition's default) within the definition's maximum. */
export function effectivePageSize(pageSize: PageSize | undefined, requested: number | undefined): number | undefined {
  if (!pageSize) return undefined;
  const wanted = requested !== undefined && Number.isFinite(requested) ? Math.floor(requested) : pageSize.default;
  return Math.min(Math.max(1, wanted), pageSize.max);
}
