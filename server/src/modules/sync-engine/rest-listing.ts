import type { Incremental, PageSize, Pagination, ProviderDefinition, ResourceDefinition } from '../../providers/provider-definition.js';
import { PaginationError, type ProviderRequestError } from './connector-errors.js';
import { firstPosition, isNextPosition, type NextPosition } from './pagination.js';
import type { ConnectorCursor, ConnectorLogEntry } from './rest-connector-types.js';
import { formatSince, laterOf, normaliseTimestamp } from './timestamps.js';

/**
 * The REST connector's listing state: what kind of listing a run makes (full, since a high-water mark, or
 * replaying a sync token), the position a resumed listing continues from (stored in the sync's cursor), the
 * request family the definition prescribes for it, and the cursors a listing yields (see rest-connector.ts for
 * what they mean). Pure: the clock is a parameter, log lines are returned, not written.
 */

/** Resources without a modification time take the listing's start minus this as their high-water mark. */
const START_TIME_SAFETY_MS = 5 * 60_000;

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
  /** Writes selective sync's field selection and pushed-down filters into the parameters (selective-request.ts). */
  select?: (method: 'GET' | 'POST', params: Record<string, unknown>) => void;
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
  return incremental && 'lookbackSeconds' in incremental ? (incremental.lookbackSeconds ?? 0) : 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Positions and cursors

/** What a listing carries from page to page besides its position. */
export interface ListingMarks {
  /** The `since` the run started with; a listing in progress keeps sending it, so a resumed one sends the same query. */
  readonly startSince: string | null;
  /** The sync token the run started with (`sync_token` resources). */
  readonly startToken: string | null;
  /** The latest modification time seen so far (carried across resumes). */
  highWater: string | null;
  /** The newest sync token a page of this listing carried. */
  latestToken: string | null;
  /** The provider refused the starting token (410 Gone) and the listing restarted as a full one. */
  restartedFull: boolean;
}

/** A new listing of this kind, at its first page. */
export function freshPosition(
  resource: ResourceDefinition,
  kind: ListingKind,
  now: () => number,
  extra: Partial<ListingPosition> = {},
): ListingPosition {
  return {
    v: 1,
    kind,
    startedAt: new Date(now()).toISOString(),
    pages: 0,
    ...extra,
    next: firstPosition(shapeOf(resource, { v: 1, kind, startedAt: '', pages: 0, ...extra, next: { first: true } }).pagination),
  };
}

/** A new listing of the changes after `sinceIso`, with the bound formatted (and looked back) as the definition says. */
export function sinceListing(resource: ResourceDefinition, sinceIso: string, now: () => number): ListingPosition {
  const incremental = resource.incremental;
  return incremental && incremental.style !== 'sync_token' && incremental.style !== 'stop_at_older'
    ? freshPosition(resource, 'since', now, {
        sinceIso,
        sinceValue: formatSince(sinceIso, incremental.format, lookbackOf(incremental), now()),
      })
    : freshPosition(resource, 'since', now, { sinceIso, sinceValue: sinceIso });
}

export interface ListingStart {
  position: ListingPosition;
  marks: ListingMarks;
  /** What the start decided, for the run log (in order). */
  notes: ConnectorLogEntry[];
}

/**
 * Where a listing starts: the stored position of a listing in progress (an incremental run resumes either kind, a
 * full run only a full listing), else a changes listing from the stored sync token, a since listing from the stored
 * high-water mark, or a full listing.
 */
export function startListing(
  resource: ResourceDefinition,
  mode: 'full' | 'incremental',
  cursor: ConnectorCursor | null,
  now: () => number,
): ListingStart {
  const input = cursor ?? {};
  const startSince = normaliseTimestamp(input.since ?? null);
  const startToken = typeof input.syncToken === 'string' && input.syncToken !== '' ? input.syncToken : null;
  const marks: ListingMarks = {
    startSince,
    startToken,
    highWater: normaliseTimestamp(input.highWater ?? null),
    latestToken: null,
    restartedFull: false,
  };
  const notes: ConnectorLogEntry[] = [];
  const data = { resource: resource.key };
  const stored = input.page;
  if (stored !== undefined && stored !== null && isListingPosition(stored) && (mode === 'incremental' || stored.kind === 'full')) {
    notes.push({
      level: 'info',
      message: `Resuming the ${stored.kind === 'full' ? 'full' : 'incremental'} listing after page ${stored.pages}`,
      data: { resource: resource.key, pages: stored.pages },
    });
    return { position: stored, marks, notes };
  }
  if (stored !== undefined && stored !== null) {
    notes.push({
      level: 'warn',
      message: isListingPosition(stored)
        ? 'Discarding the stored position of an incremental listing: this run lists everything'
        : 'The stored page position is not readable; starting the listing over',
      data,
    });
    // A discarded position's high-water mark belongs to a listing that never finished.
    marks.highWater = null;
  }
  const incremental = resource.incremental;
  if (mode === 'incremental' && !incremental) {
    notes.push({ level: 'warn', message: `Resource "${resource.key}" has no incremental listing; listing everything`, data });
  }
  let position: ListingPosition;
  if (mode === 'incremental' && incremental?.style === 'sync_token' && startToken)
    position = freshPosition(resource, 'changes', now, { token: startToken });
  else if (mode === 'incremental' && incremental && incremental.style !== 'sync_token' && startSince)
    position = sinceListing(resource, startSince, now);
  else position = freshPosition(resource, 'full', now);
  return { position, marks, notes };
}

export interface ListingRestart {
  position: ListingPosition;
  /** The sync token was refused: the restarted listing is a full one and the token is dead. */
  tokenExpired: boolean;
  note: ConnectorLogEntry;
}

/**
 * When a provider refuses a request in a way the listing can recover from, the listing to continue with instead
 * (the page count carries on); null when the error ends the listing.
 * - An expired sync token (Google answers 410 Gone): start over with a full listing, once.
 * - Search endpoints cap the results of one query (HubSpot: 10,000, answering 400 past it). Ascending sorts let the
 *   listing start a new query at the high-water mark reached so far, which must have moved forward.
 */
export function restartAfterRefusal(
  definition: ProviderDefinition,
  resource: ResourceDefinition,
  err: ProviderRequestError,
  position: ListingPosition,
  marks: ListingMarks,
  now: () => number,
): ListingRestart | null {
  if (err.status === 410 && position.kind === 'changes' && !marks.restartedFull) {
    return {
      position: { ...freshPosition(resource, 'full', now), pages: position.pages },
      tokenExpired: true,
      note: {
        level: 'warn',
        message: `${definition.name} no longer accepts the sync token; listing everything instead`,
        data: { resource: resource.key },
      },
    };
  }
  const { highWater } = marks;
  if (
    err.status === 400 &&
    position.kind === 'since' &&
    resource.incremental?.style === 'endpoint' &&
    !('first' in position.next) &&
    highWater !== null &&
    position.sinceIso !== undefined &&
    highWater > position.sinceIso
  ) {
    return {
      position: { ...sinceListing(resource, highWater, now), pages: position.pages, startedAt: position.startedAt },
      tokenExpired: false,
      note: {
        level: 'info',
        message: `${definition.name} refused to page further through one query; querying again from ${highWater}`,
        data: { resource: resource.key, since: highWater },
      },
    };
  }
  return null;
}

/** stop_at_older listings end at the first record not newer than their bound; other listings read every record. */
export function stopAtOf(resource: ResourceDefinition, position: ListingPosition): string | null {
  return position.kind === 'since' && resource.incremental?.style === 'stop_at_older' ? (position.sinceIso ?? null) : null;
}

/**
 * Records the next page's position, refusing one the listing has already been at (this listing, since its last
 * restart): a provider that hands out the same position again would loop forever.
 */
export function rememberNextPosition(seen: Set<string>, next: NextPosition, current: NextPosition, providerName: string): void {
  const key = JSON.stringify(next);
  if (seen.has(key) || key === JSON.stringify(current)) {
    throw new PaginationError(
      'cursor_repeated',
      `${providerName} returned the same next-page position twice; the listing was stopped to avoid a loop`,
    );
  }
  seen.add(key);
}

/** The cursor yielded with a page that has a next one: resume at `position`, with the run's starting bounds. */
export function resumeCursor(position: ListingPosition, marks: ListingMarks): ConnectorCursor {
  return { page: position, since: marks.startSince, syncToken: marks.restartedFull ? null : marks.startToken, highWater: marks.highWater };
}

/** The cursor yielded with the last page: no listing in progress, and the next incremental run's starting point. */
export function finalCursor(
  resource: ResourceDefinition,
  position: ListingPosition,
  marks: ListingMarks,
  now: () => number,
): ConnectorCursor {
  const mark =
    resource.updatedAtPath === null ? new Date(Date.parse(position.startedAt) - START_TIME_SAFETY_MS).toISOString() : marks.highWater;
  // Never ahead of our own clock: a record stamped in the future must not hide later changes.
  const clock = new Date(now()).toISOString();
  const since = laterOf(mark !== null && mark > clock ? clock : mark, marks.startSince);
  // After a 410 the stored token is dead; without a new one the next incremental run lists everything.
  return { page: null, since, syncToken: marks.latestToken ?? (marks.restartedFull ? null : marks.startToken), highWater: since };
}
