#!/usr/bin/env node
// `npm test`: the admin UI's unit tests and build, then the server and end-to-end tests against TEST_DATABASE_URL, else the local Postgres on
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
console.log(
  `Test database: ${env.TEST_DATABASE_URL ? `PostgreSQL at ${env.TEST_DATABASE_URL.replace(/\/\/[^@]*@/, '//')}` : 'embedded PGlite (no Postgres answered)'}`,
);

function run(command, commandArgs, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { stdio: 'inherit', env, ...options });
    child.on('exit', (code, signal) => resolve(signal ? 1 : (code ?? 1)));
  });
}

const args = process.argv.slice(2);
if (args.length === 0) {
  // The whole suite: the admin UI's unit tests, then its production build (the end-to-end tests drive it).
  console.log('\n# Admin UI unit tests (Vitest)');
  if ((await run('npm', ['--prefix', 'admin-ui', 'test', '--', '--reporter=dot'])) !== 0) process.exit(1);
  console.log('\n# Admin UI production build');
  if ((await run('npm', ['--prefix', 'admin-ui', 'run', 'build', '--', '--logLevel', 'warn'])) !== 0) process.exit(1);
}
// The server's unit tests (test/unit: no database, no server, no child process), its integration tests (test/integration),
// then the end-to-end tests in Chromium (tap runs the files two at a time).
process.exit(
  await run('npx', ['tap', ...(args.length ? args : ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'])]),
);
