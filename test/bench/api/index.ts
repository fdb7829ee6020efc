/**
 * API benchmark: the authenticated, tenant-scoped members list (`GET /api/orgs/:orgId/members`:
 * JWT → actor query → rate limits → CASL → the scope and the page query in one message (readInScope) → listMembersQuery) against a bare
 * Fastify route running the same SQL with none of those layers, in the same run, on the same server
 * process. The load generator (autocannon, in this process) never shares an event loop with the server.
 *
 * Knobs (environment): BENCH_CONNECTIONS (default 20), BENCH_DURATION seconds per measured run
 * (10), BENCH_WARMUP seconds per target (3), BENCH_DATABASE_URL (admin URL of the Postgres server),
 * BENCH_QUIET_WAIT (seconds to wait for other work on the machine to calm down first; 180, 0 = no wait).
 * Diagnostics (these runs do not write BENCHMARKS.md): BENCH_TIMINGS=1 prints a wall-clock breakdown
 * from the server; BENCH_PROFILE=1 writes V8 CPU profiles of the measured windows and summarises them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { sql } from 'kysely';
import { inScope } from '../../../server/src/lib/db-scope.js';
import { uuidv7 } from '../../../server/src/lib/ids.js';
import { hashPassword } from '../../../server/src/lib/passwords.js';
import { seedDemo } from '../../../server/src/seed/demo.js';
import type { Db } from '../../../db/client.js';
import { startChild, type Child } from '../lib/child.js';
import { cpuDelta, cpuSnapshot, waitForQuiet, type CpuUse } from '../lib/cpu.js';
import { summariseProfile } from '../lib/cpuprofile.js';
import { concat, percentile, runLoad, type LoadResult } from '../lib/load.js';
import { describeMachine, machineMarkdown } from '../lib/machine.js';
import { adminUrl, freshDatabase, requirePostgres } from '../lib/postgres.js';
import type { Benchmark, BenchContext } from '../types.js';
import type { Stat } from './instrument.js';

const here = path.dirname(fileURLToPath(import.meta.url));

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

const CONNECTIONS = num('BENCH_CONNECTIONS', 20);
const DURATION_S = num('BENCH_DURATION', 10);
const WARMUP_S = num('BENCH_WARMUP', 3);
const PAGE_SIZE = 50; // the API's default page (docs/api.md); the authenticated request uses the default
// The headline workload is the demo team as seeded (Acme: 3 members), the size of most teams'
// member list. BENCH_EXTRA_MEMBERS=50 measures a full 50-member page (about 9 KB of JSON) instead,
// where JSON and row decoding dominate both routes (BENCHMARKS.md records both).
const EXTRA_MEMBERS = Number(process.env.BENCH_EXTRA_MEMBERS ?? 0);
const POOL_SIZE = 10; // openDb's default, which main.ts uses; the bare pool gets the same
const QUIET_WAIT_S = Number(process.env.BENCH_QUIET_WAIT ?? 180); // 0: do not wait
const QUIET_BELOW = 0.15; // share of the machine busy with other work
const RATE_LIMIT = '10000000'; // per minute; see `setup` below
const PASSWORD = 'linkyard-bench-password';

// The performance issue's goals for this path (docs: BENCHMARKS.md): ≥ 2,500 req/s, p99 < 20 ms, ≥ 0.75 of the bare route.
const GOALS = { minReqPerSec: 2500, maxP99Ms: 20, minRatio: 0.75 };

type Target = 'authenticated' | 'bare';
const ORDER: Target[][] = [
  ['authenticated', 'bare'],
  ['bare', 'authenticated'],
];

interface Ready {
  appPort: number;
  barePort: number;
  bareSql: string;
}
interface Mark {
  eventLoopUtilization: number;
  cpuMs: number;
  timings: Record<string, Stat> | null;
}

interface Run {
  round: number;
  target: Target;
  load: LoadResult;
  server: Mark;
  cpu: CpuUse | null;
  profile?: string | null;
}

const bench: Benchmark = {
  name: 'api',
  title: 'API: tenant-scoped list',
  description: 'authenticated members list (JWT, CASL, RLS) vs a bare Fastify route with the same SQL, same run',
  async run(ctx) {
    const diagnostics = process.env.BENCH_TIMINGS === '1' || process.env.BENCH_PROFILE === '1';
    const postgresVersion = await requirePostgres();
    const machine = describeMachine();
    const loadBefore = loadavg()[0];
    if (loadBefore > machine.cpus / 2) {
      ctx.log(
        `warning: the machine is already busy (1-minute load average ${fmt(loadBefore, 2)} on ${machine.cpus} CPUs); other work will lower the figures — the report says how much CPU other processes used`,
      );
    }
    ctx.log(
      `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.ramGiB} GiB RAM, Node ${machine.node}, Postgres ${postgresVersion}`,
    );

    const database = await freshDatabase();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'linkyard-bench-data-'));
    let server: Child<Ready & { type: string }> | null = null;
    try {
      ctx.log(
        `fresh database ${new URL(database.url).pathname.slice(1)} on ${adminUrl()
          .replace(/\/\/[^@/]*@/, '//')
          .replace(/\/[^/]*$/, '')}: migrated; seeding demo data…`,
      );
      await seedDemo(database.db, PASSWORD);
      const { orgId, members } = await addMembers(database.db, 'acme', EXTRA_MEMBERS);
      ctx.log(`Acme has ${members} members (${members - EXTRA_MEMBERS} demo + ${EXTRA_MEMBERS} added); page size ${PAGE_SIZE}`);

      const env = serverEnv(database.url, dataDir);
      server = await startChild<Ready & { type: string }>(path.join(here, 'server.ts'), { cwd: ctx.root, env });
      const { appPort, barePort } = server.ready;
      ctx.log(`server process ${server.process.pid}: app on 127.0.0.1:${appPort}, bare route on 127.0.0.1:${barePort}`);
      ctx.log(
        `server config: NODE_ENV=production, LOG_LEVEL=warn, rate limits RATE_LIMIT_USER_PER_MINUTE=RATE_LIMIT_ORG_PER_MINUTE=${RATE_LIMIT} (still counted on every request, never reached), pg pool ${POOL_SIZE} (both)`,
      );

      const token = await login(appPort);
      const urls: Record<Target, string> = {
        authenticated: `http://127.0.0.1:${appPort}/api/orgs/${orgId}/members`,
        bare: `http://127.0.0.1:${barePort}/bare/orgs/${orgId}/members`,
      };
      const headers: Record<Target, Record<string, string>> = { authenticated: { authorization: `Bearer ${token}` }, bare: {} };
      const bytes = await checkSameResponse(urls, headers);
      ctx.log(`both routes answer the same ${bytes}-byte body`);

      const quiet = QUIET_WAIT_S > 0 ? await waitForQuiet(QUIET_WAIT_S, QUIET_BELOW, ctx.log) : { busy: null, waitedSeconds: 0 };
      if (quiet.busy !== null)
        ctx.log(
          `machine ${Math.round(quiet.busy * 100)}% busy with other work before the measurement${quiet.waitedSeconds > 2 ? ` (waited ${quiet.waitedSeconds} s)` : ''}`,
        );

      for (const target of ['authenticated', 'bare'] as Target[]) {
        ctx.log(`warm-up ${target}: ${WARMUP_S} s × ${CONNECTIONS} connections`);
        const w = await runLoad({ url: urls[target], connections: CONNECTIONS, durationSeconds: WARMUP_S, headers: headers[target] });
        assertClean(w, `warm-up of ${target}`);
      }

      const profileDir = process.env.BENCH_PROFILE === '1' ? mkdtempSync(path.join(tmpdir(), 'linkyard-bench-api-')) : null;
      const runs: Run[] = [];
      for (const [i, order] of ORDER.entries()) {
        for (const target of order) {
          await pause(500);
          await server.call<Mark>({ type: 'mark' });
          if (profileDir) await server.call({ type: 'profile-start' });
          const pidsBefore = await backendPids(database.db);
          const before = cpuSnapshot(server.process.pid!, pidsBefore);
          const load = await runLoad({
            url: urls[target],
            connections: CONNECTIONS,
            durationSeconds: DURATION_S,
            headers: headers[target],
          });
          const after = cpuSnapshot(server.process.pid!, [...new Set([...pidsBefore, ...(await backendPids(database.db))])]);
          const profile = profileDir
            ? (
                await server.call<{ file: string | null }>({
                  type: 'profile-stop',
                  file: path.join(profileDir, `round${i + 1}-${target}.cpuprofile`),
                })
              ).file
            : undefined;
          const mark = await server.call<Mark>({ type: 'mark' });
          const run: Run = { round: i + 1, target, load, server: mark, cpu: cpuDelta(before, after), profile };
          runs.push(run);
          const busyElsewhere = run.cpu ? `  other processes ${fmt((run.cpu.other / run.cpu.capacity) * 100, 0)}% of the machine` : '';
          ctx.log(
            `round ${i + 1} ${target.padEnd(13)} ${fmt(load.reqPerSec, 0).padStart(6)} req/s  p50 ${fmt(percentile(load.latencies, 50), 1)} ms  p99 ${fmt(percentile(load.latencies, 99), 1)} ms  non-2xx ${load.non2xx}  errors ${load.errors}  server event loop ${fmt(mark.eventLoopUtilization * 100, 0)}% busy${busyElsewhere}`,
          );
        }
      }

      await server.stop();
      server = null;

      const summary = summarise(runs);
      printTable(summary, runs);
      if (process.env.BENCH_TIMINGS === '1') printTimings(runs);
      if (profileDir) printProfiles(runs, ctx.root);

      const extra = {
        Postgres: `${postgresVersion} (local, same machine)`,
        'Load average before the run (1 min)': fmt(loadBefore, 2),
        ...(quiet.busy !== null
          ? {
              'Machine busy with other work just before measuring': `${fmt(quiet.busy * 100, 0)}%${quiet.waitedSeconds > 2 ? ` (after waiting ${quiet.waitedSeconds} s for it to drop below ${QUIET_BELOW * 100}%)` : ''}`,
            }
          : {}),
      };
      const markdown = report({ ctx, machine: machineMarkdown(machine, extra), summary, runs, bytes, members });
      const passed = summary.goals.every((g) => g.pass);
      if (diagnostics) {
        ctx.log('diagnostic run (BENCH_TIMINGS / BENCH_PROFILE): instrumentation skews the figures, so BENCHMARKS.md is left unchanged');
        return { markdown, passed, skipReport: true };
      }
      return { markdown, passed };
    } finally {
      if (server) await server.stop().catch(() => server?.process.kill('SIGKILL'));
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default bench;

/** Postgres backends connected to the benchmark's database (the server's pools), for CPU accounting. */
async function backendPids(db: Db): Promise<number[]> {
  const { rows } = await sql<{
    pid: number;
  }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`.execute(db.kysely);
  return rows.map((r) => r.pid);
}

function serverEnv(databaseUrl: string, dataDir: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    // The benchmark measures the API; the admin UI (on by default in production) adds nothing to its routes.
    ADMIN_UI: 'off',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: randomBytes(32).toString('base64'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PUBLIC_URL: 'https://linkyard.bench.invalid',
    DATA_DIR: dataDir,
    // The production logger at warn: no per-request lines (at info, pino writes two per request).
    LOG_LEVEL: 'warn',
    // Both limits stay enforced (each request is counted per user and per org, as in production);
    // they are only raised above what a benchmark sends (the defaults, 600 and 3000 a minute, would
    // answer 429 within the first second).
    RATE_LIMIT_USER_PER_MINUTE: RATE_LIMIT,
    RATE_LIMIT_ORG_PER_MINUTE: RATE_LIMIT,
    BENCH_POOL_SIZE: String(POOL_SIZE),
    BENCH_PAGE_SIZE: String(PAGE_SIZE),
  };
}

/** Adds `count` active members (mostly viewers, some admins) to the demo organization `slug`. */
async function addMembers(db: Db, slug: string, count: number): Promise<{ orgId: string; members: number }> {
  const org = await db.kysely.selectFrom('organizations').select('id').where('slug', '=', slug).executeTakeFirstOrThrow();
  const passwordHash = await hashPassword(PASSWORD);
  const users = Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    return {
      id: uuidv7(),
      email: `member${n}@acme.test`,
      name: `Member ${n} of Acme`,
      password_hash: passwordHash,
      platform_role: null,
      status: 'active' as const,
      updated_at: new Date(),
    };
  });
  if (count > 0) await db.kysely.insertInto('users').values(users).execute();
  if (count > 0)
    await inScope(db, { org: org.id }, (tx) =>
      tx
        .insertInto('memberships')
        .values(
          users.map((u, i) => ({ organization_id: org.id, user_id: u.id, role: i % 10 === 0 ? ('admin' as const) : ('viewer' as const) })),
        )
        .execute(),
    );
  const { n } = await db.kysely
    .selectFrom('memberships')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('organization_id', '=', org.id)
    .executeTakeFirstOrThrow();
  return { orgId: org.id, members: n };
}

async function login(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'super@acme.test', password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login as super@acme.test failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** Both routes must answer the same body, or the comparison is not fair. Returns its size. */
async function checkSameResponse(urls: Record<Target, string>, headers: Record<Target, Record<string, string>>): Promise<number> {
  const [a, b] = await Promise.all(
    (['authenticated', 'bare'] as Target[]).map(async (t) => {
      const res = await fetch(urls[t], { headers: headers[t] });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${t} route answered ${res.status}: ${text}`);
      return text;
    }),
  );
  const body = JSON.parse(a) as { items: unknown[]; nextCursor: string | null };
  if (body.items.length === 0) throw new Error('expected members in the response, got none');
  if (!isDeepStrictEqual(body, JSON.parse(b))) throw new Error('the authenticated and bare routes answer different bodies');
  return Buffer.byteLength(a);
}

function assertClean(r: LoadResult, what: string) {
  if (r.non2xx || r.errors || r.timeouts) {
    throw new Error(
      `${what}: ${r.non2xx} non-2xx responses (${JSON.stringify(r.statusCodes)}), ${r.errors} errors, ${r.timeouts} timeouts`,
    );
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number, digits: number) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

interface TargetSummary {
  reqPerSec: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** CPU time per request (µs) of the server, its Postgres backends and the load generator; other processes' share of the machine. */
  cpu: { server: number; postgres: number; loadGenerator: number; otherPct: number; stealPct: number } | null;
  elu: number;
}

function summarise(runs: Run[]) {
  const of = (target: Target): TargetSummary => {
    const rs = runs.filter((r) => r.target === target);
    const requests = rs.reduce((n, r) => n + r.load.requests, 0);
    const seconds = rs.reduce((n, r) => n + r.load.durationSeconds, 0);
    const latencies = concat(rs.map((r) => r.load.latencies));
    const cpus = rs.map((r) => r.cpu);
    const sum = (k: keyof CpuUse) => cpus.reduce((n, c) => n + c![k], 0);
    const cpu = cpus.every(Boolean)
      ? {
          server: (sum('server') * 1000) / requests,
          postgres: (sum('postgres') * 1000) / requests,
          loadGenerator: (sum('loadGenerator') * 1000) / requests,
          otherPct: (sum('other') / sum('capacity')) * 100,
          stealPct: (sum('steal') / sum('capacity')) * 100,
        }
      : null;
    return {
      reqPerSec: requests / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      requests,
      non2xx: rs.reduce((n, r) => n + r.load.non2xx, 0),
      errors: rs.reduce((n, r) => n + r.load.errors + r.load.timeouts, 0),
      cpu,
      elu: rs.reduce((n, r) => n + r.server.eventLoopUtilization, 0) / rs.length,
    };
  };
  const authenticated = of('authenticated');
  const bare = of('bare');
  const ratio = authenticated.reqPerSec / bare.reqPerSec;
  const goals = [
    {
      goal: `Authenticated throughput ≥ ${fmt(GOALS.minReqPerSec, 0)} req/s`,
      measured: `${fmt(authenticated.reqPerSec, 0)} req/s`,
      pass: authenticated.reqPerSec >= GOALS.minReqPerSec,
    },
    {
      goal: `Authenticated p99 < ${GOALS.maxP99Ms} ms`,
      measured: `${fmt(authenticated.p99, 1)} ms`,
      pass: authenticated.p99 < GOALS.maxP99Ms,
    },
    {
      goal: `Authenticated ≥ ${GOALS.minRatio * 100}% of bare throughput (same run)`,
      measured: `${fmt(ratio * 100, 1)}%`,
      pass: ratio >= GOALS.minRatio,
    },
    {
      goal: 'No errors, timeouts or non-2xx responses (either route)',
      measured: `${authenticated.errors + bare.errors} errors, ${authenticated.non2xx + bare.non2xx} non-2xx`,
      pass: authenticated.errors + bare.errors + authenticated.non2xx + bare.non2xx === 0,
    },
  ];
  return { authenticated, bare, ratio, goals };
}

type Summary = ReturnType<typeof summarise>;

function printTable(s: Summary, runs: Run[]) {
  const rows = [
    ['run', 'route', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'non-2xx', 'errors'],
    ...runs.map((r) => [
      `round ${r.round}`,
      r.target,
      fmt(r.load.reqPerSec, 0),
      fmt(percentile(r.load.latencies, 50), 1),
      fmt(percentile(r.load.latencies, 99), 1),
      String(r.load.requests),
      String(r.load.non2xx),
      String(r.load.errors + r.load.timeouts),
    ]),
    ...(['authenticated', 'bare'] as Target[]).map((t) => [
      'both rounds',
      t,
      fmt(s[t].reqPerSec, 0),
      fmt(s[t].p50, 1),
      fmt(s[t].p99, 1),
      String(s[t].requests),
      String(s[t].non2xx),
      String(s[t].errors),
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log('');
  for (const [i, r] of rows.entries()) {
    console.log(r.map((c, j) => (j < 2 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  '));
    if (i === 0 || i === runs.length) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log(`\nratio authenticated / bare throughput: ${fmt(s.ratio, 3)} (${fmt(s.ratio * 100, 1)}%)`);
  for (const t of ['authenticated', 'bare'] as Target[]) {
    const c = s[t].cpu;
    if (!c) continue;
    console.log(
      `CPU per request, ${t.padEnd(13)}: server ${fmt(c.server, 0)} µs, Postgres ${fmt(c.postgres, 0)} µs, load generator ${fmt(c.loadGenerator, 0)} µs; server event loop ${fmt(s[t].elu * 100, 0)}% busy; other processes used ${fmt(c.otherPct, 0)}% of the machine, steal ${fmt(c.stealPct, 0)}%`,
    );
  }
  console.log('');
  for (const g of s.goals) console.log(`${g.pass ? 'PASS' : 'FAIL'}  ${g.goal}: ${g.measured}`);
}

function printTimings(runs: Run[]) {
  for (const target of ['authenticated', 'bare'] as Target[]) {
    const merged = new Map<string, Stat>();
    for (const r of runs.filter((x) => x.target === target)) {
      for (const [k, v] of Object.entries(r.server.timings ?? {})) {
        const m = merged.get(k);
        if (m) {
          m.count += v.count;
          m.totalMs += v.totalMs;
          m.maxMs = Math.max(m.maxMs, v.maxMs);
        } else merged.set(k, { ...v });
      }
    }
    const requests = runs.filter((x) => x.target === target).reduce((n, r) => n + r.load.requests, 0);
    console.log(`\nserver-side wall-clock timings while loading ${target} (${requests} requests):`);
    console.log(`  ${'per request'.padStart(11)}  ${'mean'.padStart(8)}  ${'calls/req'.padStart(9)}  what`);
    for (const [k, v] of [...merged].sort((a, b) => b[1].totalMs - a[1].totalMs)) {
      console.log(
        `  ${fmt((v.totalMs / requests) * 1000, 0).padStart(8)} µs  ${fmt((v.totalMs / v.count) * 1000, 0).padStart(5)} µs  ${fmt(v.count / requests, 2).padStart(9)}  ${k}`,
      );
    }
  }
}

function printProfiles(runs: Run[], root: string) {
  const watch =
    /^(jwtVerify|verify|loadActor|defineAbilityFor|build|enforceLimits|inScope|execStatements|listMembersQuery|readInScope|readAfter|list|toPage|serialize|can|createMongoAbility|preHandler|onRequest|query|genReqId|uuidv7|hookRunner|onSendHookRunner)$/;
  for (const r of runs) {
    if (!r.profile) continue;
    const s = summariseProfile(r.profile, root, watch);
    console.log(
      `\nCPU profile, round ${r.round} ${r.target}: ${r.profile} (${fmt(s.totalMs, 0)} ms sampled, ${r.load.requests} requests, ${fmt((s.totalMs * 1000) / r.load.requests, 0)} µs sampled per request incl. idle)`,
    );
    console.log('  self time by owner:');
    for (const o of s.byOwner.slice(0, 18))
      console.log(`    ${fmt(o.pct, 1).padStart(5)}%  ${fmt((o.selfMs * 1000) / r.load.requests, 1).padStart(6)} µs/req  ${o.owner}`);
    console.log('  top functions (self):');
    for (const f of s.topSelf.slice(0, 25))
      console.log(`    ${fmt(f.pct, 1).padStart(5)}%  ${fmt((f.selfMs * 1000) / r.load.requests, 1).padStart(6)} µs/req  ${f.fn}`);
    console.log('  inclusive:');
    for (const f of s.inclusive.slice(0, 25))
      console.log(`    ${fmt(f.pct, 1).padStart(5)}%  ${fmt((f.totalMs * 1000) / r.load.requests, 1).padStart(6)} µs/req  ${f.fn}`);
  }
}

function report({
  ctx,
  machine,
  summary: s,
  runs,
  bytes,
  members,
}: {
  ctx: BenchContext;
  machine: string;
  summary: Summary;
  runs: Run[];
  bytes: number;
  members: number;
}): string {
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const row = (name: string, t: TargetSummary) =>
    `| ${name} | ${fmt(t.reqPerSec, 0)} | ${fmt(t.p50, 1)} | ${fmt(t.p99, 1)} | ${fmt(t.requests, 0)} | ${t.non2xx} | ${t.errors} |`;
  const cpuRow = (name: string, t: TargetSummary) =>
    t.cpu
      ? `| ${name} | ${fmt(t.cpu.server, 0)} | ${fmt(t.cpu.postgres, 0)} | ${fmt(t.cpu.loadGenerator, 0)} | ${fmt(t.cpu.server + t.cpu.postgres + t.cpu.loadGenerator, 0)} | ${fmt(t.elu * 100, 0)}% | ${fmt(t.cpu.otherPct, 0)}% |`
      : `| ${name} | n/a | n/a | n/a | n/a | ${fmt(t.elu * 100, 0)}% | n/a |`;
  return `
Command (from the repository root): \`${ctx.command}\` — last run ${when}.

**Measured.** \`GET /api/orgs/:orgId/members\` on the real app (\`buildApp\`): Bearer JWT → actor query →
per-user and per-org rate limits → CASL → the scope (role \`linkyard_app\`, RLS settings) and \`listMembersQuery\` in one message to Postgres (readInScope),
as Super Admin of Acme (${members} members; the default page of ${PAGE_SIZE} returns ${Math.min(members, PAGE_SIZE)}${members > PAGE_SIZE ? ' and a next cursor' : ''}: ${fmt(bytes, 0)} bytes).
**Reference (same run, same server process):** a bare Fastify instance with one route that runs the same
SQL text (compiled from \`listMembersQuery\`) on a plain \`pg\` pool of the same size, for the same org and page,
through the same response schema — no hooks, JWT, actor lookup, rate limit, CASL, transaction or RLS.
Both routes are checked to return the identical body before the load starts.

${machine}

| Setup | |
|---|---|
| Processes | server (app + bare route, one Node process) ≠ load generator (autocannon 8, the bench process); Postgres local |
| Load | ${CONNECTIONS} keep-alive connections, closed loop, no pipelining, same for both routes |
| Order | warm-up ${WARMUP_S} s each; round 1: authenticated then bare; round 2: bare then authenticated; ${DURATION_S} s per run |
| Server config | \`NODE_ENV=production\`, production logger at \`LOG_LEVEL=warn\`, pg pool ${POOL_SIZE} (openDb default) for both |
| Rate limits | \`RATE_LIMIT_USER_PER_MINUTE\` = \`RATE_LIMIT_ORG_PER_MINUTE\` = ${fmt(Number(RATE_LIMIT), 0)}: still counted on every request, never reached |

Why ${CONNECTIONS} connections (the same for both routes): twice the server's ${POOL_SIZE} database connections, so
neither route ever waits for work. A sweep at 10, 20 and 50 connections showed no throughput gain past 10 for
either route (the server's event loop is 92–100 % busy in every run), while latency only grows with
more connections (closed loop: mean latency ≈ connections ÷ throughput), so ${CONNECTIONS} saturates both without
p99 measuring mostly queueing. Override with \`BENCH_CONNECTIONS\`.

**Results** (both rounds together; latency percentiles over every response):

| Route | req/s | p50 ms | p99 ms | requests | non-2xx | errors |
|---|---:|---:|---:|---:|---:|---:|
${row('authenticated', s.authenticated)}
${row('bare (reference)', s.bare)}

**Ratio authenticated / bare throughput: ${fmt(s.ratio, 3)} (${fmt(s.ratio * 100, 1)}%).**

| Goal | Measured | Result |
|---|---|---|
${s.goals.map((g) => `| ${g.goal} | ${g.measured} | ${g.pass ? 'PASS' : 'FAIL'} |`).join('\n')}

Per run:

| Round | Route | req/s | p50 ms | p99 ms | server event loop busy | other processes |
|---|---|---:|---:|---:|---:|---:|
${runs.map((r) => `| ${r.round} | ${r.target} | ${fmt(r.load.reqPerSec, 0)} | ${fmt(percentile(r.load.latencies, 50), 1)} | ${fmt(percentile(r.load.latencies, 99), 1)} | ${fmt(r.server.eventLoopUtilization * 100, 0)}% | ${r.cpu ? `${fmt((r.cpu.other / r.cpu.capacity) * 100, 0)}%` : 'n/a'} |`).join('\n')}

CPU time per request (µs, from /proc; all of them share the ${describeMachine().cpus} cores), and how much of the
machine other processes (anything not serving this benchmark) used during the measured runs:

| Route | server (Node) | Postgres backends | load generator | total | server event loop busy | other processes |
|---|---:|---:|---:|---:|---:|---:|
${cpuRow('authenticated', s.authenticated)}
${cpuRow('bare', s.bare)}

Reading the figures: on a 2-core machine the server, Postgres and the load generator compete for the same
cores, so throughput ≈ available cores ÷ total CPU per request, and absolute req/s move by ±20–30 % from run
to run with whatever else the machine (or its host) is doing; the ratio, measured in the same run, is the
steadier figure. Where the time goes: \`BENCH_TIMINGS=1 npm run bench -- api\` (wall-clock per SQL
statement, pool wait, hooks vs handler) and \`BENCH_PROFILE=1 npm run bench -- api\` (V8 CPU profiles of
the measured windows, summarised); these diagnostic runs leave this section unchanged.
`;
}
