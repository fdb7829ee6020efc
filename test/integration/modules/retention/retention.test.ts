import t from 'tap';
import { createTestApp, type TestContext } from '../../../helpers/app.js';
import { createRetentionService } from '../../../../server/src/modules/retention/retention.service.js';
import { uuidv7 } from '../../../../server/src/lib/ids.js';

let ctx: TestContext;
t.before(async () => {
  ctx = await createTestApp(t);
});

const DAY = 86_400_000;

/** An integration (through the API) and a sync of it (unscheduled) in a demo organization. */
async function createSync(slug: 'acme' | 'globex') {
  const orgId = ctx.orgs[slug];
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/api/orgs/${orgId}/integrations`,
    headers: { authorization: await ctx.bearer(`admin@${slug}.test`) },
    payload: { provider: 'stripe', name: `Retention ${slug}`, apiKey: 'sk_test_retention_0123456789' },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  const id = uuidv7();
  await ctx.database.db.kysely
    .insertInto('syncs')
    .values({
      id,
      organization_id: orgId,
      integration_id: res.json().id,
      resource: 'customers',
      mode: 'full',
      cron: null,
      timezone: null,
      enabled: true,
      cursor: null,
      filters: '[]',
      next_run_at: null,
      last_run_at: null,
      updated_at: new Date(),
    })
    .execute();
  return { id, integration_id: res.json().id as string, organization_id: orgId };
}
const patchOrg = async (email: string, payload: object) =>
  ctx.app.inject({
    method: 'PATCH',
    url: `/api/orgs/${ctx.orgs.acme}`,
    headers: { authorization: await ctx.bearer(email) },
    payload,
  });

t.test(
  'organization settings: a Super Admin sets the time zone and retention; bad input is a 400 with its field and changes nothing',
  async (t) => {
    const before = (
      await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.acme}`, headers: { authorization: await ctx.bearer('super@acme.test') } })
    ).json();
    t.same(before.retention, { logsDays: 30, runsDays: 90, deletedRecordsDays: 30, webhookDeliveriesDays: 30 }, 'defaults');
    t.equal(before.defaultTimezone, 'UTC');

    const zero = await patchOrg('super@acme.test', { retention: { logsDays: 0 } });
    t.equal(zero.statusCode, 400);
    t.equal(zero.json().field, '/retention/logsDays');
    t.equal(zero.json().message, 'Logs must be kept from 1 to 3650 days');
    const zone = await patchOrg('super@acme.test', { defaultTimezone: 'Atlantis/Lost', retention: { runsDays: 5 } });
    t.equal(zone.statusCode, 400);
    t.equal(zone.json().field, '/defaultTimezone');
    const unknown = await patchOrg('super@acme.test', { retention: { forever: 1 } });
    t.equal(unknown.statusCode, 400);
    t.equal((await patchOrg('admin@acme.test', { retention: { logsDays: 3 } })).statusCode, 403, 'an Admin may not');
    const unchanged = (
      await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.acme}`, headers: { authorization: await ctx.bearer('super@acme.test') } })
    ).json();
    t.same(unchanged.retention, before.retention, 'refusals changed nothing');
    t.equal(unchanged.defaultTimezone, 'UTC');

    const ok = await patchOrg('super@acme.test', {
      defaultTimezone: 'Europe/Berlin',
      retention: { logsDays: 10, runsDays: 20, deletedRecordsDays: 5, webhookDeliveriesDays: 7 },
    });
    t.equal(ok.statusCode, 200);
    t.same(ok.json().retention, { logsDays: 10, runsDays: 20, deletedRecordsDays: 5, webhookDeliveriesDays: 7 });
    t.equal(ok.json().defaultTimezone, 'Europe/Berlin');
    const audit = await ctx.database.db.kysely
      .selectFrom('audit_events')
      .select('metadata')
      .where('action', '=', 'organization.settings_changed')
      .executeTakeFirstOrThrow();
    t.match(audit.metadata, { retention_logs_days: { from: 30, to: 10 }, default_timezone: { from: 'UTC', to: 'Europe/Berlin' } });
  },
);

t.test('pruning deletes exactly what is past each retention period (a row at the cutoff stays)', async (t) => {
  const db = ctx.database.db.kysely;
  const now = new Date();
  const sync = await createSync('acme');
  const org = sync.organization_id;
  const other = org === ctx.orgs.acme ? ctx.orgs.globex : ctx.orgs.acme;
  await db
    .updateTable('organizations')
    .set({ retention_logs_days: 10, retention_runs_days: 20, retention_deleted_records_days: 5 })
    .where('id', '=', org)
    .execute();
  await db
    .updateTable('organizations')
    .set({ retention_logs_days: 30, retention_runs_days: 90, retention_deleted_records_days: 30 })
    .where('id', '=', other)
    .execute();
  const logsCutoff = now.getTime() - 10 * DAY;
  const runsCutoff = now.getTime() - 20 * DAY;
  const recordsCutoff = now.getTime() - 5 * DAY;

  const insertRunFor = async (
    orgId: string,
    integrationId: string,
    syncId: string,
    finishedAt: number,
    status: 'succeeded' | 'running' = 'succeeded',
  ) => {
    const id = uuidv7();
    await db
      .insertInto('sync_runs')
      .values({
        id,
        organization_id: orgId,
        integration_id: integrationId,
        sync_id: syncId,
        trigger: 'manual',
        status,
        scheduled_for: null,
        started_at: new Date(finishedAt - 1000),
        finished_at: status === 'running' ? null : new Date(finishedAt),
        cursor_before: null,
        cursor_after: null,
        resume_cursor: null,
        error: null,
        heartbeat_at: null,
        created_at: new Date(finishedAt - 1000),
      })
      .execute();
    return id;
  };
  const insertRun = (finishedAt: number, status: 'succeeded' | 'running' = 'succeeded') =>
    insertRunFor(org, sync.integration_id, sync.id, finishedAt, status);
  const runPast = await insertRun(runsCutoff - 1);
  const runAtCutoff = await insertRun(runsCutoff);
  const runRecent = await insertRun(now.getTime() - DAY);
  const runActive = await insertRun(runsCutoff - 10 * DAY, 'running');

  const insertLog = async (at: number) => {
    const id = uuidv7();
    await db
      .insertInto('sync_logs')
      .values({
        id,
        organization_id: sync.organization_id,
        run_id: runRecent,
        integration_id: sync.integration_id,
        sync_id: sync.id,
        at: new Date(at),
        level: 'info',
        message: 'retention test',
        data: null,
      })
      .execute();
    return id;
  };
  const logPast = await insertLog(logsCutoff - 1);
  const logAtCutoff = await insertLog(logsCutoff);

  const insertRecord = async (externalId: string, deletedAt: number | null) => {
    await db
      .insertInto('records')
      .values({
        organization_id: sync.organization_id,
        integration_id: sync.integration_id,
        resource: 'retention-test',
        external_id: externalId,
        data: JSON.stringify({}),
        content_hash: externalId,
        source_updated_at: null,
        first_seen_at: new Date(0),
        updated_at: new Date(0),
        deleted_at: deletedAt === null ? null : new Date(deletedAt),
      })
      .execute();
  };
  await insertRecord('deleted-past', recordsCutoff - 1);
  await insertRecord('deleted-at-cutoff', recordsCutoff);
  await insertRecord('live-and-old', null);

  // The other organization keeps 30 days of logs: a log 11 days old there stays.
  const otherSync = await createSync('globex');
  const otherRun = await insertRunFor(other, otherSync.integration_id, otherSync.id, now.getTime() - DAY);
  const globexLog = { run_id: otherRun, integration_id: otherSync.integration_id, sync_id: otherSync.id };
  const globexLogId = uuidv7();
  await db
    .insertInto('sync_logs')
    .values({
      id: globexLogId,
      organization_id: ctx.orgs.globex,
      ...globexLog,
      at: new Date(logsCutoff - DAY),
      level: 'info',
      message: 'x',
      data: null,
    })
    .execute();

  const counts = await createRetentionService({ db: ctx.database.db }).prune(now);

  const runs = (
    await db.selectFrom('sync_runs').select('id').where('id', 'in', [runPast, runAtCutoff, runRecent, runActive]).execute()
  ).map((r) => r.id);
  t.same(
    runs.sort(),
    [runAtCutoff, runRecent, runActive].sort(),
    'the run finished before the cutoff goes; at the cutoff, recent and active stay',
  );
  const logs = (await db.selectFrom('sync_logs').select('id').where('id', 'in', [logPast, logAtCutoff, globexLogId]).execute()).map(
    (r) => r.id,
  );
  t.same(logs.sort(), [logAtCutoff, globexLogId].sort(), 'the log before the cutoff goes; another organization keeps its own period');
  const records = (await db.selectFrom('records').select('external_id').where('resource', '=', 'retention-test').execute()).map(
    (r) => r.external_id,
  );
  t.same(records.sort(), ['deleted-at-cutoff', 'live-and-old'], 'only records deleted before the cutoff go; live ones stay however old');
  t.ok(counts[org].runs >= 1 && counts[org].deletedRecords === 1);
  const pruned = await db
    .selectFrom('audit_events')
    .select('metadata')
    .where('action', '=', 'organization.data_pruned')
    .where('organization_id', '=', ctx.orgs.acme)
    .execute();
  t.equal(pruned.length, 1, 'audited per organization');

  const again = await createRetentionService({ db: ctx.database.db }).prune(now);
  t.notOk(again[org], 'a second pruning at the same moment finds nothing more');
});

t.test('webhook deliveries: finished ones past the period go with their attempts, then events nothing refers to', async (t) => {
  const db = ctx.database.db.kysely;
  const now = new Date();
  const org = ctx.orgs.acme;
  await db.updateTable('organizations').set({ retention_webhook_deliveries_days: 7 }).where('id', '=', org).execute();
  await db.updateTable('organizations').set({ retention_webhook_deliveries_days: 30 }).where('id', '=', ctx.orgs.globex).execute();
  const cutoff = now.getTime() - 7 * DAY;
  const endpointOf = async (orgId: string) => {
    const id = uuidv7();
    await db
      .insertInto('webhook_endpoints')
      .values({
        id,
        organization_id: orgId,
        url: 'https://example.com/hooks',
        events: ['ping'],
        secret_encrypted: 'sealed',
        updated_at: now,
      })
      .execute();
    return id;
  };
  const acmeEndpoint = await endpointOf(org);
  const globexEndpoint = await endpointOf(ctx.orgs.globex);
  const event = async (createdAt: number, orgId = org) => {
    const id = uuidv7();
    await db
      .insertInto('webhook_outbox')
      .values({ id, organization_id: orgId, type: 'ping', payload: JSON.stringify({}), created_at: new Date(createdAt) })
      .execute();
    return id;
  };
  const delivery = async (eventId: string, status: 'pending' | 'succeeded' | 'failed', lastAttemptAt: number | null, orgId = org) => {
    const id = uuidv7();
    const created = await db.selectFrom('webhook_outbox').select('created_at').where('id', '=', eventId).executeTakeFirstOrThrow();
    await db
      .insertInto('webhook_deliveries')
      .values({
        id,
        organization_id: orgId,
        endpoint_id: orgId === org ? acmeEndpoint : globexEndpoint,
        event_id: eventId,
        event_type: 'ping',
        status,
        attempts: lastAttemptAt === null ? 0 : 1,
        next_attempt_at: status === 'pending' ? now : null,
        last_attempt_at: lastAttemptAt === null ? null : new Date(lastAttemptAt),
        created_at: created.created_at,
      })
      .execute();
    if (lastAttemptAt !== null) {
      await db
        .insertInto('webhook_attempts')
        .values({
          id: uuidv7(),
          organization_id: orgId,
          delivery_id: id,
          attempted_at: new Date(lastAttemptAt),
          status_code: 200,
          duration_ms: 5,
        })
        .execute();
    }
    return id;
  };

  const delivered = await event(cutoff - DAY);
  const deliveredPast = await delivery(delivered, 'succeeded', cutoff - 1);
  const dead = await event(cutoff - DAY);
  const deadAtCutoff = await delivery(dead, 'failed', cutoff);
  const retrying = await event(cutoff - 20 * DAY);
  const pendingOld = await delivery(retrying, 'pending', cutoff - 19 * DAY);
  const neverTried = await delivery(retrying, 'pending', null);
  const redelivered = await event(cutoff - 3 * DAY);
  const firstTry = await delivery(redelivered, 'failed', cutoff - 2 * DAY);
  const secondTry = await delivery(redelivered, 'succeeded', now.getTime() - DAY);
  const orphanPast = await event(cutoff - 1);
  const orphanRecent = await event(now.getTime() - DAY);
  const globexEvent = await event(cutoff - DAY, ctx.orgs.globex);
  const globexDelivery = await delivery(globexEvent, 'succeeded', cutoff - 1, ctx.orgs.globex);

  const counts = await createRetentionService({ db: ctx.database.db }).prune(now);

  const deliveries = (await db.selectFrom('webhook_deliveries').select('id').execute()).map((r) => r.id);
  t.same(
    deliveries.sort(),
    [deadAtCutoff, pendingOld, neverTried, secondTry, globexDelivery].sort(),
    'finished before the cutoff: gone; at the cutoff, pending however old, recent, and another organization (30 days): kept',
  );
  t.notOk(deliveries.includes(deliveredPast) || deliveries.includes(firstTry));
  const attempts = (await db.selectFrom('webhook_attempts').select('delivery_id').execute()).map((r) => r.delivery_id);
  t.same(attempts.sort(), [deadAtCutoff, pendingOld, secondTry, globexDelivery].sort(), 'the attempts of pruned deliveries went with them');
  const events = (await db.selectFrom('webhook_outbox').select('id').execute()).map((r) => r.id);
  t.same(
    events.sort(),
    [dead, retrying, redelivered, orphanRecent, globexEvent].sort(),
    'an old event goes once no delivery of it is left; one with a delivery left, or recent, stays',
  );
  t.same(
    { webhookDeliveries: counts[org].webhookDeliveries, webhookEvents: counts[org].webhookEvents },
    { webhookDeliveries: 2, webhookEvents: 2 },
  );
  t.notOk(counts[ctx.orgs.globex], 'nothing of the other organization');
  t.notOk(events.includes(orphanPast), 'an old event whose endpoint was deleted (no delivery at all) goes');
  const audit = await db
    .selectFrom('audit_events')
    .select('metadata')
    .where('action', '=', 'organization.data_pruned')
    .where('organization_id', '=', org)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  t.match(audit.metadata, { webhookDeliveries: 2, webhookEvents: 2 }, 'the audit event counts them');
});
