import t from 'tap';
import { sql } from 'kysely';
import { createVault } from '../../../../server/src/lib/crypto/vault.js';
import { secretContext } from '../../../../server/src/modules/integrations/integrations.port.js';
import { inScope } from '../../../../server/src/lib/db-scope.js';
import { seedDemoIntegrations } from '../../../../server/src/seed/demo-integrations.js';
import { createTestApp } from '../../../helpers/app.js';

// Deleting an organization (Platform Owner): its data key first, then every row in every table that has an
// organization_id (read from the schema here, not listed), its audit chain included, and its sync schedules.
const ctx = await createTestApp(t);
const db = ctx.database.db;
await seedDemoIntegrations(db, createVault({ currentKey: ctx.config.encryptionKey, previousKeys: [] }));
await ctx.app.services.scheduler.reconcileAll();
const acme = ctx.orgs.acme;
const owner = { authorization: await ctx.bearer('owner@linkyard.test') };
const remove = (headers: Record<string, string>, confirm: unknown, orgId = acme) =>
  ctx.app.inject({ method: 'DELETE', url: `/api/orgs/${orgId}`, headers, payload: { confirm } });

const tenantTables = async () =>
  (
    await sql<{ table_name: string }>`
      SELECT c.table_name FROM information_schema.columns c
      JOIN information_schema.tables t USING (table_schema, table_name)
      WHERE c.table_schema = current_schema() AND c.column_name = 'organization_id' AND t.table_type = 'BASE TABLE'`.execute(db.kysely)
  ).rows.map((r) => r.table_name);
/** Rows per table that carry the organization's id (as the owner, whom row-level security does not restrict). */
async function rowsOf(orgId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of await tenantTables()) {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE organization_id = ${orgId}`.execute(
      db.kysely,
    );
    out[table] = rows[0].n;
  }
  return out;
}
const scheduledJobsOf = async (orgId: string) =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM agenda_jobs WHERE data->>'orgId' = ${orgId}`.execute(db.kysely)).rows[0].n;

/** One stored secret of the organization, copied, with what it takes to open it. */
async function copySecret(orgId: string) {
  const row = await db.kysely
    .selectFrom('integrations')
    .select(['id', 'secret_encrypted'])
    .where('organization_id', '=', orgId)
    .where('secret_encrypted', 'is not', null)
    .executeTakeFirstOrThrow();
  return { ciphertext: row.secret_encrypted!, context: secretContext(orgId, row.id) };
}
type Copy = Awaited<ReturnType<typeof copySecret>>;
/** Opens a copied secret with a vault that has never seen the organization (nothing cached), or with the app's own. */
const open = (copy: Copy, vault = createVault({ currentKey: ctx.config.encryptionKey, previousKeys: [] })) =>
  inScope(db, { platform: true }, (tx) => vault.decrypt(tx, copy.context, copy.ciphertext));

t.test('only the Platform Owner deletes, and only with the slug typed', async (t) => {
  const superAdmin = { authorization: await ctx.bearer('super@acme.test') };
  t.equal((await remove(superAdmin, 'acme')).statusCode, 403, 'a Super Admin may not delete their own organization');
  const wrong = await remove(owner, 'Acme');
  t.equal(wrong.statusCode, 400);
  t.match(wrong.json(), { field: '/confirm', message: /Type the organization's slug, "acme"/ });
  t.equal((await remove(owner, 'acme', '01900000-0000-7000-8000-000000000000')).statusCode, 404);
  const key = await db.kysely.selectFrom('organizations').select('data_key_wrapped').where('id', '=', acme).executeTakeFirstOrThrow();
  t.ok(key.data_key_wrapped, 'a refused deletion keeps the data key');
});

t.test('a failed purge leaves the data key destroyed; deleting again removes every row and schedule', async (t) => {
  const copy = await copySecret(acme);
  t.ok(await open(copy), 'the copied secret opens before');
  t.ok(await open(copy, ctx.app.services.vault), "and the app's vault has the key cached");
  const before = await rowsOf(acme);
  const filled = Object.entries(before)
    .filter(([, n]) => n > 0)
    .map(([table]) => table);
  t.ok(filled.length >= 8, `the organization has rows in many tables (${filled.join(', ')})`);
  t.ok(await scheduledJobsOf(acme), 'and scheduled jobs');
  const globexBefore = await rowsOf(ctx.orgs.globex);

  // A row in a table the purge does not know blocks it half-way: the rows stay, the key must not.
  await sql`CREATE TABLE purge_blocker (integration_id uuid REFERENCES integrations(id))`.execute(db.kysely);
  await sql`INSERT INTO purge_blocker SELECT id FROM integrations WHERE organization_id = ${acme} LIMIT 1`.execute(db.kysely);
  t.equal((await remove(owner, 'acme')).statusCode, 500, 'the purge fails');
  const org = await db.kysely
    .selectFrom('organizations')
    .select(['status', 'data_key_wrapped'])
    .where('id', '=', acme)
    .executeTakeFirstOrThrow();
  t.same(org, { status: 'suspended', data_key_wrapped: null }, 'the organization is still there, suspended, without its data key');
  t.ok((await rowsOf(acme)).integrations, 'its rows are still there');
  await t.rejects(open(copy), 'a copy of its ciphertext no longer opens');
  await t.rejects(open(copy, ctx.app.services.vault), "not even with the app's vault, which had the key cached");

  await sql`DROP TABLE purge_blocker`.execute(db.kysely);
  t.equal((await remove(owner, 'acme')).statusCode, 204, 'deleting again finishes the job');
  const after = await rowsOf(acme);
  t.same(
    Object.entries(after).filter(([, n]) => n > 0),
    [],
    `no row in any of the ${Object.keys(after).length} tables with an organization_id carries its id`,
  );
  t.notOk(await db.kysely.selectFrom('organizations').select('id').where('id', '=', acme).executeTakeFirst(), 'the organization is gone');
  t.equal(await scheduledJobsOf(acme), 0, "its syncs' Agenda jobs are gone");
  t.same(await rowsOf(ctx.orgs.globex), globexBefore, "another organization's rows are untouched");

  // Even an organization row put back with the same id (a restore without its key) does not open the copy.
  await db.kysely
    .insertInto('organizations')
    .values({ id: acme, slug: 'acme', name: 'Acme', status: 'active', updated_at: new Date() })
    .execute();
  await t.rejects(open(copy), 'the copy never opens again');
  await t.rejects(open(copy, ctx.app.services.vault));

  const audit = await db.kysely
    .selectFrom('audit_events')
    .select(['organization_id', 'metadata'])
    .where('action', '=', 'organization.deleted')
    .where('target_id', '=', acme)
    .execute();
  t.ok(audit.length >= 1, "the deletion is in the platform's audit chain");
  t.ok(audit.every((a) => a.organization_id === null));
  const verify = await ctx.app.inject({ url: '/api/platform/audit/verify', headers: owner });
  t.equal(verify.json().ok, true, 'the audit chains still verify');
});
