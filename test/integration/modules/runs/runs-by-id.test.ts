import t from 'tap';
import { createTestApp } from '../../../helpers/app.js';
import { seedDemoIntegrations } from '../../../../server/src/seed/demo-integrations.js';
import { createVault } from '../../../../server/src/lib/crypto/vault.js';

// The logs pages head each group of lines with its run: the runs of a page are read in one request (`ids`), not one per run.
t.test('GET …/runs?ids= lists exactly the runs named, of this organization only', async (t) => {
  const ctx = await createTestApp(t);
  await seedDemoIntegrations(ctx.database.db, createVault({ currentKey: ctx.config.encryptionKey, previousKeys: [] }), () => {});
  const db = ctx.database.db.kysely;
  const runsOf = (orgId: string) =>
    db.selectFrom('sync_runs').select('id').where('organization_id', '=', orgId).orderBy('created_at').execute();
  const acme = (await runsOf(ctx.orgs.acme)).map((r) => r.id);
  const globex = (await runsOf(ctx.orgs.globex)).map((r) => r.id);
  t.ok(acme.length >= 3 && globex.length >= 1, 'the demo has runs in both organizations');

  const viewer = { authorization: await ctx.bearer('viewer@acme.test') };
  const list = (query: string) => ctx.app.inject({ url: `/api/orgs/${ctx.orgs.acme}/runs?${query}`, headers: viewer });

  const wanted = [acme[0]!, acme[2]!];
  const two = await list(wanted.map((id) => `ids=${id}`).join('&'));
  t.equal(two.statusCode, 200);
  t.same(
    two
      .json()
      .items.map((r: { id: string }) => r.id)
      .sort(),
    [...wanted].sort(),
    'the two runs named, no other',
  );

  const one = await list(`ids=${acme[1]}`);
  t.same(
    one.json().items.map((r: { id: string }) => r.id),
    [acme[1]],
    'one id is a list of one',
  );

  const foreign = await list(`ids=${globex[0]}&ids=${acme[0]}`);
  t.same(
    foreign.json().items.map((r: { id: string }) => r.id),
    [acme[0]],
    "another organization's run is not listed",
  );

  const bad = await list('ids=not-a-run');
  t.equal(bad.statusCode, 400, 'a malformed id is refused');
  t.match(bad.json(), { field: 'query.ids.0' });

  const tooMany = await list(Array.from({ length: 101 }, () => `ids=${acme[0]}`).join('&'));
  t.equal(tooMany.statusCode, 400, 'more than 100 ids are refused');
  t.match(tooMany.json(), { field: 'query.ids' });
});
