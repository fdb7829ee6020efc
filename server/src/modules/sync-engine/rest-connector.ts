import type { SafeHttpResponse } from '../../lib/safe-http/index.js';
import { apiBaseUrl } from '../oauth/provider-endpoints.js';
import { PaginationError, ProviderRequestError } from './connector-errors.js';
import { effectivePageSize, nextPosition } from './pagination.js';
import { DEFAULT_MAX_PAGES, type ListPagesOptions, type Page, type RestConnectorContext } from './rest-connector-types.js';
import { finalCursor, rememberNextPosition, restartAfterRefusal, resumeCursor, shapeOf, startListing, stopAtOf } from './rest-listing.js';
import { compileRecordReaders, decodeBody, readRecords, recordList, syncTokenOf } from './rest-page.js';
import { buildRequest, type ApiEndpoint } from './rest-request.js';
import { createRestTransport, type ConnectorLog } from './rest-transport.js';
import { keepMatching, NO_SELECTION, selectiveShape } from './selective-request.js';

export { ConnectorError, PaginationError, ProviderRequestError, type ConnectorErrorCode } from './connector-errors.js';
export * from './rest-connector-types.js';

/**
 * The REST connector: lists one resource of one provider by interpreting its definition (provider-definition.ts),
 * one provider page at a time, with no provider-specific code. The sync run executor drives it:
 *
 *   for await (const page of listPages(ctx, { mode, cursor: sync.cursor })) {
 *     await upsert(page.records, page.externalIds, page.updatedAt);   // one transaction…
 *     await saveCursor(page.cursor);                                   // …that also stores the cursor
 *   }
 *
 * Cursor semantics (what `Page.cursor` means):
 * - Every yielded cursor is where to resume once that page is committed. A run that crashes after committing
 *   page N passes page N's cursor back and continues with page N+1: nothing is fetched or counted twice.
 * - `page` is the position inside a listing in progress (opaque JSON); it is null on the final page's cursor,
 *   which marks the listing complete.
 * - `since` is the high-water mark a new incremental listing starts from (minus the definition's
 *   `lookbackSeconds`); `syncToken` the provider's token for a `sync_token` resource. While a listing runs both stay
 *   what the run started with, so a resumed listing sends the same query; the final cursor carries the new ones.
 * - `highWater` is the latest modification time seen so far (carried across resumes); the final cursor's
 *   `since` is the later of it and the previous `since`. Resources without a modification time use the listing's
 *   start (minus a safety margin) instead, which suits creation-time filters like Stripe's `created[gte]`.
 *
 * A full run's final cursor is therefore a valid starting point for an incremental run. An incremental run without
 * a `since`/`syncToken` lists everything (establishing the mark); a resource without `incremental` always does.
 */

/**
 * The listing loop. Its parts: where to start and the cursors to yield (rest-listing.ts), the request for a
 * position (rest-request.ts), sending it with retries (rest-transport.ts), and decoding the answer (rest-page.ts).
 */
export async function* listPages(ctx: RestConnectorContext, opts: ListPagesOptions): AsyncGenerator<Page> {
  const { definition, resource } = ctx;
  const now = ctx.now ?? Date.now;
  const emit = ctx.log ?? (() => {});
  const log: ConnectorLog = (level, message, data) => emit(data ? { level, message, data } : { level, message });
  const values: Record<string, string> = { ...(resource.pathDefaults ?? {}), ...ctx.templateValues };
  const allowHttp = ctx.allowHttp ?? false;
  const endpoint: ApiEndpoint = { apiBase: apiBaseUrl(definition, values, {}, allowHttp), values, allowHttp };
  const maxPages = ctx.maxPages ?? DEFAULT_MAX_PAGES;
  const transport = createRestTransport(ctx, log);
  const readers = compileRecordReaders(resource);
  const selection = ctx.selection ?? NO_SELECTION;
  const prefix = resource.selective?.recordPrefix ?? '';

  const start = startListing(resource, opts.mode, opts.cursor, now);
  for (const note of start.notes) emit(note);
  const { marks } = start;
  let position = start.position;
  /** Next-page positions handed out since the listing (re)started, to stop a provider that loops. */
  const seenPositions = new Set<string>();
  let waitBeforeNext = 0;

  for (;;) {
    ctx.signal?.throwIfAborted();
    if (position.pages >= maxPages) {
      throw new PaginationError('page_limit', `${definition.name} kept returning pages after ${maxPages}; the listing was stopped`);
    }
    if (waitBeforeNext > 0) {
      log('info', `Rate limit budget spent; waiting ${waitBeforeNext} ms for the window to reset`, { delayMs: waitBeforeNext });
      await transport.sleep(waitBeforeNext);
      waitBeforeNext = 0;
    }

    const { shape, local } = selectiveShape(resource, shapeOf(resource, position), position.kind, selection, now);
    const pageSize = effectivePageSize(shape.pageSize, ctx.pageSize);
    const request = buildRequest(endpoint, shape, position, pageSize);
    let response: SafeHttpResponse;
    try {
      response = await transport.send(request);
    } catch (err) {
      const restart = err instanceof ProviderRequestError ? restartAfterRefusal(definition, resource, err, position, marks, now) : null;
      if (!restart) throw err;
      emit(restart.note);
      if (restart.tokenExpired) marks.restartedFull = true;
      position = restart.position;
      seenPositions.clear();
      continue;
    }

    const body = decodeBody(definition, request, response, transport.secrets);
    const rawRecords = recordList(definition, resource, request, response, body);
    marks.latestToken = syncTokenOf(resource, body) ?? marks.latestToken;
    let next = nextPosition(shape.pagination, {
      body,
      headers: response.headers,
      rawRecords,
      position: position.next,
      pageSize,
      apiBase: endpoint.apiBase,
    });
    const page = readRecords(rawRecords, readers, stopAtOf(resource, position), marks.highWater);
    marks.highWater = page.highWater;
    if (page.skipped > 0) {
      log('warn', `Skipped ${page.skipped} record(s) without an id at "${resource.idPath}"`, {
        resource: resource.key,
        skipped: page.skipped,
        idPath: resource.idPath,
        page: position.pages + 1,
      });
    }
    if (page.stopped) next = null;

    // The high-water mark above saw every record: a filtered-out change still moves the incremental bound.
    // `etags`: each record's version, where the resource's writes declare one inside the record (stored as the base).
    const { records, externalIds, updatedAt, etags, filtered } = keepMatching(page, local, prefix);
    const versions = etags ? { etags } : {};
    if (next === null) {
      yield { records, externalIds, updatedAt, ...versions, filtered, cursor: finalCursor(resource, position, marks, now), done: true };
      return;
    }
    rememberNextPosition(seenPositions, next, position.next, definition.name);
    waitBeforeNext = transport.throttleMs(response);
    position = { ...position, pages: position.pages + 1, next };
    yield { records, externalIds, updatedAt, ...versions, filtered, cursor: resumeCursor(position, marks), done: false };
  }
}
