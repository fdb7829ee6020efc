import { sql, type Kysely } from 'kysely';
import { holdingConnection, type Tx } from '../../lib/db-scope.js';
import type { Database, OrgStatus } from '../../../../db/schema.js';

/** An organization's settings, read with it. */
const SETTINGS = [
  'o.default_timezone',
  'o.retention_logs_days',
  'o.retention_runs_days',
  'o.retention_deleted_records_days',
  'o.retention_webhook_deliveries_days',
] as const;

export interface OrgListFilter {
  /** Only organizations this user belongs to; omitted for the Platform Owner's view of all. */
  memberUserId?: string;
  /** The caller, to report their role in each organization. */
  callerId: string;
  afterSlug?: string;
  limit: number;
}

export function listOrganizations(tx: Tx, f: OrgListFilter) {
  let q = tx
    .selectFrom('organizations as o')
    .leftJoin('memberships as m', (j) => j.onRef('m.organization_id', '=', 'o.id').on('m.user_id', '=', f.callerId))
    .select(['o.id', 'o.slug', 'o.name', 'o.status', 'o.created_at', 'm.role', ...SETTINGS]);
  if (f.memberUserId) q = q.where('m.user_id', 'is not', null);
  if (f.afterSlug) q = q.where('o.slug', '>', f.afterSlug);
  return q
    .orderBy('o.slug')
    .limit(f.limit + 1)
    .execute();
}

export function findOrganization(tx: Tx, id: string, callerId: string) {
  return tx
    .selectFrom('organizations as o')
    .leftJoin('memberships as m', (j) => j.onRef('m.organization_id', '=', 'o.id').on('m.user_id', '=', callerId))
    .select(['o.id', 'o.slug', 'o.name', 'o.status', 'o.created_at', 'm.role', ...SETTINGS])
    .where('o.id', '=', id)
    .executeTakeFirst();
}

export function findOrganizationBySlug(tx: Tx, slug: string) {
  return tx.selectFrom('organizations').select(['id', 'slug']).where('slug', '=', slug).executeTakeFirst();
}

export function slugTaken(tx: Tx, slug: string) {
  return tx.selectFrom('organizations').select('id').where('slug', '=', slug).executeTakeFirst();
}

export async function insertOrganization(tx: Tx, org: { id: string; slug: string; name: string }) {
  await tx
    .insertInto('organizations')
    .values({ ...org, status: 'active', updated_at: new Date() })
    .execute();
}

export interface OrganizationPatch {
  name?: string;
  status?: OrgStatus;
  default_timezone?: string;
  retention_logs_days?: number;
  retention_runs_days?: number;
  retention_deleted_records_days?: number;
  retention_webhook_deliveries_days?: number;
}

export async function updateOrganization(tx: Tx, id: string, patch: OrganizationPatch) {
  await tx
    .updateTable('organizations')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/** Row lock on the organization: serializes member changes so "last super admin" checks hold. */
export async function lockOrganization(tx: Tx, id: string) {
  await sql`SELECT 1 FROM organizations WHERE id = ${id} FOR UPDATE`.execute(tx);
}

/** The organization, locked for the rest of the transaction (deletion). */
export function lockOrganizationForDeletion(tx: Tx, id: string) {
  return tx.selectFrom('organizations').select(['id', 'slug', 'name']).where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * Destroys the organization's data key (the only copy of it, wrapped under the master key) and suspends the
 * organization, so nothing acts for it while its rows are deleted.
 */
export async function destroyDataKey(tx: Tx, id: string) {
  await tx
    .updateTable('organizations')
    .set({ data_key_wrapped: null, data_key_version: null, status: 'suspended', updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/** Every table with an `organization_id` column, read from the schema: a table added later is purged without being listed. */
export async function tenantTables(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    SELECT c.table_name FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = current_schema() AND c.column_name = 'organization_id' AND t.table_type = 'BASE TABLE'
    ORDER BY c.table_name`.execute(db);
  return rows.map((r) => r.table_name);
}

/**
 * Deletes every row of the organization, then the organization, in one transaction. It runs as the owner, not the
 * application role: the audit trail is append-only for the application (no DELETE grant), and its trigger lets
 * exactly this organization's events go because the transaction names it in `linkyard.purge_org` (migration 0011).
 */
export async function purgeOrganization(owner: Kysely<Database>, id: string) {
  await owner.transaction().execute((trx) =>
    holdingConnection(async () => {
      await sql`SELECT set_config('linkyard.purge_org', ${id}, true)`.execute(trx);
      for (const table of await tenantTables(trx)) await sql`DELETE FROM ${sql.table(table)} WHERE organization_id = ${id}`.execute(trx);
      await trx.deleteFrom('organizations').where('id', '=', id).execute();
    }),
  );
}
