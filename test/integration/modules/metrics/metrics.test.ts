import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { ConfigError } from '../../../../server/src/config.js';
import { startFakeProvider } from '../../../fixtures/providers/index.js';
import { createTestApp, testConfig } from '../../../helpers/app.js';
import { usingPostgres } from '../../../helpers/database.js';
import { freePort } from '../../../helpers/net.js';
import { addOAuthIntegration, createSync, runAndWait, stripeApp } from '../../../helpers/provider-app.js';
import { waitUntil } from '../../../helpers/wait-until.js';
import { answer, startWebhookReceiver } from '../../../helpers/webhook-receiver.js';

/**
 * GET /metrics (README, Metrics): hidden without METRICS_TOKEN, 401 without the token or with another, Prometheus text
 * with it; the request histogram labels routes by their pattern; runs, records, webhook deliveries and token refreshes
 * are counted; nothing that identifies a tenant or a secret reaches a label. METRICS_PORT serves it on 127.0.0.1.
 */
t.setTimeout(240_000);

const TOKEN = `metrics-${randomBytes(16).toString('hex')}`;
const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition. */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

/** The value of the one sample named `name` whose labels include `labels` (0 when there is none). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value ?? 0;
}

t.test('METRICS_TOKEN must be long enough, and is never repeated in the message', async (t) => {
  const err = (() => {
    try {
      testConfig({ METRICS_TOKEN: 'short-secret' });
    } catch (e) {
      return e;
    }
  })();
  t.ok(err instanceof ConfigError);
  t.match((err as Error).message, /METRICS_TOKEN must be at least 16 characters/);
  t.notOk((err as Error).message.includes('short-secret'));
  t.same(testConfig({ METRICS_TOKEN: TOKEN }).metrics, { token: TOKEN, port: null });
});

t.test(
  'with METRICS_TOKEN: 401 without it or with another, Prometheus text with it, counting requests, runs, deliveries and refreshes',
  async (t) => {
    const fake = await startFakeProvider('stripe', { records: 30 });
    t.teardown(() => fake.close());
    const app = await stripeApp(t, fake, { METRICS_TOKEN: TOKEN, WEBHOOK_RETRY_SCHEDULE: '20ms', WEBHOOK_POLL_INTERVAL: '20ms' });
    const { ctx, admin, base } = app;
    const scrape = async () => {
      const res = await ctx.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      if (res.statusCode !== 200) throw new Error(`GET /metrics with the token: ${res.statusCode} ${res.body}`);
      return { res, samples: parse(res.body) };
    };

    const none = await ctx.app.inject({ url: '/metrics' });
    t.equal(none.statusCode, 401, 'no token: 401');
    t.match(none.headers['www-authenticate'], /^Bearer/);
    const wrong = await ctx.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}x` } });
    t.equal(wrong.statusCode, 401, 'another token: 401');
    const session = await ctx.app.inject({ url: '/metrics', headers: admin });
    t.equal(session.statusCode, 401, "a person's session does not open it either");

    const before = await scrape();
    t.equal(before.res.statusCode, 200, 'the token opens /metrics');
    t.equal(before.res.headers['content-type'], PROMETHEUS_TEXT, "prom-client's content type");
    t.equal(before.res.headers['cache-control'], 'no-store');

    const sync = await createSync(app, { resource: 'customers', mode: 'full' });
    const run = await runAndWait(ctx, base, admin, sync.id);
    t.equal(run.status, 'succeeded');
    for (let i = 0; i < 3; i++) t.equal((await ctx.app.inject({ url: `${base}/runs?syncId=${sync.id}`, headers: admin })).statusCode, 200);
    await ctx.app.inject({ url: `/no/such/path/${ctx.orgs.acme}?token=${TOKEN}` });

    const { res, samples } = await scrape();
    const runsList = { method: 'GET', route: '/api/orgs/:orgId/runs', status_code: '200' };
    t.equal(
      valueOf(samples, 'linkyard_http_request_duration_seconds_count', runsList) -
        valueOf(before.samples, 'linkyard_http_request_duration_seconds_count', runsList),
      3,
      'the three list requests, under their route pattern',
    );
    t.ok(valueOf(samples, 'linkyard_http_request_duration_seconds_sum', runsList) > 0, 'with their durations');
    t.equal(
      valueOf(samples, 'linkyard_http_request_duration_seconds_bucket', { ...runsList, le: '+Inf' }),
      valueOf(samples, 'linkyard_http_request_duration_seconds_count', runsList),
    );
    t.equal(
      valueOf(samples, 'linkyard_http_request_duration_seconds_count', { method: 'POST', route: '/api/orgs/:orgId/syncs/:syncId/runs' }),
      1,
      'the run request',
    );
    t.equal(
      valueOf(samples, 'linkyard_http_request_duration_seconds_count', { route: 'unmatched', status_code: '404' }),
      1,
      'a path no route matches is counted as unmatched',
    );
    t.equal(
      valueOf(samples, 'linkyard_http_request_duration_seconds_count', { route: '/metrics', status_code: '401' }),
      3,
      'the refused scrapes',
    );

    const delta = (name: string, labels: Record<string, string>) => valueOf(samples, name, labels) - valueOf(before.samples, name, labels);
    t.equal(delta('linkyard_runs_finished_total', { status: 'succeeded', trigger: 'manual' }), 1, 'the run, by status and trigger');
    t.match(
      samples.find((s) => s.name === 'linkyard_runs_finished_total' && s.labels.status === 'failed' && s.labels.trigger === 'schedule'),
      { value: 0 },
      'other combinations are there from the start, at 0',
    );
    t.equal(delta('linkyard_records_written_total', { change: 'created' }), 30, 'the records it created');
    t.equal(valueOf(samples, 'linkyard_runs_active', { status: 'queued' }), 0, 'nothing queued');
    t.equal(valueOf(samples, 'linkyard_runs_active', { status: 'running' }), 0);
    t.equal(valueOf(samples, 'linkyard_runs_dispatch_lag_seconds'), 0);
    t.equal(valueOf(samples, 'linkyard_metrics_database_up'), 1);
    t.ok(
      samples.some((s) => s.name === 'nodejs_eventloop_lag_seconds'),
      'the event-loop lag (prom-client default metrics)',
    );
    if (usingPostgres()) {
      t.ok(valueOf(samples, 'linkyard_db_pool_connections', { state: 'total' }) >= 1, 'the pool, on Postgres');
      t.ok(valueOf(samples, 'linkyard_db_pool_acquisitions_total') > 0, 'connections taken from it are counted');
      t.ok(
        samples.some((s) => s.name === 'linkyard_db_pool_wait_seconds_total'),
        'and the time waited for them',
      );
    }

    // The Grafana dashboard (docs/grafana-dashboard.json) charts only series that exist, from its Prometheus variable.
    const dashboard = JSON.parse(readFileSync(new URL('../../../../docs/grafana-dashboard.json', import.meta.url), 'utf8')) as {
      templating: { list: { name: string; type: string; query: unknown }[] };
      panels: { targets?: { expr: string; datasource: { uid: string } }[] }[];
    };
    t.match(
      dashboard.templating.list,
      [{ name: 'datasource', type: 'datasource', query: 'prometheus' }],
      'a Prometheus data source variable',
    );
    const targets = dashboard.panels.flatMap((p) => p.targets ?? []);
    t.ok(
      targets.every((target) => target.datasource.uid === '${datasource}'),
      'every query uses it',
    );
    const charted = new Set(targets.flatMap((target) => target.expr.match(/\b(?:linkyard|nodejs|process)_\w+/g) ?? []));
    const exposed = new Set(samples.map((s) => s.name));
    for (const name of charted) {
      if (name.startsWith('linkyard_db_pool_') && !usingPostgres()) continue;
      t.ok(exposed.has(name), `the dashboard's ${name} is exposed`);
    }

    // No label carries an id, an email, a URL, a token or an organization: only the fixed sets of values.
    const secrets = {
      'the metrics token': TOKEN,
      "Acme's id": ctx.orgs.acme,
      "Globex's id": ctx.orgs.globex,
      "the sync's id": sync.id,
      "the run's id": run.id,
      "the integration's id": app.integration.id,
      'the Stripe API key': fake.token,
      'an email': '@acme.test',
      "an organization's name": 'Acme',
      'a query string': 'token=',
    };
    for (const [what, value] of Object.entries(secrets)) t.notOk(res.body.includes(value), `no ${what} in the output`);
    const routes = new Set(samples.filter((s) => s.name.startsWith('linkyard_http_')).map((s) => s.labels.route));
    t.ok(
      [...routes].every((r) => r === 'unmatched' || r.startsWith('/')),
      `route labels are patterns: ${[...routes].join(' ')}`,
    );
    t.notOk(
      [...routes].some((r) => /[0-9a-f]{8}-[0-9a-f]{4}/.test(r)),
      'no route label holds an id',
    );

    // A run waiting for a worker shows in the queue and its lag.
    await ctx.database.db.kysely
      .insertInto('sync_runs')
      .values({
        id: '00000000-0000-7000-8000-0000000000aa',
        organization_id: ctx.orgs.acme,
        integration_id: app.integration.id,
        sync_id: sync.id,
        trigger: 'manual',
        status: 'queued',
        created_at: new Date(Date.now() - 60_000),
      })
      .execute();
    const queued = (await scrape()).samples;
    t.equal(valueOf(queued, 'linkyard_runs_active', { status: 'queued' }), 1, 'the queued run');
    t.ok(valueOf(queued, 'linkyard_runs_dispatch_lag_seconds') >= 59, 'waiting for about a minute');
    // Cancelled before any worker took it, it ends in the API process: counted there (no executor ever sees it).
    const cancelled = await ctx.app.inject({
      method: 'POST',
      url: `${base}/runs/00000000-0000-7000-8000-0000000000aa/cancel`,
      headers: admin,
    });
    t.match(cancelled.json(), { status: 'cancelled' }, cancelled.body);
    const afterCancel = (await scrape()).samples;
    t.equal(
      valueOf(afterCancel, 'linkyard_runs_finished_total', { status: 'cancelled', trigger: 'manual' }) -
        valueOf(queued, 'linkyard_runs_finished_total', { status: 'cancelled', trigger: 'manual' }),
      1,
      'a queued run cancelled counts as a cancelled run',
    );
    t.equal(valueOf(afterCancel, 'linkyard_runs_active', { status: 'queued' }), 0, 'and leaves the queue');

    await t.test('webhook deliveries by outcome', async (t) => {
      const endpoints = `${base}/webhook-endpoints`;
      const deliveries = ctx.app.services.deliveries!;
      deliveries.start();
      t.teardown(() => deliveries.stop());
      const attempts = (samples: Sample[], outcome: string) => valueOf(samples, 'linkyard_webhook_delivery_attempts_total', { outcome });
      const before = (await scrape()).samples;

      const healthy = await startWebhookReceiver();
      const broken = await startWebhookReceiver();
      broken.respond(answer(500));
      t.teardown(() => Promise.all([healthy.close(), broken.close()]));
      for (const receiver of [healthy, broken]) {
        const endpoint = await ctx.app.inject({
          method: 'POST',
          url: endpoints,
          headers: admin,
          payload: { url: receiver.url, events: ['sync.succeeded'] },
        });
        t.equal(endpoint.statusCode, 201);
        const ping = await ctx.app.inject({ method: 'POST', url: `${endpoints}/${endpoint.json().id}/test`, headers: admin });
        t.equal(ping.statusCode, 202, ping.body);
      }
      let samples = before;
      await waitUntil(async () => {
        samples = (await scrape()).samples;
        return (
          attempts(samples, 'failed') - attempts(before, 'failed') >= 1 &&
          attempts(samples, 'succeeded') - attempts(before, 'succeeded') >= 1
        );
      }, 'the deliveries are sent');
      t.equal(attempts(samples, 'succeeded') - attempts(before, 'succeeded'), 1, 'the healthy receiver: one attempt, succeeded');
      t.equal(attempts(samples, 'retrying') - attempts(before, 'retrying'), 1, 'the broken one: a failed attempt with a retry left');
      t.equal(attempts(samples, 'failed') - attempts(before, 'failed'), 1, 'then the last one, given up');
      t.notOk((await scrape()).res.body.includes('127.0.0.1:'), 'no receiver URL in the output');
    });

    await t.test('OAuth token refresh failures by reason', async (t) => {
      const hubspot = await startFakeProvider('hubspot', { records: 2 });
      t.teardown(() => hubspot.close());
      const integration = await addOAuthIntegration(app, hubspot, { provider: 'hubspot', name: 'HubSpot' });
      const was = (await scrape()).samples;
      // Expired, and no refresh token to renew it with.
      await ctx.database.db.kysely
        .updateTable('connections')
        .set({ expires_at: new Date(Date.now() - 60_000) })
        .where('integration_id', '=', integration.id)
        .execute();
      const err = await ctx.app.services.tokens.getCredentials(ctx.orgs.acme, integration.id).catch((e: unknown) => e);
      t.match(err, { code: 'reconnect_required' });
      const now = (await scrape()).samples;
      const delta = (name: string, labels: Record<string, string>) => valueOf(now, name, labels) - valueOf(was, name, labels);
      t.equal(delta('linkyard_oauth_token_refresh_failures_total', { reason: 'reconnect_required' }), 1, 'counted with its reason');
      t.equal(delta('linkyard_oauth_token_refreshes_total', { outcome: 'failed' }), 1);
      t.equal(delta('linkyard_oauth_token_refreshes_total', { outcome: 'succeeded' }), 0);
    });

    await t.test('record writes pushed to the provider, by outcome', async (t) => {
      const mappings = [
        { source: 'name', target: 'name' },
        { source: 'email', target: 'email' },
      ];
      // The customers' sync from above, now pushing too.
      const changed = await ctx.app.inject({
        method: 'PATCH',
        url: `${base}/syncs/${sync.id}`,
        headers: admin,
        payload: { direction: 'bidirectional', mappings, outboundMappings: mappings },
      });
      t.equal(changed.statusCode, 200, changed.body);
      const was = (await scrape()).samples;
      const pushed = await ctx.app.inject({
        method: 'POST',
        url: `${base}/syncs/${sync.id}/records`,
        headers: admin,
        payload: { records: [{ data: { name: 'Ada', email: 'ada@example.com' } }, { data: { name: 'Bad', email: 'not-an-email' } }] },
      });
      t.equal(pushed.statusCode, 202, pushed.body);
      await ctx.app.services.executor!.drain();
      const now = (await scrape()).samples;
      const writes = (outcome: string) =>
        valueOf(now, 'linkyard_push_writes_total', { outcome }) - valueOf(was, 'linkyard_push_writes_total', { outcome });
      t.equal(writes('applied'), 1, 'the record the provider created');
      t.equal(writes('failed'), 1, 'the one it refused');
      t.equal(writes('conflict'), 0);
      t.equal(
        valueOf(now, 'linkyard_runs_finished_total', { status: 'succeeded', trigger: 'push' }) -
          valueOf(was, 'linkyard_runs_finished_total', { status: 'succeeded', trigger: 'push' }),
        1,
        'the push run, by its trigger',
      );
    });
  },
);

t.test('without METRICS_TOKEN /metrics answers as an unknown path does; METRICS_PORT serves it on 127.0.0.1 alone', async (t) => {
  const port = await freePort();
  const { app } = await createTestApp(t, { seed: false, env: { METRICS_PORT: String(port) } });
  const res = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  t.equal(res.statusCode, 404, 'the main port hides it, whatever the caller sends');
  const unknown = await app.inject({ url: '/no-such-path' });
  t.same(Object.keys(res.json()).sort(), Object.keys(unknown.json()).sort(), 'the same error shape as any unknown path');
  t.match(res.json(), { error: 'Not Found', message: 'No route GET /metrics' });

  await app.listen({ host: '127.0.0.1', port: 0 });
  const local = await fetch(`http://127.0.0.1:${port}/metrics`);
  t.equal(local.status, 200, 'no token on the loopback port');
  t.equal(local.headers.get('content-type'), PROMETHEUS_TEXT);
  const samples = parse(await local.text());
  t.ok(samples.some((s) => s.name === 'linkyard_runs_active'));
  t.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 404, 'nothing else is served there');
  t.equal((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status, 404);
});
