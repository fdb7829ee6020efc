import { execFileSync } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { checkDatabaseConnection, redactDatabaseUrl } from '../../../db/client.js';
import { freePort } from '../../helpers/net.js';
import { runScript } from '../../helpers/run-script.js';
import { copyMigratedDataDir } from '../../helpers/embedded-template.js';
import { answers, isRunning, serverEnv, startServer, type ServerProcess } from '../../helpers/server-process.js';
import { waitUntil } from '../../helpers/wait-until.js';

/**
 * Start-up and shutdown of the real server process: one process per embedded data folder, a helpful
 * message when that folder's database cannot open, `npm start` stopping on SIGTERM, a wrong DATABASE_URL
 * failing at once, and every configuration problem reported together.
 */

// Each embedded start opens PGlite and migrates a fresh folder (several seconds each).
t.setTimeout(300_000);
const START_TIMEOUT = 120_000;

const KEY = Buffer.alloc(32, 7).toString('base64');
const started: ServerProcess[] = [];
t.teardown(() => started.forEach((s) => s.kill()));

function tempDir(t: Test): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'linkyard-startup-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A data folder holding an initialised, migrated embedded database (copied, see embedded-template.ts), for the tests
 * about something else than a first start: each saves PGlite's initdb and the migrations (about 7 s of CPU).
 */
async function migratedDir(t: Test): Promise<string> {
  const dir = tempDir(t);
  await copyMigratedDataDir(dir);
  return dir;
}

/** A development server on the embedded database in `dataDir`, as fast to start as it gets. */
function embedded(dataDir: string, via: 'node' | 'npm' = 'node', args: string[] = []): ServerProcess {
  const server = startServer({
    via,
    args,
    env: serverEnv({
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      PORT: '0',
      ADMIN_UI: 'off',
      SEED_DEMO_ON_START: 'false',
      LOG_LEVEL: 'warn',
      PASSWORD_HASH_COST: '10',
    }),
  });
  started.push(server);
  return server;
}

function production(set: NodeJS.ProcessEnv): ServerProcess {
  const server = startServer({
    env: serverEnv({
      NODE_ENV: 'production',
      JWT_SECRET: 'startup-test-secret-that-is-at-least-32-chars',
      ENCRYPTION_KEY: KEY,
      PUBLIC_URL: 'https://linkyard.example.com',
      ADMIN_UI: 'off',
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...set,
    }),
  });
  started.push(server);
  return server;
}

const listening = (s: ServerProcess, what: string) =>
  waitUntil(
    () => {
      if (s.exit()) throw new Error(`${what} exited (${JSON.stringify(s.exit())}) instead of listening:\n${s.stdout()}\n${s.stderr()}`);
      return s.url() !== null;
    },
    `${what} to listen`,
    START_TIMEOUT,
  );
const exited = (s: ServerProcess, what: string, timeoutMs?: number) => waitUntil(() => s.exit() !== null, `${what} to exit`, timeoutMs);

const lockPath = (dataDir: string) => path.join(dataDir, 'linkyard.lock');
const lockPid = (dataDir: string) =>
  existsSync(lockPath(dataDir)) ? Number(readFileSync(lockPath(dataDir), 'utf8').split('\n')[0]) : null;

/** A PID no process has: that of a child that has exited. */
function deadPid(): number {
  const out = execFileSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(out.trim());
}

// Each of these starts its own servers on its own data folder, and mostly waits for them: they run side by side.
t.test('embedded data folders', { jobs: 4 }, async (t) => {
  t.test('one process per embedded data folder: a second server or script exits at once, naming the folder and the holder', async (t) => {
    // A fresh folder: the first start initialises and migrates it (the other tests here start on a migrated copy).
    const dataDir = tempDir(t);
    const first = embedded(dataDir);
    await listening(first, 'the first server');
    t.equal(lockPid(dataDir), first.pid, "the lock file holds the running server's PID");

    const second = embedded(dataDir);
    await exited(second, 'the second server');
    t.not(second.exit()!.code, 0, 'the second server exits non-zero');
    t.equal(second.url(), null, 'the second server never listened');
    t.match(second.stderr(), dataDir, 'the message names the data folder');
    t.match(second.stderr(), new RegExp(`\\b${first.pid}\\b`), "the message names the running process's PID");
    t.match(second.stderr(), /in use/);

    // Operator scripts open the same embedded database through openDb, and are refused the same way.
    const script = await runScript('migrate', ['status'], {
      env: serverEnv({ NODE_ENV: 'development', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }),
    });
    t.equal(script.code, 1, 'a script on the folder in use exits 1');
    t.match(script.stderr, dataDir);
    t.match(script.stderr, new RegExp(`\\b${first.pid}\\b`));

    t.ok(await answers(first.url()!), 'the first server still serves');
    process.kill(first.pid, 'SIGTERM');
    await exited(first, 'the first server');
    t.equal(first.exit()!.code, 0, 'the first server shuts down cleanly');
    t.notOk(existsSync(lockPath(dataDir)), 'shutting down releases the lock');
  });

  t.test('a lock left by a dead process is taken over', async (t) => {
    const dataDir = await migratedDir(t);
    const stale = deadPid();
    writeFileSync(lockPath(dataDir), `${stale}\n`);
    const server = embedded(dataDir);
    await listening(server, 'the server');
    t.equal(lockPid(dataDir), server.pid, "the lock now holds the new server's PID");
    process.kill(server.pid, 'SIGTERM');
    await exited(server, 'the server');
    t.same(server.exit(), { code: 0, signal: null }, 'the server shuts down cleanly');
    t.notOk(existsSync(lockPath(dataDir)), 'shutting down releases the lock');
  });

  // Browsers preconnect, load balancers keep spares, client pools open extras: connections that never send a request.
  t.test('SIGTERM: a connection that never sent a request does not hold up the shutdown', async (t) => {
    const dataDir = await migratedDir(t);
    const server = embedded(dataDir);
    await listening(server, 'the server');
    const silent = connect(Number(new URL(server.url()!).port), '127.0.0.1');
    t.teardown(() => silent.destroy());
    silent.on('error', () => {}); // ended by the server, as intended
    await new Promise<void>((resolve, reject) => silent.once('connect', resolve).once('error', reject));
    t.ok(await answers(server.url()!), 'requests are answered meanwhile');
    process.kill(server.pid, 'SIGTERM');
    await exited(server, 'the server', START_TIMEOUT);
    // Before: Node's close waited for the silent connection until main.ts's 15 s limit ended the process with 1.
    t.same(server.exit(), { code: 0, signal: null }, 'it shuts down cleanly, not by its time limit');
    t.notOk(existsSync(lockPath(dataDir)), 'and releases the data folder');
  });

  // A supervisor (or a person at a terminal) may signal a process that has not finished starting: the kernel's default
  // would end it on the spot and leave the data folder's lock behind.
  t.test('SIGTERM while starting: the server finishes starting, then stops cleanly and releases the data folder', async (t) => {
    const dataDir = await migratedDir(t);
    const server = embedded(dataDir);
    // The lock file appears when the embedded database is opened, long before the server listens.
    await waitUntil(() => lockPid(dataDir) === server.pid || server.exit() !== null, 'the server to lock its data folder', START_TIMEOUT);
    process.kill(server.pid, 'SIGTERM');
    await exited(server, 'the server', START_TIMEOUT);
    t.same(server.exit(), { code: 0, signal: null }, 'it exits 0 rather than being ended by the signal');
    t.match(server.stdout(), /SIGTERM received while starting/, 'it says why it stops');
    t.notOk(existsSync(lockPath(dataDir)), 'the lock is released');
  });

  t.test('a damaged embedded database: the message names the folder, says it may be damaged and what to do', async (t) => {
    // A folder a server has used and closed cleanly (a copy of one PGlite closed).
    const dataDir = await migratedDir(t);

    // Garbled write-ahead log: PGlite aborts ("Aborted()") when it opens the folder.
    const wal = path.join(dataDir, 'pglite', 'pg_wal');
    const segments = readdirSync(wal).filter((f) => /^[0-9A-F]{24}$/.test(f));
    t.ok(segments.length > 0, 'the folder has WAL segments to garble');
    for (const f of segments) writeFileSync(path.join(wal, f), Buffer.alloc(statSync(path.join(wal, f)).size, 0x5a));

    const damaged = embedded(dataDir);
    await exited(damaged, 'the server on the damaged folder', START_TIMEOUT);
    const stderr = damaged.stderr();
    t.not(damaged.exit()!.code, 0, 'it exits non-zero');
    t.notMatch(stderr, /failed to start: Aborted\(\)/, 'not just "Aborted()"');
    t.match(stderr, path.join(dataDir, 'pglite'), 'names the database folder');
    t.match(stderr, /may be damaged/);
    t.match(stderr, /back (it )?up/i, 'says to back it up');
    t.match(stderr, /restore/i, 'or to restore a backup');
    t.notOk(existsSync(lockPath(dataDir)), 'the failed start leaves no lock behind');
  });

  t.test('SIGTERM to `npm start` stops the server: the port closes and the data folder is released', async (t) => {
    const dataDir = await migratedDir(t);
    const server = embedded(dataDir, 'npm');
    await listening(server, '`npm start`');
    const url = server.url()!;
    t.ok(await answers(url));
    const holder = lockPid(dataDir);
    t.ok(holder, 'the server holds the data folder');

    process.kill(server.pid, 'SIGTERM'); // npm's PID, as a process manager or a terminal would signal it
    await waitUntil(async () => !(await answers(url)), 'the port to stop answering');
    await waitUntil(() => !isRunning(holder!), `the server process (PID ${holder}) to exit`);
    await waitUntil(() => !existsSync(lockPath(dataDir)), 'the data folder lock to be released');
    await exited(server, '`npm start`');
  });
});

t.test('a DATABASE_URL that does not connect stops start-up at once, naming DATABASE_URL and the answer', async (t) => {
  // Nothing listens on a port that was free a moment ago.
  const refusedPort = await freePort();
  const refused = production({ DATABASE_URL: `postgres://linkyard:hunter2-secret@127.0.0.1:${refusedPort}/linkyard` });
  await exited(refused, 'the server with an unreachable database');
  t.not(refused.exit()!.code, 0);
  t.match(refused.stderr(), `DATABASE_URL: could not connect to postgres://linkyard@127.0.0.1:${refusedPort}/linkyard`);
  t.match(refused.stderr(), /ECONNREFUSED/);
  t.notMatch(refused.stdout() + refused.stderr(), 'hunter2-secret', 'the password is never printed');

  const testUrl = process.env.TEST_DATABASE_URL;
  if (!testUrl) {
    t.comment('no Postgres (TEST_DATABASE_URL): the "database does not exist" case is skipped');
    return;
  }
  const u = new URL(testUrl);
  u.password = 'hunter2-secret';
  u.pathname = '/does_not_exist_xyz';
  const missing = production({ DATABASE_URL: u.toString() });
  await exited(missing, 'the server with a missing database');
  t.not(missing.exit()!.code, 0);
  t.match(
    missing.stderr(),
    /DATABASE_URL: could not connect to postgres:\/\/[^@\s]*@[^\s]+\/does_not_exist_xyz: database "does_not_exist_xyz" does not exist/,
  );
  t.notMatch(missing.stdout() + missing.stderr(), 'hunter2-secret', 'the password is never printed');
});

t.test('the connection check gives up on a server that never answers; messages never show the password', async (t) => {
  const silent = createServer(() => {}); // accepts, then says nothing
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => silent.close(() => resolve())));
  const { port } = silent.address() as { port: number };
  silent.on('connection', (socket) => t.teardown(() => socket.destroy()));
  await t.rejects(checkDatabaseConnection(`postgres://app:hunter2-secret@127.0.0.1:${port}/linkyard`, 500), {
    name: 'DatabaseConnectError',
    message: new RegExp(`^DATABASE_URL: could not connect to postgres://app@127\\.0\\.0\\.1:${port}/linkyard: no answer within`),
  });
  t.equal(
    redactDatabaseUrl('postgresql://app:pw@db.internal:6432/linkyard?sslmode=require&password=pw2'),
    'postgresql://app@db.internal:6432/linkyard',
  );
  t.equal(redactDatabaseUrl('postgres://db/linkyard'), 'postgres://db/linkyard');
});

t.test('configuration problems are reported all at once', async (t) => {
  const server = startServer({ env: serverEnv({ NODE_ENV: 'production' }) });
  started.push(server);
  const badScheme = production({ DATABASE_URL: 'mysql://x' });
  await Promise.all([exited(server, 'the unconfigured server'), exited(badScheme, 'the server with a mysql:// URL')]);
  t.equal(server.exit()!.code, 1);
  const stderr = server.stderr();
  for (const name of ['JWT_SECRET', 'ENCRYPTION_KEY', 'DATABASE_URL', 'PUBLIC_URL']) t.match(stderr, name, `names ${name}`);
  t.equal(
    stderr
      .trim()
      .split('\n')
      .filter((l) => /^Configuration error: /.test(l)).length,
    4,
    'one line per problem',
  );

  t.equal(badScheme.exit()!.code, 1);
  t.match(badScheme.stderr(), /^Configuration error: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ connection string/m);
});
