/**
 * PDF report benchmark: the report of an organization with 1,000 runs over 30 days
 * (GET /api/orgs/:orgId/export?format=pdf&entities=runs&startDate=…&endDate=…) from the real application in a
 * child process, over HTTP, with the browser warm (the first render, which launches Chromium, is discarded).
 * Reference, same run: the very same HTML rendered by a bare puppeteer page (setContent + pdf, same paper),
 * so the ratio shows what the export adds around Chromium's own work (queries, HTML, isolation, HTTP).
 *
 * Knobs (environment): BENCH_PDF_RENDERS (measured renders, default 7), BENCH_DATABASE_URL, BENCH_QUIET_WAIT
 * (seconds to wait for other work on the machine to calm down; 60, 0 = no wait).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../../server/src/lib/chromium.js';
import { uuidv7 } from '../../../server/src/lib/ids.js';
import { REPORT_PDF_OPTIONS } from '../../../server/src/modules/exports/pdf-browser.js';
import { buildReport } from '../../../server/src/modules/exports/pdf-report.js';
import { seedDemo } from '../../../server/src/seed/demo.js';
import { startChild, type Child } from '../lib/child.js';
import { waitForQuiet } from '../lib/cpu.js';
import { describeMachine, machineMarkdown } from '../lib/machine.js';
import { freshDatabase, requirePostgres } from '../lib/postgres.js';
import type { Benchmark } from '../types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const RUNS = 1000;
const DAYS = 30;
const RENDERS = Number(process.env.BENCH_PDF_RENDERS ?? 7);
const QUIET_WAIT_S = Number(process.env.BENCH_QUIET_WAIT ?? 60);
const PASSWORD = 'linkyard-bench-password';
const GOAL_MS = 1500;

interface Ready {
  type: string;
  port: number;
  pid: number;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];

const bench: Benchmark = {
  name: 'export-pdf',
  title: 'PDF report: 1,000 runs with a warm browser',
  description:
    'PDF report of an organization with 1,000 runs (warm Chromium, first render discarded) vs the same HTML through page.setContent + page.pdf alone',
  async run(ctx) {
    const postgresVersion = await requirePostgres();
    const machine = describeMachine();
    ctx.log(`machine: ${machine.cpus} CPUs, Node ${machine.node}, Postgres ${postgresVersion}; load ${loadavg()[0].toFixed(2)}`);
    const database = await freshDatabase();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'linkyard-bench-pdf-'));
    let server: Child<Ready> | null = null;
    try {
      await seedDemo(database.db, PASSWORD);
      const db = database.db.kysely;
      const orgId = (await db.selectFrom('organizations').select('id').where('slug', '=', 'acme').executeTakeFirstOrThrow()).id;
      // Three integrations with a sync each; 1,000 runs over 30 days, one in eight failing with a reason.
      const integrations = ['HubSpot CRM', 'Stripe Payments', 'Jira Cloud'].map((name, i) => ({
        id: uuidv7(),
        syncId: uuidv7(),
        name,
        provider: ['hubspot', 'stripe', 'jira'][i],
      }));
      for (const it of integrations) {
        await db
          .insertInto('integrations')
          .values({
            id: it.id,
            organization_id: orgId,
            provider: it.provider,
            name: it.name,
            status: 'ACTIVE',
            auth_type: it.provider === 'stripe' ? 'api_key' : 'oauth2',
            client_id: null,
            username: null,
            scopes: [],
            settings: '{}',
            updated_at: new Date(),
          })
          .execute();
        await db
          .insertInto('syncs')
          .values({
            id: it.syncId,
            organization_id: orgId,
            integration_id: it.id,
            resource: 'contacts',
            mode: 'full',
            cron: '0 * * * *',
            timezone: 'UTC',
            enabled: true,
            cursor: null,
            filters: '[]',
            next_run_at: null,
            last_run_at: null,
            updated_at: new Date(),
          })
          .execute();
      }
      const end = Date.parse('2026-03-31T00:00:00Z');
      const runs = Array.from({ length: RUNS }, (_, i) => {
        const it = integrations[i % integrations.length];
        const created = new Date(end - DAYS * 86_400_000 + Math.floor((i / RUNS) * DAYS * 86_400_000));
        const status = i % 8 === 0 ? ('failed' as const) : i % 50 === 0 ? ('cancelled' as const) : ('succeeded' as const);
        return {
          id: uuidv7(created.getTime()),
          organization_id: orgId,
          integration_id: it.id,
          sync_id: it.syncId,
          trigger: i % 4 ? ('schedule' as const) : ('manual' as const),
          status,
          scheduled_for: created,
          started_at: created,
          finished_at: new Date(created.getTime() + 2000 + (i % 37) * 100),
          fetched: 100 + (i % 50),
          created: i % 7,
          updated: i % 11,
          unchanged: 80,
          deleted: 0,
          failed: status === 'failed' ? 3 : 0,
          error: status === 'failed' ? 'HubSpot answered 429 Too Many Requests three times; giving up until the next schedule' : null,
          created_at: created,
        };
      });
      for (let i = 0; i < runs.length; i += 250)
        await db
          .insertInto('sync_runs')
          .values(runs.slice(i, i + 250))
          .execute();
      const startDate = new Date(end - DAYS * 86_400_000).toISOString().slice(0, 10);
      const endDate = new Date(end - 86_400_000).toISOString().slice(0, 10);
      ctx.log(`seeded ${RUNS} runs over ${DAYS} days (${startDate} … ${endDate}) for 3 integrations`);

      server = await startChild<Ready>(path.join(here, '../lib/app-server.ts'), {
        cwd: ctx.root,
        env: {
          NODE_ENV: 'development',
          DATABASE_URL: database.url,
          JWT_SECRET: randomBytes(32).toString('base64'),
          ENCRYPTION_KEY: randomBytes(32).toString('base64'),
          DATA_DIR: dataDir,
          LOG_LEVEL: 'warn',
          PUBLIC_URL: 'http://127.0.0.1:3000',
          ADMIN_UI: 'off',
        },
      });
      const base = `http://127.0.0.1:${server.ready.port}`;
      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@acme.test', password: PASSWORD }),
      });
      if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
      const authorization = `Bearer ${((await login.json()) as { accessToken: string }).accessToken}`;
      const url = `${base}/api/orgs/${orgId}/export?format=pdf&entities=runs&startDate=${startDate}&endDate=${endDate}`;

      const render = async () => {
        const started = performance.now();
        const res = await fetch(url, { headers: { authorization } });
        const body = Buffer.from(await res.arrayBuffer());
        if (res.status !== 200 || body.subarray(0, 5).toString() !== '%PDF-') throw new Error(`the export answered ${res.status}`);
        return { ms: performance.now() - started, bytes: body.length };
      };
      const cold = await render();
      ctx.log(`first render (launches Chromium; discarded): ${fmt(cold.ms)} ms, ${fmt(cold.bytes / 1024)} KiB`);

      // The reference: the same document through a bare page of a warm browser of our own.
      const organization = await db
        .selectFrom('organizations')
        .select(['id', 'slug', 'name'])
        .where('id', '=', orgId)
        .executeTakeFirstOrThrow();
      const report = await buildReport(database.db, {
        organization,
        format: 'pdf',
        entities: ['runs'],
        startDate,
        endDate,
        range: { from: new Date(`${startDate}T00:00:00Z`), to: new Date(Date.parse(`${endDate}T00:00:00Z`) + 86_400_000) },
        generatedAt: new Date(),
        generatedBy: 'admin@acme.test',
      });
      const browser = await launchChromium();
      const bare = async () => {
        const started = performance.now();
        const page = await browser.newPage();
        await page.setContent(report.document.html, { waitUntil: 'load' });
        const pdf = await page.pdf({
          ...REPORT_PDF_OPTIONS,
          headerTemplate: report.document.headerTemplate,
          footerTemplate: report.document.footerTemplate,
        });
        await page.close();
        return { ms: performance.now() - started, bytes: pdf.length };
      };

      const exportMs: number[] = [];
      const bareMs: number[] = [];
      let bytes = 0;
      let bareBytes = 0;
      try {
        await bare(); // warm the reference browser too
        const quiet = QUIET_WAIT_S > 0 ? await waitForQuiet(QUIET_WAIT_S, 0.15, ctx.log) : null;
        // Interleaved, so both see the same machine.
        for (let i = 0; i < RENDERS; i++) {
          const e = await render();
          exportMs.push(e.ms);
          bytes = e.bytes;
          const b = await bare();
          bareMs.push(b.ms);
          bareBytes = b.bytes;
          ctx.log(`render ${i + 1}: export ${fmt(e.ms)} ms · bare setContent + pdf ${fmt(b.ms)} ms`);
        }
        const p50 = percentile(exportMs, 50);
        const max = Math.max(...exportMs);
        const bareP50 = percentile(bareMs, 50);
        const passed = p50 < GOAL_MS && max < GOAL_MS;
        const markdown = `
Command: \`${ctx.command}\` (under \`flock /tmp/linkyard-bench.lock\` on the shared machine) · ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

${machineMarkdown(machine, { Postgres: postgresVersion, Chromium: await browser.version(), 'Load before measuring': quiet ? `${Math.round((quiet.busy ?? 0) * 100)}% busy with other work (waited ${quiet.waitedSeconds} s)` : 'not checked' })}

**Workload.** ${fmt(RUNS)} runs of 3 integrations over ${DAYS} days (one in eight failed, with a reason). The real application runs in a
child process; this process downloads \`GET /api/orgs/:orgId/export?format=pdf&entities=runs&startDate=${startDate}&endDate=${endDate}\`
over HTTP as the Acme admin: summary figures, the runs-per-day chart (inline SVG), integration health, recent failures and
the runs table capped at 500 rows — ${fmt(bytes / 1024)} KiB of PDF. The first render launches Chromium and is discarded
(${fmt(cold.ms)} ms); ${RENDERS} measured renders follow, each in a fresh incognito context and page (JavaScript off, network blocked).

| | p50 | max | min |
|---|---:|---:|---:|
| Export (HTTP request → last byte) | ${fmt(p50)} ms | ${fmt(max)} ms | ${fmt(Math.min(...exportMs))} ms |
| Reference: same HTML, bare \`page.setContent\` + \`page.pdf\` | ${fmt(bareP50)} ms | ${fmt(Math.max(...bareMs))} ms | ${fmt(Math.min(...bareMs))} ms |

**Reference.** The identical document (built by the same code from the same rows; ${fmt(bareBytes / 1024)} KiB of PDF) rendered by a bare
puppeteer page in a warm browser of its own, with the same paper and templates: Chromium's layout and printing alone.
Export ÷ reference at p50: **${fmt(p50 / bareP50, 2)}×** — the difference is the report's queries, building the HTML, the fresh
incognito context with request interception, and HTTP.

| Goal | Target | Measured | |
|---|---|---|---|
| Report with a warm browser | < ${fmt(GOAL_MS)} ms (p50 and max) | p50 ${fmt(p50)} ms, max ${fmt(max)} ms | ${passed ? '**PASS**' : '**FAIL**'} |
`;
        return { markdown, passed };
      } finally {
        await browser.close();
      }
    } finally {
      await server?.stop().catch(() => {});
      await database.close().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default bench;
