import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDb } from '../../db/client.js';
import { migrateToLatest } from '../../db/migrate.js';
import { root } from './entry-point.js';
import { templateName } from './template-database.js';

/**
 * Embedded data folders whose database is already initialised and migrated, for tests that start a server or open
 * PGlite on a folder only to get on with something else (a lock, a damaged folder, a signal). A fresh folder costs
 * PGlite's initdb (about 6 s of CPU) plus the migrations in every process that opens it; copying a folder made once
 * costs a fraction of a second. The template is made once per set of migration sources and PGlite version (the
 * Postgres template's name, see template-database.ts) in the system's temporary folder and kept across runs, like
 * the Postgres template. Starting on a fresh folder stays tested where it matters (startup.test.ts' first server,
 * and every PGlite run of the suite).
 */
const PGLITE_VERSION = (
  JSON.parse(readFileSync(path.join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string }
).version;

const PREFIX = 'linkyard-pglite-';
/** Templates of other migration sources are removed when this old (another checkout may still use a recent one). */
const STALE_AFTER_MS = 24 * 3600_000;

function templateDir(): string {
  return path.join(tmpdir(), `${PREFIX}${templateName().replace(/^linkyard_tpl_/, '')}-${PGLITE_VERSION}`);
}

/** Each set of migrations leaves a ~40 MB folder: the old ones go (and half-made ones a crash left). */
function removeStaleTemplates(current: string) {
  for (const name of readdirSync(tmpdir())) {
    const dir = path.join(tmpdir(), name);
    if (!name.startsWith(PREFIX) || dir === current) continue;
    try {
      if (Date.now() - statSync(dir).mtimeMs > STALE_AFTER_MS) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}

let making: Promise<string> | undefined;

/** The template folder (its `pglite` subfolder holds the database), made if missing. */
function ensureTemplate(): Promise<string> {
  making ??= (async () => {
    const dir = templateDir();
    if (existsSync(path.join(dir, 'pglite', 'PG_VERSION'))) return dir;
    // Made aside and renamed into place, so no process ever copies a half-made one; when two make it at once, the
    // second rename fails and its copy is dropped.
    const building = mkdtempSync(`${dir}-building-`);
    try {
      const db = await openDb({ databaseUrl: null, dataDir: building });
      try {
        await migrateToLatest(db.kysely);
      } finally {
        await db.close();
      }
      try {
        renameSync(building, dir);
      } catch (err) {
        if (!existsSync(path.join(dir, 'pglite', 'PG_VERSION'))) throw err;
      }
      removeStaleTemplates(dir);
    } finally {
      rmSync(building, { recursive: true, force: true });
    }
    return dir;
  })();
  return making;
}

/** Fills the (empty) data folder `dataDir` with an initialised, migrated embedded database. */
export async function copyMigratedDataDir(dataDir: string): Promise<void> {
  const template = await ensureTemplate();
  cpSync(path.join(template, 'pglite'), path.join(dataDir, 'pglite'), { recursive: true });
}
