import pg from 'pg';
import type { AgendaBackend } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../../db/client.js';
import { AGENDA_TABLE } from '../../../../db/migrations/0003-syncs.js';
import type { Config } from '../../config.js';
import { kyselyBackedPool } from './pglite-pool.js';

/** The versions the MongoDB job store was specified with (DESIGN.md: optional, Agenda's MongoDB backend 4 + mongodb 7). */
export const MONGO_PACKAGES = '@agendajs/mongo-backend@4.0.3 mongodb@7.9.0';

export interface JobStore {
  backend: AgendaBackend;
  /** Whether enqueuers can wake workers at once (LISTEN/NOTIFY); otherwise workers find jobs by polling. */
  notifies: boolean;
  close(): Promise<void>;
}

/**
 * Agenda's job store. Postgres (default): the application database (DATABASE_URL) through a pool of its
 * own, with LISTEN/NOTIFY on the channel `agenda_jobs`. Embedded PGlite — or a database handle given
 * without DATABASE_URL (tests) — the same backend over the app's own Kysely handle (pglite-pool.ts),
 * polling. Tables come from our migrations (`ensureSchema: false`: two workers creating the schema at
 * once crash one of them).
 */
export function createJobStore(db: Db, config: Config, logger: FastifyBaseLogger): JobStore {
  if (config.agenda.backend === 'mongo') {
    // Not installed in this build: refuse clearly instead of falling back to Postgres behind the operator's back.
    throw new Error(`AGENDA_BACKEND=mongo needs the MongoDB job store packages, which are not installed: npm install ${MONGO_PACKAGES} (or unset AGENDA_BACKEND to keep jobs in Postgres)`);
  }
  let pool: pg.Pool;
  let closePool = async () => {};
  const notifies = db.kind === 'pg' && !!config.databaseUrl;
  if (notifies) {
    const own = new pg.Pool({ connectionString: config.databaseUrl!, max: config.worker.concurrency + 4, idleTimeoutMillis: 30_000 });
    // A dropped idle connection must not crash the process; the pool replaces it.
    own.on('error', (err) => logger.warn({ err: err.message }, 'job store connection error'));
    pool = own;
    closePool = () => own.end();
  } else {
    pool = kyselyBackedPool(db);
  }
  const postgres = new PostgresBackend({ pool, tableName: AGENDA_TABLE, ensureSchema: false, disableNotifications: !notifies });
  return { backend: retryingConnect(postgres, logger), notifies, close: closePool };
}

/**
 * Agenda connects its backend from its constructor without handling a failure (an unhandled rejection
 * that would end the process); this keeps trying instead, so a database that is briefly away at start
 * delays the scheduler rather than killing the worker.
 */
function retryingConnect(backend: AgendaBackend, logger: FastifyBaseLogger): AgendaBackend {
  return {
    name: backend.name,
    get repository() { return backend.repository; },
    get notificationChannel() { return backend.notificationChannel; },
    get logger() { return backend.logger; },
    ownsConnection: false,
    async connect() {
      for (let attempt = 1; ; attempt++) {
        try {
          return await backend.connect();
        } catch (err) {
          logger.warn({ err: (err as Error).message, attempt }, 'job store unavailable; retrying');
          await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** attempt)));
        }
      }
    },
    disconnect: () => backend.disconnect(),
  };
}
