import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import pg from 'pg';
import { openDb } from '../../db/client.js';
import { migrateToLatest } from '../../db/migrate.js';

/**
 * Postgres test databases are cloned from a template migrated once (`CREATE DATABASE … TEMPLATE`),
 * not migrated file by file. The template is named after a hash of the migration sources, so a
 * changed or added migration makes a new one. Several test processes (tap runs two files at once,
 * other checkouts may share the server) coordinate through an advisory lock on the admin database;
 * the template is marked IS_TEMPLATE only once migrated and with no connection left on it, and
 * nobody connects to a marked template, so cloning never meets "being accessed by other users".
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TEMPLATE_PREFIX = 'linkyard_tpl_';
/** Templates of other migration sources are dropped when this old (another checkout may still use a recent one). */
const STALE_AFTER_MS = 24 * 3600_000;
const LOCK_KEY = 7_314_220_011; // any constant shared by every test process

let cachedName: string | undefined;
export function templateName(): string {
  if (cachedName) return cachedName;
  const hash = createHash('sha256');
  const dir = path.join(root, 'db/migrations');
  // The sources only: under `npm test` the folder also holds their compiled JavaScript (see test/compile.mjs).
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(path.join(dir, file)))
      .update('\0');
  }
  hash.update(readFileSync(path.join(root, 'db/migrate.ts')));
  cachedName = TEMPLATE_PREFIX + hash.digest('hex').slice(0, 16);
  return cachedName;
}

const withDatabase = (adminUrl: string, name: string) => {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
};

async function isReady(admin: pg.Client, name: string): Promise<boolean> {
  const { rows } = await admin.query('SELECT datistemplate FROM pg_database WHERE datname = $1', [name]);
  return rows[0]?.datistemplate === true;
}

/** Makes sure the migrated template exists; `admin` is connected to the admin database. */
async function ensureTemplate(admin: pg.Client, adminUrl: string, name: string): Promise<void> {
  if (await isReady(admin, name)) return;
  await admin.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
  try {
    if (await isReady(admin, name)) return; // another process built it while we waited
    // A half-built template (a process died while migrating) is started over.
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    const db = await openDb({ databaseUrl: withDatabase(adminUrl, name), dataDir: '', poolSize: 1 });
    try {
      await migrateToLatest(db.kysely);
    } finally {
      await db.close();
    }
    await admin.query(`COMMENT ON DATABASE ${name} IS 'linkyard test template, built ${new Date().toISOString()}'`);
    await admin.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE true`);
    await dropStaleTemplates(admin, name);
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
  }
}

async function dropStaleTemplates(admin: pg.Client, current: string): Promise<void> {
  const { rows } = await admin.query<{ datname: string; comment: string | null }>(
    `SELECT datname, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname LIKE $1 AND datname <> $2`,
    [`${TEMPLATE_PREFIX}%`, current],
  );
  for (const { datname, comment } of rows) {
    const built = Date.parse(/built (\S+)/.exec(comment ?? '')?.[1] ?? '');
    if (Number.isFinite(built) && Date.now() - built < STALE_AFTER_MS) continue;
    await admin.query(`ALTER DATABASE ${datname} WITH IS_TEMPLATE false`).catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => {});
  }
}

/** Creates database `name` on the server of `adminUrl`: a clone of the migrated template, or empty. */
export async function createPostgresDatabase(adminUrl: string, name: string, migrated: boolean): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    if (!migrated) {
      await admin.query(`CREATE DATABASE ${name}`);
      return;
    }
    const template = templateName();
    for (let attempt = 1; ; attempt++) {
      await ensureTemplate(admin, adminUrl, template);
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        return;
      } catch (err) {
        // The template vanished in between (dropped by hand or as stale): build it again.
        if ((err as { code?: string }).code !== '3D000' || attempt >= 3) throw err;
      }
    }
  } finally {
    await admin.end();
  }
}
