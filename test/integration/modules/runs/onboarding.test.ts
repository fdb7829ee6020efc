import t from 'tap';
import { createTestApp } from '../../../helpers/app.js';

// GET /api/orgs/:orgId/onboarding: the first-run checklist, each step ticked by the organization's own rows.
const ctx = await createTestApp(t);
const { app, orgs } = ctx;
const db = ctx.database.db.kysely;

const checklist = async (orgId: string, email = 'viewer@acme.test') =>
  app.inject({ url: `/api/orgs/${orgId}/onboarding`, headers: { authorization: await ctx.bearer(email) } });
const done = async (orgId: string, email?: string) => {
  const body = (await checklist(orgId, email)).json() as { complete: boolean; steps: Record<string, { done: boolean }> };
  return { complete: body.complete, ...Object.fromEntries(Object.entries(body.steps).map(([k, v]) => [k, v.done])) };
};

t.test('a new organization ticks each step as it happens', async (t) => {
  const first = await checklist(orgs.acme);
  t.equal(first.statusCode, 200, 'any member may read it');
  t.same(first.json(), {
    complete: false,
    steps: {
      integration: { done: false, integrationId: null },
      connected: { done: false, integrationId: null },
      sync: { done: false, integrationId: null },
      run: { done: false, integrationId: null, runId: null },
    },
  });

  const created = await app.inject({
    method: 'POST',
    url: `/api/orgs/${orgs.acme}/integrations`,
    headers: { authorization: await ctx.bearer('admin@acme.test') },
    payload: { provider: 'stripe', name: 'Billing', apiKey: 'sk_test_onboarding_0000' },
  });
  t.equal(created.statusCode, 201);
  const integrationId = (created.json() as { id: string }).id;
  t.same(await done(orgs.acme), { complete: false, integration: true, connected: false, sync: false, run: false }, 'added, not connected');

  await db.updateTable('integrations').set({ status: 'ACTIVE' }).where('id', '=', integrationId).execute();
  t.same(await done(orgs.acme), { complete: false, integration: true, connected: true, sync: false, run: false }, 'connected');

  const sync = await db
    .insertInto('syncs')
    .values({
      id: crypto.randomUUID(),
      organization_id: orgs.acme,
      integration_id: integrationId,
      resource: 'customers',
      mode: 'full',
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  t.same(await done(orgs.acme), { complete: false, integration: true, connected: true, sync: true, run: false }, 'a sync');

  const runId = crypto.randomUUID();
  await db
    .insertInto('sync_runs')
    .values({
      id: runId,
      organization_id: orgs.acme,
      integration_id: integrationId,
      sync_id: sync.id,
      trigger: 'manual',
      status: 'queued',
    } as never)
    .execute();
  const last = (await checklist(orgs.acme)).json();
  t.same(
    last,
    {
      complete: true,
      steps: {
        integration: { done: true, integrationId },
        connected: { done: true, integrationId },
        sync: { done: true, integrationId },
        run: { done: true, integrationId, runId },
      },
    },
    'a first run completes it, each step naming where it happened',
  );

  t.same(
    await done(orgs.globex, 'admin@globex.test'),
    { complete: false, integration: false, connected: false, sync: false, run: false },
    "another organization's checklist counts only its own rows",
  );
});

t.test('only members read it', async (t) => {
  t.equal((await checklist(orgs.globex, 'viewer@acme.test')).statusCode, 404);
  t.equal((await app.inject({ url: `/api/orgs/${orgs.acme}/onboarding` })).statusCode, 401);
});
