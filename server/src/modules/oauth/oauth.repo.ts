import { sql, type Insertable, type UpdateObject } from 'kysely';
import type { ConnectionsTable, Database, ErrorKind, IntegrationStatus, OauthStatesTable } from '../../../../db/schema.js';
import type { Tx } from '../../lib/db-scope.js';

/** SQL for OAuth states and connections. Callers pick the scope (see db-scope.ts); nothing here decides permissions. */

export async function insertState(tx: Tx, row: Insertable<OauthStatesTable>) {
  await tx.insertInto('oauth_states').values(row).execute();
}

/** Housekeeping on each connect: states expired for a while are useless, even as replay evidence. */
export async function deleteStaleStates(tx: Tx, orgId: string, integrationId: string, expiredBefore: Date) {
  await tx
    .deleteFrom('oauth_states')
    .where('organization_id', '=', orgId)
    .where('integration_id', '=', integrationId)
    .where('expires_at', '<', expiredBefore)
    .execute();
}

export function findStateByHash(tx: Tx, stateHash: string) {
  return tx.selectFrom('oauth_states').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
}

/**
 * Takes the state for this callback: succeeds once, and only while the state is unused and unexpired, so two
 * simultaneous callbacks with the same state cannot both proceed.
 */
export function claimState(tx: Tx, orgId: string, id: string, now: Date) {
  return tx
    .updateTable('oauth_states')
    .set({ used_at: now })
    .where('organization_id', '=', orgId)
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
}

/** The user who started a flow, with their current role in the organization and its status. */
export function findStarter(tx: Tx, orgId: string, userId: string) {
  return tx
    .selectFrom('users as u')
    .leftJoin('memberships as m', (j) => j.onRef('m.user_id', '=', 'u.id').on('m.organization_id', '=', orgId))
    .leftJoin('organizations as o', (j) => j.on('o.id', '=', orgId))
    .select(['u.id', 'u.email', 'u.status', 'u.platform_role', 'm.role', 'o.status as org_status'])
    .where('u.id', '=', userId)
    .executeTakeFirst();
}

export function findConnection(tx: Tx, orgId: string, integrationId: string) {
  return tx
    .selectFrom('connections')
    .selectAll()
    .where('organization_id', '=', orgId)
    .where('integration_id', '=', integrationId)
    .executeTakeFirst();
}

/**
 * The token manager's lock: concurrent refreshers of one connection queue here, and each re-reads the row
 * after the one before it committed.
 */
export function lockConnection(tx: Tx, orgId: string, integrationId: string) {
  return tx
    .selectFrom('connections')
    .selectAll()
    .where('organization_id', '=', orgId)
    .where('integration_id', '=', integrationId)
    .forUpdate()
    .executeTakeFirst();
}

/** A new connection, or a reconnect replacing every token and counter of the old one. */
export async function upsertConnection(tx: Tx, row: Insertable<ConnectionsTable>) {
  const { integration_id: _id, organization_id: _org, ...rest } = row;
  await tx
    .insertInto('connections')
    .values(row)
    .onConflict((oc) => oc.column('integration_id').doUpdateSet(rest))
    .execute();
}

export async function updateConnection(tx: Tx, orgId: string, integrationId: string, patch: UpdateObject<Database, 'connections'>) {
  await tx
    .updateTable('connections')
    .set({ ...patch, updated_at: new Date() })
    .where('organization_id', '=', orgId)
    .where('integration_id', '=', integrationId)
    .execute();
}

export async function recordRefreshFailure(tx: Tx, orgId: string, integrationId: string, error: string, at: Date) {
  await tx
    .updateTable('connections')
    .set({ refresh_failures: sql`refresh_failures + 1`, last_refresh_error: error, updated_at: at })
    .where('organization_id', '=', orgId)
    .where('integration_id', '=', integrationId)
    .execute();
}

/** A failure that needs attention: the integration's error counter goes up and it shows the reason. */
export async function recordIntegrationError(
  tx: Tx,
  orgId: string,
  integrationId: string,
  error: { message: string; kind: ErrorKind },
  status: IntegrationStatus | null,
) {
  await tx
    .updateTable('integrations')
    .set({
      ...(status ? { status } : {}),
      error_count: sql<number>`error_count + 1`,
      last_error: error.message,
      last_error_kind: error.kind,
      updated_at: new Date(),
    })
    .where('organization_id', '=', orgId)
    .where('id', '=', integrationId)
    .execute();
}
