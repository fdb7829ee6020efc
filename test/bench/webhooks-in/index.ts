/**
 * Webhooks-in benchmark, two parts:
 * 1. Throughput: Stripe-signed deliveries (`Stripe-Signature: t=…,v1=HMAC-SHA256(t.body)`, each with a new event id,
 *    so every one is verified, stored as `accepted` and NOTIFYed) to `POST /api/webhooks/:integrationId` of the real
 *    app in an API process, against a bare Fastify route in the same process that reads the same bytes and answers
 *    202. The load generator (autocannon, signing each request) is this process, never the server's.
 * 2. Event-to-run-start latency: a real worker process (`--role worker`, WORKER_POLL_SECONDS=5) LISTENs; one signed
 *    event at a time (the previous one's run has ended) goes to the API; the latency is the run's `started_at` minus
 *    the event's `received_at`, both read from the database.
 *
 * Knobs: BENCH_CONNECTIONS (50), BENCH_DURATION seconds per measured run (10), BENCH_WARMUP (3), BENCH_EVENTS for
 * part 2 (100), BENCH_QUIET_WAIT (seconds to wait for a quieter machine; 60, 0 = no wait), BENCH_DATABASE_URL;
 * BENCH_PROFILE=1 writes a V8 CPU profile of each measured window of the API process and prints where its time went
 * (a diagnostic run: BENCHMARKS.md is left unchanged).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { seedDemo } from '../../../server/src/seed/demo.js';
import { startWorkerProcess, type WorkerProcess } from '../../helpers/worker-process.js';
import { startFakeProvider } from '../../fixtures/providers/index.js';
import { startChild, type Child } from '../lib/child.js';
import { cpuDelta, cpuSnapshot, waitForQuiet, type CpuUse } from '../lib/cpu.js';
import { summariseProfile } from '../lib/cpuprofile.js';
import { concat, percentile, type LoadResult } from '../lib/load.js';
import { describeMachine, machineMarkdown } from '../lib/machine.js';
import { freshDatabase, requirePostgres } from '../lib/postgres.js';
import { signedStripeEvent as signedWith } from '../lib/stripe-event.js';
import type { Benchmark, BenchContext } from '../types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const CONNECTIONS = num('BENCH_CONNECTIONS', 50);
const DURATION_S = num('BENCH_DURATION', 10);
const WARMUP_S = num('BENCH_WARMUP', 3);
const EVENTS = num('BENCH_EVENTS', 100);
const QUIET_WAIT_S = Number(process.env.BENCH_QUIET_WAIT ?? 60);
const QUIET_BELOW = 0.15;
const PASSWORD = 'linkyard-bench-password';
const SIGNING_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const GOALS = { minPerSec: 2000, maxP99Ms: 50, minRatio: 0.6, maxStartP99Ms: 2000 };
const PROFILE = process.env.BENCH_PROFILE === '1';

type Target = 'webhook' | 'bare' | 'stored';
const ORDER: Target[][] = [
  ['webhook', 'bare', 'stored'],
  ['stored', 'bare', 'webhook'],
];
interface Ready {
  appPort: number;
  barePort: number;
  storedPort: number;
}
interface Mark {
  eventLoopUtilization: number;
  cpuMs: number;
}
interface Run {
  round: number;
  target: Target;
  load: LoadResult;
  server: Mark;
  cpu: CpuUse | null;
  profile: string | null;
}

/** A Stripe event signed with this run's secret, the one the load integration verifies with. */
const signedStripeEvent = (id: string) => signedWith(SIGNING_SECRET, id);

let sequence = 0;
/** Closed-loop load: each of `connections` sends its next signed delivery when the previous answer arrives. */
async function runLoad(url: string, durationSeconds: number): Promise<LoadResult> {
  const latencies: number[] = [];
  const instance = autocannon({
    url,
    connections: CONNECTIONS,
    duration: durationSeconds,
    pipelining: 1,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const { body, signature } = signedStripeEvent(`evt_bench_${process.pid}_${++sequence}`);
          return { ...req, body, headers: { 'content-type': 'application/json', 'stripe-signature': signature } };
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
  const r = await instance;
  return {
    requests: r['2xx'],
    durationSeconds: r.duration,
    reqPerSec: r['2xx'] / r.duration,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count])),
    latencies: Float64Array.from(latencies),
    bytesPerResponse: r['2xx'] ? Math.round(r.throughput.total / r['2xx']) : 0,
  };
}

const bench: Benchmark = {
  name: 'webhooks-in',
  title: 'Webhooks in: Stripe-signed deliveries and event-to-run-start latency',
  description: 'accepted Stripe-signed webhooks/s vs a bare 202 route (same run), and event-to-run-start p99 with a LISTENing worker',
  async run(ctx) {
    const postgresVersion = await requirePostgres();
    const machine = describeMachine();
    const loadBefore = loadavg();
    ctx.log(`machine: ${machine.cpus} CPUs, load average ${loadBefore.map((l) => fmt(l, 2)).join(' ')} (shared machine)`);
    const database = await freshDatabase();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'linkyard-bench-webhooks-'));
    const fake = await startFakeProvider('stripe', { records: 20, token: 'sk_test_fake_stripe_key' });
    const env = serverEnv(database.url, dataDir);
    let server: Child<Ready & { type: string }> | null = null;
    let worker: WorkerProcess | null = null;
    try {
      await seedDemo(database.db, PASSWORD);
      server = await startChild<Ready & { type: string }>(path.join(here, 'server.ts'), { cwd: ctx.root, env });
      const { appPort, barePort, storedPort } = server.ready;
      const org = await sql<{ id: string }>`SELECT id FROM organizations WHERE slug = 'acme'`.execute(database.db.kysely);
      const api = await apiClient(appPort, org.rows[0].id);
      const loadTarget = await api.stripeIntegration('Stripe (load)');
      const urls: Record<Target, string> = {
        webhook: `http://127.0.0.1:${appPort}/api/webhooks/${loadTarget}`,
        bare: `http://127.0.0.1:${barePort}/bare/webhooks/${loadTarget}`,
        stored: `http://127.0.0.1:${storedPort}/stored/webhooks/${loadTarget}`,
      };
      await checkAccepted(urls.webhook);

      const quiet = QUIET_WAIT_S > 0 ? await waitForQuiet(QUIET_WAIT_S, QUIET_BELOW, ctx.log) : { busy: null, waitedSeconds: 0 };
      for (const target of ['webhook', 'bare', 'stored'] as Target[]) {
        ctx.log(`warm-up ${target}: ${WARMUP_S} s × ${CONNECTIONS} connections`);
        assertClean(await runLoad(urls[target], WARMUP_S), `warm-up of ${target}`);
      }
      const runs = await measureThroughput(ctx, server, database.db, urls);

      // Part 2 starts from an empty queue: the load's events are marked processed (they concern no sync).
      await sql`UPDATE webhook_events SET processed_at = now() WHERE processed_at IS NULL`.execute(database.db.kysely);
      const latencyTarget = await api.stripeIntegration('Stripe (latency)');
      // The production API accepts https provider URLs only; the worker (ALLOW_PRIVATE_NETWORK_TARGETS) calls the local fake.
      await sql`UPDATE integrations SET settings = jsonb_build_object('apiBaseUrl', ${fake.apiBaseUrl}::text) WHERE id = ${latencyTarget}`.execute(
        database.db.kysely,
      );
      await api.sync(latencyTarget);
      worker = await startWorkerProcess({
        databaseUrl: database.url,
        set: { JWT_SECRET: env.JWT_SECRET, ENCRYPTION_KEY: env.ENCRYPTION_KEY, WORKER_POLL_SECONDS: '5', LOG_LEVEL: 'warn' },
      });
      const starts = await measureRunStarts(ctx, database.db, `http://127.0.0.1:${appPort}/api/webhooks/${latencyTarget}`);
      await worker.stop();
      worker = null;
      await server.stop();
      server = null;

      const summary = summarise(runs, starts);
      if (PROFILE) {
        printProfiles(runs, ctx.root);
        ctx.log('diagnostic run (BENCH_PROFILE=1): the profiler skews the figures, so BENCHMARKS.md is left unchanged');
      }
      const extra = {
        Postgres: `${postgresVersion} (local, same machine)`,
        'Load average before the run (1, 5, 15 min)': `${loadBefore.map((l) => fmt(l, 2)).join(', ')} — a shared machine: other sessions' tests and builds ran meanwhile`,
        ...(quiet.busy !== null ? { 'Machine busy with other work just before measuring': `${fmt(quiet.busy * 100, 0)}%` } : {}),
        'Load average after the run (1 min)': fmt(loadavg()[0], 2),
      };
      return {
        markdown: report(ctx, machineMarkdown(machine, extra), summary, runs),
        passed: summary.goals.every((g) => g.pass),
        skipReport: PROFILE,
      };
    } finally {
      await worker?.stop().catch(() => {});
      await server?.stop().catch(() => {});
      await fake.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
export default bench;

async function measureThroughput(
  ctx: BenchContext,
  server: Child<Ready & { type: string }>,
  db: Awaited<ReturnType<typeof freshDatabase>>['db'],
  urls: Record<Target, string>,
): Promise<Run[]> {
  const runs: Run[] = [];
  const profileDir = PROFILE ? mkdtempSync(path.join(tmpdir(), 'linkyard-bench-webhooks-in-')) : null;
  for (const [i, order] of ORDER.entries()) {
    for (const target of order) {
      await pause(500);
      if (profileDir) await server.call({ type: 'profile-start' });
      await server.call<Mark>({ type: 'mark' });
      const pids = await backendPids(db);
      const before = cpuSnapshot(server.process.pid!, pids);
      const load = await runLoad(urls[target], DURATION_S);
      const after = cpuSnapshot(server.process.pid!, [...new Set([...pids, ...(await backendPids(db))])]);
      const mark = await server.call<Mark>({ type: 'mark' });
      const profile = profileDir
        ? (
            await server.call<{ file: string | null }>({
              type: 'profile-stop',
              file: path.join(profileDir, `round${i + 1}-${target}.cpuprofile`),
            })
          ).file
        : null;
      assertClean(load, `round ${i + 1} ${target}`);
      const cpu = cpuDelta(before, after);
      runs.push({ round: i + 1, target, load, server: mark, cpu, profile });
      const perRequest = (ms: number) => fmt((ms * 1000) / Math.max(1, load.requests), 0);
      ctx.log(
        `round ${i + 1} ${target.padEnd(8)} ${fmt(load.reqPerSec, 0).padStart(6)} req/s  p50 ${fmt(percentile(load.latencies, 50), 1)} ms  p99 ${fmt(percentile(load.latencies, 99), 1)} ms  server event loop ${fmt(mark.eventLoopUtilization * 100, 0)}% busy` +
          (cpu
            ? `  CPU per request: server ${perRequest(cpu.server)} µs, Postgres ${perRequest(cpu.postgres)} µs; other work ${fmt((cpu.other / cpu.capacity) * 100, 0)}% of the machine; load ${fmt(loadavg()[0], 2)}`
            : ''),
      );
    }
  }
  return runs;
}

/** One event at a time; each waits for the previous event's run to end, so every event queues a run of its own. */
async function measureRunStarts(ctx: BenchContext, db: Awaited<ReturnType<typeof freshDatabase>>['db'], url: string) {
  const starts: number[] = [];
  const processed: number[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const id = `evt_latency_${i}`;
    const { body, signature } = signedStripeEvent(id);
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body });
    if (res.status !== 202) throw new Error(`latency event ${i}: ${res.status} ${await res.text()}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const row = await sql<{ received_at: Date; processed_at: Date | null; started_at: Date | null; status: string | null }>`
        SELECT e.received_at, e.processed_at, r.started_at, r.status
          FROM webhook_events e LEFT JOIN sync_runs r ON r.id = e.run_id
         WHERE e.provider_event_id = ${id}`.execute(db.kysely);
      const r = row.rows[0];
      if (r?.started_at && r.status !== 'running' && r.status !== 'queued') {
        starts.push(r.started_at.getTime() - r.received_at.getTime());
        processed.push(r.processed_at!.getTime() - r.received_at.getTime());
        break;
      }
      if (Date.now() > deadline) throw new Error(`latency event ${i}: its run did not start and end within 60 s (${JSON.stringify(r)})`);
      await pause(10);
    }
    await pause(50 + Math.random() * 100);
  }
  const s = Float64Array.from(starts);
  ctx.log(
    `event → run start over ${EVENTS} events: p50 ${fmt(percentile(s, 50), 0)} ms, p99 ${fmt(percentile(s, 99), 0)} ms, max ${fmt(Math.max(...starts), 0)} ms`,
  );
  return { starts: s, processed: Float64Array.from(processed) };
}

function serverEnv(databaseUrl: string, dataDir: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    ROLE: 'api',
    ADMIN_UI: 'off',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: randomBytes(32).toString('base64'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PUBLIC_URL: 'https://linkyard.bench.invalid',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  };
}

async function apiClient(port: number, orgId: string) {
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'super@acme.test', password: PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const token = ((await login.json()) as { accessToken: string }).accessToken;
  const post = async (url: string, payload: unknown) => {
    const res = await fetch(`${base}/api/orgs/${orgId}${url}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    if (res.status !== 201) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  };
  return {
    stripeIntegration: (name: string) =>
      post('/integrations', { provider: 'stripe', name, apiKey: 'sk_test_fake_stripe_key', webhookSecret: SIGNING_SECRET }),
    sync: (integrationId: string) =>
      post(`/integrations/${integrationId}/syncs`, {
        resource: 'customers',
        mode: 'incremental',
        schedule: null,
        mappings: [{ source: 'id', target: 'id' }],
      }),
  };
}

async function checkAccepted(url: string) {
  const { body, signature } = signedStripeEvent('evt_bench_check');
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body });
  if (res.status !== 202) throw new Error(`a signed delivery was answered ${res.status}: ${await res.text()}`);
}

async function backendPids(db: Awaited<ReturnType<typeof freshDatabase>>['db']): Promise<number[]> {
  const { rows } = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(db.kysely);
  return rows.map((r) => r.pid);
}

function assertClean(r: LoadResult, what: string) {
  if (r.non2xx || r.errors || r.timeouts)
    throw new Error(`${what}: ${r.non2xx} non-2xx (${JSON.stringify(r.statusCodes)}), ${r.errors} errors, ${r.timeouts} timeouts`);
}

function summarise(runs: Run[], starts: { starts: Float64Array; processed: Float64Array }) {
  const of = (target: Target) => {
    const rs = runs.filter((r) => r.target === target);
    const latencies = concat(rs.map((r) => r.load.latencies));
    const requests = rs.reduce((n, r) => n + r.load.requests, 0);
    const seconds = rs.reduce((n, r) => n + r.load.durationSeconds, 0);
    const cpu = rs.every((r) => r.cpu)
      ? {
          server: (rs.reduce((n, r) => n + r.cpu!.server, 0) * 1000) / requests,
          postgres: (rs.reduce((n, r) => n + r.cpu!.postgres, 0) * 1000) / requests,
          loadGenerator: (rs.reduce((n, r) => n + r.cpu!.loadGenerator, 0) * 1000) / requests,
          otherPct: (rs.reduce((n, r) => n + r.cpu!.other, 0) / rs.reduce((n, r) => n + r.cpu!.capacity, 0)) * 100,
        }
      : null;
    return { perSec: requests / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), requests, cpu };
  };
  const webhook = of('webhook');
  const bare = of('bare');
  const stored = of('stored');
  const ratio = webhook.perSec / bare.perSec;
  const storedRatio = webhook.perSec / stored.perSec;
  const startP99 = percentile(starts.starts, 99);
  const goals = [
    { goal: `accepted webhooks/s ≥ ${fmt(GOALS.minPerSec, 0)}`, actual: fmt(webhook.perSec, 0), pass: webhook.perSec >= GOALS.minPerSec },
    { goal: `p99 < ${GOALS.maxP99Ms} ms`, actual: `${fmt(webhook.p99, 1)} ms`, pass: webhook.p99 < GOALS.maxP99Ms },
    { goal: `ratio to the bare route ≥ ${GOALS.minRatio}`, actual: fmt(ratio, 2), pass: ratio >= GOALS.minRatio },
    {
      goal: `event-to-run-start p99 < ${GOALS.maxStartP99Ms / 1000} s`,
      actual: `${fmt(startP99, 0)} ms`,
      pass: startP99 < GOALS.maxStartP99Ms,
    },
  ];
  return { webhook, bare, stored, ratio, storedRatio, starts, goals };
}

function report(ctx: BenchContext, machine: string, s: ReturnType<typeof summarise>, runs: Run[]): string {
  const cpu = (c: ReturnType<typeof summarise>['webhook']['cpu']) =>
    c
      ? `${fmt(c.server, 0)} / ${fmt(c.postgres, 0)} / ${fmt(c.loadGenerator, 0)} µs; other work ${fmt(c.otherPct, 0)}% of the machine`
      : '—';
  return `Command (from the repository root): \`${ctx.command}\` — last run ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}.

**Measured.** \`POST /api/webhooks/:integrationId\` on the real app (\`buildApp\`, \`ROLE=api\`, production logger at warn) in its
own process: raw body → integration lookup → webhook secret unsealed → Stripe-scheme verification (HMAC-SHA256 of
\`t.body\`, constant-time, 5-minute tolerance) → event id and type read → one transaction that inserts the
\`accepted\` row (dedup index) and NOTIFYs the workers → 202. Every request is a new Stripe event (new id), signed by
the load generator (autocannon in the benchmark process, ${CONNECTIONS} keep-alive connections, closed loop), so each
is verified and stored; no worker runs during this part (API nodes answer, workers process).
**References (same run, same process):** *bare*, a Fastify route that reads the same signed bodies as bytes and answers
202 \`{ received: true }\` — no lookup, verification or database (the goal's reference); *stored*, the same route storing
each event first as the least a durable receiver must (event id read from the JSON, one autocommitted INSERT of id, event
id and payload into a table with a unique event-id index, on a plain \`pg\` pool of the app's size) — no lookup,
verification, hooks, RLS or NOTIFY. The ratio to *stored* is what Linkyard's own layers cost on top of storing the event.

${machine}

| ${DURATION_S} s × 2 rounds each, alternating order | accepted/s | p50 | p99 | CPU per request: server / Postgres / load generator |
|---|---|---|---|---|
| webhook endpoint | ${fmt(s.webhook.perSec, 0)} | ${fmt(s.webhook.p50, 1)} ms | ${fmt(s.webhook.p99, 1)} ms | ${cpu(s.webhook.cpu)} |
| bare 202 route | ${fmt(s.bare.perSec, 0)} | ${fmt(s.bare.p50, 1)} ms | ${fmt(s.bare.p99, 1)} ms | ${cpu(s.bare.cpu)} |
| stored: bare route + one INSERT | ${fmt(s.stored.perSec, 0)} | ${fmt(s.stored.p50, 1)} ms | ${fmt(s.stored.p99, 1)} ms | ${cpu(s.stored.cpu)} |
| **ratio to bare** (the goal's) | **${fmt(s.ratio, 2)}** | | | |
| ratio to stored | ${fmt(s.storedRatio, 2)} | | | |

Rounds: ${runs.map((r) => `${r.round} ${r.target} ${fmt(r.load.reqPerSec, 0)}/s`).join('; ')}.${busyNote(s)}

**Event-to-run-start latency.** A real worker process (\`--role worker\`, \`WORKER_POLL_SECONDS=5\`) LISTENs on
\`linkyard_webhook_events\`; ${EVENTS} signed events were sent one at a time to the API process (each after the previous
event's run had ended, so each queues a run of its own, an incremental run of a Stripe customers sync against the
fake Stripe API). Latency = the run's \`started_at\` − the event's \`received_at\` (both from the database):
p50 ${fmt(percentile(s.starts.starts, 50), 0)} ms, p99 ${fmt(percentile(s.starts.starts, 99), 0)} ms, max ${fmt(Math.max(...s.starts.starts), 0)} ms
(event to processed: p50 ${fmt(percentile(s.starts.processed, 50), 0)} ms, p99 ${fmt(percentile(s.starts.processed, 99), 0)} ms). Without the NOTIFY the
worker would find an event at its next poll, up to 5 s later.

| Goal | Actual | |
|---|---|---|
${s.goals.map((g) => `| ${g.goal} | ${g.actual} | ${g.pass ? 'PASS' : 'FAIL'} |`).join('\n')}
`;
}

/** Above this share of the machine taken by other work while measuring, the figures say more about the machine. */
const BUSY_OTHER_PCT = 15;

/** A caveat only when the measured windows were shared with other work (the rounds' /proc figures say so). */
function busyNote(s: ReturnType<typeof summarise>): string {
  const other = Math.max(s.webhook.cpu?.otherPct ?? 0, s.bare.cpu?.otherPct ?? 0, s.stored.cpu?.otherPct ?? 0);
  if (other <= BUSY_OTHER_PCT) return '';
  return ` **Busy machine:** other work took ${fmt(other, 0)}% of the CPU while measuring (load average ${fmt(loadavg()[0], 2)} on ${cpus().length} cores), so throughput, latency and even CPU per request are inflated and the ratio is not the code's; rerun on a quiet machine before reading them.`;
}

/** Where the API process's time went in each profiled window, per request. */
function printProfiles(runs: Run[], root: string) {
  const watch =
    /^(receive|attempt|load|verifyWebhook|describeEvent|storedPayload|uuidv7|accept|write|flush|insertAcceptedBatch|inScope|query|hookRunner|onSendHookRunner|preHandler|onRequest|preValidation|rejectBadValues|findBadValue|genReqId|child|serialize|send|routeHandler|runPreParsing|rawBody)$/;
  for (const r of runs) {
    if (!r.profile) continue;
    const s = summariseProfile(r.profile, root, watch);
    const perRequest = (ms: number) => fmt((ms * 1000) / Math.max(1, r.load.requests), 1).padStart(6);
    console.log(`\nCPU profile, round ${r.round} ${r.target}: ${r.profile} (${fmt(s.totalMs, 0)} ms sampled, ${r.load.requests} requests)`);
    console.log('  self time by owner:');
    for (const o of s.byOwner.slice(0, 18)) console.log(`    ${fmt(o.pct, 1).padStart(5)}%  ${perRequest(o.selfMs)} µs/req  ${o.owner}`);
    console.log('  top functions (self):');
    for (const f of s.topSelf.slice(0, 30)) console.log(`    ${fmt(f.pct, 1).padStart(5)}%  ${perRequest(f.selfMs)} µs/req  ${f.fn}`);
    console.log('  inclusive:');
    for (const f of s.inclusive.slice(0, 30)) console.log(`    ${fmt(f.pct, 1).padStart(5)}%  ${perRequest(f.totalMs)} µs/req  ${f.fn}`);
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number, digits: number) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
