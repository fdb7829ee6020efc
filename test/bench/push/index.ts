/**
 * `npm run bench -- push` (issue 14, two-way sync): record updates pushed to the fake Stripe API through the real
 * path — `POST /api/orgs/:orgId/syncs/:syncId/records` on an API process (validation, outbound mappings, the writes
 * stored with the queued push run), executed by a real worker process (the production build, `dist/server/src/main.js --role worker` on plain node) that sends
 * one form-encoded `POST /v1/customers/:id` with an `Idempotency-Key` per record and stores each outcome and the
 * record as Stripe answered it — against a bare loop of the same HTTP requests from this one process.
 *
 * Processes: this one (the client pushing, the bare loop, the measurements), the API, the worker, the fake Stripe
 * (./provider.ts, no rate limit), Postgres (the benchmark's own database).
 *
 * Two variants, each timed from the first push request sent until the last push run is finished (the runs'
 * `finished_at`):
 * - **with base version**: a bidirectional sync whose customers were all pulled just before, so every update is
 *   conflict-checked: Stripe customers have no version, so the worker re-reads the customer (`GET /v1/customers/:id`)
 *   and compares it with the base before writing;
 * - **without base version**: the same updates to a second integration on the same fake that never pulled (its
 *   stored records are removed before each run), so nothing is re-read: one POST per record.
 * The bare loop of each variant sends exactly its requests (GET then POST, or POST only: same method, URL, headers
 * incl. authorization, user-agent and a fresh Idempotency-Key, the same form body) on one keep-alive agent, with the
 * worker's concurrency: the records split into the same push requests (runs), WORKER_CONCURRENCY runs at a time,
 * WRITES_IN_FLIGHT requests per run. Rounds alternate the order (push first, bare first).
 *
 * Knobs: BENCH_PUSH_RECORDS (10,000), BENCH_PUSH_ROUNDS (2), BENCH_QUIET_WAIT (30 s), BENCH_DATABASE_URL,
 * BENCH_PUSH_PROFILE (a directory: the worker runs with --cpu-prof writing there; BENCHMARKS.md is left alone).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { MAX_PUSH_RECORDS } from '../../../server/src/modules/push/push.schemas.js';
import { WRITES_IN_FLIGHT } from '../../../server/src/modules/sync-engine/push-executor.js';
import { seedDemo } from '../../../server/src/seed/demo.js';
import { startWorkerProcess, type WorkerProcess } from '../../helpers/worker-process.js';
import { ensureServerBuild } from '../lib/server-build.js';
import { startChild, type Child } from '../lib/child.js';
import { waitForQuiet } from '../lib/cpu.js';
import { describeMachine, machineMarkdown } from '../lib/machine.js';
import { freshDatabase, requirePostgres } from '../lib/postgres.js';
import type { Benchmark, BenchContext } from '../types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
};
const RECORDS = num('BENCH_PUSH_RECORDS', 10_000);
const ROUNDS = num('BENCH_PUSH_ROUNDS', 2);
const QUIET_WAIT_S = Number(process.env.BENCH_QUIET_WAIT ?? 30);
const QUIET_BUSY = 0.15;
const PROFILE_DIR = process.env.BENCH_PUSH_PROFILE ? path.resolve(process.env.BENCH_PUSH_PROFILE) : null;
/** Records per push request: the API's limit, so 10,000 records are 10 requests and 10 push runs. */
const PER_REQUEST = MAX_PUSH_RECORDS;
/** Runs one worker executes at once (the default of WORKER_CONCURRENCY, set explicitly for the worker). */
const RUNS_AT_ONCE = 4;
const GOAL_RATIO = 0.7;
const PASSWORD = 'linkyard-bench-password';
const USER_AGENT = 'Linkyard/0.1'; // the safe HTTP client's (server/src/services.ts)
const MAPPINGS = [
  { source: 'name', target: 'name' },
  { source: 'email', target: 'email' },
];

type Db = Awaited<ReturnType<typeof freshDatabase>>;
type Variant = 'base' | 'nobase';
interface FakeReady {
  apiBaseUrl: string;
  token: string;
  pid: number;
  ids: string[];
}
interface Pids {
  server: number;
  worker: number;
  fake: number;
}
interface Cpu {
  server: number;
  worker: number;
  fake: number;
  postgres: Map<number, number>;
  self: number;
}
interface CpuSpent {
  server: number;
  worker: number;
  fake: number;
  postgres: number;
  self: number;
}
interface Measured {
  round: number;
  variant: Variant;
  target: 'push' | 'bare';
  records: number;
  ms: number;
  /** Push only: until the last push request was answered (the writes stored and the runs queued). */
  acceptedMs?: number;
  cpu: CpuSpent;
  providerRequests: number;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

async function cpuNow(database: Db, pids: Pids): Promise<Cpu> {
  const backends = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(
    database.db.kysely,
  );
  const self = process.cpuUsage();
  return {
    server: cpuMsOf(pids.server),
    worker: cpuMsOf(pids.worker),
    fake: cpuMsOf(pids.fake),
    postgres: new Map(backends.rows.map((r) => [r.pid, cpuMsOf(r.pid)])),
    self: (self.user + self.system) / 1000,
  };
}

function cpuSpent(a: Cpu, b: Cpu): CpuSpent {
  let postgres = 0;
  for (const [pid, ms] of b.postgres) postgres += ms - (a.postgres.get(pid) ?? 0); // a backend started meanwhile counts whole
  return { server: b.server - a.server, worker: b.worker - a.worker, fake: b.fake - a.fake, postgres, self: b.self - a.self };
}

/** The API as the pushing client uses it: signed in as Acme's Admin. */
async function apiClient(port: number, orgId: string) {
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@acme.test', password: PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const token = ((await login.json()) as { accessToken: string }).accessToken;
  async function call<T>(method: string, url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const res = await fetch(`${base}/api/orgs/${orgId}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}), ...headers },
      body: payload ? JSON.stringify(payload) : undefined,
    });
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
  return { call };
}
type Api = Awaited<ReturnType<typeof apiClient>>;

/** A Stripe integration on the fake and a bidirectional sync of its customers (name and email both ways). */
async function stripeSync(api: Api, database: Db, fake: FakeReady, name: string): Promise<{ integrationId: string; syncId: string }> {
  const { id: integrationId } = await api.call<{ id: string }>('POST', '/integrations', { provider: 'stripe', name, apiKey: fake.token });
  // The production API accepts https provider URLs only; the worker (ALLOW_PRIVATE_NETWORK_TARGETS) calls the local fake.
  await sql`UPDATE integrations SET settings = jsonb_build_object('apiBaseUrl', ${fake.apiBaseUrl}::text) WHERE id = ${integrationId}`.execute(
    database.db.kysely,
  );
  const { id: syncId } = await api.call<{ id: string }>('POST', `/integrations/${integrationId}/syncs`, {
    resource: 'customers',
    mode: 'full',
    schedule: null,
    direction: 'bidirectional',
    conflictResolution: 'manual',
    mappings: MAPPINGS,
    outboundMappings: MAPPINGS,
  });
  return { integrationId, syncId };
}

/** Waits until none of the runs is queued or running; returns the latest finished_at (ms since the epoch). */
async function waitForRuns(database: Db, runIds: string[]): Promise<number> {
  const until = Date.now() + 30 * 60_000;
  for (;;) {
    const r = await sql<{ open: number; last: Date | null }>`
      SELECT count(*) FILTER (WHERE status IN ('queued', 'running'))::int AS open, max(finished_at) AS last
        FROM sync_runs WHERE id = ANY(${runIds}::uuid[])`.execute(database.db.kysely);
    if (r.rows[0].open === 0) return r.rows[0].last!.getTime();
    if (Date.now() > until) throw new Error('push runs still open after 30 minutes');
    // The end time is the runs' own finished_at: polling rarely costs Postgres little and loses no precision.
    await sleep(100);
  }
}

/** A full pull of the sync (every customer becomes a stored record: the base versions). */
async function pull(api: Api, database: Db, syncId: string): Promise<void> {
  const { runId } = await api.call<{ runId: string }>('POST', `/syncs/${syncId}/runs`);
  await waitForRuns(database, [runId]);
  const run = await api.call<{ status: string; stats: { fetched: number } }>('GET', `/runs/${runId}`);
  if (run.status !== 'succeeded' || run.stats.fetched !== RECORDS) throw new Error(`the pull ended ${JSON.stringify(run)}`);
}

const chunks = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** Pushes one update per customer (a new name) in requests of PER_REQUEST; timed until the last run finished. */
async function pushAll(api: Api, database: Db, syncId: string, ids: string[], tag: string) {
  const started = Date.now();
  const runIds: string[] = [];
  for (const [i, part] of chunks(ids, PER_REQUEST).entries()) {
    const records = part.map((id) => ({ externalId: id, data: { name: `${tag} ${id}` } }));
    const { runId } = await api.call<{ runId: string }>(
      'POST',
      `/syncs/${syncId}/records`,
      { records },
      { 'idempotency-key': `${tag}-${i}` },
    );
    runIds.push(runId);
  }
  const acceptedMs = Date.now() - started;
  const finished = await waitForRuns(database, runIds);
  const outcomes = await sql<{ status: string; n: number }>`
    SELECT status, count(*)::int AS n FROM run_writes WHERE run_id = ANY(${runIds}::uuid[]) GROUP BY status`.execute(database.db.kysely);
  const applied = outcomes.rows.find((r) => r.status === 'applied')?.n ?? 0;
  if (applied !== ids.length) throw new Error(`${tag}: ${applied} of ${ids.length} writes applied (${JSON.stringify(outcomes.rows)})`);
  return { ms: finished - started, acceptedMs };
}

/**
 * The reference: the same provider requests from this process, with the worker's concurrency (RUNS_AT_ONCE groups of
 * PER_REQUEST records at a time, WRITES_IN_FLIGHT requests in each) on one keep-alive agent, each answer read whole.
 */
async function bareLoop(fake: FakeReady, ids: string[], tag: string, reRead: boolean): Promise<number> {
  const agent = new http.Agent({ keepAlive: true });
  const requestId = randomUUID();
  const common = {
    authorization: `Bearer ${fake.token}`,
    accept: 'application/json',
    'user-agent': USER_AGENT,
    'accept-encoding': 'identity',
  };
  const send = (method: string, url: string, headers: Record<string, string>, body?: string) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(url, { method, agent, headers }, (res) => {
        res.on('data', () => {});
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${method} ${url}: ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  const groups = chunks(ids, PER_REQUEST);
  let nextGroup = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: RUNS_AT_ONCE }, async () => {
      while (nextGroup < groups.length) {
        const g = nextGroup++;
        const group = groups[g];
        let next = 0;
        await Promise.all(
          Array.from({ length: WRITES_IN_FLIGHT }, async () => {
            while (next < group.length) {
              const i = next++;
              const id = group[i];
              const url = `${fake.apiBaseUrl}/v1/customers/${encodeURIComponent(id)}`;
              if (reRead) await send('GET', url, common);
              await send(
                'POST',
                url,
                {
                  ...common,
                  'content-type': 'application/x-www-form-urlencoded',
                  'Idempotency-Key': `linkyard-${requestId}-${g * PER_REQUEST + i}`,
                },
                new URLSearchParams({ name: `${tag} ${id}` }).toString(),
              );
            }
          }),
        );
      }
    }),
  );
  const ms = performance.now() - started;
  agent.destroy();
  return ms;
}

const bench: Benchmark = {
  name: 'push',
  title: 'Push: record updates written to the fake Stripe API',
  description: `${fmt(RECORDS)} record updates pushed to the fake Stripe API (with and without a base version) vs a bare loop of the same requests`,
  async run(ctx) {
    await ensureServerBuild(ctx.root, ctx.log);
    const postgresVersion = await requirePostgres();
    const machine = describeMachine();
    ctx.log(
      `machine: ${machine.cpus} CPUs, load average ${loadavg()
        .map((l) => fmt(l, 2))
        .join(' ')} (shared machine)`,
    );
    const database = await freshDatabase();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'linkyard-bench-push-'));
    const secrets = { JWT_SECRET: randomBytes(32).toString('base64'), ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    let fake: Child<FakeReady> | null = null;
    let server: Child<{ port: number; pid: number }> | null = null;
    let worker: WorkerProcess | null = null;
    try {
      await seedDemo(database.db, PASSWORD);
      fake = await startChild<FakeReady>(path.join(here, 'provider.ts'), {
        cwd: ctx.root,
        env: { BENCH_PUSH_FAKE_RECORDS: String(RECORDS) },
        startTimeoutMs: 180_000,
      });
      server = await startChild(path.join(here, '../lib/app-server.ts'), {
        cwd: ctx.root,
        startTimeoutMs: 180_000, // a shared machine can take minutes to start a process
        env: {
          NODE_ENV: 'production',
          ROLE: 'api',
          ADMIN_UI: 'off',
          DATABASE_URL: database.url,
          ...secrets,
          PUBLIC_URL: 'https://linkyard.bench.invalid',
          DATA_DIR: dataDir,
          LOG_LEVEL: 'warn',
        },
      });
      worker = await startWorkerProcess({
        databaseUrl: database.url,
        productionBuild: true,
        startTimeoutMs: 180_000,
        nodeArgs: PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [],
        set: { ...secrets, PUBLIC_URL: 'https://linkyard.bench.invalid', WORKER_CONCURRENCY: String(RUNS_AT_ONCE), LOG_LEVEL: 'warn' },
      });
      const org = await sql<{ id: string }>`SELECT id FROM organizations WHERE slug = 'acme'`.execute(database.db.kysely);
      const api = await apiClient(server.ready.port, org.rows[0].id);
      const withBase = await stripeSync(api, database, fake.ready, 'Stripe (pulled)');
      const withoutBase = await stripeSync(api, database, fake.ready, 'Stripe (never pulled)');
      const ids = fake.ready.ids;
      const pids: Pids = { server: server.ready.pid, worker: worker.child.pid!, fake: fake.ready.pid };
      const fakeRequests = async () => (await fake!.call<{ requests: number }>({ type: 'counters' })).requests;

      const measure = async (round: number, variant: Variant, target: 'push' | 'bare'): Promise<Measured> => {
        const tag = `r${round}-${variant}-${target}`;
        if (target === 'push' && variant === 'base') await pull(api, database, withBase.syncId);
        if (target === 'push' && variant === 'nobase')
          await sql`DELETE FROM records WHERE integration_id = ${withoutBase.integrationId}`.execute(database.db.kysely);
        await fake!.call({ type: 'reset' });
        await sleep(200);
        const before = await cpuNow(database, pids);
        let ms: number;
        let acceptedMs: number | undefined;
        if (target === 'push') {
          ({ ms, acceptedMs } = await pushAll(api, database, variant === 'base' ? withBase.syncId : withoutBase.syncId, ids, tag));
        } else {
          ms = await bareLoop(fake!.ready, ids, tag, variant === 'base');
        }
        const after = await cpuNow(database, pids);
        const providerRequests = await fakeRequests();
        const expected = ids.length * (variant === 'base' ? 2 : 1);
        if (providerRequests !== expected) throw new Error(`${tag}: the fake answered ${providerRequests} requests, expected ${expected}`);
        const m: Measured = { round, variant, target, records: ids.length, ms, acceptedMs, cpu: cpuSpent(before, after), providerRequests };
        ctx.log(
          `round ${round} ${variant.padEnd(6)} ${target.padEnd(4)} ${fmt(ids.length / (ms / 1000)).padStart(6)} records/s (${fmt(ms / 1000, 2)} s)` +
            `; CPU µs/record: worker ${perRecord(m, 'worker')}, Postgres ${perRecord(m, 'postgres')}, API ${perRecord(m, 'server')}, fake ${perRecord(m, 'fake')}, here ${perRecord(m, 'self')}; load ${fmt(loadavg()[0], 2)}`,
        );
        return m;
      };

      // Warm-up (discarded): every process's code paths once, on a tenth of the records.
      const warmIds = ids.slice(0, Math.max(PER_REQUEST, Math.floor(ids.length / 10)));
      await pull(api, database, withBase.syncId);
      await pushAll(api, database, withBase.syncId, warmIds, 'warm-base');
      await pushAll(api, database, withoutBase.syncId, warmIds, 'warm-nobase');
      await bareLoop(fake.ready, warmIds, 'warm-bare', true);
      ctx.log('warm-up done');

      const loadBefore = loadavg();
      const quiet = QUIET_WAIT_S > 0 ? await waitForQuiet(QUIET_WAIT_S, QUIET_BUSY, ctx.log) : null;
      const runs: Measured[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const order: ('push' | 'bare')[] = round % 2 === 1 ? ['push', 'bare'] : ['bare', 'push'];
        for (const target of order) for (const variant of ['base', 'nobase'] as Variant[]) runs.push(await measure(round, variant, target));
      }
      const loadAfter = loadavg();
      // The last pushed value is at the provider.
      const sample = ids[Math.floor(ids.length / 2)];
      const last = runs[runs.length - 1];
      const held = (await fake.call<{ record: { name: string } }>({ type: 'record', id: sample })).record;
      if (held.name !== `r${last.round}-${last.variant}-${last.target} ${sample}`)
        throw new Error(`the fake holds ${JSON.stringify(held)}`);

      const result = report(ctx, machineMarkdown(machine, { Postgres: `${postgresVersion} (local, same machine)` }), runs, {
        loadBefore,
        loadAfter,
        quiet,
      });
      if (PROFILE_DIR) ctx.log(`diagnostic run: worker CPU profile in ${PROFILE_DIR} (npx tsx test/bench/lib/cpuprofile.ts <file>)`);
      return { ...result, skipReport: PROFILE_DIR !== null };
    } finally {
      await worker?.stop().catch(() => {});
      await server?.stop().catch(() => {});
      await fake?.stop().catch(() => {});
      await database.close().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
export default bench;

function perRecord(m: Measured, who: keyof CpuSpent): string {
  return fmt((m.cpu[who] * 1000) / m.records);
}

function report(
  ctx: BenchContext,
  machine: string,
  runs: Measured[],
  load: { loadBefore: number[]; loadAfter: number[]; quiet: { busy: number | null; waitedSeconds: number } | null },
): { markdown: string; passed: boolean } {
  const of = (variant: Variant, target: 'push' | 'bare') => {
    const rs = runs.filter((r) => r.variant === variant && r.target === target);
    const records = rs.reduce((n, r) => n + r.records, 0);
    const seconds = rs.reduce((n, r) => n + r.ms, 0) / 1000;
    const cpu = (who: keyof CpuSpent) => (rs.reduce((n, r) => n + r.cpu[who], 0) * 1000) / records;
    return {
      rate: records / seconds,
      rounds: rs.map((r) => records / rs.length / (r.ms / 1000)),
      accepted: rs.every((r) => r.acceptedMs !== undefined) ? rs.reduce((n, r) => n + r.acceptedMs!, 0) / rs.length : null,
      cpu: { worker: cpu('worker'), postgres: cpu('postgres'), server: cpu('server'), fake: cpu('fake'), self: cpu('self') },
    };
  };
  const base = { push: of('base', 'push'), bare: of('base', 'bare') };
  const nobase = { push: of('nobase', 'push'), bare: of('nobase', 'bare') };
  const ratioBase = base.push.rate / base.bare.rate;
  const ratioNobase = nobase.push.rate / nobase.bare.rate;
  const inFlight = RUNS_AT_ONCE * WRITES_IN_FLIGHT;
  const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  const busy = load.quiet?.busy != null ? `${Math.round(load.quiet.busy * 100)}%` : 'not checked';
  const isQuiet = load.quiet?.busy != null ? load.quiet.busy <= QUIET_BUSY : load.loadBefore[0] <= availableParallelism();
  const row = (name: string, r: ReturnType<typeof of>) => {
    const c = r.cpu;
    return `| ${name} | **${fmt(r.rate)}** | ${r.rounds.map((x) => fmt(x)).join(' / ')} | ${r.accepted === null ? '—' : `${fmt(r.accepted / 1000, 2)} s`} | ${fmt(c.worker)} | ${fmt(c.postgres)} | ${fmt(c.server)} | ${fmt(c.fake)} | ${fmt(c.self)} |`;
  };
  const goals = [
    { goal: `pushed records/s ÷ bare loop, with a base version (conflict check) ≥ ${GOAL_RATIO}`, ratio: ratioBase },
    { goal: `pushed records/s ÷ bare loop, without a base version ≥ ${GOAL_RATIO}`, ratio: ratioNobase },
  ];
  const checkCost = base.push.cpu.worker + base.push.cpu.postgres - (nobase.push.cpu.worker + nobase.push.cpu.postgres);
  const markdown = `
Command: \`${ctx.command}\` · ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

${machine}

| Load | |
|---|---|
| Load average (1 / 5 / 15 min) before / after measuring | ${la(load.loadBefore)} → ${la(load.loadAfter)} on ${availableParallelism()} CPUs |
| Machine busy with other work just before measuring (BENCH_QUIET_WAIT) | ${busy}${load.quiet ? ` (waited ${load.quiet.waitedSeconds} s)` : ''} |

**Measured.** ${fmt(RECORDS)} customer updates (a new \`name\`) pushed as ${fmt(Math.ceil(RECORDS / PER_REQUEST))} requests of
${fmt(PER_REQUEST)} records to \`POST /api/orgs/:orgId/syncs/:syncId/records\` (each with an \`Idempotency-Key\`) on the real
app in an API process (\`NODE_ENV=production\`); a real worker process from the production build (\`node dist/server/src/main.js --role worker\`, \`WORKER_CONCURRENCY=${RUNS_AT_ONCE}\`)
executes the ${fmt(Math.ceil(RECORDS / PER_REQUEST))} push runs, writes in flight per run: ${WRITES_IN_FLIGHT}
(\`WRITES_IN_FLIGHT\`, push-executor.ts), against the fake Stripe API in a process of its own (no rate limit simulated).
Timed from the first push request sent until the last run's \`finished_at\`, every write \`applied\`, and the fake's
request count checked. **With base version:** a bidirectional sync whose ${fmt(RECORDS)} customers were pulled just before
(not timed), so each update re-reads the customer (\`GET /v1/customers/:id\`, Stripe customers carry no version) and
compares it with the base before \`POST /v1/customers/:id\`. **Without base version:** the same updates through a second
integration on the same fake that never pulled, so each is one POST. **Reference (same run):** a bare loop of the
same HTTP requests from this one process (GET + POST, or POST only; same URLs, headers incl. a fresh \`Idempotency-Key\`,
form body), on one keep-alive agent with the worker's concurrency (${RUNS_AT_ONCE} groups of ${fmt(PER_REQUEST)} at a time,
${WRITES_IN_FLIGHT} in flight each: ${inFlight} requests in flight at most). ${ROUNDS} rounds, alternating push first / bare first.

| ${fmt(RECORDS)} updates | records/s | per round | push accepted (${fmt(Math.ceil(RECORDS / PER_REQUEST))} requests) | CPU µs/record: worker | Postgres | API | fake Stripe | client / bare loop |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${row('Push, with base version (re-read + POST)', base.push)}
${row('Bare loop: GET + POST', base.bare)}
${row('Push, without base version (POST)', nobase.push)}
${row('Bare loop: POST', nobase.bare)}

**Cost of the conflict check** (same run): with a base version ${fmt(base.push.rate)} records/s against ${fmt(nobase.push.rate)}
without (${fmt(base.push.rate / nobase.push.rate, 2)}×); worker + Postgres CPU per record ${fmt(base.push.cpu.worker + base.push.cpu.postgres)} µs
against ${fmt(nobase.push.cpu.worker + nobase.push.cpu.postgres)} µs (+${fmt(checkCost)} µs for the re-read and the comparison); the bare loops
show what the extra GET costs by itself (${fmt(base.bare.rate)} against ${fmt(nobase.bare.rate)} records/s).

**Reading the figures.** ${load.quiet?.busy != null ? `${busy} of the machine was busy with other work when measuring started` : 'The quiet check was skipped'}; load average
${load.loadBefore[0].toFixed(2)} on ${availableParallelism()} CPUs. ${
    isQuiet
      ? 'The machine was quiet, so the rates are the push path’s own.'
      : 'A busy machine: every write passes through the worker, Postgres and the fake taking turns for a CPU, so the rates say as much about the other work as about the push path; the ratios (same run, same machine) and the CPU per record are the steadier figures. Rerun on a quiet machine before reading the rates as the code’s.'
  }

| Goal | Target | Measured | |
|---|---|---|---|
${goals.map((g) => `| ${g.goal} | ≥ ${GOAL_RATIO} | **${fmt(g.ratio, 2)}** | ${g.ratio >= GOAL_RATIO ? '**PASS**' : '**FAIL**'} |`).join('\n')}
`;
  return { markdown, passed: goals.every((g) => g.ratio >= GOAL_RATIO) };
}
