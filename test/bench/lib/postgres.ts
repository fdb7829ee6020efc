import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Where benchmarks create their databases: BENCH_DATABASE_URL, else the local Postgres. */
export function adminUrl(): string {
  return process.env.BENCH_DATABASE_URL || DEFAULT_ADMIN_URL;
}

/**
 * Benchmarks measure the production database, so they need a real Postgres (never PGlite).
 * Returns the server's version, or throws an error that says what to start.
 */
export async function requirePostgres(url = adminUrl()): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0].server_version;
  } catch (err) {
    const safe = url.replace(/\/\/[^@/]*@/, '//');
    throw new Error(
      `Postgres is required for benchmarks and did not answer at ${safe} (${err instanceof Error ? err.message : String(err)}).\n` +
        '  Start a local PostgreSQL on 127.0.0.1:5432 with user "postgres" and trust authentication,\n' +
        '  or point BENCH_DATABASE_URL at a server where this user may CREATE DATABASE and CREATE ROLE.',
      { cause: err },
    );
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh, migrated database (dropped again by `close()`), made the same way the tests make theirs. */
export async function freshDatabase(): Promise<TestDatabase & { url: string }> {
  const previous = process.env.TEST_DATABASE_URL;
  process.env.TEST_DATABASE_URL = adminUrl();
  try {
    const database = await createTestDatabase();
    return database as TestDatabase & { url: string };
  } finally {
    if (previous === undefined) delete process.env.TEST_DATABASE_URL;
    else process.env.TEST_DATABASE_URL = previous;
  }
}
