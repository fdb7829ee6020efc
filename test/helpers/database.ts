import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDb, type Db } from '../../db/client.js';
import { migrateToLatest } from '../../db/migrate.js';
import { createPostgresDatabase } from './template-database.js';

/**
 * One fresh database per test file: a new Postgres database on the server in TEST_DATABASE_URL
 * (set by test/run.mjs when Postgres answers), or a new embedded PGlite directory otherwise.
 * Migrated unless `migrate: false` (then empty): on Postgres by cloning a template migrated once.
 */
export interface TestDatabase {
  db: Db;
  /** Connection string of the fresh database (Postgres only): scripts and superuser tampering use it. */
  url: string | null;
  dataDir: string;
  close(): Promise<void>;
}

export const usingPostgres = () => !!process.env.TEST_DATABASE_URL;

export async function createTestDatabase(options: { migrate?: boolean; onDisk?: boolean } = {}): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'linkyard-test-'));
  const adminUrl = process.env.TEST_DATABASE_URL;
  let url: string | null = null;
  let dropDatabase = async () => {};
  if (adminUrl) {
    const name = `linkyard_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    // Cloned from a template migrated once per set of migrations (see template-database.ts).
    await createPostgresDatabase(adminUrl, name, options.migrate !== false);
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  // PGlite databases of tests live in memory unless a test needs the directory (scripts open it too).
  const db = await openDb({ databaseUrl: url, dataDir, inMemory: !url && !options.onDisk });
  if (options.migrate !== false && !url) await migrateToLatest(db.kysely);
  return {
    db,
    url,
    dataDir,
    async close() {
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
      // Nothing waits for the drop (about half a second): the next test goes on while Postgres drops this one,
      // and the open admin connection keeps the test process alive until it is done.
      void dropDatabase().catch((err: unknown) => console.error(`could not drop a test database: ${String(err)}`));
    },
  };
}
