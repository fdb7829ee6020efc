/**
 * Runs the operator CLIs in scripts/ as real child processes, the way an operator runs them, and collects
 * what they print and their exit code; plus a database handle for assertions between such runs.
 */
import { spawn } from 'node:child_process';
import { openDb, type Db } from '../../db/client.js';
import type { TestDatabase } from './database.js';
import { entryArgs, root } from './entry-point.js';

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The test process's environment for a script, with `set` on top. Left out: tap's own variables and its
 * process-info loader (NODE_OPTIONS), which are not the scripts' business, and the variables `omit` names
 * (exactly, or by a pattern), so that a setting of the developer's shell cannot leak into the run.
 */
export function scriptEnv({ omit = [], set = {} }: { omit?: (string | RegExp)[]; set?: NodeJS.ProcessEnv }): NodeJS.ProcessEnv {
  const omitted = (name: string) => omit.some((o) => (typeof o === 'string' ? o === name : o.test(name)));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(TAP|_TAPJS)/.test(k) || k === 'NODE_OPTIONS' || omitted(k)) continue;
    env[k] = v;
  }
  return { ...env, ...set };
}

/** Runs `scripts/<name>.ts` from the repository root; `input` is written to its stdin, which is then closed. */
export function runScript(name: string, args: string[], options: { env: NodeJS.ProcessEnv; input?: string }): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    // One node process (`node --import tsx`, or the compiled script under `npm test`): the tsx binary would start a
    // second node for it (about half a second more per run, and scripts run dozens of times per suite).
    const child = spawn(process.execPath, [...entryArgs(`scripts/${name}.ts`), ...args], {
      cwd: root,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Where a script finds `database`: its folder, and on Postgres its connection string. */
export function databaseEnv(database: TestDatabase): NodeJS.ProcessEnv {
  return { DATA_DIR: database.dataDir, ...(database.url ? { DATABASE_URL: database.url } : {}) };
}

/** PGlite admits one process per directory: this process lets go of it so that scripts can open it (Postgres: nothing to do). */
export async function handOverToScripts(database: TestDatabase): Promise<void> {
  if (!database.url) await database.db.close();
}

/**
 * A direct handle on a database that scripts use too: the test's own on Postgres; on PGlite, which admits
 * one process per directory, a short-lived one opened between script runs.
 */
export async function withDirectDb<T>(database: TestDatabase, fn: (db: Db) => Promise<T>): Promise<T> {
  if (database.url) return fn(database.db);
  const db = await openDb({ databaseUrl: null, dataDir: database.dataDir });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
