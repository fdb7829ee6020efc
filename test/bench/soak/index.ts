/**
 * Soak benchmark (issue 16): the production server under a steady mixed load for BENCH_SOAK_SECONDS (60) at
 * BENCH_SOAK_RATE requests per second (2,000) — reads, writes and Stripe-signed webhook deliveries (./workload.ts),
 * sent open-loop (lib/open-loop.ts) by a load-generator process of its own (./load-generator.ts) — while a real worker
 * acts on the webhook events and, a third of the way in, BENCH_SOAK_SYNCS (100) scheduled syncs fall due in the same
 * minute and run against a fake Stripe. Goals: no error (no non-2xx, no connection error, no timeout), the p99 of every
 * request kind recorded, the API process's RSS at the end within 10 % of its RSS at the start, every burst sync run once
 * and succeeded, every accepted webhook delivery stored (and none beyond those sent).
 *
 * Processes: this one (set-up, the fake Stripe, the samplers), the API (`node scripts/start.mjs`, NODE_ENV=production,
 * ROLE=api: the compiled build, lib/production-server.ts), the worker (the compiled build, `--role worker`, as the
 * scheduler benchmark starts it), the load generator, Postgres (the benchmark's own database).
 *
 * RSS: the kernel's VmRSS of the API process, sampled every second of the measured window, which begins after a
 * settle period of the same load (at least BENCH_SOAK_SETTLE_SECONDS, 15). Start = the median of the samples of the
 * window's first sixth (at least 3 s), end = the median of its last sixth: two steady states under the same load,
 * compared without forcing a garbage collection (production gets none).
 *
 * Knobs: BENCH_SOAK_SECONDS (60; 10 for a quick check), BENCH_SOAK_RATE (2000), BENCH_SOAK_SYNCS (100),
 * BENCH_SOAK_SETTLE_SECONDS (15), BENCH_DATABASE_URL.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { seedDemo } from '../../../server/src/seed/demo.js';
import { startFakeProvider } from '../../fixtures/providers/index.js';
import { startWorkerProcess, type WorkerProcess } from '../../helpers/worker-process.js';
import { startChild, type Child } from '../lib/child.js';
import { machineCpuMs, procCpuMs } from '../lib/cpu.js';
import { describeMachine, machineMarkdown } from '../lib/machine.js';
import type { KindResult } from '../lib/open-loop.js';
import { freshDatabase, requirePostgres } from '../lib/postgres.js';
import { freePort, memoryOf, startProduction, stopProduction, type Started } from '../lib/production-server.js';
import { ensureServerBuild } from '../lib/server-build.js';
import type { Benchmark, BenchContext } from '../types.js';
import { KINDS, type WorkloadTargets } from './workload.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const SECONDS = num('BENCH_SOAK_SECONDS', 60);
const RATE = num('BENCH_SOAK_RATE', 2000);
const BURST_SYNCS = Math.floor(num('BENCH_SOAK_SYNCS', 100));
const SETTLE_S = num('BENCH_SOAK_SETTLE_SECONDS', 15);
/** Integrations the rename writes cycle through. */
const RENAME_TARGETS = 10;
/** The RSS windows compared: the first and the last sixth of the measured window, 3 s at least. */
const RSS_WINDOW_S = Math.max(3, SECONDS / 6);
/** Where in the measured window the burst falls due. */
const BURST_AT = 1 / 3;
/** How long after the load the burst's runs may take to finish. */
const DRAIN_TIMEOUT_S = 180;
const GOAL_RSS_GROWTH = 0.1;
const PASSWORD = 'linkyard-bench-password';
const FAKE_TOKEN = 'sk_test_fake_stripe_key';
const RATE_LIMIT = '10000000';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const mib = (kb: number) => fmt(kb / 1024, 1);
/** A latency, or a dash when nothing was answered. */
const ms = (x: number | null, d = 1) => (x === null ? '—' : `${fmt(x, d)} ms`);
type Db = Awaited<ReturnType<typeof freshDatabase>>['db'];

interface RssSample {
  /** Seconds since the measured window began. */
  t: number;
  api: number;
  worker: number;
}
interface CpuMs {
  api: number;
  worker: number;
  generator: number;
  bench: number;
  postgres: number;
  other: number;
  capacity: number;
}
interface Measured {
  kinds: Record<string, KindResult>;
  rss: RssSample[];
  cpu: CpuMs;
  /** Seconds from the window's start to the burst's slot. */
  slotAt: number;
}

const bench: Benchmark = {
  name: 'soak',
  title: 'Soak: mixed load with a sync burst and webhooks, production server',
  description: `${SECONDS} s at ${fmt(RATE)} req/s of reads, writes and webhooks (open loop, own process) with ${BURST_SYNCS} syncs due mid-run: errors, p99 per kind, RSS drift`,
  async run(ctx) {
    await ensureServerBuild(ctx.root, ctx.log);
    const postgresVersion = await requirePostgres();
    const machine = describeMachine();
    const loadBefore = loadavg();
    const database = await freshDatabase();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'linkyard-bench-soak-'));
    const fake = await startFakeProvider('stripe', { records: 20, token: FAKE_TOKEN, recordRequests: false });
    const secrets = { JWT_SECRET: randomBytes(32).toString('base64'), ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    let api: Started | null = null;
    let worker: WorkerProcess | null = null;
    let generator: Child<{ pid: number }> | null = null;
    try {
      await seedDemo(database.db, PASSWORD, undefined, 10);
      const port = await freePort();
      api = await startProduction(ctx.root, apiEnv(port, database.url, dataDir, secrets));
      const baseUrl = new URL(api.url).origin;
      const client = await apiClient(baseUrl);
      const setup = await createWorkload(client, database.db, fake.apiBaseUrl);
      worker = await startWorkerProcess({
        databaseUrl: database.url,
        productionBuild: true,
        startTimeoutMs: 180_000,
        set: { ...secrets, PUBLIC_URL: 'https://linkyard.bench.invalid', LOG_LEVEL: 'warn' },
      });
      generator = await startChild<{ pid: number }>(path.join(here, 'load-generator.ts'), { cwd: ctx.root });
      ctx.log(
        `API ${api.child.pid} at ${baseUrl} (production build), worker ${worker.child.pid}, load generator ${generator.ready.pid}; ${BURST_SYNCS} burst syncs, machine load ${fmt(loadavg()[0], 2)}`,
      );

      // The slot: a minute boundary (a daily cron fires once) a third of the way into the measured window, which
      // begins after at least SETTLE_S seconds of the same load.
      const slot = new Date(Math.ceil((Date.now() + 10_000 + (SETTLE_S + SECONDS * BURST_AT) * 1000) / 60_000) * 60_000);
      await scheduleBurst(client, setup.burstSyncIds, slot);
      const settleS = (slot.getTime() - SECONDS * BURST_AT * 1000 - Date.now()) / 1000;
      if (settleS < SETTLE_S) throw new Error(`scheduling the burst took too long: ${fmt(settleS, 1)} s left to settle`);
      ctx.log(`burst due at ${slot.toISOString()}; settling under the same load for ${fmt(settleS, 1)} s`);
      const targets = { ...setup.targets, token: client.token };
      const settle = await generator.call<{ kinds: Record<string, KindResult> }>({
        type: 'run',
        baseUrl,
        targets: { ...targets, phase: 'settle' },
        rate: RATE,
        seconds: settleS,
      });
      ctx.log(`settle: ${kindsLine(settle.kinds)}`);

      const measured = await measure(ctx, database.db, { api, worker, generator }, { baseUrl, targets, slot });
      const burst = await burstOutcome(ctx, database.db, slot);
      const webhooks = await webhookOutcome(database.db, setup.targets.webhookIntegrationId);
      const apiHwmKb = memoryOf(api.child.pid!).hwmKb;
      const summary = summarise(measured, burst, webhooks);
      const extra = {
        Postgres: `${postgresVersion} (local, same machine)`,
        'Load average before the run (1, 5, 15 min)': loadBefore.map((l) => fmt(l, 2)).join(', '),
        'Load average after the run (1 min)': fmt(loadavg()[0], 2),
      };
      return {
        markdown: report(ctx, machineMarkdown(machine, extra), summary, { settleS, apiHwmKb }),
        passed: summary.goals.every((g) => g.pass),
      };
    } finally {
      await generator?.stop().catch(() => {});
      await worker?.stop().catch(() => {});
      if (api) await stopProduction(api.child).catch(() => {});
      await fake.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
export default bench;

function apiEnv(port: number, databaseUrl: string, dataDir: string, secrets: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'production',
    ROLE: 'api',
    // The soak drives the API; the admin UI's pages are the ui and memory benchmarks' business.
    ADMIN_UI: 'off',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    PUBLIC_URL: 'https://linkyard.bench.invalid',
    ...secrets,
    LOG_LEVEL: 'warn',
    MIGRATE_ON_START: 'false',
    // Both limits stay enforced (every request is counted per user and per organization), raised above what the
    // load sends: the defaults (600 and 3,000 a minute) would answer 429 within the first second.
    RATE_LIMIT_USER_PER_MINUTE: RATE_LIMIT,
    RATE_LIMIT_ORG_PER_MINUTE: RATE_LIMIT,
  };
}

type ApiClient = Awaited<ReturnType<typeof apiClient>>;

/** Signs in as the demo Super Admin of Acme; `call` sends one authenticated JSON request and checks its status. */
async function apiClient(baseUrl: string) {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'super@acme.test', password: PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const token = ((await login.json()) as { accessToken: string }).accessToken;
  const me = await fetch(`${baseUrl}/api/orgs`, { headers: { authorization: `Bearer ${token}` } });
  const orgs = ((await me.json()) as { items: { id: string; slug: string }[] }).items;
  const orgId = orgs.find((o) => o.slug === 'acme')!.id;
  const call = async (method: string, url: string, status: number, payload: unknown) => {
    const res = await fetch(`${baseUrl}/api/orgs/${orgId}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    if (res.status !== status) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string };
  };
  return { token, orgId, call };
}

/**
 * Through the API: the rename targets, the webhook integration (with a sync, so the worker acts on its events) and
 * the burst's integrations, one manual sync each. The production API takes https provider URLs only, so the Stripe
 * integrations are pointed at the local fake in the database (the worker runs with ALLOW_PRIVATE_NETWORK_TARGETS).
 */
async function createWorkload(client: ApiClient, db: Db, fakeBaseUrl: string) {
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const stripe = async (name: string) =>
    (await client.call('POST', '/integrations', 201, { provider: 'stripe', name, apiKey: FAKE_TOKEN, webhookSecret })).id;
  const sync = async (integrationId: string) =>
    (
      await client.call('POST', `/integrations/${integrationId}/syncs`, 201, {
        resource: 'customers',
        mode: 'incremental',
        schedule: null,
        mappings: [
          { source: 'id', target: 'id' },
          { source: 'email', target: 'email' },
        ],
      })
    ).id;
  const renameIds: string[] = [];
  for (let i = 0; i < RENAME_TARGETS; i++) renameIds.push(await stripe(`Soak rename ${i}`));
  const webhookIntegrationId = await stripe('Soak webhooks');
  await sync(webhookIntegrationId);
  const burstSyncIds: string[] = [];
  for (let i = 0; i < BURST_SYNCS; i++) burstSyncIds.push(await sync(await stripe(`Soak burst ${i}`)));
  await sql`UPDATE integrations SET settings = jsonb_build_object('apiBaseUrl', ${fakeBaseUrl}::text) WHERE provider = 'stripe'`.execute(
    db.kysely,
  );
  return { targets: { orgId: client.orgId, renameIds, webhookIntegrationId, webhookSecret }, burstSyncIds };
}

/** Gives every burst sync the daily cron of `slot` (UTC) through the API, which schedules its job for the slot. */
async function scheduleBurst(client: ApiClient, syncIds: string[], slot: Date) {
  const cron = `${slot.getUTCMinutes()} ${slot.getUTCHours()} * * *`;
  for (const id of syncIds) await client.call('PATCH', `/syncs/${id}`, 200, { schedule: { cron, timezone: 'UTC' } });
}

/**
 * The measured window: the load for SECONDS, the API's and the worker's RSS sampled every second, and the CPU time of
 * every process over the window from /proc.
 */
async function measure(
  ctx: BenchContext,
  db: Db,
  procs: { api: Started; worker: WorkerProcess; generator: Child<{ pid: number }> },
  run: { baseUrl: string; targets: Omit<WorkloadTargets, 'phase'>; slot: Date },
): Promise<Measured> {
  const pids = { api: procs.api.child.pid!, worker: procs.worker.child.pid!, generator: procs.generator.ready.pid };
  const before = await cpuNow(db, pids);
  const start = Date.now();
  const rss: RssSample[] = [];
  const sample = () => rss.push({ t: (Date.now() - start) / 1000, api: memoryOf(pids.api).rssKb, worker: memoryOf(pids.worker).rssKb });
  sample();
  const sampler = setInterval(sample, 1000);
  const result = await procs.generator
    .call<{ kinds: Record<string, KindResult> }>({
      type: 'run',
      baseUrl: run.baseUrl,
      targets: { ...run.targets, phase: 'measured' },
      rate: RATE,
      seconds: SECONDS,
    })
    .finally(() => clearInterval(sampler));
  const after = await cpuNow(db, pids);
  ctx.log(`measured ${SECONDS} s: ${kindsLine(result.kinds)}`);
  const backends = new Set([...before.postgres.keys(), ...after.postgres.keys()]);
  let postgres = 0;
  for (const pid of backends) postgres += (after.postgres.get(pid) ?? before.postgres.get(pid) ?? 0) - (before.postgres.get(pid) ?? 0);
  const spent = (k: 'api' | 'worker' | 'generator' | 'bench') => after[k] - before[k];
  const busy = after.machine.busy - before.machine.busy;
  const cpu: CpuMs = {
    api: spent('api'),
    worker: spent('worker'),
    generator: spent('generator'),
    bench: spent('bench'),
    postgres,
    other: Math.max(0, busy - spent('api') - spent('worker') - spent('generator') - spent('bench') - postgres),
    capacity: after.machine.total - before.machine.total,
  };
  const requests = Object.values(result.kinds).reduce((n, k) => n + k.sent, 0);
  console.log(`\n${cpuTable(cpu, requests)}\n`);
  return { kinds: result.kinds, rss, cpu, slotAt: (run.slot.getTime() - start) / 1000 };
}

async function cpuNow(db: Db, pids: { api: number; worker: number; generator: number }) {
  const { rows } = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(db.kysely);
  const postgres = new Map<number, number>();
  for (const { pid } of rows) postgres.set(pid, procCpuMs(pid) ?? 0);
  const self = process.cpuUsage();
  return {
    api: procCpuMs(pids.api) ?? NaN,
    worker: procCpuMs(pids.worker) ?? NaN,
    generator: procCpuMs(pids.generator) ?? NaN,
    bench: (self.user + self.system) / 1000,
    postgres,
    machine: machineCpuMs(),
  };
}

/** CPU time of every process over the measured window (from /proc), per request sent and as a share of the machine. */
function cpuTable(c: CpuMs, requests: number): string {
  const rows: [string, number][] = [
    ['API (production build)', c.api],
    ["Postgres (the database's backends)", c.postgres],
    ['worker', c.worker],
    ['load generator', c.generator],
    ['benchmark process (fake Stripe, samplers)', c.bench],
    ['other work on the machine', c.other],
  ];
  return [
    '| CPU over the measured window | µs per request sent | share of the machine |',
    '|---|---:|---:|',
    ...rows.map(([who, ms]) => `| ${who} | ${fmt((ms * 1000) / requests)} | ${fmt((ms / c.capacity) * 100, 0)} % |`),
  ].join('\n');
}

function kindsLine(kinds: Record<string, KindResult>): string {
  return Object.entries(kinds)
    .map(([name, k]) => `${name} ${k.sent} sent, p99 ${ms(k.p99)}${problems(k) ? ` (${problems(k)})` : ''}`)
    .join('; ');
}

/** Non-2xx answers, connection errors and timeouts of a kind, or '' when there were none. */
function problems(k: KindResult): string {
  const non2xx = Object.entries(k.statusCodes).filter(([code]) => !code.startsWith('2'));
  return [
    ...non2xx.map(([code, n]) => `${n} × ${code}`),
    ...Object.entries(k.errors).map(([code, n]) => `${n} × ${code}`),
    ...(k.timeouts ? [`${k.timeouts} timeouts`] : []),
  ].join(', ');
}

/** Waits for every run of the slot to end, then reads their statuses and lags from sync_runs. */
async function burstOutcome(ctx: BenchContext, db: Db, slot: Date) {
  const deadline = Date.now() + DRAIN_TIMEOUT_S * 1000;
  for (;;) {
    const { rows } = await sql<{ n: number; open: number }>`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE status IN ('queued', 'running'))::int AS open
        FROM sync_runs WHERE trigger = 'schedule' AND scheduled_for = ${slot}`.execute(db.kysely);
    if ((rows[0].n >= BURST_SYNCS && rows[0].open === 0) || Date.now() > deadline) break;
    await sleep(500);
  }
  const { rows } = await sql<{ status: string; n: number; syncs: number; dispatch_p99: number | null; start_p99: number | null }>`
    SELECT status, count(*)::int AS n, count(DISTINCT sync_id)::int AS syncs,
      extract(epoch FROM percentile_disc(0.99) WITHIN GROUP (ORDER BY created_at - scheduled_for))::float8 AS dispatch_p99,
      extract(epoch FROM percentile_disc(0.99) WITHIN GROUP (ORDER BY started_at - scheduled_for))::float8 AS start_p99
      FROM sync_runs WHERE trigger = 'schedule' AND scheduled_for = ${slot} GROUP BY status`.execute(db.kysely);
  const statuses = Object.fromEntries(rows.map((r) => [r.status, r.n]));
  const runs = rows.reduce((n, r) => n + r.n, 0);
  const syncs = rows.reduce((n, r) => n + r.syncs, 0);
  const p99 = (k: 'dispatch_p99' | 'start_p99') => Math.max(...rows.map((r) => r[k] ?? NaN));
  ctx.log(`burst: ${runs} runs of ${BURST_SYNCS} syncs (${JSON.stringify(statuses)})`);
  return { runs, syncs, statuses, dispatchP99: p99('dispatch_p99'), startP99: p99('start_p99') };
}

/** The measured window's webhook events: how many were stored, and how many the worker had acted on by the end. */
async function webhookOutcome(db: Db, integrationId: string) {
  const { rows } = await sql<{ stored: number; processed: number }>`
    SELECT count(*)::int AS stored, count(processed_at)::int AS processed FROM webhook_events
     WHERE integration_id = ${integrationId} AND provider_event_id LIKE 'evt_soak_measured_%'`.execute(db.kysely);
  return rows[0];
}

/** Requests of a kind answered 2xx. */
const answered2xx = (k: KindResult) => Object.entries(k.statusCodes).reduce((n, [code, c]) => n + (code.startsWith('2') ? c : 0), 0);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};

function summarise(m: Measured, burst: Awaited<ReturnType<typeof burstOutcome>>, webhooks: Awaited<ReturnType<typeof webhookOutcome>>) {
  const window = (from: number, to: number) => m.rss.filter((s) => s.t >= from && s.t <= to);
  const first = window(0, RSS_WINDOW_S);
  const last = window(SECONDS - RSS_WINDOW_S, Infinity);
  const rss = (who: 'api' | 'worker') => {
    const start = median(first.map((s) => s[who]));
    const end = median(last.map((s) => s[who]));
    return { start, end, growth: end / start - 1, max: Math.max(...m.rss.map((s) => s[who])) };
  };
  const api = rss('api');
  const kinds = Object.entries(m.kinds);
  const requests = kinds.reduce((n, [, k]) => n + k.sent, 0);
  const bad = kinds.filter(([, k]) => problems(k)).map(([name, k]) => `${name}: ${problems(k)}`);
  const webhook2xx = answered2xx(m.kinds.webhook);
  const goals = [
    { goal: 'No error: every request answered 2xx, no connection error, no timeout', actual: bad.join('; ') || 'none', pass: !bad.length },
    {
      goal: `API RSS at the end within ${GOAL_RSS_GROWTH * 100} % of the start`,
      actual: `${mib(api.start)} → ${mib(api.end)} MiB (${api.growth >= 0 ? '+' : ''}${fmt(api.growth * 100, 1)} %)`,
      pass: api.growth <= GOAL_RSS_GROWTH,
    },
    {
      goal: `Every burst sync ran once for the slot and succeeded`,
      actual: `${burst.runs} runs of ${burst.syncs} syncs: ${
        Object.entries(burst.statuses)
          .map(([s, n]) => `${n} ${s}`)
          .join(', ') || 'none'
      }`,
      pass: burst.runs === BURST_SYNCS && burst.syncs === BURST_SYNCS && burst.statuses.succeeded === BURST_SYNCS,
    },
    {
      // A delivery that timed out at the load generator may still have been stored (the server had it), so the stored
      // events lie between the accepted and the sent ones; with no timeout or error all three are equal.
      goal: 'Webhook events stored: no fewer than the deliveries accepted, no more than those sent',
      actual: `${fmt(webhooks.stored)} stored; ${fmt(webhook2xx)} accepted of ${fmt(m.kinds.webhook.sent)} sent`,
      pass: webhooks.stored >= webhook2xx && webhooks.stored <= m.kinds.webhook.sent,
    },
  ];
  return { m, burst, webhooks, api, worker: rss('worker'), requests, first, last, goals };
}

function report(ctx: BenchContext, machine: string, s: ReturnType<typeof summarise>, run: { settleS: number; apiHwmKb: number }): string {
  const kindRows = KINDS.map((k) => {
    const r = s.m.kinds[k.name];
    return `| ${k.name} | ${k.what} | ${fmt(r.sent / SECONDS)} | ${fmt(answered2xx(r) / SECONDS)} | ${fmt(r.sent)} | ${ms(r.p50)} | **${ms(r.p99)}** | ${ms(r.max, 0)} | ${problems(r) || 'none'} |`;
  }).join('\n');
  return `Command (from the repository root): \`${ctx.command}\` — last run ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}.

**Measured.** The production server — \`node scripts/start.mjs\` (what \`npm start\` runs) with \`NODE_ENV=production\`,
\`ROLE=api\`: the compiled build on plain node, logger at warn, rate limits counted but raised out of reach — under
${fmt(RATE)} requests/s for ${SECONDS} s, after ${fmt(run.settleS, 0)} s of the same load to settle. A load-generator
process of its own sends the mix below **open-loop**: each kind at a fixed, evenly spaced rate that never waits for
answers, latency measured from when a request was due (time queued behind a slow server counts), keep-alive
connections (up to 256); a request not answered 10 s after it was due is aborted and counted as a timeout. Meanwhile a real worker (the compiled
build, \`--role worker\`, default concurrency) acts on the webhook events (each queues or joins an incremental run of the
webhook integration's sync against a fake Stripe in the benchmark process), and ${BURST_SYNCS} syncs (one per Stripe
integration, given the daily cron of one minute through the API) fall due together ${fmt(s.m.slotAt, 0)} s into the
window and run against the same fake. Expected non-2xx answers: none.

${machine}

| Kind | What | sent/s | 2xx/s | Sent | p50 | p99 | max | Non-2xx, errors, timeouts |
|---|---|---:|---:|---:|---:|---:|---:|---|
${kindRows}

Latencies are of the answered requests, from when each was due; timed-out requests are counted in the last column.

**RSS** (VmRSS from \`/proc/<pid>/status\`, sampled every second of the measured window; no garbage collection forced):
start = median of the ${s.first.length} samples of the first ${fmt(RSS_WINDOW_S, 0)} s, end = median of the ${s.last.length}
samples of the last ${fmt(RSS_WINDOW_S, 0)} s — both steady states under the same load, the burst in between.

| Process | RSS start | RSS end | change | max sampled |
|---|---:|---:|---:|---:|
| API (goal) | ${mib(s.api.start)} MiB | ${mib(s.api.end)} MiB | ${fmt(s.api.growth * 100, 1)} % | ${mib(s.api.max)} MiB (VmHWM ${mib(run.apiHwmKb)} MiB) |
| worker | ${mib(s.worker.start)} MiB | ${mib(s.worker.end)} MiB | ${fmt(s.worker.growth * 100, 1)} % | ${mib(s.worker.max)} MiB |

**Burst:** ${s.burst.runs} runs for the slot; dispatch lag p99 ${fmt(s.burst.dispatchP99, 2)} s, start lag p99
${fmt(s.burst.startP99, 2)} s (under the load; the scheduler benchmark measures them alone). **Webhooks:**
${fmt(s.webhooks.stored)} events of the window stored, ${fmt(s.webhooks.processed)} acted on by the worker when the burst had finished.

${cpuTable(s.m.cpu, s.requests)}

| Goal | Actual | |
|---|---|---|
${s.goals.map((g) => `| ${g.goal} | ${g.actual} | ${g.pass ? 'PASS' : 'FAIL'} |`).join('\n')}
`;
}
