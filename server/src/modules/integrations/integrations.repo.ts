import { sql, type CompiledQuery, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Tx } from '../../lib/db-scope.js';
import type { ConnectionsTable, IntegrationStatus, IntegrationsTable } from '../../../../db/schema.js';

export interface IntegrationFilters {
  provider?: string;
  status?: IntegrationStatus;
  q?: string;
  after?: { name: string; id: string };
  limit: number;
}

/** Integration columns plus whether it holds a connection; secrets stay in the row, never in views. */
function withConnection(tx: Tx) {
  return tx
    .selectFrom('integrations as i')
    .leftJoin('connections as c', 'c.integration_id', 'i.id')
    .selectAll('i')
    .select(sql<boolean>`c.integration_id IS NOT NULL`.as('connected'));
}

/** A page of an organization's integrations, as a query (the service sends it with its scope: readInScope). */
export function listIntegrationsQuery(tx: Tx, orgId: string, f: IntegrationFilters) {
  let q = withConnection(tx).where('i.organization_id', '=', orgId);
  if (f.provider) q = q.where('i.provider', '=', f.provider);
  if (f.status) q = q.where('i.status', '=', f.status);
  if (f.q) q = q.where('i.name', 'ilike', `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (f.after) q = q.where(sql<boolean>`(lower(i.name), i.id) > (lower(${f.after.name}), ${f.after.id}::uuid)`);
  return q
    .orderBy(sql`lower(i.name)`)
    .orderBy('i.id')
    .limit(f.limit + 1);
}

export function findIntegration(tx: Tx, orgId: string, id: string) {
  return findIntegrationQuery(tx, orgId, id).executeTakeFirst();
}

/** findIntegration as a query, for a caller that sends it with others (compile it). */
export function findIntegrationQuery(q: Tx, orgId: string, id: string) {
  return withConnection(q).where('i.organization_id', '=', orgId).where('i.id', '=', id);
}

/**
 * Integrations by id (at least one), with whether each is connected (a batch of claimed runs'; the caller's scope
 * decides whose), as a query sent with others.
 */
export function findIntegrationsByIdQuery(q: Tx, ids: string[]) {
  return withConnection(q).where('i.id', 'in', ids).compile();
}

/** Marks the integrations SYNCING (runs of theirs were claimed; at least one), except those paused: a query sent with others. */
export function markSyncingQuery(q: Tx, ids: string[]): CompiledQuery {
  return q
    .updateTable('integrations')
    .set({ status: 'SYNCING', updated_at: new Date() })
    .where('id', 'in', ids)
    .where('status', '!=', 'PAUSED')
    .compile();
}

/**
 * What the public webhook endpoint needs of an integration it knows only by id (platform scope: the caller is not
 * signed in): its organization, provider, status, settings and sealed webhook secret.
 */
export function findIntegrationForWebhook(tx: Tx, id: string) {
  return tx
    .selectFrom('integrations')
    .select(['id', 'organization_id', 'provider', 'status', 'settings', 'webhook_secret_encrypted'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Locks the row for a read-modify-write (status changes, secret replacement). */
export async function lockIntegration(tx: Tx, orgId: string, id: string) {
  return (await tx.executeQuery(lockIntegrationQuery(tx, orgId, id))).rows[0];
}

/** lockIntegration as a query, for a caller that sends it with others (a run's end). */
export function lockIntegrationQuery(q: Tx, orgId: string, id: string): CompiledQuery<Selectable<IntegrationsTable>> {
  return q.selectFrom('integrations').selectAll().where('organization_id', '=', orgId).where('id', '=', id).forUpdate().compile();
}

export async function insertIntegration(tx: Tx, row: Insertable<IntegrationsTable>) {
  await tx.insertInto('integrations').values(row).execute();
}

export async function updateIntegration(tx: Tx, orgId: string, id: string, patch: Updateable<IntegrationsTable>) {
  await tx.executeQuery(updateIntegrationQuery(tx, orgId, id, patch));
}

/** updateIntegration as a query, for a caller that sends it with others. */
export function updateIntegrationQuery(q: Tx, orgId: string, id: string, patch: Updateable<IntegrationsTable>): CompiledQuery {
  return q
    .updateTable('integrations')
    .set({ ...patch, updated_at: new Date() })
    .where('organization_id', '=', orgId)
    .where('id', '=', id)
    .compile();
}

export async function deleteIntegration(tx: Tx, orgId: string, id: string) {
  await tx.deleteFrom('integrations').where('organization_id', '=', orgId).where('id', '=', id).execute();
}

/** Forgets the integration's OAuth tokens (disconnect, or its credentials now go somewhere else); returns whether it had any. */
export async function deleteConnection(tx: Tx, orgId: string, integrationId: string): Promise<boolean> {
  const deleted = await tx
    .deleteFrom('connections')
    .where('organization_id', '=', orgId)
    .where('integration_id', '=', integrationId)
    .executeTakeFirst();
  return deleted.numDeletedRows > 0n;
}

export function nameTaken(tx: Tx, orgId: string, name: string, exceptId?: string) {
  return nameTakenQuery(tx, orgId, name, exceptId).executeTakeFirst();
}

/** nameTaken as a query, for a caller that sends it with others (compile it): a row when another integration has the name. */
export function nameTakenQuery(tx: Tx, orgId: string, name: string, exceptId?: string) {
  let q = tx
    .selectFrom('integrations')
    .select('id')
    .where('organization_id', '=', orgId)
    .where(sql`lower(name)`, '=', name.toLowerCase());
  if (exceptId) q = q.where('id', '!=', exceptId);
  return q;
}

export async function insertConnection(tx: Tx, row: Insertable<ConnectionsTable>) {
  await tx.insertInto('connections').values(row).execute();
}

/** The organization's (oldest) integration of `provider` connected to `externalAccount`, compared case-insensitively. */
export function findByExternalAccount(tx: Tx, orgId: string, provider: string, externalAccount: string) {
  return tx
    .selectFrom('integrations as i')
    .innerJoin('connections as c', 'c.integration_id', 'i.id')
    .select(['i.id', 'i.name'])
    .where('i.organization_id', '=', orgId)
    .where('i.provider', '=', provider)
    .where(sql<string>`lower(c.external_account)`, '=', externalAccount.toLowerCase())
    .orderBy('i.created_at')
    .executeTakeFirst();
}

/** Holds a transaction-scoped advisory lock on a legacy import's natural key until commit or rollback. */
export async function lockLegacyImportKey(tx: Tx, key: string) {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`legacy-import\n${key}`}))`.execute(tx);
}
