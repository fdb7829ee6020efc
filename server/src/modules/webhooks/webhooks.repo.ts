import { sql, type CompiledQuery, type Selectable } from 'kysely';
import type {
  WebhookAttemptsTable,
  WebhookDeliveriesTable,
  WebhookDeliveryStatus,
  WebhookEndpointsTable,
  WebhookOutboxTable,
} from '../../../../db/schema.js';
import type { Tx } from '../../lib/db-scope.js';

export type EndpointRow = Selectable<WebhookEndpointsTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;
export type AttemptRow = Selectable<WebhookAttemptsTable>;
export type EventRow = Selectable<WebhookOutboxTable>;

/** Serialises creating endpoints in one organization, so two concurrent creates cannot both pass the limit. */
export async function lockEndpointCreation(tx: Tx, orgId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${'webhook_endpoints:' + orgId}, 0))`.execute(tx);
}

export async function countEndpoints(tx: Tx, orgId: string): Promise<number> {
  const row = await tx
    .selectFrom('webhook_endpoints')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organization_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertEndpoint(tx: Tx, row: Omit<EndpointRow, 'created_at' | 'updated_at'>): Promise<void> {
  await tx
    .insertInto('webhook_endpoints')
    .values({ ...row, updated_at: new Date() })
    .execute();
}

export function findEndpoint(tx: Tx, orgId: string, id: string): Promise<EndpointRow | undefined> {
  return tx.selectFrom('webhook_endpoints').selectAll().where('organization_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export function lockEndpoint(tx: Tx, orgId: string, id: string): Promise<EndpointRow | undefined> {
  return tx
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('organization_id', '=', orgId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export function listEndpoints(tx: Tx, orgId: string, after: { createdAt: string; id: string } | undefined, limit: number) {
  let q = tx.selectFrom('webhook_endpoints').selectAll().where('organization_id', '=', orgId);
  if (after) q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(new Date(after.createdAt), after.id)));
  return q
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit + 1)
    .execute();
}

export async function updateEndpoint(
  tx: Tx,
  orgId: string,
  id: string,
  patch: Partial<Pick<EndpointRow, 'url' | 'description' | 'events' | 'enabled' | 'disabled_reason' | 'failing_since'>> &
    Partial<Pick<EndpointRow, 'secret_encrypted' | 'previous_secret_encrypted' | 'previous_secret_expires_at'>>,
): Promise<void> {
  await tx
    .updateTable('webhook_endpoints')
    .set({ ...patch, updated_at: new Date() })
    .where('organization_id', '=', orgId)
    .where('id', '=', id)
    .execute();
}

export async function deleteEndpoint(tx: Tx, orgId: string, id: string): Promise<void> {
  await tx.deleteFrom('webhook_endpoints').where('organization_id', '=', orgId).where('id', '=', id).execute();
}

/**
 * The channel on which a transaction that adds deliveries wakes the delivery workers (LISTEN/NOTIFY). Postgres sends
 * the notification at COMMIT, and once per transaction however many deliveries it made; none after a rollback.
 */
export const DELIVERIES_CHANNEL = 'webhook_deliveries';

/**
 * The outbox: the event, and in the same statement a pending delivery to every enabled endpoint of the
 * organization that subscribes to its type, and the workers' wake-up when there is one. An event nobody subscribes
 * to is not stored (there is nothing to deliver, and most runs of most organizations would otherwise fill the
 * table). Returns how many deliveries it made.
 */
export async function insertEventWithDeliveries(tx: Tx, event: OutboxEvent): Promise<number> {
  return (await tx.executeQuery(insertEventWithDeliveriesQuery(tx, event))).rows[0].n;
}

/** insertEventWithDeliveries as a query, for a caller that sends it with others (a run's end); its row counts the deliveries. */
export function insertEventWithDeliveriesQuery(q: Tx, event: OutboxEvent): CompiledQuery<{ n: number }> {
  return sql<{ n: number }>`
    WITH event AS (
      INSERT INTO webhook_outbox (id, organization_id, type, payload)
      SELECT ${event.id}::uuid, ${event.organizationId}::uuid, ${event.type}::text, ${event.payload}::jsonb
       WHERE EXISTS (SELECT 1 FROM webhook_endpoints
                      WHERE organization_id = ${event.organizationId} AND enabled AND ${event.type} = ANY(events))
      RETURNING id, organization_id, type, created_at
    ), fanned AS (
      INSERT INTO webhook_deliveries (id, organization_id, endpoint_id, event_id, event_type, next_attempt_at, created_at)
      SELECT gen_random_uuid(), e.organization_id, e.id, event.id, event.type, event.created_at, event.created_at
        FROM webhook_endpoints e, event
       WHERE e.organization_id = event.organization_id AND e.enabled AND event.type = ANY(e.events)
      RETURNING 1
    )
    SELECT n, CASE WHEN n > 0 THEN pg_notify(${DELIVERIES_CHANNEL}, '') END AS woken
      FROM (SELECT count(*)::int AS n FROM fanned) AS c`.compile(q);
}

export interface OutboxEvent {
  id: string;
  organizationId: string;
  type: string;
  payload: string;
}

/** An event for one endpoint only (a test ping), with its delivery. */
export async function insertEvent(tx: Tx, event: { id: string; organizationId: string; type: string; payload: string }): Promise<void> {
  await tx
    .insertInto('webhook_outbox')
    .values({ id: event.id, organization_id: event.organizationId, type: event.type, payload: event.payload })
    .execute();
}

export function findEvent(tx: Tx, orgId: string, id: string): Promise<EventRow | undefined> {
  return tx.selectFrom('webhook_outbox').selectAll().where('organization_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

/** One more delivery of a stored event (a ping, a redelivery), due now; the workers are woken at commit. */
export async function insertDelivery(
  tx: Tx,
  row: { id: string; organizationId: string; endpointId: string; eventId: string; eventType: string },
): Promise<void> {
  await tx
    .insertInto('webhook_deliveries')
    .values({
      id: row.id,
      organization_id: row.organizationId,
      endpoint_id: row.endpointId,
      event_id: row.eventId,
      event_type: row.eventType,
      next_attempt_at: new Date(),
      created_at: new Date(),
    })
    .execute();
  await sql`SELECT pg_notify(${DELIVERIES_CHANNEL}, '')`.execute(tx);
}

export function listDeliveries(
  tx: Tx,
  orgId: string,
  endpointId: string,
  filter: { status?: WebhookDeliveryStatus; event?: string },
  before: { createdAt: string; id: string } | undefined,
  limit: number,
) {
  let q = tx.selectFrom('webhook_deliveries').selectAll().where('organization_id', '=', orgId).where('endpoint_id', '=', endpointId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.event) q = q.where('event_type', '=', filter.event);
  if (before) q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(new Date(before.createdAt), before.id)));
  return q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

export function findDelivery(tx: Tx, orgId: string, endpointId: string, id: string): Promise<DeliveryRow | undefined> {
  return tx
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('organization_id', '=', orgId)
    .where('endpoint_id', '=', endpointId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function attemptsOf(tx: Tx, orgId: string, deliveryId: string): Promise<AttemptRow[]> {
  return tx
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('organization_id', '=', orgId)
    .where('delivery_id', '=', deliveryId)
    .orderBy('attempted_at')
    .orderBy('id')
    .execute();
}

/** A claimed delivery with what sending it needs: the endpoint's URL and sealed secrets, and the event. */
export interface ClaimedDeliveryRow {
  id: string;
  organization_id: string;
  endpoint_id: string;
  attempts: number;
  url: string;
  secret_encrypted: string;
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: Date | null;
  event_id: string;
  event_type: string;
  payload: unknown;
  event_created_at: Date;
}

/**
 * Claims up to `limit` due deliveries of enabled endpoints, of any organization (platform scope), skipping rows
 * another worker holds (`FOR UPDATE SKIP LOCKED`). Claiming moves `next_attempt_at` past the lease, so no other
 * worker takes the delivery while this one sends it, and a worker killed mid-attempt leaves it due again once
 * the lease ends. Endpoints in `busyEndpoints` (this worker already sends to them at its limit) are skipped.
 */
export async function claimDue(tx: Tx, limit: number, leaseMs: number, busyEndpoints: string[]): Promise<ClaimedDeliveryRow[]> {
  const result = await sql<ClaimedDeliveryRow>`
    WITH due AS (
      SELECT d.id FROM webhook_deliveries d
        JOIN webhook_endpoints e ON e.id = d.endpoint_id
       WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND e.enabled
         AND NOT (d.endpoint_id = ANY(${busyEndpoints}::uuid[]))
       ORDER BY d.next_attempt_at
       LIMIT ${limit}
       FOR UPDATE OF d SKIP LOCKED
    ), claimed AS (
      UPDATE webhook_deliveries d SET next_attempt_at = now() + ${leaseMs}::double precision * interval '1 millisecond'
        FROM due WHERE d.id = due.id
      RETURNING d.id, d.organization_id, d.endpoint_id, d.event_id, d.attempts
    )
    SELECT c.id, c.organization_id, c.endpoint_id, c.attempts, e.url, e.secret_encrypted, e.previous_secret_encrypted,
           e.previous_secret_expires_at, ev.id AS event_id, ev.type AS event_type, ev.payload, ev.created_at AS event_created_at
      FROM claimed c
      JOIN webhook_endpoints e ON e.id = c.endpoint_id
      JOIN webhook_outbox ev ON ev.id = c.event_id`.execute(tx);
  return result.rows;
}

/** What one attempt came to, as the worker records it. */
export interface AttemptOutcome {
  attemptId: string;
  deliveryId: string;
  organizationId: string;
  endpointId: string;
  attemptedAt: Date;
  statusCode: number | null;
  durationMs: number;
  responseExcerpt: string | null;
  error: string | null;
  /** pending (retry at nextAttemptAt), succeeded, or failed (no retry left). */
  status: WebhookDeliveryStatus;
  nextAttemptAt: Date | null;
}

/**
 * Records a batch of attempts in one statement per table (group commit): the attempt rows, and each delivery's
 * counters. A delivery that already succeeded (two workers, after an expired lease) stays succeeded.
 */
export async function recordAttempts(tx: Tx, outcomes: AttemptOutcome[]): Promise<void> {
  if (!outcomes.length) return;
  const rows = JSON.stringify(
    outcomes.map((o) => [
      o.attemptId,
      o.deliveryId,
      o.organizationId,
      o.attemptedAt.toISOString(),
      o.statusCode,
      o.durationMs,
      o.responseExcerpt,
      o.error,
      o.status,
      o.nextAttemptAt?.toISOString() ?? null,
    ]),
  );
  await sql`
    WITH v AS (
      SELECT (r->>0)::uuid AS attempt_id, (r->>1)::uuid AS delivery_id, (r->>2)::uuid AS organization_id,
             (r->>3)::timestamptz AS attempted_at, (r->>4)::int AS status_code, (r->>5)::int AS duration_ms,
             r->>6 AS response_excerpt, r->>7 AS error, r->>8 AS status, (r->>9)::timestamptz AS next_attempt_at
        FROM jsonb_array_elements(${rows}::jsonb) AS t(r)
    ), attempts AS (
      INSERT INTO webhook_attempts (id, organization_id, delivery_id, attempted_at, status_code, duration_ms, response_excerpt, error)
      SELECT attempt_id, organization_id, delivery_id, attempted_at, status_code, duration_ms, response_excerpt, error FROM v
    )
    UPDATE webhook_deliveries d SET
      attempts = d.attempts + 1,
      status = CASE WHEN d.status = 'succeeded' THEN 'succeeded' ELSE v.status END,
      next_attempt_at = CASE WHEN d.status = 'succeeded' THEN NULL ELSE v.next_attempt_at END,
      last_attempt_at = v.attempted_at,
      last_status_code = v.status_code,
      last_error = v.error
    FROM v WHERE d.id = v.delivery_id`.execute(tx);
}

/** A success clears the endpoint's failing streak. */
export async function markEndpointsHealthy(tx: Tx, endpointIds: string[]): Promise<void> {
  if (!endpointIds.length) return;
  await tx
    .updateTable('webhook_endpoints')
    .set({ failing_since: null })
    .where('id', 'in', endpointIds)
    .where('failing_since', 'is not', null)
    .execute();
}

/**
 * A failure starts the endpoint's failing streak (or continues it); endpoints failing since before `disableBefore`
 * are disabled with the reason. Returns the endpoints disabled now.
 */
export async function markEndpointsFailing(
  tx: Tx,
  endpointIds: string[],
  at: Date,
  disableBefore: Date,
  reason: string,
): Promise<{ id: string; organization_id: string; url: string; failing_since: Date | null }[]> {
  if (!endpointIds.length) return [];
  await tx
    .updateTable('webhook_endpoints')
    .set({ failing_since: at })
    .where('id', 'in', endpointIds)
    .where('failing_since', 'is', null)
    .execute();
  return tx
    .updateTable('webhook_endpoints')
    .set({ enabled: false, disabled_reason: reason, updated_at: new Date() })
    .where('id', 'in', endpointIds)
    .where('enabled', '=', true)
    .where('failing_since', '<=', disableBefore)
    .returning(['id', 'organization_id', 'url', 'failing_since'])
    .execute();
}
