/**
 * Admin UI benchmark, on the production build:
 * - server-render time of the integrations page (GET /orgs/:orgId/integrations, the full HTML document) for an
 *   organization with 500 integrations, against the API call its main loader makes (GET /api/orgs/:orgId/integrations,
 *   first page of 50) in the same run: the ratio says what rendering costs on top;
 * - server-render time of the logs page of an integration whose run wrote 10,000 log lines, and of the conflicts
 *   page with 200 open conflicts;
 * - page weight: the compressed (brotli) JavaScript each page's HTML makes the browser load, as the browser gets it.
 * Requests are sent one at a time, so each figure is the time to render one page, not time spent queueing.
 *
 * Knobs: BENCH_UI_INTEGRATIONS (500), BENCH_UI_REQUESTS (400 measured per target), BENCH_UI_LOG_LINES (10,000),
 * BENCH_UI_CONFLICTS (200), BENCH_DATABASE_URL.
 */
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Db } from '../../../db/client.js';
import { inScope } from '../../../server/src/lib/db-scope.js';
import { uuidv7 } from '../../../server/src/lib/ids.js';
import { seedDemo } from '../../../server/src/seed/demo.js';
import { startChild } from '../lib/child.js';
import { percentile } from '../lib/load.js';
import { describeMachine, machineMarkdown } from '../lib/machine.js';
import { freshDatabase, requirePostgres } from '../lib/postgres.js';
import type { Benchmark } from '../types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const INTEGRATIONS = num('BENCH_UI_INTEGRATIONS', 500);
const REQUESTS = num('BENCH_UI_REQUESTS', 400);
const LOG_LINES = num('BENCH_UI_LOG_LINES', 10_000);
const CONFLICTS = num('BENCH_UI_CONFLICTS', 200);
const WARMUP = 50;
const PASSWORD = 'linkyard-bench-password';
const GOALS = { maxP50Ms: 30, maxP99Ms: 150, maxFirstPageJsKb: 120 };

const STATUSES = ['ACTIVE', 'ACTIVE', 'ACTIVE', 'SYNCING', 'ERROR', 'PAUSED', 'INACTIVE'] as const;
const PROVIDERS = ['salesforce', 'hubspot', 'slack', 'jira', 'github', 'notion', 'google_calendar', 'zendesk', 'shopify', 'linear'];

/** An integration with a two-way sync whose one run wrote LOG_LINES log lines and left CONFLICTS open conflicts. */
async function seedLogsAndConflicts(db: Db, orgId: string): Promise<string> {
  const [integrationId, syncId, runId] = [uuidv7(), uuidv7(), uuidv7()];
  const levels = sql`(ARRAY['info', 'info', 'info', 'debug', 'warn', 'error'])[1 + g % 6]`;
  await inScope(db, { platform: true }, async (tx) => {
    await sql`INSERT INTO integrations (id, organization_id, provider, name, status, auth_type, scopes, settings, updated_at)
      VALUES (${integrationId}, ${orgId}, 'hubspot', 'HubSpot (logs and conflicts)', 'ACTIVE', 'oauth2', '{}', '{}', now())`.execute(tx);
    await sql`INSERT INTO syncs (id, organization_id, integration_id, resource, mode, enabled, cursor, direction, conflict_resolution)
      VALUES (${syncId}, ${orgId}, ${integrationId}, 'contacts', 'incremental', true, 'null', 'bidirectional', 'manual')`.execute(tx);
    await sql`INSERT INTO sync_runs (id, organization_id, integration_id, sync_id, trigger, status, started_at, finished_at, fetched, created, conflicts)
      VALUES (${runId}, ${orgId}, ${integrationId}, ${syncId}, 'manual', 'succeeded', now() - interval '20 minutes', now() - interval '1 minute',
              ${LOG_LINES}, ${LOG_LINES}, ${CONFLICTS})`.execute(tx);
    await sql`INSERT INTO sync_logs (id, organization_id, run_id, integration_id, sync_id, at, level, message, data)
      SELECT gen_random_uuid(), ${orgId}, ${runId}, ${integrationId}, ${syncId}, now() - interval '20 minutes' + g * interval '100 milliseconds',
             ${levels}, 'Fetched page ' || g || ' of contacts: 100 records, ' || g % 7 || ' updated', jsonb_build_object('page', g, 'records', 100)
        FROM generate_series(1, ${LOG_LINES}) AS g`.execute(tx);
    await sql`INSERT INTO conflicts (id, organization_id, integration_id, sync_id, resource, external_id, run_id, fields, base_data, local_data, remote_data, remote_updated_at)
      SELECT gen_random_uuid(), ${orgId}, ${integrationId}, ${syncId}, 'contacts', 'contact-' || g, ${runId},
             jsonb_build_array(jsonb_build_object('path', 'email', 'base', 'a' || g || '@acme.test', 'local', 'b' || g || '@acme.test', 'remote', 'c' || g || '@acme.test'),
                               jsonb_build_object('path', 'phone', 'base', '+1 555 0100', 'local', '+1 555 0101', 'remote', '+1 555 0102')),
             jsonb_build_object('email', 'a' || g || '@acme.test', 'phone', '+1 555 0100', 'name', 'Contact ' || g),
             jsonb_build_object('email', 'b' || g || '@acme.test', 'phone', '+1 555 0101', 'name', 'Contact ' || g),
             jsonb_build_object('email', 'c' || g || '@acme.test', 'phone', '+1 555 0102', 'name', 'Contact ' || g),
             now() - g * interval '1 minute'
        FROM generate_series(1, ${CONFLICTS}) AS g`.execute(tx);
  });
  return integrationId;
}

/** Bytes of a response as they travel (node:http does not decode, unlike fetch). */
function compressedSize(url: string, cookie: string): Promise<{ status: number; encoding: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { cookie, 'accept-encoding': 'br, gzip' } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, encoding: String(res.headers['content-encoding'] ?? 'identity'), bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The compressed JavaScript a fresh load of the page makes the browser fetch: the scripts and module preloads its HTML names. */
async function pageWeight(
  base: string,
  cookie: string,
  pagePath: string,
): Promise<{ scripts: number; jsBytes: number; htmlBytes: number }> {
  const res = await fetch(base + pagePath, { headers: { cookie } });
  const html = await res.text();
  if (res.status !== 200) throw new Error(`${pagePath} answered ${res.status}`);
  const scripts = [...new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!))];
  if (scripts.length === 0) throw new Error(`${pagePath} names no script`);
  let jsBytes = 0;
  for (const script of scripts) {
    const asset = await compressedSize(base + script, cookie);
    if (asset.status !== 200) throw new Error(`${script} answered ${asset.status}`);
    jsBytes += asset.bytes;
  }
  return { scripts: scripts.length, jsBytes, htmlBytes: (await compressedSize(base + pagePath, cookie)).bytes };
}

const f = (n: number) => n.toFixed(1);
const fmtInt = (n: number) => n.toLocaleString('en-US');

/** The page's HTML, checked to show what the benchmark seeded (a page that rendered an error would be cheap). */
async function renderedOrThrow(url: string, cookie: string, marker: RegExp, atLeast: number, what: string): Promise<string> {
  const res = await fetch(url, { headers: { cookie } });
  const html = await res.text();
  const found = (html.match(marker) ?? []).length;
  if (res.status !== 200 || found < atLeast) throw new Error(`${url} did not render ${what} (status ${res.status}, ${found} found)`);
  return html;
}

const bench: Benchmark = {
  name: 'ui',
  title: 'Admin UI: server render (integrations, logs, conflicts) and page weight',
  description:
    'server-render time (p50/p99) of the integrations page with 500 integrations vs the API call its loader makes, of the logs page with 10,000 lines and the conflicts page; compressed JS per page',
  async run(ctx) {
    const postgresVersion = await requirePostgres();
    const uiDir = path.join(ctx.root, 'admin-ui');
    if (!existsSync(path.join(uiDir, 'build/server/index.js')) || process.env.BENCH_UI_REBUILD !== '0') {
      ctx.log('building the admin UI (production build)…');
      const built = spawnSync('npm', ['--prefix', uiDir, 'run', 'build', '--', '--logLevel', 'warn'], { stdio: 'inherit' });
      if (built.status !== 0) throw new Error('the admin UI build failed');
    }

    const database = await freshDatabase();
    try {
      await seedDemo(database.db, PASSWORD, undefined, 10);
      const org = await inScope(database.db, { platform: true }, (tx) =>
        tx.selectFrom('organizations').select('id').where('slug', '=', 'acme').executeTakeFirstOrThrow(),
      );
      ctx.log(`seeding ${INTEGRATIONS} integrations…`);
      const now = Date.now();
      await inScope(database.db, { platform: true }, (tx) =>
        tx
          .insertInto('integrations')
          .values(
            Array.from({ length: INTEGRATIONS }, (_, i) => {
              const status = STATUSES[i % STATUSES.length];
              return {
                id: uuidv7(),
                organization_id: org.id,
                provider: PROVIDERS[i % PROVIDERS.length],
                name: `Integration ${String(i + 1).padStart(3, '0')}`,
                status,
                auth_type: 'oauth2' as const,
                client_id: `client-${i}`,
                username: null,
                secret_encrypted: null,
                secret_hint: null,
                scopes: ['read'],
                settings: {},
                last_error: status === 'ERROR' ? 'Token refresh failed: the provider answered invalid_grant' : null,
                verified_at: null,
                last_sync_at: status === 'INACTIVE' ? null : new Date(now - (i % 90) * 60_000),
                next_sync_at: status === 'PAUSED' || status === 'INACTIVE' ? null : new Date(now + (i % 60) * 60_000),
                updated_at: new Date(now),
              };
            }),
          )
          .execute(),
      );

      ctx.log(`seeding ${LOG_LINES} log lines and ${CONFLICTS} conflicts…`);
      const logsIntegrationId = await seedLogsAndConflicts(database.db, org.id);

      const server = await startChild<{ port: number }>(path.join(here, 'server.ts'), {
        cwd: ctx.root,
        env: {
          NODE_ENV: 'production',
          DATABASE_URL: database.url,
          ADMIN_UI: 'build',
          PUBLIC_URL: 'https://linkyard.bench.example',
          JWT_SECRET: 'bench-secret-that-is-at-least-32-characters',
          ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
          LOG_LEVEL: 'warn',
          RATE_LIMIT_USER_PER_MINUTE: '10000000',
          RATE_LIMIT_ORG_PER_MINUTE: '10000000',
          PASSWORD_HASH_COST: '14',
          MIGRATE_ON_START: 'false',
          ROLE: 'api',
        },
      });
      try {
        const base = `http://127.0.0.1:${server.ready.port}`;
        const login = await fetch(`${base}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'admin@acme.test', password: PASSWORD }),
        });
        if (login.status !== 200) throw new Error(`sign-in failed: ${login.status}`);
        const cookie = login.headers
          .getSetCookie()
          .map((c) => c.split(';')[0])
          .join('; ');

        const targets = {
          page: `${base}/orgs/${org.id}/integrations`,
          api: `${base}/api/orgs/${org.id}/integrations?limit=50`,
          logs: `${base}/orgs/${org.id}/integrations/${logsIntegrationId}/logs`,
          conflicts: `${base}/orgs/${org.id}/conflicts`,
        };
        const html = await renderedOrThrow(targets.page, cookie, /data-integration=/g, 50, 'its first 50 integrations');
        await renderedOrThrow(targets.logs, cookie, /Fetched page \d+ of contacts/g, 1, 'log lines');
        await renderedOrThrow(targets.conflicts, cookie, /contact-\d+/g, 1, 'open conflicts');

        const measure = async (url: string, n: number) => {
          const samples = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            const t0 = performance.now();
            const res = await fetch(url, { headers: { cookie } });
            await res.arrayBuffer();
            if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
            samples[i] = performance.now() - t0;
          }
          return samples;
        };
        ctx.log('warming up…');
        for (const url of Object.values(targets)) await measure(url, WARMUP);
        await server.call({ type: 'mark' });
        ctx.log(`measuring ${REQUESTS} requests of each target, interleaved in blocks…`);
        const samples = { page: [], api: [], logs: [], conflicts: [] } as Record<keyof typeof targets, Float64Array[]>;
        const cpuMs = { page: 0, api: 0, logs: 0, conflicts: 0 } as Record<keyof typeof targets, number>;
        for (let block = 0; block < 4; block++) {
          for (const name of Object.keys(targets) as (keyof typeof targets)[]) {
            samples[name].push(await measure(targets[name], REQUESTS / 4));
            cpuMs[name] += (await server.call<{ cpuMs: number }>({ type: 'mark' })).cpuMs;
          }
        }
        const stats = (name: keyof typeof targets) => {
          const all = Float64Array.from(samples[name].flatMap((x) => [...x]));
          return {
            p50: percentile(all, 50),
            p90: percentile(all, 90),
            p99: percentile(all, 99),
            max: percentile(all, 100),
            cpu: cpuMs[name] / REQUESTS,
          };
        };
        const ps = stats('page');
        const as = stats('api');
        const ls = stats('logs');
        const cs = stats('conflicts');

        ctx.log('weighing pages…');
        const weighed: { label: string; path: string }[] = [
          { label: 'Sign-in', path: '/login' },
          { label: 'Integrations (first page after sign-in)', path: `/orgs/${org.id}/integrations` },
          { label: 'Integration overview', path: `/orgs/${org.id}/integrations/${logsIntegrationId}` },
          { label: 'Syncs and schedules', path: `/orgs/${org.id}/integrations/${logsIntegrationId}/syncs` },
          { label: 'Mappings', path: `/orgs/${org.id}/integrations/${logsIntegrationId}/mappings` },
          { label: 'Run history', path: `/orgs/${org.id}/integrations/${logsIntegrationId}/history` },
          { label: 'Logs', path: `/orgs/${org.id}/integrations/${logsIntegrationId}/logs` },
          { label: 'Conflicts', path: `/orgs/${org.id}/conflicts` },
          { label: 'Audit log', path: `/orgs/${org.id}/audit` },
          { label: 'Members', path: `/orgs/${org.id}/members` },
        ];
        const weights = [];
        for (const w of weighed) weights.push({ ...w, ...(await pageWeight(base, w.label === 'Sign-in' ? '' : cookie, w.path)) });
        const firstPageJs = weights[1]!.jsBytes / 1024;
        const heaviest = weights.reduce((a, b) => (b.jsBytes > a.jsBytes ? b : a));

        const goals = [
          {
            goal: `Integrations page p50 ≤ ${GOALS.maxP50Ms} ms (500 integrations)`,
            actual: `${f(ps.p50)} ms`,
            pass: ps.p50 <= GOALS.maxP50Ms,
          },
          { goal: `Integrations page p99 ≤ ${GOALS.maxP99Ms} ms`, actual: `${f(ps.p99)} ms`, pass: ps.p99 <= GOALS.maxP99Ms },
          {
            goal: `Compressed JavaScript of the first page ≤ ${GOALS.maxFirstPageJsKb} KB`,
            actual: `${f(firstPageJs)} KB`,
            pass: firstPageJs <= GOALS.maxFirstPageJsKb,
          },
        ];
        const passed = goals.every((g) => g.pass);
        const row = (label: string, x: ReturnType<typeof stats>) =>
          `| ${label} | ${f(x.p50)} | ${f(x.p90)} | ${f(x.p99)} | ${f(x.max)} | ${f(x.cpu)} |`;
        const markdown = [
          `Command: \`${ctx.command}\``,
          '',
          machineMarkdown(describeMachine(), { PostgreSQL: postgresVersion, 'Load average before the run': loadavg()[0].toFixed(2) }),
          '',
          `Workload: Acme with ${INTEGRATIONS} integrations (mixed statuses), signed in as an admin; the production build of the admin UI`,
          `(ADMIN_UI=build, NODE_ENV=production) served by the API process. The integrations page is the full HTML document of`,
          `\`/orgs/:orgId/integrations\` (first page of 50 rows, filters, provider names, the sync status panel): its loaders make`,
          `7 in-process API calls (session and organizations for the header, organization and role, integrations page, providers, sync status).`,
          `The logs page is that of one integration whose run wrote ${fmtInt(LOG_LINES)} log lines (the page shows the newest page of them);`,
          `the conflicts page lists ${fmtInt(CONFLICTS)} open conflicts (first page). Requests go one at a time after ${WARMUP} warm-up requests`,
          `of each, in 4 interleaved blocks of ${REQUESTS / 4} per target, so the time is render time, not queueing.`,
          `Integrations page HTML: ${(html.length / 1024).toFixed(1)} KB.`,
          '',
          '| Target | p50 ms | p90 ms | p99 ms | max ms | server CPU ms / request |',
          '|---|---:|---:|---:|---:|---:|',
          row('Integrations page (SSR)', ps),
          row('Reference: GET /api/orgs/:orgId/integrations?limit=50', as),
          row(`Logs page (SSR), ${fmtInt(LOG_LINES)} lines in the run`, ls),
          row(`Conflicts page (SSR), ${fmtInt(CONFLICTS)} open`, cs),
          '',
          `Ratio (reference p50 / integrations page p50): ${(as.p50 / ps.p50).toFixed(2)}.`,
          '',
          '**Page weight** — what a fresh load of each page makes the browser download: the scripts and module preloads its',
          'HTML names, as sent to a browser that accepts brotli (precompressed assets), and the HTML document itself.',
          '',
          '| Page | scripts | compressed JS | HTML |',
          '|---|---:|---:|---:|',
          ...weights.map((w) => `| ${w.label} | ${w.scripts} | ${f(w.jsBytes / 1024)} KB | ${f(w.htmlBytes / 1024)} KB |`),
          '',
          `Heaviest page: ${heaviest.label}, ${f(heaviest.jsBytes / 1024)} KB of compressed JavaScript.`,
          '',
          '| Goal | Measured | |',
          '|---|---|---|',
          ...goals.map((g) => `| ${g.goal} | ${g.actual} | ${g.pass ? 'PASS' : 'FAIL'} |`),
        ].join('\n');
        return { markdown, passed };
      } finally {
        await server.stop();
      }
    } finally {
      await database.close();
    }
  },
};

export default bench;
