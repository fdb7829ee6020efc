/**
 * Admin UI benchmark: server-render time of the integrations page (GET /orgs/:orgId/integrations, the
 * full HTML document) for an organization with 500 integrations, on the production build. Requests are
 * sent one at a time, so each figure is the time to render one page, not time spent queueing.
 * The reference, measured in the same run, is the API call the page's main loader makes
 * (GET /api/orgs/:orgId/integrations, first page of 50): the ratio says what rendering costs on top.
 *
 * Knobs: BENCH_UI_INTEGRATIONS (500), BENCH_UI_REQUESTS (400 measured per target), BENCH_DATABASE_URL.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
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
const WARMUP = 50;
const PASSWORD = 'linkyard-bench-password';
const GOALS = { maxP50Ms: 50, maxP99Ms: 150 };

const STATUSES = ['ACTIVE', 'ACTIVE', 'ACTIVE', 'SYNCING', 'ERROR', 'PAUSED', 'INACTIVE'] as const;
const PROVIDERS = ['salesforce', 'hubspot', 'slack', 'jira', 'github', 'notion', 'google_calendar', 'zendesk', 'shopify', 'linear'];

const bench: Benchmark = {
  name: 'ui',
  title: 'Admin UI: integrations page server render, 500 integrations',
  description: 'server-render time (p50/p99) of the integrations page with 500 integrations, vs the API call its loader makes',
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
        };
        const check = await fetch(targets.page, { headers: { cookie } });
        const html = await check.text();
        const rows = (html.match(/data-integration=/g) ?? []).length;
        if (check.status !== 200 || rows !== 50)
          throw new Error(`the page did not render its first 50 integrations (status ${check.status}, ${rows} rows)`);

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
        await measure(targets.page, WARMUP);
        await measure(targets.api, WARMUP);
        await server.call({ type: 'mark' });
        ctx.log(`measuring ${REQUESTS} page renders and ${REQUESTS} API calls, interleaved in blocks…`);
        const page: Float64Array[] = [];
        const api: Float64Array[] = [];
        let pageCpu = 0;
        for (let block = 0; block < 4; block++) {
          page.push(await measure(targets.page, REQUESTS / 4));
          pageCpu += (await server.call<{ cpuMs: number }>({ type: 'mark' })).cpuMs;
          api.push(await measure(targets.api, REQUESTS / 4));
          await server.call({ type: 'mark' });
        }
        const all = (xs: Float64Array[]) => Float64Array.from(xs.flatMap((x) => [...x]));
        const p = all(page);
        const a = all(api);
        const stats = (s: Float64Array) => ({
          p50: percentile(s, 50),
          p90: percentile(s, 90),
          p99: percentile(s, 99),
          max: percentile(s, 100),
        });
        const ps = stats(p);
        const as = stats(a);
        const passed = ps.p50 <= GOALS.maxP50Ms && ps.p99 <= GOALS.maxP99Ms;
        const f = (n: number) => n.toFixed(1);
        const markdown = [
          `Command: \`${ctx.command}\``,
          '',
          machineMarkdown(describeMachine(), { PostgreSQL: postgresVersion, 'Load average before the run': loadavg()[0].toFixed(2) }),
          '',
          `Workload: Acme with ${INTEGRATIONS} integrations (mixed statuses), signed in as an admin; the production build of the admin UI`,
          `(ADMIN_UI=build, NODE_ENV=production) served by the API process. Each request is the full HTML document of`,
          `\`/orgs/:orgId/integrations\` (first page of 50 rows, filters, provider names, the sync status panel): its loaders make`,
          `7 in-process API calls (session and organizations for the header, organization and role, integrations page, providers, sync status). Requests go one at a`,
          `time after ${WARMUP} warm-up requests, so the time is render time, not queueing. HTML size: ${(html.length / 1024).toFixed(1)} KB.`,
          '',
          '| | p50 ms | p90 ms | p99 ms | max ms |',
          '|---|---:|---:|---:|---:|',
          `| Integrations page (SSR) | ${f(ps.p50)} | ${f(ps.p90)} | ${f(ps.p99)} | ${f(ps.max)} |`,
          `| Reference: GET /api/orgs/:orgId/integrations?limit=50 | ${f(as.p50)} | ${f(as.p90)} | ${f(as.p99)} | ${f(as.max)} |`,
          '',
          `Ratio (reference p50 / page p50): ${(as.p50 / ps.p50).toFixed(2)}. Server CPU per page: ${(pageCpu / REQUESTS).toFixed(1)} ms.`,
          '',
          `Goals: p50 ≤ ${GOALS.maxP50Ms} ms ${ps.p50 <= GOALS.maxP50Ms ? 'PASS' : 'FAIL'}; p99 ≤ ${GOALS.maxP99Ms} ms ${ps.p99 <= GOALS.maxP99Ms ? 'PASS' : 'FAIL'}.`,
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
