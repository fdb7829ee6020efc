import t from 'tap';
import { createTestApp } from '../../../helpers/app.js';

// Retrying a failed or cancelled run (a new run of its sync, trigger "retry"), and what retry and cancel refuse.
const ctx = await createTestApp(t);
const { app, orgs } = ctx;
const db = ctx.database.db.kysely;
const createdIntegration = await app.inject({
  method: 'POST',
  url: `/api/orgs/${orgs.acme}/integrations`,
  headers: { authorization: await ctx.bearer('admin@acme.test') },
  payload: { provider: 'stripe', name: 'Retry target', apiKey: 'sk_test_retry_0000' },
});
if (createdIntegration.statusCode !== 201) throw new Error(createdIntegration.body);
const integration = createdIntegration.json() as { id: string };
const sync = await db
  .insertInto('syncs')
  .values({
    id: crypto.randomUUID(),
    organization_id: orgs.acme,
    integration_id: integration.id,
    resource: 'customers',
    mode: 'full',
  } as never)
  .returning(['id'])
  .executeTakeFirstOrThrow();
async function run(status: 'failed' | 'succeeded' | 'running' | 'cancelled') {
  const id = crypto.randomUUID();
  const finished = status !== 'running';
  await db
    .insertInto('sync_runs')
    .values({
      id,
      organization_id: orgs.acme,
      integration_id: integration.id,
      sync_id: sync.id,
      trigger: 'schedule',
      status,
      started_at: new Date(Date.now() - 60_000),
      finished_at: finished ? new Date() : null,
      error: status === 'failed' ? 'The provider answered 503' : null,
    } as never)
    .execute();
  return id;
}
const post = async (runId: string, verb: 'retry' | 'cancel', email = 'admin@acme.test') =>
  app.inject({ method: 'POST', url: `/api/orgs/${orgs.acme}/runs/${runId}/${verb}`, headers: { authorization: await ctx.bearer(email) } });

t.test('retry refuses what it cannot retry, with a sentence', async (t) => {
  const succeeded = await run('succeeded');
  const res = await post(succeeded, 'retry');
  t.equal(res.statusCode, 409);
  t.match(res.json().message, /succeeded, so there is nothing to retry/);
  const failed = await run('failed');
  t.equal((await post(failed, 'retry', 'viewer@acme.test')).statusCode, 403, 'a Viewer may not');
  t.equal((await post('01900000-0000-7000-8000-000000000000', 'retry')).statusCode, 404);

  const running = await run('running');
  const self = await post(running, 'retry');
  t.equal(self.statusCode, 409);
  t.match(self.json().message, /still running; wait for it to finish, or cancel it first/);
  const busy = await post(failed, 'retry');
  t.equal(busy.statusCode, 409, 'another run of the sync is active');
  t.match(busy.json().message, /already queued or running/);
  await db.updateTable('sync_runs').set({ status: 'cancelled', finished_at: new Date() }).where('id', '=', running).execute();
});

t.test('a failed or a cancelled run is retried as a new run of its sync', async (t) => {
  for (const status of ['failed', 'cancelled'] as const) {
    const old = await run(status);
    const res = await post(old, 'retry');
    t.equal(res.statusCode, 202, `${status}: queued`);
    const created = await db
      .selectFrom('sync_runs')
      .select(['sync_id', 'trigger'])
      .where('id', '=', res.json().runId)
      .executeTakeFirstOrThrow();
    t.same(created, { sync_id: sync.id, trigger: 'retry' }, 'a new run of the same sync, marked as a retry');
    const audit = await db
      .selectFrom('audit_events')
      .select(['actor_email', 'metadata'])
      .where('action', '=', 'run.retry_requested')
      .where('target_id', '=', old)
      .executeTakeFirstOrThrow();
    t.match(audit, { actor_email: 'admin@acme.test', metadata: { runId: res.json().runId } }, 'audited');
    // Let it finish (it is handed to this process's run pool) before the next one is queued.
    await db.updateTable('sync_runs').set({ status: 'cancelled', finished_at: new Date() }).where('id', '=', res.json().runId).execute();
  }
});

t.test('cancelling a finished run is a 409 with a sentence', async (t) => {
  for (const [status, words] of [
    ['failed', 'already failed'],
    ['succeeded', 'already succeeded'],
    ['cancelled', 'already been cancelled'],
  ] as const) {
    const res = await post(await run(status), 'cancel');
    t.equal(res.statusCode, 409, status);
    t.equal(res.json().message, `The run has ${words}`);
  }
});
