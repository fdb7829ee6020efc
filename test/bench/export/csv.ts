/**
 * CSV export benchmark: 1,000,000 records of one organization downloaded as CSV over a real HTTP request
 * (GET /api/orgs/:orgId/export?format=csv&entities=records) from the real application in a child process,
 * measuring rows per second at the client and the server process's peak RSS, against Postgres's own
 * `COPY (SELECT …) TO STDOUT WITH CSV` of the same rows and columns in the same run.
 *
 * Knobs (environment): BENCH_EXPORT_RECORDS (default 1,000,000), BENCH_DATABASE_URL (admin URL of the
 * Postgres server), BENCH_QUIET_WAIT (seconds to wait for other work on the machine to calm down before
 * measuring; 60, 0 = no wait), BENCH_EXPORT_PROFILE (a directory: the server runs with --cpu-prof writing
 * there, summarise with test/bench/lib/cpuprofile.ts; BENCHMARKS.md is then left unchanged).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { uuidv7 } from '../../../server/src/lib/ids.js';
import { seedDemo } from '../../../server/src/seed/demo.js';
import { startChild, type Child } from '../lib/child.js';
import { cpuDelta, cpuSnapshot, waitForQuiet } from '../lib/cpu.js';
import { describeMachine, machineMarkdown } from '../lib/machine.js';
import { freshDatabase, requirePostgres } from '../lib/postgres.js';
import type { Benchmark } from '../types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const RECORDS = Number(process.env.BENCH_EXPORT_RECORDS ?? 1_000_000);
const QUIET_WAIT_S = Number(process.env.BENCH_QUIET_WAIT ?? 60);
/** Diagnostic: a directory for the server's V8 CPU profile (--cpu-prof); such runs do not replace the report. */
const PROFILE_DIR = process.env.BENCH_EXPORT_PROFILE || null;
const PASSWORD = 'linkyard-bench-password';
/** Issue 16's goal table: ≥ 0.9 of the same run's COPY reference, peak RSS < 200 MiB; the absolute floor is kept. */
const GOALS = { minRowsPerSec: 200_000, minRatio: 0.9, maxPeakRssMiB: 200 };
const MEASURED_RUNS = 2;
const MiB = 1024 * 1024;

interface Ready {
  type: string;
  port: number;
  pid: number;
}

/** VmRSS / VmHWM of a process in MiB (Linux), or null. */
function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Resets the kernel's peak-RSS counter of a process so VmHWM measures one run; false where not allowed. */
function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

interface Download {
  ms: number;
  bytes: number;
  lines: number;
  status: number;
  contentType: string;
}

/** Reads a byte stream to its end, counting bytes and CRLF line ends, keeping nothing. */
function countStream(
  stream: NodeJS.ReadableStream,
  started: number,
  onEnd: (d: Omit<Download, 'status' | 'contentType'>) => void,
  onError: (e: Error) => void,
) {
  let bytes = 0;
  let lines = 0;
  stream.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  });
  stream.on('end', () => onEnd({ ms: performance.now() - started, bytes, lines }));
  stream.on('error', onError);
}

function download(port: number, url: string, authorization: string): Promise<Download> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request({ host: '127.0.0.1', port, path: url, headers: { authorization } }, (res) => {
      countStream(
        res,
        started,
        (d) => resolve({ ...d, status: res.statusCode ?? 0, contentType: String(res.headers['content-type']) }),
        reject,
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const COPY_SQL = (orgId: string) => `COPY (
  SELECT integration_id, resource, external_id, data::text AS data,
         to_char(source_updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "sourceUpdatedAt",
         to_char(first_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "firstSeenAt",
         to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt",
         to_char(deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "deletedAt"
    FROM records WHERE organization_id = '${orgId}' ORDER BY integration_id, resource, external_id
) TO STDOUT WITH (FORMAT csv, HEADER)`;

/** The reference: Postgres writes the same rows as CSV itself, streamed to psql and counted here. */
function copyReference(databaseUrl: string, orgId: string): Promise<Download> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const psql = spawn('psql', [databaseUrl, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', COPY_SQL(orgId)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let result: Omit<Download, 'status' | 'contentType'> | null = null;
    countStream(
      psql.stdout,
      started,
      (d) => {
        result = d;
      },
      reject,
    );
    psql.on('exit', (code) => {
      if (code !== 0 || !result) reject(new Error(`psql COPY exited with ${code}`));
      else resolve({ ...result, ms: performance.now() - started, status: 0, contentType: 'text/csv (COPY)' });
    });
  });
}

/** The Postgres backends of the benchmark's database: the server's pooled connections (and this process's idle one). */
async function backendPids(db: Kysely<Database>): Promise<number[]> {
  const { rows } = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(db);
  return rows.map((r) => r.pid);
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
/** CPU µs per exported row (from /proc's 10 ms ticks: ±0.01 µs per row over a million rows). */
const perRow = (d: Download, ms: number | null | undefined) => (ms == null ? '—' : `${fmt((ms * 1000) / (d.lines - 1), 2)} µs`);

const bench: Benchmark = {
  name: 'export-csv',
  title: 'CSV export: 1,000,000 records streamed over HTTP',
  description:
    'CSV export of 1,000,000 records over a real HTTP request: rows/s and peak RSS of the server process, vs Postgres COPY TO STDOUT CSV',
  async run(ctx) {
    const postgresVersion = await requirePostgres();
    const machine = describeMachine();
    ctx.log(
      `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.ramGiB} GiB RAM, Node ${machine.node}, Postgres ${postgresVersion}; load ${loadavg()[0].toFixed(2)}`,
    );
    const database = await freshDatabase();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'linkyard-bench-export-'));
    let server: Child<Ready> | null = null;
    try {
      await seedDemo(database.db, PASSWORD);
      const db = database.db.kysely;
      const orgId = (await db.selectFrom('organizations').select('id').where('slug', '=', 'acme').executeTakeFirstOrThrow()).id;
      const integrationId = uuidv7();
      await db
        .insertInto('integrations')
        .values({
          id: integrationId,
          organization_id: orgId,
          provider: 'hubspot',
          name: 'HubSpot (export benchmark)',
          status: 'ACTIVE',
          auth_type: 'oauth2',
          client_id: 'bench',
          username: null,
          scopes: [],
          settings: '{}',
          updated_at: new Date(),
        })
        .execute();
      const seedStart = performance.now();
      // Contact-like records (about 300 bytes of JSON each), written by Postgres itself.
      await sql`
        INSERT INTO records (organization_id, integration_id, resource, external_id, data, content_hash, source_updated_at, first_seen_at, updated_at)
        SELECT ${orgId}::uuid, ${integrationId}::uuid, 'contacts', lpad(g::text, 9, '0'),
               jsonb_build_object('email', 'person' || g || '@example.com', 'firstName', (ARRAY['Ada','Grace','Alan','Edsger','Barbara'])[1 + g % 5],
                 'lastName', (ARRAY['Lovelace','Hopper','Turing','Dijkstra','Liskov'])[1 + g % 5], 'company', 'Company ' || (g % 997),
                 'phone', '+1 555 ' || lpad((g % 10000)::text, 4, '0'), 'stage', CASE WHEN g % 3 = 0 THEN 'customer' ELSE 'lead' END,
                 'amount', (g % 100000) / 100.0, 'city', 'City ' || (g % 211), 'notes', 'Met at conference, "follow up", next quarter'),
               md5(g::text), now() - (g % 1000) * interval '1 minute', now() - interval '30 days', now() - (g % 1000) * interval '1 minute'
          FROM generate_series(1, ${RECORDS}) AS g`.execute(db);
      await sql`VACUUM ANALYZE records`.execute(db);
      const tableSize = (await sql<{ size: string }>`SELECT pg_size_pretty(pg_total_relation_size('records')) AS size`.execute(db)).rows[0]
        .size;
      ctx.log(`seeded ${fmt(RECORDS)} records (${tableSize} with indexes) in ${fmt((performance.now() - seedStart) / 1000, 1)} s`);

      server = await startChild<Ready>(path.join(here, '../lib/app-server.ts'), {
        cwd: ctx.root,
        execArgv: PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [],
        env: {
          NODE_ENV: 'development',
          DATABASE_URL: database.url,
          JWT_SECRET: randomBytes(32).toString('base64'),
          ENCRYPTION_KEY: randomBytes(32).toString('base64'),
          DATA_DIR: dataDir,
          LOG_LEVEL: 'warn',
          PUBLIC_URL: 'http://127.0.0.1:3000',
          // The API alone: the admin UI's dev server (Vite) would be most of the process's memory, and none of the export's.
          ADMIN_UI: 'off',
        },
      });
      const { port, pid } = server.ready;
      const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@acme.test', password: PASSWORD }),
      });
      if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
      const authorization = `Bearer ${((await login.json()) as { accessToken: string }).accessToken}`;
      const url = `/api/orgs/${orgId}/export?format=csv&entities=records`;
      const rssIdle = memoryOf(pid, 'VmRSS') ?? 0;
      ctx.log(`server process ${pid} on port ${port}, ${fmt(rssIdle)} MiB RSS idle`);

      const warm = await download(port, url, authorization);
      if (warm.status !== 200) throw new Error(`the export answered ${warm.status}`);
      ctx.log(`warm-up export: ${fmt(warm.lines - 1)} rows, ${fmt(warm.bytes / MiB, 1)} MiB in ${fmt(warm.ms)} ms (discarded)`);
      if (warm.lines - 1 !== RECORDS) throw new Error(`the CSV has ${warm.lines - 1} rows, expected ${RECORDS}`);

      const quiet = QUIET_WAIT_S > 0 ? await waitForQuiet(QUIET_WAIT_S, 0.15, ctx.log) : null;
      const runs: (Download & {
        peakRssMiB: number;
        sampledPeakMiB: number;
        kernelPeak: boolean;
        cpuMs: number | null;
        postgresCpuMs: number | null;
      })[] = [];
      for (let i = 0; i < MEASURED_RUNS; i++) {
        const kernelPeak = resetPeakRss(pid);
        let sampledPeakMiB = memoryOf(pid, 'VmRSS') ?? 0;
        const sampler = setInterval(() => {
          sampledPeakMiB = Math.max(sampledPeakMiB, memoryOf(pid, 'VmRSS') ?? 0);
        }, 20);
        const pidsBefore = await backendPids(db);
        const cpu0 = cpuSnapshot(pid, pidsBefore);
        const d = await download(port, url, authorization);
        clearInterval(sampler);
        const cpu = cpuDelta(cpu0, cpuSnapshot(pid, [...new Set([...pidsBefore, ...(await backendPids(db))])]));
        const peakRssMiB = Math.max(sampledPeakMiB, kernelPeak ? (memoryOf(pid, 'VmHWM') ?? 0) : 0);
        runs.push({ ...d, peakRssMiB, sampledPeakMiB, kernelPeak, cpuMs: cpu?.server ?? null, postgresCpuMs: cpu?.postgres ?? null });
        ctx.log(
          `run ${i + 1}: ${fmt(d.lines - 1)} rows in ${fmt(d.ms)} ms → ${fmt((d.lines - 1) / (d.ms / 1000))} rows/s; ${fmt(d.bytes / MiB, 1)} MiB; peak RSS ${fmt(peakRssMiB)} MiB; ` +
            `CPU per row: server ${perRow(d, cpu?.server)}, Postgres ${perRow(d, cpu?.postgres)}; other work on the machine ${cpu ? `${fmt(cpu.other / 1000, 2)} s` : '—'}; load ${loadavg()[0].toFixed(2)}`,
        );
      }
      const refs: Download[] = [];
      for (let i = 0; i < MEASURED_RUNS; i++) {
        const r = await copyReference(database.url, orgId);
        refs.push(r);
        ctx.log(
          `reference ${i + 1} (COPY … TO STDOUT CSV via psql): ${fmt(r.lines - 1)} rows in ${fmt(r.ms)} ms → ${fmt((r.lines - 1) / (r.ms / 1000))} rows/s; ${fmt(r.bytes / MiB, 1)} MiB`,
        );
      }

      const rate = (d: Download) => (d.lines - 1) / (d.ms / 1000);
      const best = runs.reduce((a, b) => (rate(b) > rate(a) ? b : a));
      const worstRate = Math.min(...runs.map(rate));
      const peakRss = Math.max(...runs.map((r) => r.peakRssMiB));
      const refBest = refs.reduce((a, b) => (rate(b) > rate(a) ? b : a));
      const ratio = rate(best) / rate(refBest);
      const passRate = worstRate >= GOALS.minRowsPerSec;
      const passRatio = ratio >= GOALS.minRatio;
      const passRss = peakRss < GOALS.maxPeakRssMiB;
      ctx.log(
        `export ÷ COPY reference (best runs): ${fmt(ratio, 2)} (goal ≥ ${GOALS.minRatio}); peak RSS ${fmt(peakRss)} MiB (goal < ${GOALS.maxPeakRssMiB})`,
      );
      const verdict = (ok: boolean) => (ok ? '**PASS**' : '**FAIL**');

      const markdown = `
Command: \`${ctx.command}\` (under \`flock /tmp/linkyard-bench.lock\` on the shared machine) · ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

${machineMarkdown(machine, { Postgres: postgresVersion, 'Load before measuring': quiet ? `${Math.round((quiet.busy ?? 0) * 100)}% of the machine busy with other work (waited ${quiet.waitedSeconds} s)` : 'not checked' })}

**Workload.** ${fmt(RECORDS)} contact-like records (about 300 bytes of JSON each; ${tableSize} with indexes) of one
integration, seeded with \`generate_series\`. The real application (\`buildApp\`, production config path, \`LOG_LEVEL=warn\`) runs in a
child process; this process downloads \`GET ${url.replace(orgId, ':orgId')}\` over HTTP as the Acme admin, counting bytes and
lines and keeping nothing. One warm-up export first (discarded), then ${MEASURED_RUNS} measured ones. Peak RSS is the server process's
${runs[0].kernelPeak ? 'kernel VmHWM, reset before each run (also sampled every 20 ms)' : 'RSS sampled every 20 ms'}; idle it holds ${fmt(rssIdle)} MiB.

| Run | Rows | Size | Time | Rows/s | Server CPU | Server CPU/row | Postgres CPU/row | Peak RSS |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${runs.map((r, i) => `| export ${i + 1} | ${fmt(r.lines - 1)} | ${fmt(r.bytes / MiB, 1)} MiB | ${fmt(r.ms / 1000, 2)} s | ${fmt(rate(r))} | ${r.cpuMs === null ? '—' : `${fmt(r.cpuMs / 1000, 2)} s`} | ${perRow(r, r.cpuMs)} | ${perRow(r, r.postgresCpuMs)} | ${fmt(r.peakRssMiB)} MiB |`).join('\n')}
${refs.map((r, i) => `| reference ${i + 1}: \`COPY (SELECT …) TO STDOUT WITH CSV\` | ${fmt(r.lines - 1)} | ${fmt(r.bytes / MiB, 1)} MiB | ${fmt(r.ms / 1000, 2)} s | ${fmt(rate(r))} | — | — | — | — |`).join('\n')}

**Reference.** Postgres writing the same rows and columns as CSV itself (\`COPY … TO STDOUT\`, streamed to \`psql\` and
counted the same way): the floor for reading a million rows out of this database on this machine. Export ÷ reference
(best runs): **${fmt(ratio, 2)}×** the reference's rows/s. The export's file is larger (every cell quoted, a BOM,
CRLF line ends, formula neutralisation) and every chunk goes through row-level security in its own transaction.

| Goal | Target | Measured | |
|---|---|---|---|
| Throughput (slowest measured run) | ≥ ${fmt(GOALS.minRowsPerSec)} rows/s | ${fmt(worstRate)} rows/s | ${verdict(passRate)} |
| Export ÷ COPY reference (best runs) | ≥ ${GOALS.minRatio} | ${fmt(ratio, 2)} | ${verdict(passRatio)} |
| Server peak RSS | < ${GOALS.maxPeakRssMiB} MiB | ${fmt(peakRss)} MiB | ${verdict(passRss)} |

Why memory is bounded (it does not grow with the number of rows): keyset-paginated chunks of 5,000 rows, each read in its
own short transaction while the previous one is written (at most two in memory), written as CSV bytes straight into
64 KiB Buffers (csv-writer's quoting rules, byte for byte: test/unit/modules/exports/csv-rows.test.ts) handed to a stream that
waits for the socket to drain (backpressure). Each chunk's array is emptied once written, so its rows die in V8's young
generation instead of being promoted (an old array kept them alive until the next full collection): the heap no
longer grows between full collections. Profile a run with \`BENCH_EXPORT_PROFILE=<dir>\` (the report is then left alone).
`;
      return { markdown, passed: passRate && passRatio && passRss, skipReport: PROFILE_DIR !== null };
    } finally {
      await server?.stop().catch(() => {});
      await database.close().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default bench;
