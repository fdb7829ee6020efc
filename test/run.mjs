#!/usr/bin/env node
// `npm test`: runs the server test suite against TEST_DATABASE_URL, else the local Postgres on
// 127.0.0.1:5432 when it answers, else embedded PGlite — so it passes on a machine with nothing installed.
import { spawn } from 'node:child_process';
import pg from 'pg';

async function answers(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const env = { ...process.env };
if (!env.TEST_DATABASE_URL && env.LINKYARD_TEST_DB !== 'pglite') {
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await answers(local)) env.TEST_DATABASE_URL = local;
}
if (env.LINKYARD_TEST_DB === 'pglite') delete env.TEST_DATABASE_URL;
console.log(`Test database: ${env.TEST_DATABASE_URL ? `PostgreSQL at ${env.TEST_DATABASE_URL.replace(/\/\/[^@]*@/, '//')}` : 'embedded PGlite (no Postgres answered)'}`);

const args = process.argv.slice(2);
const child = spawn('npx', ['tap', ...(args.length ? args : ['test/server/**/*.test.ts'])], { stdio: 'inherit', env });
child.on('exit', (code, signal) => process.exit(signal ? 1 : code ?? 1));
