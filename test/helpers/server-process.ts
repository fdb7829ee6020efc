/**
 * Starts Linkyard's server as a real child process (`node --import tsx server/src/main.ts`, or `npm start`
 * the way an operator runs it) and watches what it prints, whether it listens, and how it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { entryArgs, root } from './entry-point.js';
import { scriptEnv } from './run-script.js';

/**
 * Every setting Linkyard reads, plus npm's own variables (an outer `npm test` sets them): left out of a
 * server's environment so that the developer's shell cannot change what a test starts.
 */
const LINKYARD_SETTINGS =
  /^(NODE_ENV|HOST|PORT|PUBLIC_URL|ROLE|DATABASE_URL|DATA_DIR|MIGRATE_ON_START|SEED_DEMO_ON_START|DEMO_PASSWORD|JWT_.+|ACCESS_TOKEN_TTL_SECONDS|REFRESH_TOKEN_TTL_SECONDS|ENCRYPTION_KEY.*|PASSWORD_HASH_COST|REDIS_URL|RATE_LIMIT_.+|TRUST_PROXY|BODY_LIMIT_BYTES|ADMIN_UI|LOG_LEVEL|ALLOW_PRIVATE_NETWORK_TARGETS|SSO_.+|AGENDA_BACKEND|MONGODB_URL|WORKER_.+|npm_.+)$/;

/** The test process's environment without any Linkyard setting, with `set` on top. */
export function serverEnv(set: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return scriptEnv({ omit: [LINKYARD_SETTINGS], set });
}

export interface ServerProcess {
  child: ChildProcess;
  /** The spawned process's PID: node's for `node`, npm's for `npm`. */
  pid: number;
  stdout(): string;
  stderr(): string;
  /** The URL from "Linkyard is running at …", once printed. */
  url(): string | null;
  /** The exit, once it happened. */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | null;
  /** SIGKILLs the whole process group if anything of it is still running (test teardown). */
  kill(): void;
}

export function startServer(options: { env: NodeJS.ProcessEnv; via?: 'node' | 'npm'; args?: string[] }): ServerProcess {
  const args = options.args ?? [];
  const [command, commandArgs] =
    options.via === 'npm'
      ? ['npm', ['start', ...(args.length ? ['--', ...args] : [])]]
      : [process.execPath, [...entryArgs('server/src/main.ts'), ...args]];
  // Its own process group, so teardown reaches whatever the command started (npm, a shell, tsx, node).
  const child = spawn(command, commandArgs, { cwd: root, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  child.on('exit', (code, signal) => (exit = { code, signal }));
  return {
    child,
    pid: child.pid!,
    stdout: () => stdout,
    stderr: () => stderr,
    url: () => /Linkyard is running at (http:\/\/\S+)/.exec(stdout)?.[1] ?? null,
    exit: () => exit,
    kill: () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    },
  };
}

/** Whether a process with this PID exists (signal 0 checks without sending anything). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether anything answers HTTP at `url`'s /healthz. */
export async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
    return true;
  } catch {
    return false;
  }
}
