import t from 'tap';
import { createTestApp } from '../../../helpers/app.js';
import { seedDemoIntegrations } from '../../../../server/src/seed/demo-integrations.js';
import { createVault } from '../../../../server/src/lib/crypto/vault.js';

// Issue 15 item 9: the logs page filters by a time range on the server (from, to); a range that ends before it
// starts is the person's mistake, said on the "to" field, not an empty page.
t.test('organization logs filter by from/to and refuse a range that ends before it starts', async (t) => {
  const ctx = await createTestApp(t);
  await seedDemoIntegrations(ctx.database.db, createVault({ currentKey: ctx.config.encryptionKey, previousKeys: [] }), () => {});
  const viewer = { authorization: await ctx.bearer('viewer@acme.test') };
  const db = ctx.database.db.kysely;
  const sync = await db
    .selectFrom('syncs')
    .select(['id', 'integration_id'])
    .where('organization_id', '=', ctx.orgs.acme)
    .executeTakeFirst();
  if (!sync) throw new Error('the demo has no sync');
  const runId = crypto.randomUUID();
  await db
    .insertInto('sync_runs')
    .values({
      id: runId,
      organization_id: ctx.orgs.acme,
      integration_id: sync.integration_id,
      sync_id: sync.id,
      trigger: 'manual',
      status: 'succeeded',
    } as never)
    .execute();
  const at = (iso: string, message: string) => ({
    id: crypto.randomUUID(),
    organization_id: ctx.orgs.acme,
    run_id: runId,
    integration_id: sync.integration_id,
    sync_id: sync.id,
    at: new Date(iso),
    level: 'info' as const,
    message,
    data: null,
  });
  await db
    .insertInto('sync_logs')
    .values([at('2020-01-01T10:00:00Z', 'early'), at('2020-01-01T12:00:00Z', 'middle'), at('2020-01-01T14:00:00Z', 'late')])
    .execute();

  const list = (q: string) => ctx.app.inject({ url: `/api/orgs/${ctx.orgs.acme}/logs?${q}`, headers: viewer });
  const inRange = await list('from=2020-01-01T11:00:00Z&to=2020-01-01T13:00:00Z');
  t.equal(inRange.statusCode, 200);
  t.same(
    inRange.json().items.map((l: { message: string }) => l.message),
    ['middle'],
    'only the lines inside the range',
  );
  const fromOnly = (await list('from=2020-01-01T11:00:00Z&to=2020-01-01T23:00:00Z'))
    .json()
    .items.map((l: { message: string }) => l.message);
  t.same(fromOnly, ['late', 'middle'], 'newest first');

  const backwards = await list('from=2020-01-01T13:00:00Z&to=2020-01-01T11:00:00Z');
  t.equal(backwards.statusCode, 400);
  t.match(backwards.json(), { field: 'query.to', message: /"to" must not be before "from"/ });
  const bad = await list('from=yesterday');
  t.equal(bad.statusCode, 400);
  t.match(bad.json(), { field: 'query.from' });
});
