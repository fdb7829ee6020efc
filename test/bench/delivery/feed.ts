/**
 * The change feed's part of `npm run bench -- delivery`: a follower reads 100,000 changes of one feed from the
 * start, in pages of 1,000, through the HTTP API of the real application (a child process), against a raw
 * keyset `SELECT` of the same rows and columns, page by page, on a plain `pg` client in the same run.
 *
 * Knobs (environment): BENCH_FEED_RECORDS (default 100,000), BENCH_FEED_PAGE (default 1,000), BENCH_QUIET_WAIT
 * (seconds to wait for the machine to calm down before measuring; default 30, 0 = no wait), BENCH_DATABASE_URL,
 * BENCH_FEED_PROFILE (a directory: the server runs with --cpu-prof writing there; BENCHMARKS.md is then left alone).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { uuidv7 } from '../../../server/src/lib/ids.js';
import { seedDemo } from '../../../server/src/seed/demo.js';
import { startChild, type Child } from '../lib/child.js';
import { waitForQuiet } from '../lib/cpu.js';
import { freshDatabase } from '../lib/postgres.js';
import type { BenchContext } from '../types.js';
import type { DeliverySectionResult } from './index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const RECORDS = Number(process.env.BENCH_FEED_RECORDS ?? 100_000);
const PAGE = Number(process.env.BENCH_FEED_PAGE ?? 1_000);
const QUIET_WAIT_S = Number(process.env.BENCH_QUIET_WAIT ?? 30);
/** Diagnostic: a directory for the server's V8 CPU profile (--cpu-prof); such runs do not replace the report. */
const PROFILE_DIR = process.env.BENCH_FEED_PROFILE || null;
const PASSWORD = 'linkyard-bench-password';
const GOAL_RATIO = 0.7;
const MEASURED_RUNS = 3;
/** The share of the machine other work may keep busy for a run to count as quiet. */
const QUIET_BUSY = 0.15;

interface Read {
  ms: number;
  rows: number;
  pages: number;
  /** CPU time of the server process during the read (API runs only). */
  serverCpuMs: number | null;
  /** CPU time of the Postgres backends serving the read (the server's pool, or the raw client's backend). */
  postgresCpuMs: number | null;
}

function cpuMsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return null;
  }
}

/** The CPU time of each of several processes that can be read now. */
function cpuMsOfEach(pids: number[]): Map<number, number> {
  const times = new Map<number, number>();
  for (const pid of pids) {
    const ms = cpuMsOf(pid);
    if (ms !== null) times.set(pid, ms);
  }
  return times;
}

/**
 * The CPU time the processes spent between two readings, counting those alive at both (null when none was): the
 * server's pool closes a connection idle for 10 s, and one that goes while a read runs did no work in it (the pool
 * hands out the connection used last), so leaving it out loses nothing, where giving up left the column empty.
 */
function cpuMsBetween(before: Map<number, number>, after: Map<number, number>): number | null {
  let total = 0;
  let alive = 0;
  for (const [pid, ms] of before) {
    const end = after.get(pid);
    if (end === undefined) continue;
    total += end - ms;
    alive++;
  }
  return alive ? total : null;
}

/** The Postgres backends of the benchmark's database (the server's pooled connections and the raw client's). */
async function backendPids(client: pg.Client): Promise<number[]> {
  const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  return rows.map((r) => r.pid);
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const rate = (r: Read) => r.rows / (r.ms / 1000);
const cpuCell = (ms: number | null) => (ms === null ? '—' : `${fmt(ms / 1000, 2)} s`);
/** CPU µs per page (from /proc's 10 ms ticks: over 100 pages, ±100 µs). */
const perPage = (r: Read, ms: number | null) => (ms === null ? '—' : `${fmt((ms * 1000) / r.pages)} µs`);

/** A follower: from the start of the feed to its end, saving nextCursor after each page (the JSON parsed, as a client must). */
async function readThroughApi(url: string, authorization: string, pid: number, postgresPids: number[]): Promise<Read> {
  const cpu0 = cpuMsOf(pid);
  const pg0 = cpuMsOfEach(postgresPids);
  const started = performance.now();
  let after: string | null = null;
  let rows = 0;
  let pages = 0;
  for (;;) {
    const res = await fetch(`${url}&limit=${PAGE}${after ? `&after=${after}` : ''}`, { headers: { authorization } });
    if (res.status !== 200) throw new Error(`the feed answered ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as { items: unknown[]; nextCursor: string; hasMore: boolean };
    rows += page.items.length;
    pages++;
    after = page.nextCursor;
    if (!page.hasMore) break;
  }
  const ms = performance.now() - started;
  const cpu1 = cpuMsOf(pid);
  const pg1 = cpuMsOfEach(postgresPids);
  return {
    ms,
    rows,
    pages,
    serverCpuMs: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null,
    postgresCpuMs: cpuMsBetween(pg0, pg1),
  };
}

/** The reference: the same rows and columns, keyset-paged on the feed index, one prepared statement per page. */
async function readRaw(client: pg.Client, integrationId: string, backendPid: number): Promise<Read> {
  const pg0 = cpuMsOf(backendPid);
  const started = performance.now();
  let after = 0;
  let rows = 0;
  let pages = 0;
  for (;;) {
    const result = await client.query<{ feed_position: number }>({
      name: 'feed-page',
      text: `SELECT external_id, resource, feed_action, data, first_seen_at, updated_at, deleted_at, feed_position
               FROM records WHERE integration_id = $1 AND resource = 'customers' AND feed_position > $2
              ORDER BY feed_position LIMIT $3`,
      values: [integrationId, after, PAGE + 1],
    });
    const page = result.rows.slice(0, PAGE);
    rows += page.length;
    pages++;
    if (page.length) after = Number(page[page.length - 1].feed_position);
    if (result.rows.length <= PAGE) break;
  }
  const ms = performance.now() - started;
  const pg1 = cpuMsOf(backendPid);
  return { ms, rows, pages, serverCpuMs: null, postgresCpuMs: pg0 !== null && pg1 !== null ? pg1 - pg0 : null };
}

async function seedFeed(database: Awaited<ReturnType<typeof freshDatabase>>, log: (line: string) => void) {
  await seedDemo(database.db, PASSWORD);
  const db = database.db.kysely;
  const orgId = (await db.selectFrom('organizations').select('id').where('slug', '=', 'acme').executeTakeFirstOrThrow()).id;
  const integrationId = uuidv7();
  await db
    .insertInto('integrations')
    .values({
      id: integrationId,
      organization_id: orgId,
      provider: 'stripe',
      name: 'Stripe (feed benchmark)',
      status: 'ACTIVE',
      auth_type: 'api_key',
      scopes: [],
      settings: '{}',
      updated_at: new Date(),
    })
    .execute();
  const seeded = performance.now();
  // Customer-like records (about 250 bytes of JSON each), in feed order; a tenth updated, a hundredth deleted.
  await sql`
    INSERT INTO records (organization_id, integration_id, resource, external_id, data, content_hash, source_updated_at, first_seen_at, updated_at, deleted_at, feed_action)
    SELECT ${orgId}::uuid, ${integrationId}::uuid, 'customers', 'cus_' || lpad(g::text, 9, '0'),
           jsonb_build_object('id', 'cus_' || lpad(g::text, 9, '0'), 'email', 'customer' || g || '@example.com',
             'name', (ARRAY['Ada Lovelace','Grace Hopper','Alan Turing','Edsger Dijkstra','Barbara Liskov'])[1 + g % 5],
             'currency', 'usd', 'balance', (g % 100000) / 100.0, 'delinquent', g % 17 = 0, 'city', 'City ' || (g % 211),
             'created', 1700000000 + g),
           md5(g::text), now() - interval '1 day', now() - interval '30 days', now() - (${RECORDS} - g) * interval '1 second',
           CASE WHEN g % 100 = 0 THEN now() END,
           CASE WHEN g % 100 = 0 THEN 'deleted' WHEN g % 10 = 0 THEN 'updated' ELSE 'added' END
      FROM generate_series(1, ${RECORDS}) AS g ORDER BY g`.execute(db);
  await sql`VACUUM ANALYZE records`.execute(db);
  log(`seeded ${fmt(RECORDS)} records in ${fmt((performance.now() - seeded) / 1000, 1)} s`);
  return { orgId, integrationId };
}

/** The report's reading of the figures: what the ratio means depends on whether the machine was quiet. */
function readingTheFigures(r: { quiet: boolean; busy: string; loadBefore: number; bestApi: Read; bestRaw: Read }): string {
  const load = `load average ${r.loadBefore.toFixed(2)} on ${availableParallelism()} CPUs`;
  const cpu = `${perPage(r.bestApi, r.bestApi.serverCpuMs)} of server CPU and ${perPage(r.bestApi, r.bestApi.postgresCpuMs)} of Postgres CPU per page for the API (best run), ${perPage(r.bestRaw, r.bestRaw.postgresCpuMs)} of Postgres CPU for the reference`;
  const path = `each page costs the API path three processes (client, server, Postgres; working on a page at once, in turn
between pages, since the next request needs the page's nextCursor) and two round trips (HTTP, then one to Postgres: the
scope's settings and the page query in one message) against one for the reference`;
  if (r.quiet)
    return `**Reading the figures.** The machine was quiet (${r.busy}; ${load}), so the ratio is the code's: ${path}, and
the API sends the page on as JSON where the reference only receives rows. CPU: ${cpu}.`;
  return `**Reading the figures.** This run shared the machine with other work (${r.busy}; ${load}): ${path}, and on a
busy machine every hand-over waits for a CPU, so the ratio says more about the load than about the code. The CPU per page
is the steadier figure: ${cpu} (CPU time itself grows under contention). Rerun on a quiet machine (BENCH_QUIET_WAIT) before
reading the ratio as the code's.`;
}

export default async function feedSection(ctx: BenchContext): Promise<DeliverySectionResult> {
  const database = await freshDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'linkyard-bench-feed-'));
  let server: Child<{ port: number; pid: number }> | null = null;
  const client = new pg.Client({ connectionString: database.url });
  try {
    const { orgId, integrationId } = await seedFeed(database, ctx.log);
    server = await startChild(path.join(here, '../lib/app-server.ts'), {
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
        ADMIN_UI: 'off',
      },
    });
    const { port, pid } = server.ready;
    const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'viewer@acme.test', password: PASSWORD }),
    });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    const authorization = `Bearer ${((await login.json()) as { accessToken: string }).accessToken}`;
    const url = `http://127.0.0.1:${port}/api/orgs/${orgId}/integrations/${integrationId}/changes?resource=customers`;
    await client.connect();
    const rawBackend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;

    const warmApi = await readThroughApi(url, authorization, pid, []);
    const warmRaw = await readRaw(client, integrationId, rawBackend);
    // After the warm-up the server's pool holds the connections it reads with.
    const serverBackends = (await backendPids(client)).filter((p) => p !== rawBackend);
    if (warmApi.rows !== RECORDS || warmRaw.rows !== RECORDS)
      throw new Error(`read ${warmApi.rows} / ${warmRaw.rows} rows, expected ${RECORDS}`);
    ctx.log(`warm-up: API ${fmt(warmApi.ms)} ms, raw ${fmt(warmRaw.ms)} ms (discarded)`);

    const loadBefore = loadavg()[0];
    const quiet = QUIET_WAIT_S > 0 ? await waitForQuiet(QUIET_WAIT_S, QUIET_BUSY, ctx.log) : null;
    const api: Read[] = [];
    const raw: Read[] = [];
    // Alternated, so a change in the machine's other load falls on both alike.
    for (let i = 0; i < MEASURED_RUNS; i++) {
      api.push(await readThroughApi(url, authorization, pid, serverBackends));
      raw.push(await readRaw(client, integrationId, rawBackend));
      ctx.log(`run ${i + 1}: API ${fmt(rate(api[i]))} records/s, raw ${fmt(rate(raw[i]))} records/s`);
    }
    const loadAfter = loadavg()[0];
    const bestApi = api.reduce((a, b) => (rate(b) > rate(a) ? b : a));
    const bestRaw = raw.reduce((a, b) => (rate(b) > rate(a) ? b : a));
    const ratio = rate(bestApi) / rate(bestRaw);
    const passed = ratio >= GOAL_RATIO;
    const busy =
      quiet?.busy != null ? `${Math.round(quiet.busy * 100)}% of the machine busy with other work when measuring started` : 'not checked';
    // Without the quiet check, the load average says it: more runnable processes than CPUs is a busy machine.
    const isQuiet = quiet?.busy != null ? quiet.busy <= QUIET_BUSY : loadBefore <= availableParallelism();

    const markdown = `
### Change feed: 100,000 changes in pages of ${fmt(PAGE)}

**Measured.** A follower reads one feed (\`GET /api/orgs/:orgId/integrations/:id/changes?resource=customers&limit=${PAGE}\`,
then \`after=<nextCursor>\` until \`hasMore\` is false) from its start: ${fmt(RECORDS)} changes (customer-like records, about 250 bytes
of JSON each; a tenth \`updated\`, a hundredth \`deleted\`), ${fmt(bestApi.pages)} requests, one after the other, as the Acme viewer
(Bearer JWT) over HTTP from this process to the real application (\`buildApp\`, \`LOG_LEVEL=warn\`, API only) in a child process;
each response's JSON is parsed, as a client must to find \`nextCursor\`. Each request: the access gate, one transaction as
\`linkyard_app\` under row-level security (one index range scan; the integration, resource and
cursor checks run only behind an empty page), sent to Postgres with the scope's settings in one message as a binary
\`COPY (…) TO STDOUT\`; each item's JSON written by Postgres up to its cursor (which the server writes from the
position's digits) and copied as bytes into the response as its row arrives (chunked), so Postgres, the server and
the client work on a page at the same time; the client still reads each page whole and parses it before asking for the next.
**Reference (same run, same database):** a raw keyset \`SELECT\` of the same rows and columns (\`… WHERE integration_id = $1
AND resource = 'customers' AND feed_position > $2 ORDER BY feed_position LIMIT ${PAGE + 1}\`, the same index) as one prepared
statement per page on a plain \`pg\` client as the database owner: no HTTP, no JSON, no RLS, no transaction. One warm-up of
each first (discarded), then ${MEASURED_RUNS} of each, alternated; best of each compared.

| Load | |
|---|---|
| Load average (1 min) before / after measuring | ${loadBefore.toFixed(2)} / ${loadAfter.toFixed(2)} on ${availableParallelism()} CPUs |
| Quiet check (BENCH_QUIET_WAIT) | ${busy}${quiet ? ` (waited ${quiet.waitedSeconds} s)` : ''} |

| Run | Pages | Time | Records/s | Server CPU | Server CPU / page | Postgres CPU / page |
|---|---:|---:|---:|---:|---:|---:|
${api.map((r, i) => `| API ${i + 1} | ${fmt(r.pages)} | ${fmt(r.ms / 1000, 2)} s | ${fmt(rate(r))} | ${cpuCell(r.serverCpuMs)} | ${perPage(r, r.serverCpuMs)} | ${perPage(r, r.postgresCpuMs)} |`).join('\n')}
${raw.map((r, i) => `| raw keyset SELECT ${i + 1} | ${fmt(r.pages)} | ${fmt(r.ms / 1000, 2)} s | ${fmt(rate(r))} | — | — | ${perPage(r, r.postgresCpuMs)} |`).join('\n')}

| Goal | Target | Measured | |
|---|---|---|---|
| Feed read ÷ raw keyset SELECT (best runs) | ≥ ${GOAL_RATIO} | **${fmt(ratio, 2)}** (${fmt(rate(bestApi))} ÷ ${fmt(rate(bestRaw))} records/s) | ${passed ? '**PASS**' : '**FAIL**'} |

${readingTheFigures({ quiet: isQuiet, busy, loadBefore, bestApi, bestRaw })}
`;
    return { markdown, passed, skipReport: PROFILE_DIR !== null };
  } finally {
    await client.end().catch(() => {});
    await server?.stop().catch(() => {});
    await database.close().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
}
