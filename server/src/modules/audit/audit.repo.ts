import { newestFirst } from '../../lib/keyset.js';
import type { Tx } from '../../lib/db-scope.js';
import type { AuditEventRow } from '../../../../db/schema.js';
import { GENESIS_HASH } from './audit-chain.js';
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

/** Locks the chain's head row so concurrent writers append one after another. */
export async function lockChainHead(tx: Tx, chainKey: string, organizationId: string | null) {
  await tx
    .insertInto('audit_chain_heads')
    .values({ chain_key: chainKey, organization_id: organizationId, last_seq: 0, last_hash: GENESIS_HASH })
    .onConflict((oc) => oc.column('chain_key').doNothing())
    .execute();
  return tx
    .selectFrom('audit_chain_heads')
    .select(['last_seq', 'last_hash'])
    .where('chain_key', '=', chainKey)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

export async function insertEvent(tx: Tx, row: Omit<AuditEventRow, 'metadata'> & { metadata: Record<string, unknown> }) {
  await tx
    .insertInto('audit_events')
    .values({ ...row, metadata: JSON.stringify(row.metadata) })
    .execute();
  await tx
    .updateTable('audit_chain_heads')
    .set({ last_seq: row.seq, last_hash: row.hash })
    .where('chain_key', '=', row.chain_key)
    .execute();
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
