/**
 * The webhook part of `npm run bench -- delivery`: signed deliveries from two real worker processes
 * (`server/src/main.ts --role worker`, default WEBHOOK_* settings unless set in the environment) to a local receiver
 * in a process of its own (./receiver.ts), against a bare HTTP POST loop from this process to the same receiver.
 *
 * 1. Throughput: a backlog of deliveries committed in one transaction (events through the real outbox port,
 *    `recordEvent`, each fanned out to every endpoint); timed from its commit until the last one is recorded
 *    `succeeded` in the database (and, separately, until the last one reached the receiver).
 * 2. Latency: events committed at a steady rate (open loop, small transactions every 10 ms) for a while; for each
 *    delivery, from its event's COMMIT returning here to its arrival at the receiver (p50 / p99 / max).
 * Reference: a closed loop of bare keep-alive POSTs (same body size and headers, no database, no signing) from this
 * process, before and after the deliveries; the faster of the two is the reference.
 *
 * Knobs (environment): BENCH_WEBHOOK_ENDPOINTS (4), BENCH_WEBHOOK_BACKLOG (deliveries, 20,000),
 * BENCH_WEBHOOK_RATE (deliveries/s offered in the latency phase, 1,000), BENCH_WEBHOOK_SECONDS (10),
 * BENCH_WEBHOOK_LOOP_CONCURRENCY (bare loop's requests in flight, 64), BENCH_QUIET_WAIT (30 s), BENCH_DATABASE_URL,
 * BENCH_WEBHOOK_PROFILE (a directory: the workers run with --cpu-prof writing there; BENCHMARKS.md is then left alone);
 * WEBHOOK_CONCURRENCY, WEBHOOK_ENDPOINT_CONCURRENCY, WEBHOOK_POLL_INTERVAL reach the workers as they are.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { buildApp } from '../../../server/src/app.js';
import { inScope } from '../../../server/src/lib/db-scope.js';
import { recordEvent } from '../../../server/src/modules/webhooks/webhooks.port.js';
import { seedDemo } from '../../../server/src/seed/demo.js';
import { testConfig } from '../../helpers/config.js';
import { startWorkerProcess, type WorkerProcess } from '../../helpers/worker-process.js';
import { startChild, type Child } from '../lib/child.js';
import { waitForQuiet } from '../lib/cpu.js';
import { freshDatabase } from '../lib/postgres.js';
import type { BenchContext } from '../types.js';
import type { DeliverySectionResult } from './index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const ENDPOINTS = num('BENCH_WEBHOOK_ENDPOINTS', 4);
const BACKLOG = num('BENCH_WEBHOOK_BACKLOG', 20_000);
const RATE = num('BENCH_WEBHOOK_RATE', 1_000);
const SECONDS = num('BENCH_WEBHOOK_SECONDS', 10);
const LOOP_CONCURRENCY = num('BENCH_WEBHOOK_LOOP_CONCURRENCY', 64);
const QUIET_WAIT_S = num('BENCH_QUIET_WAIT', 30);
/** The share of the machine other work may keep busy for a run to count as quiet. */
const QUIET_BUSY = 0.15;
const PROFILE_DIR = process.env.BENCH_WEBHOOK_PROFILE ? path.resolve(process.env.BENCH_WEBHOOK_PROFILE) : null;
const WORKERS = 2;
const GOAL_RATE = 1_000;
const GOAL_P99_MS = 1_000;
const PASSWORD = 'linkyard-bench-password';
const TICK_MS = 10;

type Db = Awaited<ReturnType<typeof freshDatabase>>;
interface Arrival {
  id: string;
  path: string;
  at: number;
}
interface Report {
  arrivals: Arrival[];
  samples: { path: string; headers: Record<string, string>; body: string }[];
}
interface Setup {
  orgId: string;
  /** Secret of each endpoint by its receiver path. */
  secrets: Map<string, string>;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

interface Pids {
  workers: number[];
  receiver: number;
}

/** CPU (ms) of the workers, the receiver and this database's Postgres backends, for the per-delivery costs. */
async function cpuNow(database: Db, pids: Pids) {
  const backends = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(
    database.db.kysely,
  );
  return {
    workers: pids.workers.reduce((sum, pid) => sum + cpuMsOf(pid), 0),
    receiver: cpuMsOf(pids.receiver),
    postgres: new Map(backends.rows.map((r) => [r.pid, cpuMsOf(r.pid)])),
    commits: Number(
      (
        await sql<{ n: string }>`SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()`.execute(
          database.db.kysely,
        )
      ).rows[0].n,
    ),
    self: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
  };
}
type Cpu = Awaited<ReturnType<typeof cpuNow>>;
function cpuSpent(a: Cpu, b: Cpu) {
  let postgres = 0;
  for (const [pid, ms] of b.postgres) postgres += ms - (a.postgres.get(pid) ?? 0);
  return {
    workers: b.workers - a.workers,
    receiver: b.receiver - a.receiver,
    postgres,
    generator: b.self - a.self,
    commits: b.commits - a.commits,
  };
}

/** The organization, and ENDPOINTS endpoints (records.changed) at the receiver, made through the real API. */
async function setUp(database: Db, receiverPort: number): Promise<Setup> {
  await seedDemo(database.db, PASSWORD, undefined, 10);
  const config = testConfig({ ROLE: 'api', DATABASE_URL: database.url, ALLOW_PRIVATE_NETWORK_TARGETS: 'true', LOG_LEVEL: 'warn' });
  const app = await buildApp({ config, db: database.db, logger: false });
  try {
    await app.ready();
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'admin@acme.test', password: PASSWORD } });
    if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
    const authorization = `Bearer ${login.json().accessToken}`;
    const org = await database.db.kysely.selectFrom('organizations').select('id').where('slug', '=', 'acme').executeTakeFirstOrThrow();
    const secrets = new Map<string, string>();
    for (let i = 0; i < ENDPOINTS; i++) {
      const res = await app.inject({
        method: 'POST',
        url: `/api/orgs/${org.id}/webhook-endpoints`,
        headers: { authorization },
        payload: { url: `http://127.0.0.1:${receiverPort}/hooks/${i}`, events: ['records.changed'], description: `bench ${i}` },
      });
      if (res.statusCode !== 201) throw new Error(`creating an endpoint failed: ${res.statusCode} ${res.body}`);
      secrets.set(`/hooks/${i}`, res.json().secret);
    }
    return { orgId: org.id, secrets };
  } finally {
    await app.close();
  }
}

const eventData = (i: number) => ({
  runId: `0190${String(i).padStart(28, '0')}`,
  syncId: '01900000-0000-7000-8000-000000000001',
  integrationId: '01900000-0000-7000-8000-000000000002',
  resource: 'customers',
  added: i % 50,
  updated: i % 7,
  deleted: i % 3,
});

/** Commits `events` events through the outbox port in one transaction; returns their ids and when COMMIT returned. */
async function commitEvents(database: Db, orgId: string, events: number, offset: number) {
  const ids: string[] = [];
  await inScope(database.db, { org: orgId }, async (tx) => {
    for (let i = 0; i < events; i++) ids.push(await recordEvent(tx, orgId, 'records.changed', eventData(offset + i)));
  });
  return { ids, committedAt: now() };
}

/**
 * Resolves when every delivery is recorded: first waits (asking the receiver, not the database, so the waiting costs
 * Postgres nothing) until `expected` requests arrived, then until no delivery is pending (the partial due index).
 */
async function waitForAll(database: Db, receiver: Child<unknown>, expected: number): Promise<number> {
  const until = Date.now() + 600_000;
  const check = () => {
    if (Date.now() > until) throw new Error(`deliveries still pending after 10 minutes`);
  };
  while ((await receiver.call<{ count: number }>({ type: 'count' })).count < expected) {
    check();
    await sleep(5);
  }
  for (;;) {
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending'`.execute(
      database.db.kysely,
    );
    if (r.rows[0].n === 0) return now();
    check();
    await sleep(5);
  }
}

interface Drain {
  /** CPU spent committing the events (the outbox insert), and then delivering them. */
  cpu: { commit: ReturnType<typeof cpuSpent>; deliver: ReturnType<typeof cpuSpent> };
  deliveries: number;
  recordedMs: number;
  receivedMs: number;
  duplicates: number;
}

/** Phase 1: a backlog committed at once, drained by the workers. */
async function drainBacklog(
  db: Db,
  receiver: Child<unknown>,
  setup: Setup,
  pids: Pids,
  deliveries: number,
  offset: number,
): Promise<Drain> {
  await receiver.call({ type: 'reset' });
  const events = Math.ceil(deliveries / ENDPOINTS);
  const cpu0 = await cpuNow(db, pids);
  const { committedAt } = await commitEvents(db, setup.orgId, events, offset);
  const cpu1 = await cpuNow(db, pids);
  const recordedAt = await waitForAll(db, receiver, events * ENDPOINTS);
  await sleep(1_100); // Postgres publishes its transaction counts at most once a second
  const cpu2 = await cpuNow(db, pids);
  const failed = await sql<{ n: number }>`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status <> 'succeeded'`.execute(
    db.db.kysely,
  );
  if (failed.rows[0].n) throw new Error(`${failed.rows[0].n} deliveries did not succeed`);
  const report = await receiver.call<Report>({ type: 'report' });
  const unique = new Set(report.arrivals.map((a) => `${a.id} ${a.path}`));
  if (unique.size !== events * ENDPOINTS) throw new Error(`the receiver saw ${unique.size} deliveries, expected ${events * ENDPOINTS}`);
  const lastArrival = Math.max(...report.arrivals.map((a) => a.at));
  return {
    cpu: { commit: cpuSpent(cpu0, cpu1), deliver: cpuSpent(cpu1, cpu2) },
    deliveries: events * ENDPOINTS,
    recordedMs: recordedAt - committedAt,
    receivedMs: lastArrival - committedAt,
    duplicates: report.arrivals.length - unique.size,
  };
}

interface Latency {
  offered: number;
  deliveries: number;
  seconds: number;
  sorted: number[];
  duplicates: number;
  samples: Report['samples'];
}

/** Phase 2: events at a steady rate (open loop); each delivery's latency from its event's commit to its arrival. */
async function steadyRate(database: Db, receiver: Child<unknown>, setup: Setup, offset: number): Promise<Latency> {
  await receiver.call({ type: 'reset' });
  const committed = new Map<string, number>();
  const eventsPerMs = RATE / ENDPOINTS / 1000;
  const started = now();
  let sent = 0;
  while (now() - started < SECONDS * 1000) {
    const due = Math.floor((now() - started) * eventsPerMs) - sent;
    if (due > 0) {
      const { ids, committedAt } = await commitEvents(database, setup.orgId, due, offset + sent);
      for (const id of ids) committed.set(id, committedAt);
      sent += due;
    }
    await sleep(TICK_MS);
  }
  const seconds = (now() - started) / 1000;
  await waitForAll(database, receiver, sent * ENDPOINTS);
  const report = await receiver.call<Report>({ type: 'report' });
  const first = new Map<string, number>();
  for (const a of report.arrivals) {
    const key = `${a.id} ${a.path}`;
    if (!first.has(key)) first.set(key, a.at - committed.get(a.id)!);
  }
  if (first.size !== sent * ENDPOINTS) throw new Error(`the receiver saw ${first.size} deliveries, expected ${sent * ENDPOINTS}`);
  return {
    offered: (sent * ENDPOINTS) / seconds,
    deliveries: first.size,
    seconds,
    sorted: [...first.values()].sort((a, b) => a - b),
    duplicates: report.arrivals.length - first.size,
    samples: report.samples,
  };
}

/** The reference: `total` bare POSTs, LOOP_CONCURRENCY at a time, on one keep-alive agent; requests per second. */
async function bareLoop(url: string, total: number, sample: Report['samples'][number]): Promise<number> {
  const agent = new http.Agent({ keepAlive: true });
  const headers = {
    'content-type': 'application/json',
    'webhook-id': sample.headers['webhook-id'],
    'webhook-timestamp': sample.headers['webhook-timestamp'],
    'webhook-signature': sample.headers['webhook-signature'],
    'user-agent': sample.headers['user-agent'],
  };
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(url, { method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 204 ? resolve() : reject(new Error(`receiver answered ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(sample.body);
    });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: LOOP_CONCURRENCY }, async () => {
      while (next++ < total) await post();
    }),
  );
  const rate = total / ((performance.now() - started) / 1000);
  agent.destroy();
  return rate;
}

/** Every sampled delivery verifies with the standardwebhooks package and its endpoint's secret. */
function verifySamples(setup: Setup, samples: Report['samples']): number {
  for (const s of samples) {
    const secret = setup.secrets.get(s.path);
    if (!secret) throw new Error('a sample without its endpoint');
    new Webhook(secret).verify(s.body, s.headers);
  }
  return samples.length;
}

function startWorkers(database: Db): Promise<WorkerProcess[]> {
  const config = testConfig();
  return Promise.all(
    Array.from({ length: WORKERS }, () =>
      startWorkerProcess({
        databaseUrl: database.url,
        startTimeoutMs: 90_000,
        nodeArgs: PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [],
        set: { JWT_SECRET: config.jwtSecret, ENCRYPTION_KEY: config.encryptionKey, PUBLIC_URL: 'https://linkyard.bench.invalid' },
      }),
    ),
  );
}

export default async function webhooksSection(ctx: BenchContext): Promise<DeliverySectionResult> {
  const database = await freshDatabase();
  let receiver: Child<{ port: number; pid: number }> | null = null;
  let workers: WorkerProcess[] = [];
  try {
    receiver = await startChild(path.join(here, 'receiver.ts'), { cwd: ctx.root });
    const { port } = receiver.ready;
    const setup = await setUp(database, port);
    workers = await startWorkers(database);
    ctx.log(`${WORKERS} workers, ${ENDPOINTS} endpoints at the receiver (pid ${receiver.ready.pid})`);

    const pids = { workers: workers.map((w) => w.child.pid!), receiver: receiver.ready.pid };
    const warm = await drainBacklog(database, receiver, setup, pids, 2_000, 0);
    const warmReport = await steadyRateWarmSample(receiver, database, setup);
    ctx.log(`warm-up: ${fmt(warm.deliveries)} deliveries in ${fmt(warm.recordedMs)} ms (discarded)`);
    await bareLoop(`http://127.0.0.1:${port}/bare`, 2_000, warmReport);

    const loadBefore = loadavg();
    const quiet = QUIET_WAIT_S > 0 ? await waitForQuiet(QUIET_WAIT_S, QUIET_BUSY, ctx.log) : null;
    const bare1 = await bareLoop(`http://127.0.0.1:${port}/bare`, BACKLOG, warmReport);
    ctx.log(`bare POST loop: ${fmt(bare1)} requests/s`);
    const drain = await drainBacklog(database, receiver, setup, pids, BACKLOG, 10_000);
    const us = (ms: number) => fmt((ms * 1000) / drain.deliveries);
    const { commit, deliver } = drain.cpu;
    ctx.log(
      `backlog: ${fmt(drain.deliveries)} deliveries recorded in ${fmt(drain.recordedMs)} ms; CPU µs per delivery: ` +
        `commit (Postgres ${us(commit.postgres)}, here ${us(commit.generator)}), deliver (workers ${us(deliver.workers)}, ` +
        `Postgres ${us(deliver.postgres)}, receiver ${us(deliver.receiver)}); ${fmt(deliver.commits)} transactions`,
    );
    const latency = await steadyRate(database, receiver, setup, 1_000_000);
    ctx.log(`steady: ${fmt(latency.offered)} deliveries/s offered, p99 ${fmt(pct(latency.sorted, 99), 1)} ms`);
    const bare2 = await bareLoop(`http://127.0.0.1:${port}/bare`, BACKLOG, warmReport);
    ctx.log(`bare POST loop: ${fmt(bare2)} requests/s`);
    const loadAfter = loadavg();
    const verified = verifySamples(setup, latency.samples);
    const busy =
      quiet?.busy != null ? `${Math.round(quiet.busy * 100)}% of the machine busy with other work when measuring started` : 'not checked';
    // Without the quiet check, the load average says it: more runnable processes than CPUs is a busy machine.
    const isQuiet = quiet?.busy != null ? quiet.busy <= QUIET_BUSY : loadBefore[0] <= availableParallelism();
    return report({ drain, latency, bare: [bare1, bare2], loadBefore, loadAfter, busy, isQuiet, quiet, verified });
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await receiver?.stop().catch(() => {});
    await database.close().catch(() => {});
  }
}

/** A signed delivery as the receiver got it: the bare loop sends the same bytes and headers. */
async function steadyRateWarmSample(receiver: Child<unknown>, database: Db, setup: Setup) {
  await receiver.call({ type: 'reset' });
  await commitEvents(database, setup.orgId, 1, 5_000);
  await waitForAll(database, receiver, ENDPOINTS);
  const { samples } = await receiver.call<Report>({ type: 'report' });
  return samples[0];
}

function report(r: {
  drain: Drain;
  latency: Latency;
  bare: number[];
  loadBefore: number[];
  loadAfter: number[];
  busy: string;
  /** Whether other work left the machine quiet (the quiet check, else the load average): how to read the figures. */
  isQuiet: boolean;
  quiet: { waitedSeconds: number } | null;
  verified: number;
}): DeliverySectionResult {
  const { drain, latency } = r;
  const { commit, deliver } = drain.cpu;
  const rate = drain.deliveries / (drain.recordedMs / 1000);
  const receivedRate = drain.deliveries / (drain.receivedMs / 1000);
  const bare = Math.max(...r.bare);
  const p = (q: number) => pct(latency.sorted, q);
  const p99 = p(99);
  const perDelivery = (ms: number) => `${fmt((ms * 1000) / drain.deliveries)} µs`;
  const ratePass = rate >= GOAL_RATE;
  const p99Pass = p99 < GOAL_P99_MS && latency.offered >= GOAL_RATE * 0.95;
  const settings = ['WEBHOOK_CONCURRENCY', 'WEBHOOK_ENDPOINT_CONCURRENCY', 'WEBHOOK_POLL_INTERVAL']
    .map((k) => `\`${k}\`=${process.env[k] ?? 'default'}`)
    .join(', ');
  const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  const markdown = `
### Webhook delivery: ${WORKERS} worker processes to a local receiver

**Measured.** ${WORKERS} worker processes (\`node --import tsx server/src/main.ts --role worker\`, \`NODE_ENV=test\`,
\`LOG_LEVEL=warn\`; ${settings}) deliver \`records.changed\` events to ${ENDPOINTS} endpoints of one organization, all on one
local receiver (plain \`node:http\`, its own process, answers 204 at once). Events are committed through the real outbox port
(\`recordEvent\`, fanned out to every endpoint in the same statement) from this process. Each delivery is claimed
(\`FOR UPDATE SKIP LOCKED\`), signed per Standard Webhooks, POSTed through the safe HTTP client (keep-alive) and its
attempt recorded (batched). **Throughput:** a backlog of ${fmt(drain.deliveries)} deliveries committed in one transaction,
timed from its COMMIT until the database shows every one \`succeeded\`. **Latency:** events committed at a steady rate
(open loop, a transaction every ${TICK_MS} ms) for ${SECONDS} s; for each delivery, from its event's COMMIT returning to its
arrival at the receiver. ${fmt(r.verified)} deliveries of the run were checked with the \`standardwebhooks\` package.
**Reference (same run, same receiver):** a bare HTTP POST loop from this one process — the same body and headers,
${LOOP_CONCURRENCY} requests in flight on one keep-alive agent, ${fmt(drain.deliveries)} requests, no database and no signing —
before and after the deliveries; the faster run is the reference.

| Load | |
|---|---|
| Load average (1 / 5 / 15 min) before / after measuring | ${la(r.loadBefore)} → ${la(r.loadAfter)} on ${availableParallelism()} CPUs |
| Quiet check (BENCH_QUIET_WAIT) | ${r.busy}${r.quiet ? ` (waited ${r.quiet.waitedSeconds} s)` : ''} |

| Run | Deliveries | Time | Deliveries/s |
|---|---:|---:|---:|
| Backlog, until every delivery is recorded \`succeeded\` | ${fmt(drain.deliveries)} | ${fmt(drain.recordedMs / 1000, 2)} s | **${fmt(rate)}** |
| Backlog, until the last one reached the receiver | ${fmt(drain.deliveries)} | ${fmt(drain.receivedMs / 1000, 2)} s | ${fmt(receivedRate)} |
| Steady rate (offered) | ${fmt(latency.deliveries)} | ${fmt(latency.seconds, 2)} s | ${fmt(latency.offered)} |
| Bare POST loop (reference), before / after | ${fmt(drain.deliveries)} each | — | ${r.bare.map((b) => fmt(b)).join(' / ')} |

| Event-to-delivery at the steady rate | p50 | p90 | p99 | max |
|---|---:|---:|---:|---:|
| ms | ${fmt(p(50), 1)} | ${fmt(p(90), 1)} | ${fmt(p99, 1)} | ${fmt(latency.sorted[latency.sorted.length - 1], 1)} |

CPU per delivery of the backlog (from /proc), committing the events: Postgres ${perDelivery(commit.postgres)}, this process
${perDelivery(commit.generator)}; then delivering them: workers (both) ${perDelivery(deliver.workers)}, Postgres
${perDelivery(deliver.postgres)}, receiver ${perDelivery(deliver.receiver)}. Deliveries received twice (a lease ended
before the attempt was recorded): ${drain.duplicates + latency.duplicates}.

**Reading the figures.** ${r.busy}; load average ${r.loadBefore[0].toFixed(2)} on ${availableParallelism()} CPUs. Every
delivery passes through four processes taking turns (worker, Postgres, receiver, and this process committing)${
    r.isQuiet
      ? ", and the machine was quiet, so the figures above are the delivery path's own."
      : ', so on a busy machine each hand-over waits for a CPU, and the deliveries/s and latencies above say as much about the other work as about the delivery path.'
  } The CPU per delivery is the steadier figure: workers + Postgres + receiver =
${perDelivery(deliver.workers + deliver.postgres + deliver.receiver)}, which on ${availableParallelism()} otherwise idle cores would allow at most
about ${fmt((availableParallelism() * 1e6) / ((1000 * (deliver.workers + deliver.postgres + deliver.receiver)) / drain.deliveries))} deliveries/s
(an estimate from CPU time, not a measurement; CPU time itself grows under contention).${
    r.isQuiet ? '' : " Rerun on a quiet machine (BENCH_QUIET_WAIT) before reading the goals as the code's."
  }

| Goal | Target | Measured | |
|---|---|---|---|
| Deliveries/s on ${WORKERS} workers | ≥ ${fmt(GOAL_RATE)} | ${fmt(rate)} | ${ratePass ? '**PASS**' : '**FAIL**'} |
| p99 event-to-delivery at ${fmt(RATE)}/s offered | < ${fmt(GOAL_P99_MS)} ms | ${fmt(p99, 1)} ms (${fmt(latency.offered)}/s offered) | ${p99Pass ? '**PASS**' : '**FAIL**'} |
| Delivery throughput ÷ bare POST loop (same run) | — | **${fmt(rate / bare, 2)}** (${fmt(rate)} ÷ ${fmt(bare)}) | |
`;
  return { markdown, passed: ratePass && p99Pass, skipReport: PROFILE_DIR !== null };
}
