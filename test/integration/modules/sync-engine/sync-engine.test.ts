import t from 'tap';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { createTestApp } from '../../../helpers/app.js';
import { startFakeProvider, type FakeProvider } from '../../../fixtures/providers/index.js';
import { createSync, runAndWait, stripeApp } from '../../../helpers/provider-app.js';
import { waitUntil } from '../../../helpers/wait-until.js';
import { inScope } from '../../../../server/src/lib/db-scope.js';
import { markUnseenDeleted, upsertRecords } from '../../../../server/src/modules/sync-engine/records-writer.js';

/** A Stripe integration (API key) pointed at the fake Stripe, and one sync of its customers. */
async function stripeSetup(t: Parameters<typeof createTestApp>[0], fake: FakeProvider, syncBody: object = {}) {
  const app = await stripeApp(t, fake);
  return { ...app, sync: await createSync(app, { resource: 'customers', mode: 'full', ...syncBody }) };
}

t.test('a manual full run pages through the provider, maps, stores, and a second run finds nothing new', async (t) => {
  const fake = await startFakeProvider('stripe', { records: 250 });
  t.teardown(() => fake.close());
  const { ctx, admin, base, integration, sync } = await stripeSetup(t, fake, {
    mappings: [
      { source: 'id', target: 'stripeId', required: true },
      { source: 'email', target: 'email', transform: 'lowercase' },
      { source: 'name', target: 'name' },
    ],
  });

  const run = await runAndWait(ctx, base, admin, sync.id);
  t.match(run, {
    status: 'succeeded',
    trigger: 'manual',
    stats: { fetched: 250, created: 250, updated: 0, unchanged: 0, deleted: 0, failed: 0 },
    error: null,
  });
  t.ok(run.durationMs >= 0);
  t.ok(fake.counters.requests >= 3, `paged (${fake.counters.requests} requests of at most 100)`);

  const records = (
    await ctx.app.inject({ url: `${base}/integrations/${integration.id}/records?resource=customers&limit=200`, headers: admin })
  ).json();
  t.equal(records.items.length, 200);
  t.ok(records.nextCursor);
  t.same(Object.keys(records.items[0].data).sort(), ['email', 'name', 'stripeId'], 'records hold the mapped fields only');
  const stored = await sql<{
    n: number;
  }>`SELECT count(DISTINCT external_id)::int AS n FROM records WHERE integration_id = ${integration.id}`.execute(ctx.database.db.kysely);
  t.equal(stored.rows[0].n, 250, 'every record once');

  const logs = (await ctx.app.inject({ url: `${base}/runs/${run.id}/logs?limit=200`, headers: admin })).json();
  const messages = logs.items.map((l: { message: string }) => l.message);
  t.ok(
    logs.items.some((l: { data: { status?: number } | null }) => l.data?.status === 200),
    'provider requests are logged with their status',
  );
  t.match(messages.at(-1), /Run succeeded: 250 fetched, 250 created/);
  t.notOk(JSON.stringify(logs).includes(fake.token), 'the API key never appears in logs');

  const integrationAfter = (await ctx.app.inject({ url: `${base}/integrations/${integration.id}`, headers: admin })).json();
  t.match(integrationAfter, { status: 'ACTIVE', errorCount: 0 });
  t.ok(integrationAfter.lastSyncAt);

  const second = await runAndWait(ctx, base, admin, sync.id);
  t.match(second.stats, { fetched: 250, created: 0, updated: 0, unchanged: 250, deleted: 0 }, 'a second run changes nothing');

  fake.remove(fake.ids().slice(0, 10));
  const third = await runAndWait(ctx, base, admin, sync.id);
  t.match(third.stats, { fetched: 240, deleted: 10 }, 'records gone upstream are marked deleted by a full run');
  const live = (await ctx.app.inject({ url: `${base}/integrations/${integration.id}/records?limit=200`, headers: admin })).json();
  const all = (
    await ctx.app.inject({ url: `${base}/integrations/${integration.id}/records?limit=200&includeDeleted=true`, headers: admin })
  ).json();
  t.equal(live.items.length + (live.nextCursor ? 40 : 0), 240);
  t.ok(
    all.items.some((r: { deletedAt: string | null }) => r.deletedAt),
    'deleted records are kept with deletedAt',
  );

  const owner = { authorization: await ctx.bearer('owner@linkyard.test') };
  const tenant = (await ctx.app.inject({ url: '/api/platform/tenants', headers: owner }))
    .json()
    .items.find((x: { organization: { slug: string } }) => x.organization.slug === 'acme');
  t.match(tenant, { runs24h: 3, failedRuns24h: 0 }, 'the tenants overview counts runs of the last 24 hours');
  const history = (await ctx.app.inject({ url: `${base}/runs?syncId=${sync.id}`, headers: admin })).json();
  t.equal(history.items.length, 3, 'history lists the runs, newest first');
  t.equal(history.items[0].id, third.id);
});

t.test('provider failures: 429 honoured, a bad key fails the run with a readable error, one active run at a time', async (t) => {
  const fake = await startFakeProvider('stripe', { records: 30 });
  t.teardown(() => fake.close());
  const { ctx, admin, base, integration, sync } = await stripeSetup(t, fake);

  fake.failNext(429, { retryAfter: 1 });
  const throttled = await runAndWait(ctx, base, admin, sync.id);
  t.equal(throttled.status, 'succeeded', 'a 429 with Retry-After is waited out');
  const logs = (await ctx.app.inject({ url: `${base}/runs/${throttled.id}/logs?limit=200`, headers: admin })).json();
  t.ok(
    logs.items.some((l: { data: { status?: number } | null }) => l.data?.status === 429),
    'the 429 is in the run log',
  );

  fake.rotateToken();
  const refused = await runAndWait(ctx, base, admin, sync.id);
  t.equal(refused.status, 'failed');
  t.match(refused.error, /401|refused the stored credentials/);
  const after = (await ctx.app.inject({ url: `${base}/integrations/${integration.id}`, headers: admin })).json();
  t.equal(after.errorCount, 1);
  t.ok(after.lastError);
  t.equal(after.status, 'ACTIVE', 'one failure does not mark the integration ERROR');
  for (let i = 0; i < 2; i++) await runAndWait(ctx, base, admin, sync.id);
  t.equal(
    (await ctx.app.inject({ url: `${base}/integrations/${integration.id}`, headers: admin })).json().status,
    'ERROR',
    'repeated failures do',
  );

  // One active run per sync: a second request while one is queued is a 409.
  await ctx.database.db.kysely
    .insertInto('sync_runs')
    .values({
      id: '01900000-0000-7000-8000-000000000001',
      organization_id: ctx.orgs.acme,
      integration_id: integration.id,
      sync_id: sync.id,
      trigger: 'manual',
      status: 'queued',
      scheduled_for: null,
    })
    .execute();
  const conflict = await ctx.app.inject({ method: 'POST', url: `${base}/syncs/${sync.id}/runs`, headers: admin });
  t.equal(conflict.statusCode, 409);
  t.match(conflict.json().message, /already queued or running/);
  const cancelled = await ctx.app.inject({
    method: 'POST',
    url: `${base}/runs/01900000-0000-7000-8000-000000000001/cancel`,
    headers: admin,
  });
  t.equal(cancelled.json().status, 'cancelled', 'a queued run is cancelled at once');
  t.equal(
    (await ctx.app.inject({ method: 'POST', url: `${base}/runs/01900000-0000-7000-8000-000000000001/cancel`, headers: admin })).statusCode,
    409,
    'a finished run cannot be cancelled',
  );

  const viewer = { authorization: await ctx.bearer('viewer@acme.test') };
  t.equal(
    (await ctx.app.inject({ method: 'POST', url: `${base}/syncs/${sync.id}/runs`, headers: viewer })).statusCode,
    403,
    'viewers cannot run syncs',
  );
  const stranger = { authorization: await ctx.bearer('admin@globex.test') };
  t.equal(
    (await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.globex}/runs/${throttled.id}`, headers: stranger })).statusCode,
    404,
    'another org cannot read the run',
  );
  const globexRecords = await ctx.app.inject({
    url: `/api/orgs/${ctx.orgs.globex}/integrations/${integration.id}/records`,
    headers: stranger,
  });
  t.equal(globexRecords.statusCode, 404, 'nor the records');
});

t.test('failed runs say what kind of failure they were: DNS failure network, a refused key auth, a long 429 rate_limit', async (t) => {
  const fake = await startFakeProvider('stripe', { records: 5 });
  t.teardown(() => fake.close());
  const { ctx, admin, base, integration, sync } = await stripeSetup(t, fake);
  const integrationView = async (id: string) => (await ctx.app.inject({ url: `${base}/integrations/${id}`, headers: admin })).json();

  // A host that does not resolve (.invalid is reserved, RFC 6761): no answer, so neither reconnecting nor the provider is at fault.
  const unreachable = (
    await ctx.app.inject({
      method: 'POST',
      url: `${base}/integrations`,
      headers: admin,
      payload: { provider: 'stripe', name: 'Nowhere', apiKey: fake.token, settings: { apiBaseUrl: 'http://linkyard-test.invalid/v1' } },
    })
  ).json();
  const nowhereSync = (
    await ctx.app.inject({
      method: 'POST',
      url: `${base}/integrations/${unreachable.id}/syncs`,
      headers: admin,
      payload: { resource: 'customers' },
    })
  ).json();
  const network = await runAndWait(ctx, base, admin, nowhereSync.id);
  t.match(network, { status: 'failed', errorKind: 'network', error: /Could not reach Stripe/ });
  t.match(await integrationView(unreachable.id), { lastErrorKind: 'network', lastError: /Could not reach Stripe/ });

  fake.failNext(429, { retryAfter: 3600 }); // longer than a run waits
  const limited = await runAndWait(ctx, base, admin, sync.id);
  t.match(limited, { status: 'failed', errorKind: 'rate_limit', error: /HTTP 429/ });
  t.equal((await integrationView(integration.id)).lastErrorKind, 'rate_limit');

  fake.rotateToken();
  const refused = await runAndWait(ctx, base, admin, sync.id);
  t.match(refused, { status: 'failed', errorKind: 'auth', error: /refused the stored credentials \(401\)/ });
  t.equal((await integrationView(integration.id)).lastErrorKind, 'auth', 'the integration offers Reconnect');

  await ctx.app.inject({
    method: 'PATCH',
    url: `${base}/integrations/${integration.id}`,
    headers: admin,
    payload: { apiKey: fake.token },
  });
  const fine = await runAndWait(ctx, base, admin, sync.id);
  t.match(fine, { status: 'succeeded', error: null, errorKind: null }, 'a run that succeeds has no error kind');
});

t.test('sync all and sync one integration queue every enabled sync; paused integrations are skipped', async (t) => {
  const fake = await startFakeProvider('stripe', { records: 5 });
  t.teardown(() => fake.close());
  const { ctx, admin, base, integration } = await stripeSetup(t, fake);
  await ctx.app.inject({
    method: 'POST',
    url: `${base}/integrations/${integration.id}/syncs`,
    headers: admin,
    payload: { resource: 'invoices', enabled: false },
  });
  const one = await ctx.app.inject({ method: 'POST', url: `${base}/integrations/${integration.id}/sync`, headers: admin });
  t.same(one.json(), { total: 1, queued: 1 }, 'only the enabled sync');
  await ctx.app.services.executor!.drain();
  await ctx.app.inject({ method: 'POST', url: `${base}/integrations/${integration.id}/pause`, headers: admin });
  const all = await ctx.app.inject({ method: 'POST', url: `${base}/sync-all`, headers: admin });
  t.same(all.json(), { total: 1, queued: 0 }, 'a paused integration is skipped');
  t.equal((await ctx.app.inject({ url: `${base}/logs?level=info`, headers: admin })).json().items.length > 0, true, 'organization logs');
});

t.test('cancelling a running run stops it after the page in hand, keeping what was committed', async (t) => {
  // Ten pages, each 300 ms late: the run is still going when the cancel arrives, even on a loaded machine.
  const fake = await startFakeProvider('stripe', { records: 1000, latencyMs: 300 });
  t.teardown(() => fake.close());
  const { ctx, admin, base, sync } = await stripeSetup(t, fake);
  const started = (await ctx.app.inject({ method: 'POST', url: `${base}/syncs/${sync.id}/runs`, headers: admin })).json();
  let run = { status: 'queued', stats: { fetched: 0 } };
  await waitUntil(async () => {
    run = (await ctx.app.inject({ url: `${base}/runs/${started.runId}`, headers: admin })).json();
    return run.status !== 'queued' && (run.status !== 'running' || run.stats.fetched > 0);
  }, 'the run to commit its first page');
  t.equal(run.status, 'running', 'the run is under way');
  const cancel = await ctx.app.inject({ method: 'POST', url: `${base}/runs/${started.runId}/cancel`, headers: admin });
  t.equal(cancel.statusCode, 200);
  await ctx.app.services.executor!.drain();
  const final = (await ctx.app.inject({ url: `${base}/runs/${started.runId}`, headers: admin })).json();
  t.equal(final.status, 'cancelled');
  t.ok(final.stats.fetched > 0 && final.stats.fetched < 1000, `stopped part-way (${final.stats.fetched} of 1000)`);
  const stored = await sql<{ n: number }>`SELECT count(*)::int AS n FROM records WHERE organization_id = ${ctx.orgs.acme}`.execute(
    ctx.database.db.kysely,
  );
  t.equal(stored.rows[0].n, final.stats.created, 'what was committed stays, counted');
  t.equal(
    (await ctx.app.inject({ url: `${base}/integrations/${sync.integrationId}`, headers: admin })).json().status,
    'ACTIVE',
    'the integration is no longer SYNCING',
  );
});

t.test('record upserts tell created, updated and unchanged apart, dedupe a batch and restore deleted records', async (t) => {
  const ctx = await createTestApp(t);
  const { db } = ctx.database;
  const orgId = ctx.orgs.acme;
  const integrationId = '01900000-0000-7000-8000-0000000000aa';
  await inScope(db, { org: orgId }, (tx) =>
    tx
      .insertInto('integrations')
      .values({
        id: integrationId,
        organization_id: orgId,
        provider: 'stripe',
        name: 'Upserts',
        status: 'ACTIVE',
        auth_type: 'api_key',
        scopes: [],
        settings: '{}',
        updated_at: new Date(),
      })
      .execute(),
  );
  const target = (runId: string) => ({ organizationId: orgId, integrationId, resource: 'customers', runId });
  const rows = (n: number, tag: string) =>
    Array.from({ length: n }, (_, i) => ({ externalId: `c${i}`, data: { n: i, tag: i < 3 ? tag : 'same' }, sourceUpdatedAt: null }));
  const upsert = (runId: string, batch: ReturnType<typeof rows>) =>
    inScope(db, { org: orgId }, (tx) => upsertRecords(tx, target(runId), batch));

  t.same(
    await upsert('01900000-0000-7000-8000-0000000000b1', [
      ...rows(10, 'a'),
      { externalId: 'c0', data: { n: 0, tag: 'a' }, sourceUpdatedAt: null },
    ]),
    { created: 10, updated: 0, unchanged: 0 },
    'a duplicate within the batch counts once',
  );
  t.same(
    await upsert('01900000-0000-7000-8000-0000000000b2', rows(10, 'b')),
    { created: 0, updated: 3, unchanged: 7 },
    'changed content is updated, the rest unchanged',
  );
  const deleted = await inScope(db, { org: orgId }, (tx) =>
    markUnseenDeleted(tx, { organizationId: orgId, integrationId, resource: 'customers', runId: '01900000-0000-7000-8000-0000000000b3' }),
  );
  t.equal(deleted, 10, 'nothing seen by this run: all marked deleted');
  t.same(
    await upsert('01900000-0000-7000-8000-0000000000b4', rows(4, 'b')),
    { created: 0, updated: 4, unchanged: 0 },
    'a deleted record that reappears is restored (updated)',
  );
});

t.test(
  'the stored data is the mapped record and its content hash the SHA-256 of its key-sorted JSON, for any ids, keys and text',
  async (t) => {
    const ctx = await createTestApp(t);
    const { db } = ctx.database;
    const orgId = ctx.orgs.acme;
    const integrationId = '01900000-0000-7000-8000-0000000000ab';
    await inScope(db, { org: orgId }, (tx) =>
      tx
        .insertInto('integrations')
        .values({
          id: integrationId,
          organization_id: orgId,
          provider: 'stripe',
          name: 'Canonical',
          status: 'ACTIVE',
          auth_type: 'api_key',
          scopes: [],
          settings: '{}',
          updated_at: new Date(),
        })
        .execute(),
    );
    // The hash as first defined (a key-sorted copy, then JSON.stringify): hashes stored by earlier versions stay valid.
    const sortedCopy = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(sortedCopy)
        : value && typeof value === 'object'
          ? Object.fromEntries(
              Object.keys(value)
                .sort()
                .map((k) => [k, sortedCopy((value as Record<string, unknown>)[k])]),
            )
          : value;
    const expectedHash = (data: unknown) =>
      createHash('sha256')
        .update(JSON.stringify(sortedCopy(data)))
        .digest('base64url');
    const batch = [
      {
        externalId: 'plain',
        data: { z: 1, a: { y: [3, { d: null, c: 'x' }], b: true }, m: -0.5e-7 },
        sourceUpdatedAt: '2024-02-29T10:00:00.000Z',
      },
      {
        externalId: 'quote " back\\slash , {braces} [x]',
        data: { text: 'line\nbreak "quoted" \\ tab\t é 漢字 😀 \u2028', '10': 'ten', '9': 'nine', 'b c': [] },
        sourceUpdatedAt: null,
      },
      {
        externalId: 'é漢😀',
        data: { nested: { deeper: { deepest: [[], {}, [1, 'two', false]] } }, big: 12345678901234567000, tiny: 5e-324 },
        sourceUpdatedAt: '1999-12-31T23:59:59.999Z',
      },
    ];
    const counts = await inScope(db, { org: orgId }, (tx) =>
      upsertRecords(
        tx,
        { organizationId: orgId, integrationId, resource: 'customers', runId: '01900000-0000-7000-8000-0000000000c1' },
        batch,
      ),
    );
    t.same(counts, { created: 3, updated: 0, unchanged: 0 });
    const stored = await sql<{ external_id: string; data: unknown; content_hash: string; source_updated_at: Date | null }>`
    SELECT external_id, data, content_hash, source_updated_at FROM records WHERE integration_id = ${integrationId}`.execute(db.kysely);
    const byId = new Map(stored.rows.map((r) => [r.external_id, r]));
    for (const input of batch) {
      const row = byId.get(input.externalId);
      t.ok(row, `stored under its id: ${input.externalId}`);
      if (!row) continue;
      t.same(row.data, input.data, `data of ${input.externalId}`);
      t.equal(row.content_hash, expectedHash(input.data), `content hash of ${input.externalId}`);
      t.equal(row.source_updated_at?.toISOString() ?? null, input.sourceUpdatedAt, `source updated-at of ${input.externalId}`);
    }
    const reversedKeys = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reversedKeys)
        : value && typeof value === 'object'
          ? Object.fromEntries(
              Object.keys(value)
                .reverse()
                .map((k) => [k, reversedKeys((value as Record<string, unknown>)[k])]),
            )
          : value;
    const again = await inScope(db, { org: orgId }, (tx) =>
      upsertRecords(tx, { organizationId: orgId, integrationId, resource: 'customers', runId: '01900000-0000-7000-8000-0000000000c2' }, [
        ...batch.map((r) => ({ ...r, data: reversedKeys(r.data) as Record<string, unknown> })),
        { externalId: 'lone \ud800 surrogate', data: {}, sourceUpdatedAt: null },
      ]),
    );
    t.same(again, { created: 1, updated: 0, unchanged: 3 }, 'the same content in another key order is unchanged');
    const lone = await sql<{
      external_id: string;
    }>`SELECT external_id FROM records WHERE integration_id = ${integrationId} AND external_id LIKE 'lone %'`.execute(db.kysely);
    t.same(
      lone.rows.map((r) => r.external_id),
      ['lone \ufffd surrogate'],
      'an id with a lone surrogate is stored with U+FFFD, as text parameters are sent',
    );
  },
);

t.test("a run's last page is committed with its end: an end that cannot be recorded keeps neither, and the run fails", async (t) => {
  // Two pages (100 + 50). The run's end as succeeded is refused by the database; its end as failed is not.
  const fake = await startFakeProvider('stripe', { records: 150 });
  t.teardown(() => fake.close());
  const { ctx, admin, base, integration, sync } = await stripeSetup(t, fake);
  const db = ctx.database.db.kysely;
  await sql`
    CREATE FUNCTION sync_engine_test_refuse_success() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.status = 'succeeded' THEN RAISE EXCEPTION 'simulated failure recording the end'; END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER sync_engine_test_refuse_success BEFORE UPDATE ON sync_runs FOR EACH ROW EXECUTE FUNCTION sync_engine_test_refuse_success()`.execute(
    db,
  );
  const run = await runAndWait(ctx, base, admin, sync.id);
  await sql`DROP TRIGGER sync_engine_test_refuse_success ON sync_runs`.execute(db);
  t.match(run, { status: 'failed', stats: { fetched: 100, created: 100 } }, 'the first page counts; the last went with the end');
  const stored = await sql<{ n: number }>`SELECT count(*)::int AS n FROM records WHERE integration_id = ${integration.id}`.execute(db);
  t.equal(stored.rows[0].n, 100, 'the last page was rolled back with the end');
  const logs = (await ctx.app.inject({ url: `${base}/runs/${run.id}/logs?limit=200`, headers: admin })).json();
  const batches = logs.items.filter((l: { message: string }) => l.message.startsWith('Batch saved'));
  t.equal(batches.length, 1, 'no log line for the page that was not kept');
  t.match((await ctx.app.inject({ url: `${base}/integrations/${integration.id}`, headers: admin })).json(), {
    status: 'ACTIVE',
    errorCount: 1,
  });

  const again = await runAndWait(ctx, base, admin, sync.id);
  t.match(again, { status: 'succeeded', stats: { fetched: 150, created: 50, unchanged: 100 } }, 'the next run stores it');
});

t.test('a cancel found with the last page ends the run cancelled after storing the page, and marks nothing deleted', async (t) => {
  const fake = await startFakeProvider('stripe', { records: 150 });
  t.teardown(() => fake.close());
  const { ctx, admin, base, integration, sync } = await stripeSetup(t, fake);
  const db = ctx.database.db.kysely;
  t.match(await runAndWait(ctx, base, admin, sync.id), { status: 'succeeded', stats: { fetched: 150, created: 150 } });
  fake.remove(fake.ids().slice(0, 10));
  // A user's cancel lands just after the first page's check (with its log lines), so the last page is where it is seen.
  await sql`
    CREATE FUNCTION sync_engine_test_cancel() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
    BEGIN
      IF NEW.message LIKE 'Batch saved%' THEN UPDATE sync_runs SET cancel_requested = true WHERE id = NEW.run_id; END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER sync_engine_test_cancel AFTER INSERT ON sync_logs FOR EACH ROW EXECUTE FUNCTION sync_engine_test_cancel()`.execute(
    db,
  );
  const run = await runAndWait(ctx, base, admin, sync.id);
  await sql`DROP TRIGGER sync_engine_test_cancel ON sync_logs`.execute(db);
  t.match(run, { status: 'cancelled', error: 'Cancelled by a user', stats: { fetched: 140, unchanged: 140, deleted: 0 } });
  const deleted = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM records WHERE integration_id = ${integration.id} AND deleted_at IS NOT NULL`.execute(db);
  t.equal(deleted.rows[0].n, 0, 'a cancelled run marks nothing deleted');
  const logs = (await ctx.app.inject({ url: `${base}/runs/${run.id}/logs?limit=200`, headers: admin })).json();
  const messages = logs.items.map((l: { message: string }) => l.message);
  t.equal(messages.filter((m: string) => m.startsWith('Batch saved')).length, 2, 'both pages logged');
  t.match(messages.at(-1), /^Run cancelled: 140 fetched/);
  t.equal((await ctx.app.inject({ url: `${base}/integrations/${integration.id}`, headers: admin })).json().status, 'ACTIVE');
});
