import { sql, type Kysely } from 'kysely';

/**
 * Row-level security policies read the transaction's scope through linkyard_current_org() and friends.
 * Called bare in a policy, Postgres evaluates them for every row a query touches (measured: ~0.6 s of
 * CPU per million exported records); wrapped in a scalar subquery they become an InitPlan, evaluated once
 * per query. Same rules, same results: only where the scope is read changes.
 */
const ORG = '(SELECT linkyard_current_org())';
const PLATFORM = '(SELECT linkyard_platform_scope())';
const USER = '(SELECT linkyard_current_user())';

export const tenantPolicyExpression = (column: string) => `${column} = ${ORG} OR ${PLATFORM}`;

export async function up(db: Kysely<any>): Promise<void> {
  // Every "<table>_tenant" policy created by enableTenantRls (and the foundation's own) has the same shape.
  const { rows } = await sql<{ tablename: string; policyname: string }>`
    SELECT tablename, policyname FROM pg_policies
    WHERE schemaname = current_schema() AND policyname = tablename || '_tenant'`.execute(db);
  for (const { tablename, policyname } of rows) {
    const expression = tenantPolicyExpression(tablename === 'organizations' ? 'id' : 'organization_id');
    await sql.raw(`ALTER POLICY ${policyname} ON ${tablename} USING (${expression}) WITH CHECK (${expression})`).execute(db);
  }
  await sql
    .raw(
      `ALTER POLICY organizations_member_read ON organizations
    USING (id IN (SELECT organization_id FROM memberships WHERE user_id = ${USER}))`,
    )
    .execute(db);
  await sql.raw(`ALTER POLICY memberships_own_read ON memberships USING (user_id = ${USER})`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ tablename: string; policyname: string }>`
    SELECT tablename, policyname FROM pg_policies
    WHERE schemaname = current_schema() AND policyname = tablename || '_tenant'`.execute(db);
  for (const { tablename, policyname } of rows) {
    const column = tablename === 'organizations' ? 'id' : 'organization_id';
    const expression = `${column} = linkyard_current_org() OR linkyard_platform_scope()`;
    await sql.raw(`ALTER POLICY ${policyname} ON ${tablename} USING (${expression}) WITH CHECK (${expression})`).execute(db);
  }
  await sql
    .raw(
      `ALTER POLICY organizations_member_read ON organizations
    USING (id IN (SELECT organization_id FROM memberships WHERE user_id = linkyard_current_user()))`,
    )
    .execute(db);
  await sql.raw(`ALTER POLICY memberships_own_read ON memberships USING (user_id = linkyard_current_user())`).execute(db);
}
