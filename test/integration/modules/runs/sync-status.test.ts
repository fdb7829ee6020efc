import t from 'tap';
import { sql } from 'kysely';
import { createTestApp } from '../../../helpers/app.js';
import { seedDemoIntegrations } from '../../../../server/src/seed/demo-integrations.js';
import { createVault } from '../../../../server/src/lib/crypto/vault.js';

const ctx = await createTestApp(t);
const { app, orgs, database } = ctx;
await seedDemoIntegrations(database.db, createVault({ currentKey: ctx.config.encryptionKey, previousKeys: [] }), () => {});
const db = database.db.kysely;

const get = async (email: string, orgId: string) =>
  app.inject({ method: 'GET', url: `/api/orgs/${orgId}/sync-status`, headers: { authorization: await ctx.bearer(email) } });

t.test('counts integrations by status, runs in flight and failures of the last 24 hours', async (t) => {
  // Put one run in flight and one queued, and one old failure that must not count.
  const syncs = await db.selectFrom('syncs').select(['id', 'integration_id']).where('organization_id', '=', orgs.acme).limit(2).execute();
  t.equal(syncs.length, 2, 'the demo has syncs to run');
  for (const [i, status] of (['running', 'queued'] as const).entries()) {
    await db
      .insertInto('sync_runs')
      .values({
        id: crypto.randomUUID(),
        organization_id: orgs.acme,
        integration_id: syncs[i].integration_id,
        sync_id: syncs[i].id,
        trigger: 'manual',
        status,
        started_at: status === 'running' ? new Date() : null,
      } as never)
      .execute();
  }

  const res = await get('viewer@acme.test', orgs.acme);
  t.equal(res.statusCode, 200, 'a viewer may read it');
  const body = res.json();

  const expected = { ACTIVE: 0, INACTIVE: 0, ERROR: 0, SYNCING: 0, PAUSED: 0 } as Record<string, number>;
  for (const r of await db.selectFrom('integrations').select('status').where('organization_id', '=', orgs.acme).execute())
    expected[r.status] += 1;
  t.same(body.integrationsByStatus, expected, 'integrations by status, as in the table');
  t.ok(Object.values(expected).filter((n) => n > 0).length >= 3, 'the demo covers several states, so the grouping is exercised');
  t.equal(body.runningRuns, 1);
  t.equal(body.queuedRuns, 1);

  const { rows } = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM sync_runs WHERE organization_id = ${orgs.acme} AND status = 'failed' AND created_at > now() - interval '24 hours'`.execute(
    db,
  );
  t.equal(body.failedRuns24h, rows[0].n, 'failures of the last 24 hours');
  const last = await db
    .selectFrom('integrations')
    .select(sql<Date>`max(last_sync_at)`.as('m'))
    .where('organization_id', '=', orgs.acme)
    .executeTakeFirstOrThrow();
  const open = await db
    .selectFrom('conflicts')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('organization_id', '=', orgs.acme)
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  t.equal(body.openConflicts, open.n, 'open conflicts, as in the table');
  t.equal(body.lastSyncAt, last.m ? new Date(last.m).toISOString() : null);
});

t.test("another organization's status is not found", async (t) => {
  const res = await get('admin@acme.test', orgs.globex);
  t.equal(res.statusCode, 404);
});

t.test('globex counts only its own integrations', async (t) => {
  const res = await get('admin@globex.test', orgs.globex);
  const total = Object.values(res.json().integrationsByStatus as Record<string, number>).reduce((a, b) => a + b, 0);
  const own = await db
    .selectFrom('integrations')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('organization_id', '=', orgs.globex)
    .executeTakeFirstOrThrow();
  t.equal(total, own.n);
  t.equal(res.json().runningRuns, 0, "acme's running run is not counted");
});

// Issue 15 item 6: the overview said "Last sync 1 h ago" while the newest run in the history was 8 h old.
t.test("the demo's last sync and last runs agree with its run history", async (t) => {
  const integrations = await db
    .selectFrom('integrations')
    .select(['id', 'last_sync_at'])
    .where('organization_id', '=', orgs.acme)
    .where('last_sync_at', 'is not', null)
    .execute();
  t.ok(integrations.length > 0, 'the demo has integrations that synced');
  for (const i of integrations) {
    const newest = await db
      .selectFrom('sync_runs')
      .select(sql<Date>`max(finished_at)`.as('m'))
      .where('integration_id', '=', i.id)
      .where('status', '=', 'succeeded')
      .executeTakeFirstOrThrow();
    t.same(i.last_sync_at, newest.m, 'last sync is the newest successful run');
  }
  const syncs = await db.selectFrom('syncs').select(['id', 'last_run_at']).where('organization_id', '=', orgs.acme).execute();
  for (const s of syncs) {
    const newest = await db
      .selectFrom('sync_runs')
      .select(sql<Date>`max(started_at)`.as('m'))
      .where('sync_id', '=', s.id)
      .where('finished_at', 'is not', null) // the first test's runs in flight came after the seed
      .executeTakeFirstOrThrow();
    if (newest.m) t.same(s.last_run_at, newest.m, "a sync's last run is its newest run");
  }
});
