import t from 'tap';
import { sql } from 'kysely';
import type pg from 'pg';
import { PostgresBackend } from '@agendajs/postgres-backend';
import { createTestApp } from '../../../helpers/app.js';
import { waitUntil } from '../../../helpers/wait-until.js';
import { batchedRepository } from '../../../../server/src/modules/scheduler/batched-repository.js';
import { kyselyBackedPool } from '../../../../server/src/modules/scheduler/pglite-pool.js';
import { AGENDA_TABLE } from '../../../../db/migrations/0003-syncs.js';

/**
 * The Postgres job store's batched claims and state saves (batched-repository.ts, issue 16), against the test
 * database (PGlite or Postgres): what Agenda asks of its repository, answered with fewer statements and the same
 * outcome. The whole scheduler on top of it is in scheduler.test.ts and worker-reliability.test.ts.
 */

t.test('a claim locks a batch of due jobs in one statement and hands them out one by one, earliest first', async (t) => {
  const ctx = await createTestApp(t, { seed: false });
  const db = ctx.database.db.kysely;
  const statements: string[] = [];
  const base = kyselyBackedPool(ctx.database.db);
  const pool = {
    ...base,
    query: (text: string, params?: unknown[]) => {
      statements.push(text);
      return base.query(text, params);
    },
  } as unknown as pg.Pool;
  const open = (claimBatch: number) =>
    batchedRepository({
      repository: new PostgresBackend({ pool, tableName: AGENDA_TABLE, ensureSchema: false, disableNotifications: true }).repository,
      pool,
      tableName: AGENDA_TABLE,
      claimBatch: (name) => (name === 'probe' ? claimBatch : 1),
    });
  const now = Date.now();
  // 12 due jobs (due 12 s … 1 s ago), one not due yet, one of another name.
  for (let i = 0; i < 12; i++) {
    await sql`INSERT INTO agenda_jobs (name, next_run_at, data) VALUES ('probe', ${new Date(now - (12 - i) * 1000)}, ${JSON.stringify({ i })}::jsonb)`.execute(
      db,
    );
  }
  await sql`INSERT INTO agenda_jobs (name, next_run_at, data) VALUES ('probe', ${new Date(now + 3_600_000)}, '{"i": 99}'::jsonb), ('other', ${new Date(now - 1000)}, '{}'::jsonb)`.execute(
    db,
  );
  const locked = async () =>
    (
      await sql<{
        i: number;
        by: string | null;
      }>`SELECT (data->>'i')::int AS i, last_modified_by AS by FROM agenda_jobs WHERE locked_at IS NOT NULL ORDER BY 1`.execute(db)
    ).rows;

  const repo = open(10);
  const next = () => repo.getNextJobToRun('probe', new Date(now + 1000), new Date(now - 30_000), undefined, { lastModifiedBy: 'worker-1' });
  // Agenda's claim loop, which stops at its lock limit (here 7): each call waits for the one before.
  const taken = [];
  for (let i = 0; i < 7; i++) taken.push(await next());
  t.same(
    taken.map((j) => (j?.data as { i: number }).i),
    [0, 1, 2, 3, 4, 5, 6],
    'seven jobs, earliest due first',
  );
  t.equal(statements.filter((s) => /UPDATE/i.test(s)).length, 1, 'locked by one statement');
  t.ok(
    taken.every((j) => j?.lockedAt instanceof Date && j.lastModifiedBy === 'worker-1'),
    'each as Agenda gets it from its own claim: locked, by this worker',
  );
  // The three locked beyond Agenda's limit are unlocked again; the other two due ones were never locked.
  await waitUntil(async () => (await locked()).length === 7, 'the rows Agenda did not take to be unlocked');
  t.same(
    (await locked()).map((r) => r.i),
    [0, 1, 2, 3, 4, 5, 6],
    'exactly the jobs handed out stay locked',
  );

  // Another worker claims what is left and due, never a job locked by the first.
  const other = open(10);
  const rest = [];
  for (
    let job;
    (job = await other.getNextJobToRun('probe', new Date(now + 1000), new Date(now - 30_000), undefined, { lastModifiedBy: 'worker-2' }));
  )
    rest.push((job.data as { i: number }).i);
  t.same(rest, [7, 8, 9, 10, 11], 'the second worker gets the five due jobs left, and not the one due in an hour');

  // Names without a batch go to Agenda's own claim.
  const before = statements.length;
  const single = await repo.getNextJobToRun('other', new Date(now + 1000), new Date(now - 30_000), undefined, undefined);
  t.equal(single?.name, 'other');
  t.equal(statements.length, before + 1);

  // State saves that arrive together share a statement; each caller learns about its own row.
  const saves = statements.length;
  const ran = new Date();
  const results = await Promise.allSettled([
    ...taken.map((j) => repo.saveJobState({ ...j!, lockedAt: undefined, lastRunAt: ran, lastFinishedAt: ran, nextRunAt: null }, undefined)),
    repo.saveJobState({ ...taken[0]!, _id: '00000000-0000-4000-8000-000000000000' as never }, undefined),
  ]);
  t.same(
    results.map((r) => r.status),
    [...taken.map(() => 'fulfilled'), 'rejected'],
    'the saves of existing jobs succeed; the save of a job that does not exist fails as in Agenda',
  );
  t.match((results.at(-1) as PromiseRejectedResult).reason.message, /cannot be updated in the database/);
  t.equal(statements.length, saves + 1, 'eight saves, one statement');
  const saved = (
    await sql<{ n: number }>`SELECT count(*)::int AS n FROM agenda_jobs
      WHERE name = 'probe' AND locked_at IS NULL AND next_run_at IS NULL AND last_finished_at = ${ran}`.execute(db)
  ).rows[0].n;
  t.equal(saved, 7, 'every saved job has its new state');

  // The same job saved twice before a flush: both saves, in order, in separate statements.
  const twice = statements.length;
  const first = new Date(now + 60_000);
  const second = new Date(now + 120_000);
  await Promise.all([
    repo.saveJobState({ ...taken[0]!, nextRunAt: first }, undefined),
    repo.saveJobState({ ...taken[0]!, nextRunAt: second }, undefined),
  ]);
  t.equal(statements.length, twice + 2, 'two statements');
  const [row] = (await sql<{ at: Date }>`SELECT next_run_at AS at FROM agenda_jobs WHERE id = ${String(taken[0]!._id)}`.execute(db)).rows;
  t.equal(row.at.toISOString(), second.toISOString(), 'the later save is the one that stays');
});
