import { sql, type Kysely } from 'kysely';

/**
 * Puts a tenant table under row-level security: rows are visible (and writable) only in the
 * transaction's organization scope or the platform scope (see server/src/lib/db-scope.ts), and the
 * application role may read and write it. Every table with an `organization_id` goes through this.
 */
export async function enableTenantRls(db: Kysely<any>, table: string, grants = 'SELECT, INSERT, UPDATE, DELETE'): Promise<void> {
  await sql.raw(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`).execute(db);
  await sql
    .raw(
      `
    CREATE POLICY ${table}_tenant ON ${table}
    USING (organization_id = linkyard_current_org() OR linkyard_platform_scope())
    WITH CHECK (organization_id = linkyard_current_org() OR linkyard_platform_scope())`,
    )
    .execute(db);
  // Migration 0005 rewrites every "<table>_tenant" policy to read the scope once per query; tables added
  // after it should use tenantPolicyExpression('organization_id') from 0005-rls-once-per-query.ts.
  await sql.raw(`GRANT ${grants} ON ${table} TO linkyard_app`).execute(db);
}
