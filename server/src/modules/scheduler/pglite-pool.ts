import { CompiledQuery } from 'kysely';
import type pg from 'pg';
import type { Db } from '../../../../db/client.js';

/**
 * The part of `pg.Pool` Agenda's Postgres backend uses (`query`, `connect`), over the application's
 * own Kysely handle: the embedded PGlite database (and a Postgres handle given without DATABASE_URL,
 * as in tests). Notifications are not possible through it; the worker polls.
 *
 * Why not a PGLiteSocketServer: PGlite is one Postgres session, and the socket server interleaves its
 * clients' protocol messages with the in-process Kysely dialect's statements (it serialises single
 * messages, not transactions). An autocommit statement from a socket client that arrives while the app
 * is inside a transaction runs *inside* that transaction — and vanishes if the app rolls back (shown by
 * a test in scheduler.test.ts). Going through Kysely instead, every Agenda statement waits for the one
 * connection like any other query, so it can never land inside an application transaction.
 */
export function kyselyBackedPool(db: Db): pg.Pool {
  const query = async (text: string, params: readonly unknown[] = []) => {
    const result = await db.kysely.executeQuery(CompiledQuery.raw(text, [...params]));
    const rows = result.rows as Record<string, unknown>[];
    return {
      rows,
      rowCount: result.numAffectedRows !== undefined ? Number(result.numAffectedRows) : rows.length,
      command: '',
      oid: 0,
      fields: [],
    };
  };
  const client = { query, release: () => {} };
  const pool = {
    query,
    connect: async () => client,
    end: async () => {},
    on: () => pool,
  };
  return pool as unknown as pg.Pool;
}
