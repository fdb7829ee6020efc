import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Test } from 'tap';
import { AGENDA_TABLE } from '../../db/migrations/0003-syncs.js';
import { SYNC_JOB, type SyncJobData } from '../../server/src/modules/scheduler/scheduler.js';
import type { TestContext } from './app.js';

/** A `sync:scheduled` job as stored, whichever backend holds it. */
export interface StoredJob {
  id: string;
  data: SyncJobData;
  repeatInterval: string;
  repeatTimezone: string | null;
  nextRunAt: Date | null;
  /** When a worker last finished running the job (Agenda sets it after the handler, i.e. the fire, returned). */
  lastFinishedAt: Date | null;
}

/** What the scheduler tests read and tamper with in Agenda's job store, behind the backend's own API. */
export interface JobStoreView {
  /** The sync jobs (of one sync, or all), oldest first. */
  jobs(syncId?: string): Promise<StoredJob[]>;
  /** Makes a sync's job due a second ago. */
  makeDue(syncId: string): Promise<void>;
  /** Points a sync's job at another sync id: a job the database no longer wants. */
  retarget(syncId: string, otherSyncId: string): Promise<void>;
}

export interface JobStoreUnderTest {
  name: 'postgres' | 'mongo';
  /** Why the store cannot be tested here, or false. */
  skip: string | false;
  /** The app's environment for this store (a fresh MongoDB database, dropped at teardown), and a view of it once the app exists. */
  open(t: Test): Promise<{ env: Record<string, string>; view(ctx: TestContext): JobStoreView }>;
}

const postgres: JobStoreUnderTest = {
  name: 'postgres',
  skip: false,
  async open() {
    return {
      env: {},
      view: (ctx) => {
        const db = ctx.database.db.kysely;
        return {
          async jobs(syncId) {
            const { rows } = await sql<{
              id: string;
              data: SyncJobData;
              repeat_interval: string;
              repeat_timezone: string | null;
              next_run_at: Date | null;
              last_finished_at: Date | null;
            }>`
              SELECT id, data, repeat_interval, repeat_timezone, next_run_at, last_finished_at FROM agenda_jobs
              WHERE name = ${SYNC_JOB} ${syncId ? sql`AND data->>'syncId' = ${syncId}` : sql``} ORDER BY created_at`.execute(db);
            return rows.map((r) => ({
              id: r.id,
              data: r.data,
              repeatInterval: r.repeat_interval,
              repeatTimezone: r.repeat_timezone,
              nextRunAt: r.next_run_at,
              lastFinishedAt: r.last_finished_at,
            }));
          },
          async makeDue(syncId) {
            await sql`UPDATE agenda_jobs SET next_run_at = now() - interval '1 second' WHERE name = ${SYNC_JOB} AND data->>'syncId' = ${syncId}`.execute(
              db,
            );
          },
          async retarget(syncId, otherSyncId) {
            await sql`UPDATE agenda_jobs SET data = data || jsonb_build_object('syncId', ${otherSyncId}::text) WHERE name = ${SYNC_JOB} AND data->>'syncId' = ${syncId}`.execute(
              db,
            );
          },
        };
      },
    };
  },
};

/** MONGODB_URL with its database (the path) replaced; the host list may name several hosts, so no `new URL()`. */
export function withMongoDatabase(url: string, database: string): string {
  return url.replace(/^(mongodb(?:\+srv)?:\/\/[^/?#]+)(\/[^?#]*)?/, `$1/${database}`);
}

const mongo: JobStoreUnderTest = {
  name: 'mongo',
  skip: process.env.MONGODB_URL ? false : 'MONGODB_URL is not set (no MongoDB server here)',
  async open(t) {
    const { MongoClient } = await import('mongodb');
    const url = withMongoDatabase(process.env.MONGODB_URL!, `linkyard_test_${process.pid}_${randomBytes(3).toString('hex')}`);
    const client = new MongoClient(url);
    t.teardown(async () => {
      await client.db().dropDatabase();
      await client.close();
    });
    const jobs = client.db().collection(AGENDA_TABLE);
    return {
      env: { AGENDA_BACKEND: 'mongo', MONGODB_URL: url },
      view: () => ({
        async jobs(syncId) {
          const docs = await jobs
            .find({ name: SYNC_JOB, ...(syncId ? { 'data.syncId': syncId } : {}) })
            .sort({ _id: 1 })
            .toArray();
          return docs.map((d) => ({
            id: d._id.toHexString(),
            data: d.data,
            repeatInterval: d.repeatInterval,
            repeatTimezone: d.repeatTimezone ?? null,
            nextRunAt: d.nextRunAt ?? null,
            lastFinishedAt: d.lastFinishedAt ?? null,
          }));
        },
        async makeDue(syncId) {
          await jobs.updateOne({ name: SYNC_JOB, 'data.syncId': syncId }, { $set: { nextRunAt: new Date(Date.now() - 1000) } });
        },
        async retarget(syncId, otherSyncId) {
          await jobs.updateOne({ name: SYNC_JOB, 'data.syncId': syncId }, { $set: { 'data.syncId': otherSyncId } });
        },
      }),
    };
  },
};

/** Postgres (the test database: PGlite or Postgres) always; MongoDB where MONGODB_URL names a server. */
export const jobStores: JobStoreUnderTest[] = [postgres, mongo];
