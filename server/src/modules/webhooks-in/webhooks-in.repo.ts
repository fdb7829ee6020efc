import { sql, type Insertable } from 'kysely';
import type { WebhookEventStatus, WebhookEventsTable } from '../../../../db/schema.js';
import type { Tx } from '../../lib/db-scope.js';
import { newestFirst } from '../../lib/keyset.js';

/** How long a provider event id deduplicates (API.md: a repeat within 7 days is a duplicate). */
export const DEDUP_WINDOW_DAYS = 7;

/** The channel an accepted event is NOTIFYed on; workers LISTEN on it (and still poll). */
export const ACCEPTED_CHANNEL = 'linkyard_webhook_events';

/** Wakes the listening workers when the caller's transaction commits (Postgres delivers NOTIFY on commit only). */
export async function notifyAccepted(tx: Tx): Promise<void> {
  await sql`SELECT pg_notify(${ACCEPTED_CHANNEL}, '')`.execute(tx);
}

type NewEvent = Omit<Insertable<WebhookEventsTable>, 'dedup_key' | 'status'>;

function insert(tx: Tx, row: Insertable<WebhookEventsTable>) {
  return tx
    .insertInto('webhook_events')
    .values(row)
    .onConflict((oc) => oc.columns(['integration_id', 'dedup_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
}

/**
 * Stores a verified delivery: `accepted`, or `duplicate` when the same provider event id was accepted in the last
 * 7 days. The unique (integration, dedup_key) index decides, so two deliveries racing each other are one of each.
 * A key older than the window is released first, so the repeat is accepted again.
 */
export async function insertVerifiedEvent(tx: Tx, row: NewEvent): Promise<WebhookEventStatus> {
  const eventId = row.provider_event_id ?? null;
  if (eventId === null) {
    await insert(tx, { ...row, status: 'accepted', dedup_key: null });
    return 'accepted';
  }
  if (await insert(tx, { ...row, status: 'accepted', dedup_key: eventId })) return 'accepted';
  const released = await tx
    .updateTable('webhook_events')
    .set({ dedup_key: null })
    .where('integration_id', '=', row.integration_id)
    .where('dedup_key', '=', eventId)
    .where('received_at', '<', sql<Date>`now() - make_interval(days => ${DEDUP_WINDOW_DAYS})`)
    .executeTakeFirst();
  if (Number(released.numUpdatedRows) > 0 && (await insert(tx, { ...row, status: 'accepted', dedup_key: eventId }))) return 'accepted';
  await insert(tx, {
    ...row,
    status: 'duplicate',
    dedup_key: null,
    reason: `A delivery of event ${eventId} was already accepted in the last ${DEDUP_WINDOW_DAYS} days`,
    processed_at: new Date(),
  });
  return 'duplicate';
}

/** A verified delivery for insertAcceptedBatch, with the sealed secret and settings it was verified with. */
export interface VerifiedRow {
  id: string;
  organization_id: string;
  integration_id: string;
  provider_event_id: string | null;
  type: string | null;
  resources: string[] | null;
  received_at: Date;
  payload: string | null;
  sealed: string;
  /** The integration's settings as JSON text (made once per cached integration, not per delivery). */
  settingsJson: string;
}

/** A Postgres text[] literal (`{"a","b"}`): cast in SQL, cheaper per row than a jsonb array taken apart. */
function textArrayLiteral(values: string[]): string {
  return `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

/**
 * The hot path's one statement, for a batch of verified deliveries (any organizations: platform scope): inserts each
 * as `accepted` and NOTIFYs the workers once, but only those whose integration still holds the sealed secret and
 * settings they were verified with (the receiver's cached copy). Per row: 'accepted'; 'conflict' when its event id
 * is taken (insertVerifiedEvent decides: duplicate or a new acceptance); 'stale' when the integration changed or is
 * gone (nothing written for it). One statement and one commit for many deliveries: the commit's flush to disk is
 * what a delivery waits for, and the batch shares it.
 */
export async function insertAcceptedBatch(tx: Tx, rows: VerifiedRow[]): Promise<('accepted' | 'conflict' | 'stale')[]> {
  const col = <T>(f: (r: VerifiedRow) => T) => rows.map(f);
  const { rows: result } = await sql<{ current: string[] | null; inserted: string[] | null }>`
    WITH v AS (
      SELECT * FROM unnest(${col((r) => r.id)}::uuid[], ${col((r) => r.organization_id)}::uuid[], ${col((r) => r.integration_id)}::uuid[],
                           ${col((r) => r.provider_event_id)}::text[], ${col((r) => r.type)}::text[],
                           ${col((r) => (r.resources === null ? null : textArrayLiteral(r.resources)))}::text[],
                           ${col((r) => r.received_at.toISOString())}::timestamptz[], ${col((r) => r.payload)}::jsonb[],
                           ${col((r) => r.sealed)}::text[], ${col((r) => r.settingsJson)}::jsonb[])
        AS v(id, organization_id, integration_id, provider_event_id, type, resources, received_at, payload, sealed, settings)
    ), cur AS (
      SELECT v.* FROM v JOIN integrations i
          ON i.id = v.integration_id AND i.organization_id = v.organization_id
         AND i.webhook_secret_encrypted = v.sealed AND i.settings = v.settings
    ), ins AS (
      INSERT INTO webhook_events (id, organization_id, integration_id, provider_event_id, dedup_key, type, resources, received_at, status, payload)
      SELECT id, organization_id, integration_id, provider_event_id, provider_event_id, type,
             resources::text[],
             received_at, 'accepted', payload
        FROM cur
      ON CONFLICT (integration_id, dedup_key) DO NOTHING
      RETURNING id
    ), woken AS (
      SELECT pg_notify(${ACCEPTED_CHANNEL}, '') FROM (SELECT 1 FROM ins LIMIT 1) one
    )
    SELECT (SELECT array_agg(id) FROM cur) AS current, (SELECT array_agg(id) FROM ins) AS inserted, (SELECT count(*) FROM woken) AS woken`.execute(
    tx,
  );
  const current = new Set(result[0].current ?? []);
  const inserted = new Set(result[0].inserted ?? []);
  return rows.map((r) => (inserted.has(r.id) ? 'accepted' : current.has(r.id) ? 'conflict' : 'stale'));
}

/** Records a delivery that failed verification (no payload: nothing unverified is kept). */
export async function insertRejectedEvent(
  tx: Tx,
  row: Pick<NewEvent, 'id' | 'organization_id' | 'integration_id'> & { received_at: Date; reason: string },
) {
  await tx
    .insertInto('webhook_events')
    .values({ ...row, status: 'rejected', processed_at: row.received_at })
    .execute();
}

export async function lastReceivedAt(tx: Tx, orgId: string, integrationId: string): Promise<Date | null> {
  const row = await tx
    .selectFrom('webhook_events')
    .select('received_at')
    .where('organization_id', '=', orgId)
    .where('integration_id', '=', integrationId)
    .orderBy('received_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.received_at ?? null;
}

export interface EventFilters {
  status?: WebhookEventStatus;
  before?: { receivedAt: string; id: string };
  limit: number;
}

/** The integration's deliveries, newest first (one range scan of webhook_events_list_idx). */
export function listEvents(tx: Tx, orgId: string, integrationId: string, f: EventFilters) {
  let q = tx
    .selectFrom('webhook_events')
    .select(['id', 'provider_event_id', 'type', 'received_at', 'status', 'reason', 'run_id', 'processed_at'])
    .where('organization_id', '=', orgId)
    .where('integration_id', '=', integrationId);
  if (f.status) q = q.where('status', '=', f.status);
  return newestFirst(q, 'received_at', f.before && { at: f.before.receivedAt, id: f.before.id }, f.limit).execute();
}

/**
 * The oldest accepted event no worker has acted on and none holds, locked until the caller's transaction ends
 * (SKIP LOCKED: workers never wait for each other, and an event claimed by a worker that dies is free again).
 */
export function claimNextEvent(tx: Tx) {
  return tx
    .selectFrom('webhook_events')
    .select(['id', 'organization_id', 'integration_id', 'provider_event_id', 'type', 'resources', 'payload'])
    .where('status', '=', 'accepted')
    .where('processed_at', 'is', null)
    .where((eb) => eb.or([eb('process_after', 'is', null), eb('process_after', '<=', sql<Date>`now()`)]))
    .orderBy('received_at')
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
}

/** The enabled syncs the event concerns: every one of the integration's (resources null) or those of the resources. */
export function affectedSyncs(tx: Tx, orgId: string, integrationId: string, resources: string[] | null) {
  let q = tx
    .selectFrom('syncs')
    .select(['id', 'integration_id'])
    .where('organization_id', '=', orgId)
    .where('integration_id', '=', integrationId)
    .where('enabled', '=', true);
  if (resources !== null) {
    if (resources.length === 0) return Promise.resolve([]);
    q = q.where('resource', 'in', resources);
  }
  return q.orderBy('id').execute();
}

export async function markProcessed(
  tx: Tx,
  id: string,
  outcome: { status: 'accepted' | 'ignored'; reason?: string; runId: string | null },
) {
  await tx
    .updateTable('webhook_events')
    .set({ status: outcome.status, reason: outcome.reason ?? null, run_id: outcome.runId, processed_at: new Date(), process_after: null })
    .where('id', '=', id)
    .execute();
}

/** Leaves the event for a later attempt (a run of an affected sync is running). */
export async function deferEvent(tx: Tx, id: string, afterMs: number, runId: string | null) {
  await tx
    .updateTable('webhook_events')
    .set({ process_after: new Date(Date.now() + afterMs), run_id: runId })
    .where('id', '=', id)
    .execute();
}

/** The hook the provider's API created for the integration (`POST …/webhook/register`), if any. */
export function findRegistration(tx: Tx, orgId: string, integrationId: string) {
  return tx
    .selectFrom('webhook_registrations')
    .select(['target', 'provider_hook_id', 'expires_at', 'registered_at', 'updated_at'])
    .where('organization_id', '=', orgId)
    .where('integration_id', '=', integrationId)
    .executeTakeFirst();
}

/** Records the registered hook, replacing the previous one (one registration per integration). */
export async function upsertRegistration(
  tx: Tx,
  row: { integration_id: string; organization_id: string; provider: string; target: string; provider_hook_id: string },
): Promise<void> {
  await tx
    .insertInto('webhook_registrations')
    .values({ ...row, updated_at: new Date() })
    .onConflict((oc) =>
      oc.column('integration_id').doUpdateSet({
        target: row.target,
        provider_hook_id: row.provider_hook_id,
        expires_at: null,
        updated_at: new Date(),
      }),
    )
    .execute();
}
