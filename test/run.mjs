#!/usr/bin/env node
// `npm test`: the server's unit and integration tests, the admin UI's unit tests and production build, and the
// end-to-end tests, against TEST_DATABASE_URL, else the local Postgres on 127.0.0.1:5432 when it answers, else embedded
// PGlite — so it passes on a machine with nothing installed. `npm test -- <files>` runs just those files with tap.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { buildServer } from '../scripts/build-server.mjs';
import { compileRepository, removeCompiled } from './compile.mjs';

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

/** The admin UI's production build, unless the one on disk was made from these very sources. */
async function uiBuild() {
  const sources = uiSourceHash();
  if (existsSync(BUILD_STAMP) && existsSync(path.join(uiRoot, 'build/server/index.js')) && readFileSync(BUILD_STAMP, 'utf8') === sources) {
    return { code: 0, output: '\n# Admin UI production build: up to date (admin-ui/build was made from these sources)\n' };
  }
  rmSync(BUILD_STAMP, { force: true });
  const build = await runQuietly('npm', ['--prefix', 'admin-ui', 'run', 'build', '--', '--logLevel', 'warn']);
  if (build.code === 0) writeFileSync(BUILD_STAMP, sources);
  return { code: build.code, output: `\n# Admin UI production build\n${build.output}` };
}

async function uiTests() {
  const tests = await runQuietly('npm', ['--prefix', 'admin-ui', 'test', '--', '--reporter=dot']);
  return { code: tests.code, output: `\n# Admin UI unit tests (Vitest)\n${tests.output}` };
}

const args = process.argv.slice(2);
// `npm run test:unit` (`--unit`): the unit tests alone, compiled like the whole suite.
const unitOnly = args.length === 1 && args[0] === '--unit';
if (args.length && !unitOnly) process.exit(await run('npx', ['tap', ...args]));

// The whole suite. Every test file runs in a process of its own, as under tap, but on JavaScript compiled once for the
// run (test/compile.mjs) and without tap's runner, whose loaders (TypeScript, mocks, process info) hook every module a
// process loads: about two seconds of CPU per file of the ~50. Each file is still a tap test that prints TAP and exits
// non-zero when anything in it fails. The files run two at a time (the machine's two cores: more made it slower), the
// longest first as measured last time, so that no long file starts last. The server's files need no admin UI, so they
// start while the UI's build and then its unit tests run beside them; the end-to-end files drive that build and join
// the queue once it is done.
const root = fileURLToPath(new URL('..', import.meta.url));
const JOBS = Number(env.TEST_JOBS) || 2;
/** .taprc's per-file limit, which catches a file that hangs (seconds). */
const FILE_TIMEOUT_S = Number(/^timeout:\s*(\d+)/m.exec(readFileSync(path.join(root, '.taprc'), 'utf8'))?.[1] ?? 360);
const TIMES_FILE = path.join(root, '.tap', 'linkyard-file-times.json');

/** Repository-relative paths of the `*.test.ts` files under `dir`. */
function testFiles(dir) {
  const found = [];
  const walk = (d) => {
    for (const entry of readdirSync(path.join(root, d), { withFileTypes: true })) {
      const rel = `${d}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.test.ts')) found.push(rel);
    }
  };
  walk(dir);
  return found.sort();
}

/**
 * How long each file took (ms): in the last run here, else as test/file-times.json records them (seconds, a run on a
 * loaded 2-core machine; only their order matters), so that a fresh clone too starts the long files first.
 */
function readTimes() {
  const read = (file) => {
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return {};
    }
  };
  const recorded = Object.fromEntries(Object.entries(read(path.join(root, 'test/file-times.json'))).map(([f, s]) => [f, s * 1000]));
  return { ...recorded, ...read(TIMES_FILE) };
}

/**
 * One headless Chromium for all the end-to-end files of the run, launched when the first of them starts: each file
 * connects to it (LINKYARD_E2E_BROWSER, see test/e2e/harness.ts) and opens its tabs in browser contexts of its own,
 * instead of launching a browser of its own (about 2 s of CPU each). Same executable and flags as launchChromium; a
 * DevTools port on loopback instead of a pipe, since several processes connect. If it cannot start, the files launch
 * their own (and report why they cannot).
 */
let sharedBrowser;
function e2eBrowser(build) {
  sharedBrowser ??= (async () => {
    const { CHROMIUM_ARGS, findChromium } = await import(pathToFileURL(path.join(build, 'server/src/lib/chromium.js')).href);
    const { default: puppeteer } = await import('puppeteer-core');
    const userDataDir = mkdtempSync(path.join(tmpdir(), 'linkyard-chromium-'));
    const browser = await puppeteer.launch({
      executablePath: findChromium(env),
      headless: true,
      pipe: false,
      userDataDir,
      args: CHROMIUM_ARGS,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    const kill = () => browser.process()?.kill('SIGKILL');
    process.on('exit', kill);
    return {
      endpoint: browser.wsEndpoint(),
      async close() {
        process.off('exit', kill);
        await browser.close().catch(kill);
        rmSync(userDataDir, { recursive: true, force: true });
      },
    };
  })().catch((err) => {
    console.log(`# No shared Chromium for the end-to-end files (each launches its own): ${err.message}`);
    return null;
  });
  return sharedBrowser;
}

/** Runs one compiled test file; resolves to its result once it exits (killed if it outlives the per-file limit). */
async function runTestFile(build, file) {
  const browser = file.startsWith('test/e2e/') ? await e2eBrowser(build) : null;
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--enable-source-maps', path.join(build, file.replace(/\.ts$/, '.js'))], {
      cwd: root,
      env: { ...env, TAP_TIMEOUT: String(FILE_TIMEOUT_S), ...(browser ? { LINKYARD_E2E_BROWSER: browser.endpoint } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    // tap times the file out itself (TAP_TIMEOUT); this is for a process that does not exit even then.
    const killer = setTimeout(() => child.kill('SIGKILL'), (FILE_TIMEOUT_S + 30) * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      const ms = performance.now() - started;
      // A file passes when it exits 0 after printing its plan (a process that dies early may exit 0 without one).
      const ok = code === 0 && !signal && /^1\.\.\d+/m.test(output);
      resolve({ file, ok, ms, output, exit: signal ?? code });
    });
  });
}

/** Runs the files JOBS at a time, longest first; `later` join once `ready` resolves (to false: they are skipped). */
async function runTestFiles(build, files, later, ready) {
  const times = readTimes();
  // Files never timed go first: a new file may be long, and a short one costs little at the front.
  const longestFirst = (list) => list.sort((a, b) => (times[b] ?? Infinity) - (times[a] ?? Infinity) || (a < b ? -1 : 1));
  const queue = longestFirst([...files]);
  let laterReady = false;
  const waiting = [];
  ready.then((ok) => {
    if (ok) {
      queue.push(...later);
      longestFirst(queue);
    }
    laterReady = true;
    waiting.splice(0).forEach((wake) => wake());
  });
  const results = [];
  let printed = 0;
  const worker = async () => {
    for (;;) {
      const file = queue.shift();
      if (file === undefined) {
        if (laterReady) return;
        await new Promise((resolve) => waiting.push(resolve));
        continue;
      }
      const result = await runTestFile(build, file);
      results.push(result);
      report(result, ++printed);
    }
  };
  await Promise.all(Array.from({ length: JOBS }, worker));
  const newTimes = { ...times, ...Object.fromEntries(results.map((r) => [r.file, Math.round(r.ms)])) };
  mkdirSync(path.dirname(TIMES_FILE), { recursive: true });
  writeFileSync(TIMES_FILE, `${JSON.stringify(newTimes, null, 2)}\n`);
  return results;
}

/** One line per file that passed; a failed file's whole output (its TAP and whatever it wrote to stderr). */
function report({ file, ok, ms, output, exit }, n) {
  if (!ok) {
    console.log(`# Subtest: ${file}\n${output.replace(/^(?=.)/gm, '    ')}`);
    console.log(`not ok ${n} - ${file} # time=${ms.toFixed(0)}ms (exit: ${exit})`);
  } else console.log(`ok ${n} - ${file} # time=${ms.toFixed(0)}ms`);
}

console.log('\n# Compiling the TypeScript for this run (SWC), and the production build of the server and scripts (esbuild)');
const build = await compileRepository(root);
const cleanUp = () => removeCompiled(build);
process.on('exit', cleanUp);
// The servers, workers and scripts that tests start run `npm run build:server`'s bundles (test/helpers/entry-point.ts):
// ~0.6 s of CPU to load instead of ~1.6 s file by file. Without source maps: nothing reads them here.
if (!unitOnly) await buildServer({ root, outdir: path.join(build, 'dist'), sourcemap: false });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

console.log(
  unitOnly
    ? '# The unit tests (test/unit), two at a time'
    : "# Test files, two at a time: unit, integration, and end-to-end once the admin UI is built (the UI's build and tests are reported below)",
);
const started = performance.now();
// The build first: the end-to-end files wait for it, the UI's unit tests do not need it.
const skipped = Promise.resolve({ code: 0, output: '' });
const built = unitOnly ? skipped : uiBuild();
const uiTested = unitOnly ? skipped : built.then(uiTests);
const e2eFiles = unitOnly ? [] : testFiles('test/e2e');
const results = await runTestFiles(
  build,
  [...testFiles('test/unit'), ...(unitOnly ? [] : testFiles('test/integration'))],
  e2eFiles,
  built.then((r) => r.code === 0),
);
if (sharedBrowser) await (await sharedBrowser)?.close();
const ui = await Promise.all([built, uiTested]);
ui.forEach((r) => process.stdout.write(r.output));
const failed = results.filter((r) => !r.ok);
console.log(
  `\n# ${results.length} test files in ${((performance.now() - started) / 1000).toFixed(0)} s: ${results.length - failed.length} passed, ${failed.length} failed` +
    (ui[0].code !== 0 ? `; the admin UI's build failed, so the ${e2eFiles.length} end-to-end files did not run` : '') +
    (ui[1].code !== 0 ? "; the admin UI's unit tests failed" : ''),
);
for (const r of failed) console.log(`#   failed: ${r.file}`);
process.exit(failed.length || ui.some((r) => r.code !== 0) ? 1 : 0);
