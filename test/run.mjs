#!/usr/bin/env node
// `npm test`: the server's unit and integration tests (alongside them the admin UI's unit tests and build), then the
// end-to-end tests, against TEST_DATABASE_URL, else the local Postgres on 127.0.0.1:5432 when it answers, else embedded
// PGlite — so it passes on a machine with nothing installed. `npm test -- <files>` runs just those files.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** Runs a command with its output held back (two suites printing at once would interleave); resolves to its exit code and output. */
function runQuietly(command, commandArgs) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code, signal) => resolve({ code: signal ? 1 : (code ?? 1), output }));
  });
}

const uiRoot = fileURLToPath(new URL('../admin-ui/', import.meta.url));
const BUILD_STAMP = path.join(uiRoot, 'build', '.source-hash');

/** A hash of everything the admin UI's production build is made from: its sources, configuration and locked dependencies. */
function uiSourceHash() {
  const hash = createHash('sha256');
  const skip = new Set(['node_modules', 'build', '.react-router']);
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (skip.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) hash.update(path.relative(uiRoot, full)).update('\0').update(readFileSync(full)).update('\0');
    }
  };
  walk(uiRoot);
  return hash.digest('hex');
}

/** The admin UI's unit tests, then its production build unless the one on disk was made from these very sources. */
async function uiTestsAndBuild() {
  const tests = await runQuietly('npm', ['--prefix', 'admin-ui', 'test', '--', '--reporter=dot']);
  let output = `\n# Admin UI unit tests (Vitest)\n${tests.output}`;
  if (tests.code !== 0) return { code: tests.code, output };
  const sources = uiSourceHash();
  if (existsSync(BUILD_STAMP) && existsSync(path.join(uiRoot, 'build/server/index.js')) && readFileSync(BUILD_STAMP, 'utf8') === sources) {
    return { code: 0, output: `${output}\n# Admin UI production build: up to date (admin-ui/build was made from these sources)\n` };
  }
  rmSync(BUILD_STAMP, { force: true });
  const build = await runQuietly('npm', ['--prefix', 'admin-ui', 'run', 'build', '--', '--logLevel', 'warn']);
  output += `\n# Admin UI production build\n${build.output}`;
  if (build.code === 0) writeFileSync(BUILD_STAMP, sources);
  return { code: build.code, output };
}

const args = process.argv.slice(2);
if (args.length) process.exit(await run('npx', ['tap', ...args]));

// The whole suite. The server's unit tests (test/unit: no database, no server, no child process) and integration
// tests (test/integration) need no admin UI, so they run while the UI's own tests and production build run beside
// them; the end-to-end tests in Chromium drive that build, so they come last. tap runs the files two at a time.
console.log('\n# Server unit and integration tests (tap); the admin UI tests and build run alongside, reported below');
const [ui, server] = await Promise.all([uiTestsAndBuild(), run('npx', ['tap', 'test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'])]);
process.stdout.write(ui.output);
if (ui.code !== 0) process.exit(1);
console.log('\n# End-to-end tests (tap, Chromium)');
const e2e = await run('npx', ['tap', 'test/e2e/**/*.test.ts']);
process.exit(server !== 0 || e2e !== 0 ? 1 : 0);
