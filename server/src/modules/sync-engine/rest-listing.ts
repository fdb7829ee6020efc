import type { Incremental, PageSize, Pagination, ResourceDefinition } from '../../providers/provider-definition.js';
import { PaginationError } from './connector-errors.js';
import { isNextPosition, type NextPosition } from './pagination.js';

/**
 * The REST connector's listing state: what kind of listing a run makes (full, since a high-water mark, or
 * replaying a sync token), the position a resumed listing continues from (stored in the sync's cursor), and
 * the request family the definition prescribes for it.
 */


/**
 * - `full`: everything (a full run, or the first incremental run).
 * - `since`: changes after a high-water mark (since_param, query_expression, endpoint, stop_at_older).
 * - `changes`: changes after a provider sync token (sync_token).
 */
export type ListingKind = 'full' | 'since' | 'changes';

/** `ConnectorCursor.page`: everything a resumed listing needs to send exactly the requests it would have sent. */
export interface ListingPosition {
  v: 1;
  kind: ListingKind;
  /** When the listing started (ISO); the high-water mark of resources without a modification time. */
  startedAt: string;
  /** Pages yielded so far (the page cap spans resumes). */
  pages: number;
  /** `since` listings: the lower bound (ISO, before look-back); stop_at_older stops at records not newer. */
  sinceIso?: string;
  /** `since` listings: the bound as sent (formatted, after look-back) — relative JQL bounds must not drift. */
  sinceValue?: string;
  /** `changes` listings: the sync token being replayed. */
  token?: string;
  next: NextPosition;
}

export function isListingPosition(value: unknown): value is ListingPosition {
  if (value === null || typeof value !== 'object') return false;
  const p = value as Record<string, unknown>;
  const optionalString = (key: string) => p[key] === undefined || typeof p[key] === 'string';
  return (
    p.v === 1 &&
    (p.kind === 'full' || p.kind === 'since' || p.kind === 'changes') &&
    typeof p.startedAt === 'string' &&
    !Number.isNaN(Date.parse(p.startedAt)) &&
    Number.isSafeInteger(p.pages) &&
    (p.pages as number) >= 0 &&
    optionalString('sinceIso') &&
    optionalString('sinceValue') &&
    optionalString('token') &&
    (p.kind !== 'since' || (typeof p.sinceIso === 'string' && typeof p.sinceValue === 'string')) &&
    (p.kind !== 'changes' || typeof p.token === 'string') &&
    isNextPosition(p.next)
  );
}

/** The request family of a listing: where it goes, what it sends, how it pages. */
export interface ListingShape {
  method: 'GET' | 'POST';
  path: string;
  params: Record<string, unknown>;
  pagination: Pagination;
  pageSize: PageSize | undefined;
  /** Sets the listing's bound (since, expression or token) into the parameters. */
  bound?: { param: string; value: string };
  /** The first request sends only the bound (Dropbox's `list_folder/continue` with the stored cursor). */
  boundOnly?: boolean;
  /** The path of a `boundOnly` first request. */
  boundPath?: string;
}

export function shapeOf(resource: ResourceDefinition, position: ListingPosition): ListingShape {
  if (resource.method === 'REPORT') {
    throw new PaginationError('unsupported', `Resource "${resource.key}" uses REPORT, which only the CalDAV connector speaks`);
  }
  const base: ListingShape = {
    method: resource.method,
    path: resource.listPath,
    params: resource.defaultParams ?? {},
    pagination: resource.pagination,
    pageSize: resource.pageSize,
  };
  const incremental = resource.incremental;
  if (position.kind === 'full' || !incremental) return base;
  if (position.kind === 'changes') {
    if (incremental.style !== 'sync_token') return base;
    return incremental.path
      ? { ...base, bound: { param: incremental.param, value: position.token! }, boundOnly: true, boundPath: incremental.path }
      : { ...base, bound: { param: incremental.param, value: position.token! } };
  }
  const since = position.sinceValue!;
  switch (incremental.style) {
    case 'since_param':
      return { ...base, bound: { param: incremental.param, value: since } };
    case 'query_expression':
      // The expression replaces the default parameter and is rendered with the runtime placeholders below.
      return { ...base, params: { ...base.params, [incremental.param]: incremental.expression } };
    case 'endpoint':
      return {
        method: incremental.method,
        path: incremental.path,
        params: incremental.defaultParams ?? {},
        pagination: incremental.pagination ?? resource.pagination,
        pageSize: incremental.pageSize ?? resource.pageSize,
        bound: { param: incremental.sinceParam, value: since },
      };
    case 'stop_at_older':
    case 'sync_token':
      return base;
  }
}

export function lookbackOf(incremental: Incremental | undefined): number {
  return incremental && 'lookbackSeconds' in incremental ? incremental.lookbackSeconds ?? 0 : 0;
}
