import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * One process per embedded data folder. PGlite has no locking of its own: two processes writing one
 * folder damage it for good. So whoever opens the embedded database first creates DATA_DIR/linkyard.lock
 * holding its PID (an atomic create: exactly one of two racing processes succeeds), and everyone else is
 * refused with a message naming the folder and that PID until it is released. A lock whose process is
 * gone (a crash, a SIGKILL) is stale and taken over.
 */

export const LOCK_FILE = 'linkyard.lock';

/** The data folder is held by another live process (pid null: one that is writing its lock file right now). */
export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly pid: number | null,
  ) {
    const holder = pid === null ? 'another Linkyard process that is starting' : `another Linkyard process (PID ${pid})`;
    super(
      `The data folder ${dataDir} is in use by ${holder}. The embedded database admits one process at a time: ` +
        `stop that process first, or set DATA_DIR to another folder.` +
        (pid === null ? '' : ` (If PID ${pid} is not Linkyard, remove ${path.join(dataDir, LOCK_FILE)}.)`),
    );
  }
}

export interface DataDirLock {
  readonly path: string;
  /** Removes the lock file if it is still this process's. Safe to call more than once. */
  release(): void;
}

/** Lock files this process holds (a second open of the same folder in one process is refused as well). */
const heldHere = new Set<string>();

/** A lock file that cannot be read yet is being written: younger than this, it counts as held. */
const UNREADABLE_GRACE_MS = 10_000;

export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 10; attempt++) {
    if (tryCreate(lockPath)) return holding(lockPath);
    const holder = readPid(lockPath);
    if (holder === 'gone') continue;
    if (holder === 'unreadable') {
      if (ageMs(lockPath) < UNREADABLE_GRACE_MS) throw new DataDirLockedError(dataDir, null);
    } else if (isAlive(holder, lockPath)) {
      throw new DataDirLockedError(dataDir, holder);
    }
    removeStale(lockPath, holder);
  }
  throw new Error(`Could not lock the data folder ${dataDir}: ${lockPath} keeps changing`);
}

function tryCreate(lockPath: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function holding(lockPath: string): DataDirLock {
  heldHere.add(lockPath);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    heldHere.delete(lockPath);
    process.off('exit', release);
    // Only our own lock: after a takeover the file may be someone else's.
    if (readPid(lockPath) === process.pid) {
      try {
        unlinkSync(lockPath);
      } catch {
        // Gone already.
      }
    }
  };
  // A process that exits without closing the database (process.exit after a failure) still lets go.
  process.on('exit', release);
  return { path: lockPath, release };
}

function readPid(lockPath: string): number | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  const pid = Number(text.split('\n')[0].trim());
  return Number.isInteger(pid) && pid > 0 ? pid : 'unreadable';
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}

/**
 * Whether the lock's PID is a live process other than a previous life of this one. Our own PID in a lock
 * we do not hold is stale: a restarted container gets the same PID (often 1) as the process that died.
 */
function isAlive(pid: number, lockPath: string): boolean {
  if (pid === process.pid) return heldHere.has(lockPath);
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes a stale lock without removing a fresh one: the file is first renamed aside (atomic, so of two
 * processes taking over only one gets it), then checked to still be the stale one; a fresh lock another
 * process created in between is put back.
 */
function removeStale(lockPath: string, stale: number | 'unreadable'): void {
  const aside = `${lockPath}.stale-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    renameSync(lockPath, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = readPid(aside);
  if (moved !== stale && moved !== 'gone') {
    try {
      linkSync(aside, lockPath); // fails if yet another lock appeared meanwhile; that one holds then
    } catch {
      // Nothing to put back.
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // Gone already.
  }
}
