import pg from 'pg';
import type { AgendaBackend, NotificationChannel } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../../db/client.js';
import { AGENDA_TABLE } from '../../../../db/migrations/0003-syncs.js';
import type { Config } from '../../config.js';
import { isUniqueViolation } from '../../lib/errors.js';
import { batchedRepository } from './batched-repository.js';
import { kyselyBackedPool } from './pglite-pool.js';

/** The optional packages the MongoDB job store needs (Agenda's MongoDB backend 4 + mongodb 7, the optionalDependencies in package.json). */
export const MONGO_PACKAGES = '@agendajs/mongo-backend@4.0.3 mongodb@7.9.0';

/**
 * At most one `sync:scheduled` job per sync in MongoDB: the counterpart of the Postgres index
 * agenda_jobs_one_per_sync_idx (migration 0004). The backend's `unique()` save is an upsert, and two
 * concurrent upserts can both insert unless a unique index refuses the second.
 */
const MONGO_ONE_JOB_PER_SYNC_INDEX = 'agenda_jobs_one_per_sync_idx';

/** Connections of the Postgres job store's pool (see createJobStore). */
const AGENDA_CONNECTIONS = 20;

export interface JobStore {
  backend: AgendaBackend;
  /** Whether enqueuers can wake workers at once (LISTEN/NOTIFY); otherwise workers find jobs by polling. */
  notifies: boolean;
  close(): Promise<void>;
}

/** A save refused by the one-job-per-sync index of either store (Postgres 23505, MongoDB E11000). */
export function isDuplicateJob(err: unknown): boolean {
  return isUniqueViolation(err) || (err as { code?: unknown } | null)?.code === 11000;
}

/**
 * Agenda's job store. Postgres (default): the application database (DATABASE_URL) through a pool of its
 * own, with LISTEN/NOTIFY on the channel `agenda_jobs`. Embedded PGlite — or a database handle given
 * without DATABASE_URL (tests) — the same backend over the app's own Kysely handle (pglite-pool.ts),
 * polling. Tables come from our migrations (`ensureSchema: false`: two workers creating the schema at
 * once crash one of them). MongoDB (AGENDA_BACKEND=mongo): see createMongoJobStore.
 */
export interface JobStoreDeps {
  db: Db;
  config: Pick<Config, 'agenda' | 'databaseUrl'>;
  logger: FastifyBaseLogger;
  /** How many due jobs of a name the Postgres store locks per claim (batched-repository.ts); 1 = Agenda's own claim. */
  claimBatch?: (jobName: string) => number;
}

export async function createJobStore({ db, config, logger, claimBatch = () => 1 }: JobStoreDeps): Promise<JobStore> {
  if (config.agenda.backend === 'mongo') return createMongoJobStore(config.agenda.mongodbUrl!, logger);
  let pool: pg.Pool;
  let closePool = async () => {};
  const notifies = db.kind === 'pg' && !!config.databaseUrl;
  if (notifies) {
    // Agenda's own statements only (runs use the app's pool): the LISTEN connection, lock queries and
    // state saves (batched: batched-repository.ts).
    const own = new pg.Pool({ connectionString: config.databaseUrl!, max: AGENDA_CONNECTIONS, idleTimeoutMillis: 30_000 });
    // A dropped idle connection must not crash the process; the pool replaces it.
    own.on('error', (err) => logger.warn({ err: err.message }, 'job store connection error'));
    pool = own;
    closePool = () => own.end();
  } else {
    pool = kyselyBackedPool(db);
  }
  const postgres = new PostgresBackend({ pool, tableName: AGENDA_TABLE, ensureSchema: false, disableNotifications: !notifies });
  const repository = batchedRepository({ repository: postgres.repository, pool, tableName: AGENDA_TABLE, claimBatch });
  return { backend: retryingConnect(postgres, logger, undefined, repository), notifies, close: closePool };
}

/**
 * The collection `agenda_jobs` in MONGODB_URL's database (the path of the URL). MongoDB has no
 * LISTEN/NOTIFY (change streams would need a replica set), so workers poll every WORKER_POLL_SECONDS.
 * No migrations run against MongoDB, so connecting creates the indexes: the backend's job-lookup index
 * and the one-job-per-sync index. Creating an index that exists is a no-op, and concurrent identical
 * builds join each other, so several workers may start at once (unlike the Postgres schema).
 */
async function createMongoJobStore(url: string, logger: FastifyBaseLogger): Promise<JobStore> {
  const { MongoBackend, MongoClient } = await importMongoBackend();
  const client = new MongoClient(url, { appName: 'linkyard' }); // connects on first use
  const mongo = client.db();
  const backend = new MongoBackend({ mongo, collection: AGENDA_TABLE, ensureIndex: true });
  const oneJobPerSync = () =>
    mongo
      .collection(AGENDA_TABLE)
      .createIndex(
        { name: 1, 'data.syncId': 1 },
        { name: MONGO_ONE_JOB_PER_SYNC_INDEX, unique: true, partialFilterExpression: { name: 'sync:scheduled' } },
      );
  return { backend: retryingConnect(backend, logger, oneJobPerSync), notifies: false, close: () => client.close() };
}

/** The MongoDB packages are optional dependencies: load them only when asked for, and say how to get them. */
async function importMongoBackend() {
  try {
    return await import('@agendajs/mongo-backend');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new Error(
      `AGENDA_BACKEND=mongo needs the optional packages ${MONGO_PACKAGES}, which are not installed: npm install ${MONGO_PACKAGES} (or unset AGENDA_BACKEND to keep jobs in Postgres)`,
      { cause: err },
    );
  }
}

/**
 * Agenda connects its backend from its constructor without handling a failure (an unhandled rejection
 * that would end the process); this keeps trying instead, so a database that is briefly away at start
 * delays the scheduler rather than killing the worker. `prepare` runs once connected (MongoDB's indexes); `repository`
 * replaces the backend's (the batched one, batched-repository.ts).
 */
function retryingConnect(
  backend: AgendaBackend,
  logger: FastifyBaseLogger,
  prepare: () => Promise<unknown> = async () => {},
  repository?: AgendaBackend['repository'],
): AgendaBackend {
  const channel = backend.notificationChannel && withoutJobStateEvents(backend.notificationChannel);
  return {
    name: backend.name,
    get repository() {
      return repository ?? backend.repository;
    },
    get notificationChannel() {
      return channel;
    },
    get logger() {
      return backend.logger;
    },
    ownsConnection: false,
    async connect() {
      for (let attempt = 1; ; attempt++) {
        try {
          await backend.connect();
          await prepare();
          return;
        } catch (err) {
          logger.warn({ err: (err as Error).message, attempt }, 'job store unavailable; retrying');
          await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** attempt)));
        }
      }
    },
    disconnect: () => backend.disconnect(),
  };
}

/**
 * The notification channel without Agenda's job-state events. Agenda publishes start, success and
 * complete of every job run as three more NOTIFYs, each delivered to every process; nothing here
 * listens to them, and at a burst of due schedules they were most of the job store's statements.
 * Notifications of new due jobs (what wakes workers at once) still go through.
 */
function withoutJobStateEvents(channel: NotificationChannel): NotificationChannel {
  return new Proxy(channel, {
    get: (target, property, receiver) =>
      property === 'publishState' || property === 'subscribeState' ? undefined : Reflect.get(target, property, receiver),
  });
}
