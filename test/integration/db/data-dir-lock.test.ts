import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { openDb } from '../../../db/client.js';
import { DataDirLockedError, LOCK_FILE, lockDataDir } from '../../../db/data-dir-lock.js';
import { copyMigratedDataDir } from '../../helpers/embedded-template.js';

/** The lock that gives one process at a time an embedded data folder (see also startup.test.ts, across processes). */

function tempDir(t: Test): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'linkyard-lock-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
const lockFile = (dir: string) => path.join(dir, LOCK_FILE);
const deadPid = () => Number(execFileSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).trim());

t.test('held: a second lock is refused, naming the folder and the PID; released: it is free again', async (t) => {
  const dir = tempDir(t);
  const lock = lockDataDir(dir);
  t.equal(readFileSync(lockFile(dir), 'utf8'), `${process.pid}\n`, 'the lock file holds the PID');
  const err = t.throws(() => lockDataDir(dir)) as DataDirLockedError;
  t.type(err, DataDirLockedError);
  t.equal(err.pid, process.pid);
  t.match(err.message, `The data folder ${dir} is in use by another Linkyard process (PID ${process.pid})`);
  lock.release();
  t.notOk(existsSync(lockFile(dir)), 'release removes the file');
  lock.release();
  lockDataDir(dir).release();
});

t.test('a live process holding the lock file keeps it', async (t) => {
  const dir = tempDir(t);
  // The parent of this test process is alive for as long as the test runs.
  writeFileSync(lockFile(dir), `${process.ppid}\n`);
  const err = t.throws(() => lockDataDir(dir)) as DataDirLockedError;
  t.equal(err.pid, process.ppid);
  t.equal(readFileSync(lockFile(dir), 'utf8'), `${process.ppid}\n`, 'the lock file is left alone');
});

t.test('stale locks are taken over: a dead PID, this very PID from an earlier life, an old unreadable file', async (t) => {
  const dir = tempDir(t);
  for (const content of [`${deadPid()}\n`, `${process.pid}\n`]) {
    writeFileSync(lockFile(dir), content);
    const lock = lockDataDir(dir);
    t.equal(readFileSync(lockFile(dir), 'utf8'), `${process.pid}\n`, `lock file with ${content.trim()} taken over`);
    lock.release();
  }
  writeFileSync(lockFile(dir), '');
  const starting = t.throws(() => lockDataDir(dir)) as DataDirLockedError;
  t.equal(starting.pid, null, 'an empty lock file just written belongs to a process that is starting');
  t.match(starting.message, /in use by another Linkyard process that is starting/);
  const old = new Date(Date.now() - 60_000);
  utimesSync(lockFile(dir), old, old);
  const lock = lockDataDir(dir);
  t.equal(readFileSync(lockFile(dir), 'utf8'), `${process.pid}\n`, 'an old empty lock file is taken over');
  lock.release();
});

t.test('release leaves a lock that is no longer ours in place', async (t) => {
  const dir = tempDir(t);
  const lock = lockDataDir(dir);
  writeFileSync(lockFile(dir), `${process.ppid}\n`);
  lock.release();
  t.equal(readFileSync(lockFile(dir), 'utf8'), `${process.ppid}\n`);
});

t.test('openDb locks the embedded folder until close', async (t) => {
  const dir = tempDir(t);
  // An initialised database (a copy): initialising one here would cost PGlite's initdb, about 6 s of CPU.
  await copyMigratedDataDir(dir);
  const db = await openDb({ databaseUrl: null, dataDir: dir });
  t.equal(readFileSync(lockFile(dir), 'utf8'), `${process.pid}\n`);
  await t.rejects(openDb({ databaseUrl: null, dataDir: dir }), {
    name: 'DataDirLockedError',
    message: new RegExp(`data folder ${dir} is in use`),
  });
  await db.close();
  t.notOk(existsSync(lockFile(dir)), 'close releases it');
  const again = await openDb({ databaseUrl: null, dataDir: dir });
  await again.close();
  const inMemory = await openDb({ databaseUrl: null, dataDir: dir, inMemory: true });
  t.notOk(existsSync(lockFile(dir)), 'an in-memory database takes no lock');
  await inMemory.close();
});
