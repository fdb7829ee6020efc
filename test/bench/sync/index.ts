/**
 * Sync throughput benchmark: a full sync of 100,000 records from a local fake provider (Salesforce contacts,
 * 1,000 per page, 10 mapped fields) through the real application — integration and sync set up through the
 * API, the run started with POST …/runs and executed by the app's run executor (connector → safe HTTP client
 * → mappings → records-writer upsert, one transaction per page with the run's counters, cursor and logs) —
 * against a raw `unnest` upsert of the same 100,000 mapped rows into the same table, in the same run.
 * Also timed on its own: the sync's ten mappings applied to the same 100,000 records in this process (no I/O),
 * with the goal test/unit/modules/syncs/mappings.test.ts used to assert as a wall-clock limit (100,000 in under 1.5 s).
 *
 * Three processes besides Postgres: this one (orchestration, the raw reference, CPU accounting), the engine
 * (./engine.ts: the app) and the fake provider (./provider.ts), so the fake's CPU is never the engine's.
 *
 * Knobs (environment): BENCH_SYNC_RECORDS (default 100,000), BENCH_DATABASE_URL (admin URL of the Postgres
 * server), BENCH_QUIET_WAIT (seconds to wait, before each measured phase, for other work on the machine to
 * calm down; 120, 0 = no wait). Diagnostics (these runs do not write BENCHMARKS.md): BENCH_TIMINGS=1 prints the
 * engine's time per SQL statement; BENCH_PROFILE=1 writes V8 CPU profiles of the engine's runs and summarises them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { sql } from 'kysely';
import { uuidv7 } from '../../../server/src/lib/ids.js';
import { createSafeHttpClient } from '../../../server/src/lib/safe-http/index.js';
import { compileMappings } from '../../../server/src/modules/syncs/mappings.js';
import { contentHash } from '../../../server/src/modules/sync-engine/records-writer.js';
import { listPages } from '../../../server/src/modules/sync-engine/rest-connector.js';
import { getProvider } from '../../../server/src/providers/catalog.js';
import { seedDemo } from '../../../server/src/seed/demo.js';
import type { Db } from '../../../db/client.js';
import { startChild, type Child } from '../lib/child.js';
import { waitForQuiet } from '../lib/cpu.js';
import { summariseProfile } from '../lib/cpuprofile.js';
import { describeMachine, machineMarkdown } from '../lib/machine.js';
import { adminUrl, freshDatabase, requirePostgres } from '../lib/postgres.js';
import type { Benchmark, BenchContext } from '../types.js';
import type { RunReply, SetupReply } from './engine.js';
import { MAPPINGS, PAGE_SIZE, PROVIDER, RAW_UPSERT_SQL, RECORDS, RESOURCE } from './workload.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const QUIET_WAIT_S = Number(process.env.BENCH_QUIET_WAIT ?? 120);
const QUIET_BELOW = 0.15;
const PASSWORD = 'linkyard-bench-password';
const ENGINE_APP_NAME = 'linkyard-sync-engine';
const GOALS = { minRecordsPerSec: 20_000, minRatio: 0.9, minMappedPerSec: 100_000 / 1.5 };

interface ProviderReady {
  type: string;
  apiBaseUrl: string;
  token: string;
  records: number;
  warmMs: number;
}
interface EngineReady {
  type: string;
  pid: number;
}

// ---------------------------------------------------------------------------------------------------------
// CPU accounting from /proc: each process of the benchmark, the Postgres backends serving it, and the rest.

const TICK_MS = 10; // USER_HZ

function procCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return null;
  }
}

function machineCpuMs(): { busy: number; total: number } | null {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
    const total = user + nice + system + idle + iowait + irq + softirq + steal;
    return { busy: (total - idle - iowait - steal) * TICK_MS, total: total * TICK_MS };
  } catch {
    return null;
  }
}

type Group = 'engine' | 'fake' | 'postgres' | 'postgresBackground';

/**
 * Polls the benchmark's processes (every 500 ms, so Postgres backends that connect or leave during a phase
 * are still counted) and adds up CPU per group; a backend first seen after the start counts whole.
 */
class CpuWatch {
  private first = new Map<number, { group: Group; ms: number }>();
  private last = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private machine0: ReturnType<typeof machineCpuMs> = null;
  private self0 = process.cpuUsage();
  private polling: Promise<void> = Promise.resolve();

  constructor(private discover: () => Promise<[number, Group][]>) {}

  private async poll(initial: boolean) {
    for (const [pid, group] of await this.discover()) {
      const ms = procCpuMs(pid);
      if (ms === null) continue;
      if (!this.first.has(pid)) this.first.set(pid, { group, ms: initial ? ms : 0 });
      this.last.set(pid, ms);
    }
  }

  async start() {
    await this.poll(true);
    this.machine0 = machineCpuMs();
    this.self0 = process.cpuUsage();
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.poll(false)).catch(() => {});
    }, 500);
  }

  async stop(): Promise<CpuUse | null> {
    clearInterval(this.timer!);
    await this.polling;
    await this.poll(false);
    const machine = machineCpuMs();
    const self = process.cpuUsage(this.self0);
    if (!machine || !this.machine0) return null;
    const groups: Record<Group, number> = { engine: 0, fake: 0, postgres: 0, postgresBackground: 0 };
    for (const [pid, { group, ms }] of this.first) groups[group] += (this.last.get(pid) ?? ms) - ms;
    const bench = (self.user + self.system) / 1000;
    const busy = machine.busy - this.machine0.busy;
    const ours = groups.engine + groups.fake + groups.postgres + groups.postgresBackground + bench;
    return { ...groups, bench, other: Math.max(0, busy - ours), capacity: machine.total - this.machine0.total };
  }
}

interface CpuUse {
  engine: number;
  fake: number;
  postgres: number;
  postgresBackground: number;
  bench: number;
  other: number;
  capacity: number;
}

// ---------------------------------------------------------------------------------------------------------

interface Phase {
  name: string;
  rows: number;
  wallMs: number;
  cpu: CpuUse | null;
  quiet: number | null;
}

interface MappedRows {
  ids: string[][];
  data: string[][];
  hashes: string[][];
  updatedAt: (string | null)[][];
  count: number;
  providerBytes: number;
  mappedBytes: number;
  /** The provider's records as listed, per page, for the mapping-only phase; dropped after it. */
  records: unknown[][] | null;
}

const bench: Benchmark = {
  name: 'sync',
  title: 'Sync throughput: 100,000 records end to end',
  description:
    'full sync of 100,000 fake-provider records (1,000/page, 10 mappings) through the run executor vs a raw unnest upsert of the same rows',
  async run(ctx) {
    const diagnostics = process.env.BENCH_TIMINGS === '1' || process.env.BENCH_PROFILE === '1';
    const postgresVersion = await requirePostgres();
    const machine = describeMachine();
    const loadBefore = loadavg()[0];
    ctx.log(
      `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.ramGiB} GiB RAM, Node ${machine.node}, Postgres ${postgresVersion}; 1-minute load average ${fmt(loadBefore, 2)}`,
    );

    const database = await freshDatabase();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'linkyard-bench-sync-'));
    const profileDir = process.env.BENCH_PROFILE === '1' ? mkdtempSync(path.join(tmpdir(), 'linkyard-bench-sync-prof-')) : null;
    let fake: Child<ProviderReady> | null = null;
    let engine: Child<EngineReady> | null = null;
    const raw = new pg.Client({ connectionString: database.url, application_name: 'linkyard-sync-raw' });
    let rawConnected = false;
    try {
      const dbName = new URL(database.url).pathname.slice(1);
      ctx.log(
        `fresh database ${dbName} on ${adminUrl()
          .replace(/\/\/[^@/]*@/, '//')
          .replace(/\/[^/]*$/, '')}: migrated; seeding demo data…`,
      );
      await seedDemo(database.db, PASSWORD);
      const pgSettings = await postgresSettings(database.db);

      const fakeStart = performance.now();
      fake = await startChild<ProviderReady>(path.join(here, 'provider.ts'), { cwd: ctx.root, startTimeoutMs: 180_000 });
      ctx.log(
        `fake provider process ${fake.process.pid}: ${PROVIDER} with ${fmt(fake.ready.records, 0)} records, ${PAGE_SIZE} per page, pre-serialised in ${fmt(fake.ready.warmMs, 0)} ms (started in ${fmt(performance.now() - fakeStart, 0)} ms)`,
      );

      engine = await startChild<EngineReady>(path.join(here, 'engine.ts'), { cwd: ctx.root, env: engineEnv(database.url, dataDir) });
      const setup = await call<SetupReply>(engine, {
        type: 'setup',
        apiBaseUrl: fake.ready.apiBaseUrl,
        token: fake.ready.token,
        password: PASSWORD,
      });
      ctx.log(
        `engine process ${engine.process.pid}: app built; integration ${setup.integrationId} imported (OAuth token, apiBaseUrl → fake); full sync ${setup.syncId} of ${RESOURCE} with ${MAPPINGS.length} mappings created through the API`,
      );

      // The reference's rows: the same listing through the same connector and mappings, outside any measurement.
      // This also pre-warms the fake's request path.
      const prepStart = performance.now();
      const rows = await mappedRows(fake.ready.apiBaseUrl, fake.ready.token);
      ctx.log(
        `reference rows: ${fmt(rows.count, 0)} records listed and mapped once (${rows.ids.length} pages) in ${fmt(performance.now() - prepStart, 0)} ms, outside the measurements`,
      );
      if (rows.count !== RECORDS) throw new Error(`the fake listed ${rows.count} records, expected ${RECORDS}`);

      await raw.connect();
      rawConnected = true;
      const rawPid = (await raw.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const watch = () =>
        new CpuWatch(async () => {
          const { rows: procs } = await sql<{ pid: number; application_name: string; datname: string | null; backend_type: string }>`
          SELECT pid, application_name, datname, backend_type FROM pg_stat_activity
           WHERE (datname = current_database() AND (application_name = ${ENGINE_APP_NAME} OR pid = ${rawPid}))
              OR backend_type IN ('walwriter', 'checkpointer', 'background writer', 'autovacuum worker', 'autovacuum launcher')`.execute(
            database.db.kysely,
          );
          return [
            [engine!.process.pid!, 'engine'],
            [fake!.process.pid!, 'fake'],
            ...procs.map((p): [number, Group] => [
              p.pid,
              p.datname === dbName || p.backend_type === 'client backend' ? 'postgres' : 'postgresBackground',
            ]),
          ];
        });

      const phases: Phase[] = [];
      let canCheckpoint = true;
      const measure = async <T>(name: string, n: number, fn: () => Promise<T>): Promise<{ phase: Phase; result: T }> => {
        // Every phase starts with no dirty buffers to flush (needs superuser or pg_checkpoint; skipped without).
        if (canCheckpoint)
          await sql`CHECKPOINT`.execute(database.db.kysely).catch((err: Error) => {
            canCheckpoint = false;
            ctx.log(`CHECKPOINT refused (${err.message}); phases run without it`);
          });
        const quiet = QUIET_WAIT_S > 0 ? await waitForQuiet(QUIET_WAIT_S, QUIET_BELOW, ctx.log) : { busy: null, waitedSeconds: 0 };
        const w = watch();
        await w.start();
        const t0 = performance.now();
        const result = await fn();
        const wallMs = performance.now() - t0;
        const cpu = await w.stop();
        const phase = { name, rows: n, wallMs, cpu, quiet: quiet.busy };
        phases.push(phase);
        ctx.log(
          `${name}: ${fmt(n, 0)} rows in ${fmt(wallMs / 1000, 2)} s = ${fmt(n / (wallMs / 1000), 0)} rows/s${cpu ? `  (CPU: engine ${fmt(cpu.engine / 1000, 2)} s, fake ${fmt(cpu.fake / 1000, 2)} s, Postgres ${fmt(cpu.postgres / 1000, 2)} s + background ${fmt(cpu.postgresBackground / 1000, 2)} s, this process ${fmt(cpu.bench / 1000, 2)} s; other work ${fmt((cpu.other / cpu.capacity) * 100, 0)}% of the machine)` : ''}`,
        );
        return { phase, result };
      };

      // Mapping alone: the sync's mappings over the listed records in this process — no fetching, parsing,
      // hashing or writing. The records are then dropped, so they weigh on no later phase.
      const mapping = await measure('mapping only: 10 mappings in this process, no I/O', rows.count, async () => mapAll(rows.records!));
      rows.records = null;

      const rawRunId = uuidv7();
      const rawInsert = await measure('raw unnest upsert, insert (reference)', rows.count, () =>
        rawUpsert(raw, rows, { orgId: setup.orgId, integrationId: setup.referenceIntegrationId, runId: rawRunId }),
      );

      const file = (n: number) => (profileDir ? path.join(profileDir, `engine-run${n}.cpuprofile`) : undefined);
      const run1 = await measure('engine run 1 (all new)', RECORDS, () =>
        call<RunReply>(engine!, { type: 'run', orgId: setup.orgId, syncId: setup.syncId, profileFile: file(1) }),
      );
      run1.phase.wallMs = run1.result.wallMs; // the engine's own clock: from the POST to the executor finishing the run
      const check1 = await verify(database.db, setup, run1.result, 1);

      const run2 = await measure('engine run 2 (all unchanged)', RECORDS, () =>
        call<RunReply>(engine!, { type: 'run', orgId: setup.orgId, syncId: setup.syncId, profileFile: file(2) }),
      );
      run2.phase.wallMs = run2.result.wallMs;
      const check2 = await verify(database.db, setup, run2.result, 2);

      const rawUpdate = await measure('raw unnest upsert, all conflicts (reference for run 2)', rows.count, () =>
        rawUpsert(raw, rows, { orgId: setup.orgId, integrationId: setup.referenceIntegrationId, runId: rawRunId }),
      );

      const same = await sameRows(database.db, setup);
      const fakeCounters = await fake.call<{ requests: number; byStatus: Record<string, number> }>({ type: 'counters' });
      const checks = [
        ...check1,
        ...check2,
        {
          what: `engine rows = reference rows (external id, data, content hash, source updated-at), ${fmt(RECORDS, 0)} of ${fmt(RECORDS, 0)}`,
          pass: same === RECORDS,
          measured: fmt(same, 0),
        },
      ];
      for (const c of checks) ctx.log(`${c.pass ? 'ok  ' : 'FAIL'} ${c.what}${c.pass ? '' : ` (got ${c.measured})`}`);

      const result: Result = {
        rawInsert: rawInsert.phase,
        rawUpdate: rawUpdate.phase,
        run1: run1.phase,
        run2: run2.phase,
        mapping: mapping.phase,
        reply1: run1.result,
        reply2: run2.result,
        checks,
        fakeRequests: fakeCounters.requests,
        fakeStatuses: fakeCounters.byStatus,
        providerBytesPerRecord: rows.providerBytes / rows.count,
        mappedBytesPerRecord: rows.mappedBytes / rows.count,
      };
      const summary = summarise(result);
      printSummary(summary, result);
      if (result.reply1.timings) printTimings(result);
      if (profileDir) printProfiles([result.reply1, result.reply2], ctx.root);

      await engine.stop();
      engine = null;
      const extra = {
        Postgres: `${postgresVersion} (local, same machine; ${pgSettings})`,
        'Load average before the run (1 min)': fmt(loadBefore, 2),
      };
      const markdown = report({ ctx, machine: machineMarkdown(machine, extra), summary, result, phases });
      const passed = summary.goals.every((g) => g.pass);
      if (diagnostics) {
        ctx.log('diagnostic run (BENCH_TIMINGS / BENCH_PROFILE): instrumentation skews the figures, so BENCHMARKS.md is left unchanged');
        return { markdown, passed, skipReport: true };
      }
      return { markdown, passed };
    } finally {
      if (rawConnected) await raw.end().catch(() => {});
      if (engine) await engine.stop().catch(() => engine?.process.kill('SIGKILL'));
      if (fake) await fake.stop().catch(() => fake?.process.kill('SIGKILL'));
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default bench;

/** One IPC round trip; a child's `{ type: 'error' }` becomes an exception here. */
async function call<T>(child: Child<unknown>, message: Record<string, unknown>): Promise<T> {
  const reply = await child.call<T & { type: string; error?: string }>(message);
  if (reply.type === 'error') throw new Error(`${String(message.type)} failed in the child process: ${reply.error}`);
  return reply;
}

function engineEnv(databaseUrl: string, dataDir: string): Record<string, string> {
  const url = new URL(databaseUrl);
  url.searchParams.set('application_name', ENGINE_APP_NAME); // so its Postgres backends can be told apart
  return {
    // Not production: production refuses plain-http provider URLs and private network targets, and the fake
    // provider is http://127.0.0.1. NODE_ENV changes nothing else on the sync path (config checks, https rule).
    NODE_ENV: 'development',
    // The engine serves no pages; in development the admin UI would otherwise start Vite's dev server.
    ADMIN_UI: 'off',
    ALLOW_PRIVATE_NETWORK_TARGETS: 'true',
    DATABASE_URL: url.toString(),
    JWT_SECRET: randomBytes(32).toString('base64'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PUBLIC_URL: 'http://127.0.0.1:3000',
    DATA_DIR: dataDir,
    // The production logger at warn: the executor writes its run logs to the database, not to the process log.
    LOG_LEVEL: 'warn',
  };
}

async function postgresSettings(db: Db): Promise<string> {
  const names = ['shared_buffers', 'synchronous_commit', 'wal_level', 'max_wal_size', 'autovacuum', 'jit', 'plan_cache_mode'];
  const { rows } = await sql<{ name: string; setting: string; unit: string | null }>`
    SELECT name, current_setting(name) AS setting, unit FROM pg_settings WHERE name = ANY(${names}::text[])`.execute(db.kysely);
  return rows
    .sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name))
    .map((r) => `${r.name}=${r.setting}`)
    .join(', ');
}

/** Lists the fake once through the production connector and maps every record with the sync's mappings. */
async function mappedRows(apiBaseUrl: string, token: string): Promise<MappedRows> {
  const definition = getProvider(PROVIDER)!;
  const resource = definition.resources.find((r) => r.key === RESOURCE)!;
  const http = createSafeHttpClient({ allowPrivateNetworkTargets: true, requireHttps: false });
  const mapper = compileMappings(MAPPINGS);
  const out: MappedRows = { ids: [], data: [], hashes: [], updatedAt: [], count: 0, providerBytes: 0, mappedBytes: 0, records: [] };
  try {
    const pages = listPages(
      {
        definition,
        resource,
        templateValues: { apiBaseUrl },
        credentials: async () => ({ authorization: `Bearer ${token}` }),
        onUnauthorized: async () => {},
        http,
        log: () => {},
        allowHttp: true,
      },
      { mode: 'full', cursor: null },
    );
    for await (const page of pages) {
      const ids: string[] = [];
      const data: string[] = [];
      const hashes: string[] = [];
      const updatedAt: (string | null)[] = [];
      page.records.forEach((record, i) => {
        const { output, errors } = mapper.apply(record);
        if (errors.length) throw new Error(`record ${page.externalIds[i]} does not map: ${JSON.stringify(errors)}`);
        ids.push(page.externalIds[i]);
        out.providerBytes += JSON.stringify(record).length; // the fake serves exactly this text (ASCII)
        const text = JSON.stringify(output);
        out.mappedBytes += text.length;
        data.push(text);
        hashes.push(contentHash(output));
        updatedAt.push(page.updatedAt[i] ?? null);
      });
      if (ids.length !== PAGE_SIZE && !page.done) throw new Error(`a page held ${ids.length} records, expected ${PAGE_SIZE}`);
      out.ids.push(ids);
      out.data.push(data);
      out.hashes.push(hashes);
      out.updatedAt.push(updatedAt);
      out.records!.push(page.records);
      out.count += ids.length;
    }
  } finally {
    http.close();
  }
  return out;
}

/** Applies the sync's mappings to every record (freshly compiled, as a run compiles them); a record that does not map is an error. */
async function mapAll(pages: unknown[][]): Promise<void> {
  const mapper = compileMappings(MAPPINGS);
  let errors = 0;
  for (const page of pages) for (const record of page) errors += mapper.apply(record).errors.length;
  if (errors) throw new Error(`${errors} mapping errors in the mapping-only phase`);
}

/** The reference: one prepared INSERT … SELECT FROM unnest … ON CONFLICT per page, each its own transaction. */
async function rawUpsert(
  client: pg.Client,
  rows: MappedRows,
  target: { orgId: string; integrationId: string; runId: string },
): Promise<void> {
  for (let p = 0; p < rows.ids.length; p++) {
    await client.query({
      name: 'raw_upsert',
      text: RAW_UPSERT_SQL,
      values: [target.orgId, target.integrationId, RESOURCE, target.runId, rows.ids[p], rows.data[p], rows.hashes[p], rows.updatedAt[p]],
    });
  }
}

interface Check {
  what: string;
  pass: boolean;
  measured: string;
}

async function verify(db: Db, setup: SetupReply, reply: RunReply, n: 1 | 2): Promise<Check[]> {
  const { rows } = await sql<{ live: number; all: number }>`
    SELECT count(*) FILTER (WHERE deleted_at IS NULL)::int AS live, count(*)::int AS all
      FROM records WHERE integration_id = ${setup.integrationId} AND resource = ${RESOURCE}`.execute(db.kysely);
  const s = reply.run.stats;
  const expected =
    n === 1
      ? { fetched: RECORDS, created: RECORDS, updated: 0, unchanged: 0, deleted: 0, failed: 0 }
      : { fetched: RECORDS, created: 0, updated: 0, unchanged: RECORDS, deleted: 0, failed: 0 };
  const statsText = (x: typeof s) =>
    `fetched ${x.fetched}, created ${x.created}, updated ${x.updated}, unchanged ${x.unchanged}, deleted ${x.deleted}, failed ${x.failed}`;
  return [
    {
      what: `run ${n} succeeded`,
      pass: reply.run.status === 'succeeded',
      measured: `${reply.run.status}${reply.run.error ? `: ${reply.run.error}` : ''}`,
    },
    {
      what: `run ${n} stats: ${statsText(expected)}`,
      pass: Object.entries(expected).every(([k, v]) => s[k as keyof typeof s] === v),
      measured: statsText(s),
    },
    {
      what: `after run ${n}: ${fmt(RECORDS, 0)} rows in records for the integration, none deleted`,
      pass: rows[0].live === RECORDS && rows[0].all === RECORDS,
      measured: `${rows[0].live} live of ${rows[0].all}`,
    },
  ];
}

/** Rows the engine stored that equal the reference's rows for the same external id. */
async function sameRows(db: Db, setup: SetupReply): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM records e JOIN records r
        ON r.integration_id = ${setup.referenceIntegrationId} AND r.resource = e.resource AND r.external_id = e.external_id
     WHERE e.integration_id = ${setup.integrationId} AND e.resource = ${RESOURCE}
       AND e.data = r.data AND e.content_hash = r.content_hash AND e.source_updated_at IS NOT DISTINCT FROM r.source_updated_at`.execute(
    db.kysely,
  );
  return rows[0].n;
}

// ---------------------------------------------------------------------------------------------------------
// Figures and report

interface Result {
  rawInsert: Phase;
  rawUpdate: Phase;
  run1: Phase;
  run2: Phase;
  mapping: Phase;
  reply1: RunReply;
  reply2: RunReply;
  checks: Check[];
  fakeRequests: number;
  fakeStatuses: Record<string, number>;
  providerBytesPerRecord: number;
  mappedBytesPerRecord: number;
}

const perSec = (p: Phase) => p.rows / (p.wallMs / 1000);

function summarise(r: Result) {
  const engine1 = perSec(r.run1);
  const engine2 = perSec(r.run2);
  const rawInsert = perSec(r.rawInsert);
  const rawUpdate = perSec(r.rawUpdate);
  const ratio = engine1 / rawInsert;
  const ratio2 = engine2 / rawUpdate;
  const mapped = perSec(r.mapping);
  const verified = r.checks.every((c) => c.pass);
  const goals = [
    {
      goal: `Engine throughput, run 1 (all new) ≥ ${fmt(GOALS.minRecordsPerSec, 0)} records/s`,
      measured: `${fmt(engine1, 0)} records/s`,
      pass: engine1 >= GOALS.minRecordsPerSec,
    },
    {
      goal: `Engine ÷ raw unnest upsert (same rows, same run) ≥ ${GOALS.minRatio}`,
      measured: fmt(ratio, 2),
      pass: ratio >= GOALS.minRatio,
    },
    {
      goal: `Mapping alone (10 mappings, in process) ≥ ${fmt(GOALS.minMappedPerSec, 0)} records/s (100,000 in under 1.5 s)`,
      measured: `${fmt(mapped, 0)} records/s`,
      pass: mapped >= GOALS.minMappedPerSec,
    },
    {
      goal: 'Result verified (run stats, row counts, engine rows = reference rows)',
      measured: verified ? 'all checks pass' : `${r.checks.filter((c) => !c.pass).length} check(s) failed`,
      pass: verified,
    },
  ];
  return { engine1, engine2, rawInsert, rawUpdate, ratio, ratio2, mapped, goals };
}

type Summary = ReturnType<typeof summarise>;

function printSummary(s: Summary, r: Result) {
  console.log('');
  console.log(
    `engine run 1 (all new):        ${fmt(s.engine1, 0).padStart(7)} records/s  (${fmt(r.run1.wallMs / 1000, 2)} s; run's own duration ${fmt((r.reply1.run.durationMs ?? NaN) / 1000, 2)} s)`,
  );
  console.log(`raw unnest upsert (insert):    ${fmt(s.rawInsert, 0).padStart(7)} rows/s     (${fmt(r.rawInsert.wallMs / 1000, 2)} s)`);
  console.log(`ratio engine / raw:            ${fmt(s.ratio, 3)}`);
  console.log(`engine run 2 (all unchanged):  ${fmt(s.engine2, 0).padStart(7)} records/s  (${fmt(r.run2.wallMs / 1000, 2)} s)`);
  console.log(`raw unnest upsert (conflicts): ${fmt(s.rawUpdate, 0).padStart(7)} rows/s     (${fmt(r.rawUpdate.wallMs / 1000, 2)} s)`);
  console.log(`ratio run 2 / raw conflicts:   ${fmt(s.ratio2, 3)}`);
  console.log(
    `mapping alone:                 ${fmt(s.mapped, 0).padStart(7)} records/s  (${fmt(r.mapping.wallMs, 0)} ms for ${fmt(r.mapping.rows, 0)} records × ${MAPPINGS.length} mappings)`,
  );
  console.log(`engine peak RSS: run 1 ${fmt(peakRss(r.reply1), 0)} MiB, run 2 ${fmt(peakRss(r.reply2), 0)} MiB`);
  console.log('');
  for (const g of s.goals) console.log(`${g.pass ? 'PASS' : 'FAIL'}  ${g.goal}: ${g.measured}`);
}

const peakRss = (r: RunReply) => r.peakRssKernelMiB ?? r.peakRssSampledMiB;

function printTimings(r: Result) {
  for (const [name, reply] of [
    ['run 1', r.reply1],
    ['run 2', r.reply2],
  ] as const) {
    if (!reply.timings) continue;
    console.log(`\nengine SQL wall-clock during ${name} (${fmt(reply.wallMs, 0)} ms in all):`);
    console.log(`  ${'total ms'.padStart(9)}  ${'calls'.padStart(6)}  ${'mean ms'.padStart(8)}  statement`);
    let sum = 0;
    for (const [k, v] of Object.entries(reply.timings).sort((a, b) => b[1].totalMs - a[1].totalMs)) {
      if (!k.startsWith('pool')) sum += v.totalMs;
      console.log(`  ${fmt(v.totalMs, 0).padStart(9)}  ${String(v.count).padStart(6)}  ${fmt(v.totalMs / v.count, 2).padStart(8)}  ${k}`);
    }
    console.log(
      `  SQL round trips ${fmt(sum, 0)} ms of ${fmt(reply.wallMs, 0)} ms (${fmt((sum / reply.wallMs) * 100, 0)}%); the rest is fetching, parsing, mapping and hashing in the engine`,
    );
  }
}

function printProfiles(replies: RunReply[], root: string) {
  const watch =
    /^(execute|listPages|send|request|sendHop|json|applyFields|apply|upsertRecords|pageRowsJson|contentHash|canonicalJson|writeLogs|inScope|parse|stringify|readJsonPointer|modificationTime|normaliseTimestamp|compileQuery|executeQuery|query|finish|markUnseenDeleted)$/;
  replies.forEach((reply, i) => {
    if (!reply.profile) return;
    const s = summariseProfile(reply.profile, root, watch);
    console.log(
      `\nCPU profile of engine run ${i + 1}: ${reply.profile} (${fmt(s.totalMs, 0)} ms sampled over ${fmt(reply.wallMs, 0)} ms of wall time)`,
    );
    console.log('  self time by owner:');
    for (const o of s.byOwner.slice(0, 18))
      console.log(`    ${fmt(o.pct, 1).padStart(5)}%  ${fmt(o.selfMs, 0).padStart(6)} ms  ${o.owner}`);
    console.log('  top functions (self):');
    for (const f of s.topSelf.slice(0, 30)) console.log(`    ${fmt(f.pct, 1).padStart(5)}%  ${fmt(f.selfMs, 0).padStart(6)} ms  ${f.fn}`);
    console.log('  inclusive:');
    for (const f of s.inclusive.slice(0, 30))
      console.log(`    ${fmt(f.pct, 1).padStart(5)}%  ${fmt(f.totalMs, 0).padStart(6)} ms  ${f.fn}`);
  });
}

const fmt = (n: number, digits: number) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const sec = (ms: number) => fmt(ms / 1000, 2);

function cpuRow(p: Phase) {
  const c = p.cpu;
  if (!c) return `| ${p.name} | ${sec(p.wallMs)} | n/a | n/a | n/a | n/a | n/a |`;
  const perRecord = (ms: number) => fmt((ms * 1000) / p.rows, 0);
  return `| ${p.name} | ${sec(p.wallMs)} | ${perRecord(c.engine + c.bench)} | ${perRecord(c.postgres)} | ${perRecord(c.postgresBackground)} | ${perRecord(c.fake)} | ${fmt((c.other / c.capacity) * 100, 0)}% |`;
}

function report({
  ctx,
  machine,
  summary: s,
  result: r,
  phases,
}: {
  ctx: BenchContext;
  machine: string;
  summary: Summary;
  result: Result;
  phases: Phase[];
}): string {
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const mappingList = MAPPINGS.map((m) => `\`${m.target}\` ${m.transform ?? 'copy'}`).join(', ');
  const rss = (x: RunReply) => `${fmt(peakRss(x), 0)} MiB (${fmt(x.rssBeforeMiB, 0)} MiB before the run)`;
  return `
Command (from the repository root): \`${ctx.command}\` — last run ${when}.

**Measured.** A full sync of ${fmt(RECORDS, 0)} Salesforce contacts from the local fake provider
(\`test/fixtures/providers\`, ${fmt(PAGE_SIZE, 0)} records per page, ${Math.ceil(RECORDS / PAGE_SIZE)} pages; ${fmt(r.providerBytesPerRecord, 0)} bytes of provider JSON
per record, ${fmt(r.mappedBytesPerRecord, 0)} bytes once mapped) through the real application: the integration comes from the
legacy import (the no-browser path for an OAuth token; \`apiBaseUrl\` points it at the fake), the sync with ${MAPPINGS.length}
field mappings (${mappingList}) is created with \`POST …/integrations/:id/syncs\`, and the run is started with
\`POST …/syncs/:id/runs\` and executed by the app's run executor: connector → safe HTTP client → mappings →
\`upsertRecords\` (one transaction per page as \`linkyard_app\` under RLS, with the run's counters, resume
cursor and logs) → deletion check → final stats. Time: from the POST to the executor finishing the run
(records/s = ${fmt(RECORDS, 0)} ÷ seconds).
**Mapping alone:** the same ${MAPPINGS.length} mappings, compiled afresh, applied to the same ${fmt(RECORDS, 0)} listed records in the
benchmark process, with no fetching, parsing, hashing or writing (the mapping-throughput goal lives here rather than
as a wall-clock assertion in test/unit/modules/syncs/mappings.test.ts).
**Reference (same run, same database):** a raw \`INSERT … SELECT FROM unnest(…) ON CONFLICT …\` of the same
${fmt(RECORDS, 0)} mapped rows (listed and mapped beforehand, outside the measurement; data JSON and content
hashes precomputed) into the same table and columns, ${fmt(PAGE_SIZE, 0)} rows per statement, with records-writer's
conflict target and \`DO UPDATE SET\`, into a fresh integration (so it inserts), as one prepared statement per
page on a plain \`pg\` client as the database owner: no transaction around it, no RLS, no \`before\` lookup
or counts, no run bookkeeping. The engine's stored rows are checked equal to the reference's.

${machine}

| Setup | |
|---|---|
| Processes | engine (the app: \`buildApp\`, its run executor, one Node process) ≠ fake provider (own Node process, records pre-serialised) ≠ benchmark (raw reference, CPU accounting); Postgres local |
| Engine config | \`NODE_ENV=development\` with \`ALLOW_PRIVATE_NETWORK_TARGETS=true\` (production refuses http://127.0.0.1; nothing else on the sync path differs), \`LOG_LEVEL=warn\`, pg pool 10 (openDb default) |
| Order | mapping only → raw insert → engine run 1 (all new) → engine run 2 (same data, all unchanged) → raw upsert again (all conflicts); \`CHECKPOINT\` before each, and a wait for the machine to be quiet (BENCH_QUIET_WAIT) |
| Provider requests | ${fmt(r.fakeRequests, 0)} in all (one listing for the reference rows, one per engine run), statuses ${Object.entries(
    r.fakeStatuses,
  )
    .map(([k, v]) => `${k}: ${fmt(v, 0)}`)
    .join(', ')} |

**Results:**

| | Time | Throughput |
|---|---:|---:|
| Engine run 1: ${fmt(RECORDS, 0)} new records | ${sec(r.run1.wallMs)} s | **${fmt(s.engine1, 0)} records/s** |
| Raw unnest upsert, inserting (reference) | ${sec(r.rawInsert.wallMs)} s | ${fmt(s.rawInsert, 0)} rows/s |
| Engine run 2: the same ${fmt(RECORDS, 0)} records, all unchanged | ${sec(r.run2.wallMs)} s | ${fmt(s.engine2, 0)} records/s |
| Raw unnest upsert again, every row a conflict (reference for run 2) | ${sec(r.rawUpdate.wallMs)} s | ${fmt(s.rawUpdate, 0)} rows/s |
| Mapping alone: the ${MAPPINGS.length} mappings applied to the same ${fmt(r.mapping.rows, 0)} records in the benchmark process (no fetching, parsing, hashing or writing) | ${sec(r.mapping.wallMs)} s | ${fmt(s.mapped, 0)} records/s |

**Ratio engine ÷ raw upsert: ${fmt(s.ratio, 2)}** (run 2 ÷ raw conflicts: ${fmt(s.ratio2, 2)}).
Engine peak RSS: run 1 ${rss(r.reply1)}, run 2 ${rss(r.reply2)}${r.reply1.peakRssKernelMiB === null ? ' (sampled every 20 ms)' : ' (kernel VmHWM, reset before each run)'}.
Run durations as the run records them (started → finished): ${sec(r.reply1.run.durationMs ?? NaN)} s and ${sec(r.reply2.run.durationMs ?? NaN)} s.

| Goal | Measured | Result |
|---|---|---|
${s.goals.map((g) => `| ${g.goal} | ${g.measured} | ${g.pass ? 'PASS' : 'FAIL'} |`).join('\n')}

Checks: ${r.checks.map((c) => `${c.what} — ${c.pass ? 'ok' : `**failed** (${c.measured})`}`).join('; ')}.

CPU time per record (µs, from /proc; everything shares the ${describeMachine().cpus} cores). Node is the engine process in
the engine runs and the benchmark process (its \`pg\` client) in the raw ones; Postgres backends are those serving
the phase; background is the WAL writer, checkpointer, background writer and autovacuum (shared with any other
database on the server); other work is everything else the machine ran meanwhile (other programs):

| Phase | Wall s | Node | Postgres backends | Postgres background | fake provider | other work on the machine |
|---|---:|---:|---:|---:|---:|---:|
${phases.map(cpuRow).join('\n')}

Engine process during the runs: event loop ${fmt(r.reply1.eventLoopUtilization * 100, 0)}% / ${fmt(r.reply2.eventLoopUtilization * 100, 0)}% busy, GC ${fmt(r.reply1.gcMs, 0)} ms / ${fmt(r.reply2.gcMs, 0)} ms (runs 1 / 2).
Where the time goes: \`BENCH_TIMINGS=1 npm run bench -- sync\` (the engine's wall-clock per SQL statement) and
\`BENCH_PROFILE=1 npm run bench -- sync\` (V8 CPU profiles of the engine's runs, summarised); these diagnostic runs
leave this section unchanged.
`;
}
