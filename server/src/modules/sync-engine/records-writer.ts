import { hash } from 'node:crypto';
import { sql, type CompiledQuery } from 'kysely';
import type { Tx } from '../../lib/db-scope.js';
import { canonicalJson } from '../../lib/canonical-json.js';

export interface RecordInput {
  externalId: string;
  data: Record<string, unknown>;
  sourceUpdatedAt: string | null;
  /** The provider's ETag when the version came with one (two-way sync writes); absent: left as stored. */
  etag?: string | null;
}

export interface BatchCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/** Same mapped content, same hash: how a run tells updated from unchanged without comparing JSON. */
export function contentHash(data: unknown): string {
  return hashCanonicalText(canonicalJson(data));
}

function hashCanonicalText(text: string): string {
  // The one-shot hash: about half the CPU of createHash().update().digest() on texts this short.
  return hash('sha256', text, 'base64url');
}

/**
 * Upserts one batch of mapped records in a single statement, keyed on (integration, resource, external
 * id). Duplicates within the batch are removed first (the last one wins, as the provider's latest page
 * does), since ON CONFLICT cannot touch one row twice (and the "touched" test below relies on one upsert
 * per row per transaction, which the executor keeps). Every row gets `last_seen_run_id` so a full run can
 * mark the rows it did not see as deleted; rows whose content hash did not change keep their `updated_at`
 * and their place in the change feed. A deleted record that reappears is restored, and enters the feed as
 * `added` again (a follower removed it on `deleted`).
 */
export async function upsertRecords(
  tx: Tx,
  // runId null: a record stored outside a run (a conflict's resolution); the next full run marks it seen again.
  target: UpsertTarget,
  batch: RecordInput[] | PreparedRecords,
): Promise<BatchCounts> {
  const { queries, counts } = upsertRecordsQueries(tx, target, Array.isArray(batch) ? prepareRecords(batch) : batch);
  return counts(await runInOrder(tx, queries));
}

/** Runs the queries one after the other in the transaction; each one's rows, in order. */
async function runInOrder(tx: Tx, queries: CompiledQuery[]): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  for (const query of queries) rows.push((await tx.executeQuery(query)).rows);
  return rows;
}

export interface UpsertTarget {
  organizationId: string;
  integrationId: string;
  resource: string;
  runId: string | null;
}

/**
 * upsertRecords as queries, for a caller that sends them together in one round trip (run-store.ts, a run's page):
 * the feed lock, the upsert, the ETags of a batch where only some records came with one; run in this order in one
 * transaction. `counts` reads the batch's outcome from their rows. `q` only needs to compile.
 */
export function upsertRecordsQueries(
  q: Tx,
  target: UpsertTarget,
  prepared: PreparedRecords,
): { queries: CompiledQuery[]; counts: (rows: unknown[][]) => BatchCounts } {
  if (prepared.size === 0) return { queries: [], counts: () => ({ created: 0, updated: 0, unchanged: 0 }) };
  const { rows, versions } = prepared;
  const { organizationId, integrationId, resource, runId } = target;

  // One statement, no read of the table first: a preceding lookup of the batch's rows is planned
  // generically once the statement is prepared and then scans the whole resource per batch.
  // The rows arrive as one jsonb array of [external id, content hash, source updated-at, data, ETag?]: one
  // parameter for Postgres to parse, where parallel text arrays had every record's JSON escaped into
  // an array literal by the driver and parsed twice by Postgres (as array, then as jsonb).
  // Every row draws a feed position (unchanged rows keep their old one; the drawn value is a harmless gap),
  // under the feed lock taken before it, so positions become visible in the order they were drawn.
  // RETURNING tells the outcome per row: `xmax = 0` only on a freshly inserted row version, and
  // `updated_at` is set to the transaction time only when the content changed (or was restored).
  // A row with a fifth element carries the version's ETag (null: none). When every row has one (a push's outcomes,
  // a CalDAV page) they are stored by this statement; when none has (a REST pull's page) the stored ETags stay.
  const upsert = sql<{ created: number; updated: number }>`
    WITH upserted AS (
      INSERT INTO records AS r (organization_id, integration_id, resource, external_id, data, content_hash, source_updated_at, last_seen_run_id, feed_position, feed_action, etag)
      SELECT ${organizationId}, ${integrationId}, ${resource}, t.row->>0, t.row->3, t.row->>1, (t.row->>2)::timestamptz, ${runId},
             nextval('records_feed_position_seq'), 'added', t.row->>4
        FROM jsonb_array_elements(${rows}::jsonb) AS t(row)
      ON CONFLICT (integration_id, resource, external_id) DO UPDATE SET
        etag = ${prepared.allEtags ? sql`EXCLUDED.etag` : sql`r.etag`},
        data = EXCLUDED.data,
        content_hash = EXCLUDED.content_hash,
        source_updated_at = EXCLUDED.source_updated_at,
        last_seen_run_id = EXCLUDED.last_seen_run_id,
        deleted_at = NULL,
        updated_at = CASE WHEN r.content_hash = EXCLUDED.content_hash AND r.deleted_at IS NULL THEN r.updated_at ELSE now() END,
        feed_position = CASE WHEN r.content_hash = EXCLUDED.content_hash AND r.deleted_at IS NULL THEN r.feed_position ELSE EXCLUDED.feed_position END,
        feed_action = CASE WHEN r.content_hash = EXCLUDED.content_hash AND r.deleted_at IS NULL THEN r.feed_action
                           WHEN r.deleted_at IS NOT NULL THEN 'added' ELSE 'updated' END
      RETURNING (r.xmax = 0) AS inserted, r.updated_at = now() AS touched
    )
    SELECT count(*) FILTER (WHERE inserted)::int AS created,
           count(*) FILTER (WHERE NOT inserted AND touched)::int AS updated
      FROM upserted`.compile(q);
  const queries = [lockFeedQuery(q, target), upsert];
  // A batch where only some records came with a version: their ETags in one more statement.
  if (versions !== null) {
    queries.push(
      sql`
      UPDATE records AS r SET etag = v.row->>1
        FROM jsonb_array_elements(${versions}::jsonb) AS v(row)
       WHERE r.integration_id = ${integrationId} AND r.resource = ${resource} AND r.external_id = v.row->>0
         AND r.etag IS DISTINCT FROM v.row->>1`.compile(q),
    );
  }
  return {
    queries,
    counts: (results) => {
      const { created, updated } = results[1][0] as { created: number; updated: number };
      return { created, updated, unchanged: prepared.size - created - updated };
    },
  };
}

/**
 * A batch made ready to upsert: deduplicated, hashed and serialised. A run prepares the next page while the database
 * writes this one (execute-run.ts), so this CPU work overlaps the database's instead of adding to it.
 */
export interface PreparedRecords {
  /** Records after removing duplicates. */
  size: number;
  /** The statement's JSON parameter (pageRowsJson). */
  rows: string;
  /** Every record came with a version (an ETag or null): the upsert stores the ETags. */
  allEtags: boolean;
  /** Only some did: [external id, ETag] pairs as JSON, stored by a second statement; null otherwise. */
  versions: string | null;
}

export function prepareRecords(batch: RecordInput[]): PreparedRecords {
  const unique = new Map<string, RecordInput>();
  for (const r of batch) unique.set(r.externalId, r);
  const versions = [...unique.values()].filter((r) => r.etag !== undefined).map((r) => [r.externalId, r.etag]);
  const allEtags = versions.length === unique.size;
  return {
    size: unique.size,
    rows: pageRowsJson(unique.values()),
    allEtags,
    versions: versions.length > 0 && !allEtags ? JSON.stringify(versions) : null,
  };
}

/**
 * The batch as the statement's JSON parameter. Each record's canonical JSON is written once and used
 * twice: hashed, and spliced in as the stored data (jsonb keeps no key order, so the canonical text
 * stores the same value as any other serialisation of it).
 * The brackets and commas are parts of the one join, so the text comes out as a single flat string: wrapped
 * afterwards (`[${…}]`) it would be a rope that the driver's first look at it (pg-client's quoting) copies whole
 * again, hundreds of kilobytes per page.
 */
function pageRowsJson(records: Iterable<RecordInput>): string {
  const parts: string[] = ['['];
  for (const r of records) {
    const data = canonicalJson(r.data);
    // Hashes are base64url, so they need no escaping.
    const etag = r.etag === undefined ? '' : r.etag === null ? ',null' : `,${jsonText(r.etag)}`;
    parts.push(
      `${parts.length > 1 ? ',' : ''}[${jsonText(r.externalId)},"${hashCanonicalText(data)}",${r.sourceUpdatedAt === null ? 'null' : jsonText(r.sourceUpdatedAt)},${data}${etag}]`,
    );
  }
  parts.push(']');
  return parts.join('');
}

/**
 * A string as JSON text that Postgres accepts: a lone UTF-16 surrogate (not valid Unicode) becomes
 * U+FFFD first, as it did when ids went as plain text parameters (jsonb rejects the `\udXXX` escape).
 */
function jsonText(value: string): string {
  return JSON.stringify(LONE_SURROGATE.test(value) ? value.replace(LONE_SURROGATES, '\uFFFD') : value);
}
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** After a complete full run: every live record of the resource this run did not see is gone upstream. */
export async function markUnseenDeleted(tx: Tx, target: UpsertTarget & { runId: string }): Promise<number> {
  const marking = markUnseenDeletedQueries(tx, target);
  return marking.count(await runInOrder(tx, marking.queries));
}

/** markUnseenDeleted as queries, for a caller that sends them with others (a run's end): the feed's lock, then the marking. */
export function markUnseenDeletedQueries(
  q: Tx,
  target: UpsertTarget & { runId: string },
): { queries: CompiledQuery[]; count: (rows: unknown[][]) => number } {
  const now = new Date();
  const marking = q
    .with('marked', (db) =>
      db
        .updateTable('records')
        .set({
          deleted_at: now,
          updated_at: now,
          feed_position: sql<number>`nextval('records_feed_position_seq')`,
          feed_action: 'deleted',
        })
        .where('integration_id', '=', target.integrationId)
        .where('resource', '=', target.resource)
        .where('deleted_at', 'is', null)
        .where((eb) => eb.or([eb('last_seen_run_id', 'is', null), eb('last_seen_run_id', '!=', target.runId)]))
        .returning(sql<number>`1`.as('one')),
    )
    .selectFrom('marked')
    .select(sql<number>`count(*)::int`.as('n'));
  return {
    // Counted in the statement: a batch's results carry rows, not affected-row counts.
    queries: [lockFeedQuery(q, target), marking.compile()],
    count: (rows) => (rows[1][0] as { n: number }).n,
  };
}

/**
 * Takes the feed's lock until this transaction ends; every writer of a feed calls it before drawing positions
 * (migration 0009-change-feed explains why that makes positions visible in order). The row is created on
 * the feed's first write; a writer that finds another's uncommitted first row waits for it like for a lock.
 */
async function lockFeed(tx: Tx, feed: FeedKey): Promise<void> {
  await tx.executeQuery(lockFeedQuery(tx, feed));
}

type FeedKey = { organizationId: string; integrationId: string; resource: string };

function lockFeedQuery(q: Tx, feed: FeedKey): CompiledQuery {
  return q
    .insertInto('record_feeds')
    .values({ organization_id: feed.organizationId, integration_id: feed.integrationId, resource: feed.resource })
    .onConflict((oc) => oc.columns(['integration_id', 'resource']).doUpdateSet({ last_write_at: sql<Date>`now()` }))
    .compile();
}

/** The base version of one record (two-way sync): what Linkyard last read or wrote, compared before a write. */
export interface StoredBase {
  data: Record<string, unknown>;
  contentHash: string;
  updatedAt: string | null;
  etag: string | null;
}

/** The base versions of several records in one query; a record Linkyard does not hold (live) is absent. */
export async function readBases(
  tx: Tx,
  target: { integrationId: string; resource: string },
  externalIds: string[],
): Promise<Map<string, StoredBase>> {
  const bases = new Map<string, StoredBase>();
  if (externalIds.length === 0) return bases;
  const rows = await tx
    .selectFrom('records')
    .select(['external_id', 'data', 'content_hash', 'source_updated_at', 'etag'])
    .where('integration_id', '=', target.integrationId)
    .where('resource', '=', target.resource)
    .where(sql<boolean>`external_id = any(${externalIds}::text[])`)
    .where('deleted_at', 'is', null)
    .execute();
  for (const row of rows) {
    bases.set(row.external_id, {
      data: row.data,
      contentHash: row.content_hash,
      updatedAt: row.source_updated_at?.toISOString() ?? null,
      etag: row.etag,
    });
  }
  return bases;
}

/** A record deleted at the provider by a push: out of the live set, `deleted` in the change feed. */
export async function markRecordDeleted(
  tx: Tx,
  target: { organizationId: string; integrationId: string; resource: string },
  externalId: string,
): Promise<void> {
  await lockFeed(tx, target);
  await tx
    .updateTable('records')
    .set({
      deleted_at: new Date(),
      updated_at: new Date(),
      feed_position: sql<number>`nextval('records_feed_position_seq')`,
      feed_action: 'deleted',
    })
    .where('integration_id', '=', target.integrationId)
    .where('resource', '=', target.resource)
    .where('external_id', '=', externalId)
    .where('deleted_at', 'is', null)
    .execute();
}
