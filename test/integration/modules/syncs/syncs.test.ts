import t from 'tap';
import { createTestApp, type TestContext } from '../../../helpers/app.js';

async function setup(t: Parameters<typeof createTestApp>[0]) {
  const ctx = await createTestApp(t);
  const admin = { authorization: await ctx.bearer('admin@acme.test') };
  const integration = (
    await ctx.app.inject({
      method: 'POST',
      url: `/api/orgs/${ctx.orgs.acme}/integrations`,
      headers: admin,
      payload: { provider: 'hubspot', name: 'HubSpot', clientId: 'c', clientSecret: 'secret-value-123456' },
    })
  ).json();
  return { ctx, admin, integration, base: `/api/orgs/${ctx.orgs.acme}` };
}

const createSync = (ctx: TestContext, base: string, integrationId: string, headers: Record<string, string>, payload: object) =>
  ctx.app.inject({ method: 'POST', url: `${base}/integrations/${integrationId}/syncs`, headers, payload });

t.test('syncs: create with schedule and mappings, read, update, delete', async (t) => {
  const { ctx, admin, integration, base } = await setup(t);
  const created = await createSync(ctx, base, integration.id, admin, {
    resource: 'contacts',
    mode: 'incremental',
    schedule: { cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' },
    mappings: [
      { source: 'properties.email', target: 'email', transform: 'lowercase', required: true },
      { target: 'fullName', transform: 'template', args: { template: '{{properties.firstname}} {{properties.lastname}}' } },
    ],
  });
  t.equal(created.statusCode, 201, created.body);
  const sync = created.json();
  t.match(sync, { resource: 'contacts', mode: 'incremental', enabled: true, schedule: { cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' } });
  t.equal(sync.mappings.length, 2);
  const next = new Date(sync.nextRunAt);
  const berlinHour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', hour12: false }).format(next));
  t.equal(berlinHour, 9, "nextRunAt is 09:00 in the sync's timezone");
  t.ok(next.getTime() > Date.now());

  const viewer = { authorization: await ctx.bearer('viewer@acme.test') };
  const list = (await ctx.app.inject({ url: `${base}/integrations/${integration.id}/syncs`, headers: viewer })).json();
  t.equal(list.items.length, 1, 'a viewer lists syncs');

  const disabled = await ctx.app.inject({ method: 'PATCH', url: `${base}/syncs/${sync.id}`, headers: admin, payload: { enabled: false } });
  t.equal(disabled.json().nextRunAt, null, 'a disabled sync has no next run');
  const manual = await ctx.app.inject({
    method: 'PATCH',
    url: `${base}/syncs/${sync.id}`,
    headers: admin,
    payload: { enabled: true, schedule: null },
  });
  t.match(manual.json(), { schedule: null, nextRunAt: null, enabled: true }, 'schedule null = manual only');

  const preview = await ctx.app.inject({
    method: 'POST',
    url: `${base}/syncs/${sync.id}/mappings/preview`,
    headers: viewer,
    payload: { record: { properties: { email: 'Ada@Example.COM', firstname: 'Ada', lastname: 'Lovelace' } } },
  });
  t.equal(preview.statusCode, 200, preview.body);
  t.same(preview.json(), { output: { email: 'ada@example.com', fullName: 'Ada Lovelace' }, errors: [] });
  const missing = (
    await ctx.app.inject({
      method: 'POST',
      url: `${base}/syncs/${sync.id}/mappings/preview`,
      headers: viewer,
      payload: { record: { properties: { firstname: 'Ada' } } },
    })
  ).json();
  t.equal(missing.errors.length, 1, 'a required field that is missing is a per-field error');
  t.equal(missing.errors[0].target, 'email');

  t.equal(
    (await ctx.app.inject({ method: 'DELETE', url: `${base}/syncs/${sync.id}`, headers: viewer })).statusCode,
    403,
    'viewer cannot delete',
  );
  t.equal((await ctx.app.inject({ method: 'DELETE', url: `${base}/syncs/${sync.id}`, headers: admin })).statusCode, 204);
  t.equal((await ctx.app.inject({ url: `${base}/syncs/${sync.id}`, headers: admin })).statusCode, 404);

  const globex = { authorization: await ctx.bearer('admin@globex.test') };
  t.equal(
    (await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.globex}/integrations/${integration.id}/syncs`, headers: globex })).statusCode,
    404,
    'another org sees no syncs of this integration',
  );
});

t.test('syncs: invalid cron, unknown timezone, unknown resource → 400 saying what is wrong', async (t) => {
  const { ctx, admin, integration, base } = await setup(t);
  const cases: [object, RegExp][] = [
    [{ resource: 'contacts', schedule: { cron: '61 * * * *', timezone: 'UTC' } }, /not a valid cron expression/],
    [{ resource: 'contacts', schedule: { cron: '* * * *', timezone: 'UTC' } }, /must have 5 fields/],
    [{ resource: 'contacts', schedule: { cron: '0 9 * * *', timezone: 'Mars/Olympus' } }, /"Mars\/Olympus" is not an IANA timezone/],
    [{ resource: 'contacts', schedule: { cron: '* * * * * *', timezone: 'UTC' } }, /more than once a minute/],
    [{ resource: 'tweets' }, /resource "tweets" is not a resource of HubSpot \(available: .*contacts/],
    [{ resource: 'contacts', mappings: [{ source: 'a', target: 'x', transform: 'splt' }] }, /transform/],
    [{ resource: 'contacts', mode: 'sometimes' }, /mode/],
  ];
  for (const [payload, message] of cases) {
    const res = await createSync(ctx, base, integration.id, admin, payload);
    t.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.json().message}`);
    t.match(res.json().message, message);
  }
  const stripe = (
    await ctx.app.inject({
      method: 'POST',
      url: `${base}/integrations`,
      headers: admin,
      payload: { provider: 'stripe', name: 'S', apiKey: 'sk_test_1234567890' },
    })
  ).json();
  const github = (
    await ctx.app.inject({
      method: 'POST',
      url: `${base}/integrations`,
      headers: admin,
      payload: { provider: 'github', name: 'G', clientId: 'c', clientSecret: 'ssssssssssss' },
    })
  ).json();
  t.equal(
    (await createSync(ctx, base, stripe.id, admin, { resource: 'customers', mode: 'incremental' })).statusCode,
    201,
    'incremental where the provider supports it',
  );
  t.ok(github.id);
  const preview = await ctx.app.inject({
    url: `${base}/schedule-preview?cron=${encodeURIComponent('0 9 * * *')}&timezone=America/New_York&count=3`,
    headers: admin,
  });
  t.equal(preview.json().nextRuns.length, 3, 'schedule preview lists the next runs');
  const badPreview = await ctx.app.inject({
    url: `${base}/schedule-preview?cron=${encodeURIComponent('0 25 * * *')}&timezone=UTC`,
    headers: admin,
  });
  t.equal(badPreview.statusCode, 400);
  const count = await ctx.database.db.kysely
    .selectFrom('syncs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  t.equal(Number(count.n), 1, 'no invalid sync was stored');
});

t.test('a second sync of the same resource is a 409 naming /resource; other resources and other integrations are fine', async (t) => {
  const { ctx, admin, integration, base } = await setup(t);
  const count = async (integrationId: string) =>
    (await ctx.app.inject({ url: `${base}/integrations/${integrationId}/syncs`, headers: admin })).json().items.length;
  t.equal((await createSync(ctx, base, integration.id, admin, { resource: 'contacts' })).statusCode, 201);

  const again = await createSync(ctx, base, integration.id, admin, { resource: 'contacts', mode: 'full', schedule: null });
  t.equal(again.statusCode, 409, again.body);
  t.match(again.json(), { error: 'Conflict', field: '/resource', message: /already has a sync of Contacts/ });
  t.notMatch(again.json().message, /duplicate key|constraint|unique/i, 'a sentence, not database wording');
  t.equal(await count(integration.id), 1, 'nothing was created');

  // Two creates racing for the same resource: the integration's row lock lets exactly one through.
  const raced = await Promise.all([0, 1].map(() => createSync(ctx, base, integration.id, admin, { resource: 'companies' })));
  t.same(raced.map((r) => r.statusCode).sort(), [201, 409], 'one created, one refused');
  t.equal(await count(integration.id), 2);

  const other = (
    await ctx.app.inject({
      method: 'POST',
      url: `${base}/integrations`,
      headers: admin,
      payload: { provider: 'hubspot', name: 'HubSpot 2', clientId: 'c', clientSecret: 'secret-value-123456' },
    })
  ).json();
  t.equal(
    (await createSync(ctx, base, other.id, admin, { resource: 'contacts' })).statusCode,
    201,
    'another integration may sync the same resource',
  );

  const first = (await ctx.app.inject({ url: `${base}/integrations/${integration.id}/syncs`, headers: admin })).json().items[0];
  t.equal((await ctx.app.inject({ method: 'DELETE', url: `${base}/syncs/${first.id}`, headers: admin })).statusCode, 204);
  t.equal(
    (await createSync(ctx, base, integration.id, admin, { resource: 'contacts' })).statusCode,
    201,
    'after deleting it, the resource is free again',
  );
});
