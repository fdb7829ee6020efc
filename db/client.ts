import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Database } from './schema.js';

/**
 * The one database handle of a process: Kysely over `pg` when DATABASE_URL is set, over PGlite
 * (Postgres compiled to WebAssembly, stored in DATA_DIR) otherwise. Same migrations, same SQL.
 */
export interface Db {
  kysely: Kysely<Database>;
  kind: 'pg' | 'pglite';
  /** Runs several statements in as few round trips as the driver allows (one for pg). */
  execStatements(conn: Kysely<Database>, statements: string[]): Promise<void>;
  close(): Promise<void>;
  /** The PGlite instance in embedded mode (the worker serves it over a local socket). */
  pglite?: unknown;
}

// Postgres `int8` (counts, sequences) come back as strings by default; ours stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface OpenDbOptions {
  databaseUrl: string | null;
  dataDir: string;
  poolSize?: number;
  /** PGlite only: keep the database in memory (tests), not in DATA_DIR. */
  inMemory?: boolean;
  log?: (event: { query: CompiledQuery; durationMs: number; error?: unknown }) => void;
}

export async function openDb(options: OpenDbOptions): Promise<Db> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      kysely,
      kind: 'pg',
      // The simple-query protocol (no parameters) accepts several statements in one message.
      execStatements: async (conn, statements) => {
        await sql.raw(statements.join('; ')).execute(conn);
      },
      close: () => kysely.destroy(),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGliteDialect } = await import('kysely-pglite-dialect');
  let pglite;
  if (options.inMemory) {
    pglite = await PGlite.create();
  } else {
    const dir = path.join(options.dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    pglite = await PGlite.create(dir);
  }
  const kysely = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    kysely,
    kind: 'pglite',
    pglite,
    execStatements: async (conn, statements) => {
      for (const s of statements) await sql.raw(s).execute(conn);
    },
    close: async () => {
      await kysely.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}
