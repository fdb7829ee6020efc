import { sql, type CompiledQuery } from 'kysely';
import { newestFirst } from '../../lib/keyset.js';
import type { Tx } from '../../lib/db-scope.js';
import type { AuditEventRow } from '../../../../db/schema.js';
import { GENESIS_HASH, type EventTextAround } from './audit-chain.js';
import type { AuditAction } from './audit.schemas.js';

export interface AuditFilters {
  organizationId?: string;
  action?: AuditAction;
  actorId?: string;
  from?: Date;
  to?: Date;
  before?: { at: string; id: string };
  limit: number;
}

/** An event to append: everything but its place in the chain (seq, prev_hash, hash) and its time. */
export type NewEvent = Omit<AuditEventRow, 'seq' | 'at' | 'prev_hash' | 'hash' | 'metadata'> & { metadata: Record<string, unknown> };

/**
 * The queries that append an event to its chain, for the end of the transaction (beforeCommit): the chain's head is
 * created if it is new and locked, so concurrent writers append one after another, and then one statement takes the
 * next number, the time (now, under the lock, so time follows the chain's order) and the previous hash from the head,
 * computes the event's hash (eventHash's: SHA-256 of the previous hash and the canonical text, whose parts around the
 * time and number come from eventTextAround), inserts the event and moves the head. The lock's statement fails (an
 * integer cast of a sentence) when the head is out of the transaction's scope, where the insert would otherwise add
 * nothing and say nothing.
 */
export function appendEventQueries(tx: Tx, event: NewEvent, text: EventTextAround): CompiledQuery[] {
  const ensureHead = tx
    .insertInto('audit_chain_heads')
    .values({ chain_key: event.chain_key, organization_id: event.organization_id, last_seq: 0, last_hash: GENESIS_HASH })
    .onConflict((oc) => oc.column('chain_key').doNothing())
    .compile();
  const lock = sql`
    SELECT CASE WHEN count(*) = 1 THEN 0
      ELSE ('the audit chain ' || ${event.chain_key}::text || ' has no head in this transaction''s scope: ' || count(*))::int END
    FROM (SELECT 1 FROM audit_chain_heads WHERE chain_key = ${event.chain_key} FOR UPDATE) head`.compile(tx);
  const append = sql`
    WITH appended AS (
      INSERT INTO audit_events (id, organization_id, chain_key, seq, at, actor_id, actor_email, actor_type, actor_name, action,
        target_type, target_id, metadata, ip, user_agent, prev_hash, hash)
      SELECT ${event.id}::uuid, ${event.organization_id}::uuid, h.chain_key, h.last_seq + 1, now_ms.at, ${event.actor_id}::uuid,
        ${event.actor_email}::text, ${event.actor_type}::text, ${event.actor_name}::text, ${event.action}::text,
        ${event.target_type}::text, ${event.target_id}::text, ${JSON.stringify(event.metadata)}::jsonb, ${event.ip}::text,
        ${event.user_agent}::text, h.last_hash,
        encode(sha256(convert_to(
          h.last_hash || ${text.beforeAt}::text || to_char(now_ms.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
            || ${text.beforeSeq}::text || (h.last_seq + 1)::text || ${text.after}::text,
          'UTF8')), 'hex')
      FROM audit_chain_heads h, (SELECT date_trunc('milliseconds', clock_timestamp()) AS at) now_ms
      WHERE h.chain_key = ${event.chain_key}
      RETURNING chain_key, seq, hash)
    UPDATE audit_chain_heads h SET last_seq = appended.seq, last_hash = appended.hash
    FROM appended WHERE h.chain_key = appended.chain_key`.compile(tx);
  return [ensureHead, lock, append];
}

export function listEvents(tx: Tx, f: AuditFilters) {
  let q = tx.selectFrom('audit_events').selectAll();
  if (f.organizationId) q = q.where('organization_id', '=', f.organizationId);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.actorId) q = q.where('actor_id', '=', f.actorId);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<=', f.to);
  return newestFirst(q, 'at', f.before, f.limit).execute();
}

export function listChainHeads(tx: Tx) {
  return tx.selectFrom('audit_chain_heads').selectAll().orderBy('chain_key').execute();
}

/** One chain, in order, a batch at a time (keyset on seq) so verification runs in flat memory. */
export function chainBatch(tx: Tx, chainKey: string, afterSeq: number, size: number) {
  return tx
    .selectFrom('audit_events')
    .selectAll()
    .where('chain_key', '=', chainKey)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(size)
    .execute();
}

/** What an event's target is called today, and the integration it belongs to (syncs, runs, conflicts). */
export interface TargetName {
  name: string | null;
  integration: { id: string; name: string } | null;
}

const key = (type: string, id: string) => `${type}:${id}`;

/**
 * Names for the targets of a page of events: one query per kind of target, never one per event. A target
 * deleted since (or outside the caller's scope: row-level security) has no row and stays unnamed. Webhook URLs
 * lose their query string, where a receiver's token may sit.
 */
export async function resolveTargetNames(tx: Tx, targets: { type: string; id: string | null }[]): Promise<Map<string, TargetName>> {
  const ids = (type: string) => [...new Set(targets.filter((t) => t.type === type && t.id && UUID.test(t.id)).map((t) => t.id!))];
  const out = new Map<string, TargetName>();
  const set = (type: string, id: string, name: string | null, integration: TargetName['integration'] = null) =>
    out.set(key(type, id), { name, integration });

  const integrationIds = ids('integration');
  const syncIds = ids('sync');
  const runIds = ids('run');
  const conflictIds = ids('conflict');
  // One after another: a transaction is one connection.
  const integrations = integrationIds.length
    ? await tx.selectFrom('integrations').select(['id', 'name']).where('id', 'in', integrationIds).execute()
    : [];
  const syncs = syncIds.length
    ? await tx
        .selectFrom('syncs as s')
        .innerJoin('integrations as i', 'i.id', 's.integration_id')
        .select(['s.id', 's.resource', 'i.id as integration_id', 'i.name as integration_name'])
        .where('s.id', 'in', syncIds)
        .execute()
    : [];
  const runs = runIds.length
    ? await tx
        .selectFrom('sync_runs as r')
        .innerJoin('syncs as s', 's.id', 'r.sync_id')
        .innerJoin('integrations as i', 'i.id', 'r.integration_id')
        .select(['r.id', 's.resource', 'i.id as integration_id', 'i.name as integration_name'])
        .where('r.id', 'in', runIds)
        .execute()
    : [];
  const conflicts = conflictIds.length
    ? await tx
        .selectFrom('conflicts as c')
        .innerJoin('integrations as i', 'i.id', 'c.integration_id')
        .select(['c.id', 'c.resource', 'c.external_id', 'i.id as integration_id', 'i.name as integration_name'])
        .where('c.id', 'in', conflictIds)
        .execute()
    : [];
  const users = ids('user').length ? await tx.selectFrom('users').select(['id', 'email']).where('id', 'in', ids('user')).execute() : [];
  const apiKeys = ids('api_key').length
    ? await tx.selectFrom('api_keys').select(['id', 'name']).where('id', 'in', ids('api_key')).execute()
    : [];
  const endpoints = ids('webhook_endpoint').length
    ? await tx.selectFrom('webhook_endpoints').select(['id', 'url']).where('id', 'in', ids('webhook_endpoint')).execute()
    : [];
  const orgs = ids('organization').length
    ? await tx.selectFrom('organizations').select(['id', 'name']).where('id', 'in', ids('organization')).execute()
    : [];
  const invitations = ids('invitation').length
    ? await tx.selectFrom('invitations').select(['id', 'email']).where('id', 'in', ids('invitation')).execute()
    : [];
  for (const r of integrations) set('integration', r.id, r.name);
  for (const r of syncs) set('sync', r.id, r.resource, { id: r.integration_id, name: r.integration_name });
  for (const r of runs) set('run', r.id, r.resource, { id: r.integration_id, name: r.integration_name });
  for (const r of conflicts) set('conflict', r.id, `${r.resource} ${r.external_id}`, { id: r.integration_id, name: r.integration_name });
  for (const r of users) set('user', r.id, r.email);
  for (const r of apiKeys) set('api_key', r.id, r.name);
  for (const r of endpoints) set('webhook_endpoint', r.id, withoutQuery(r.url));
  for (const r of orgs) set('organization', r.id, r.name);
  for (const r of invitations) set('invitation', r.id, r.email);
  return out;
}

export const targetKey = key;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function withoutQuery(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url.split(/[?#]/)[0]!;
  }
}
