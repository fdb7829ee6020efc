/**
 * A Linkyard worker (`node --import tsx server/src/main.ts --role worker`) as a real child process on a
 * Postgres database, in a data folder of its own: what the worker-reliability tests kill and the scheduler
 * benchmark measures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testConfig } from './config.js';
import { entryArgs, root } from './entry-point.js';

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr together. */
  output(): string;
  /** Its exit code once it exits. */
  exited: Promise<number | null>;
  /** SIGTERM, SIGKILL if it has not exited after `graceMs`; then its data folder is removed. */
  stop(graceMs?: number): Promise<void>;
}

export interface WorkerOptions {
  databaseUrl: string;
  /** Settings on top of the test defaults (JWT_SECRET and ENCRYPTION_KEY are testConfig's, as createTestApp's): WORKER_* as the caller needs. */
  set: NodeJS.ProcessEnv;
  /** Node's own flags before the entry point (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** How long start-up may take before it counts as failed. */
  startTimeoutMs?: number;
  /**
   * Run the production build (`dist/server/src/main.js`, plain node) as `npm start` does in production, instead of the
   * sources: what the benchmarks measure. The caller makes sure the build is current (bench/lib/server-build.ts).
   */
  productionBuild?: boolean;
}

/** Starts a worker and resolves once it says it is running; rejects with its output if it exits or hangs first. */
export async function startWorkerProcess(options: WorkerOptions): Promise<WorkerProcess> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // tap's and the benchmarks' own variables and tap's process-info loader (NODE_OPTIONS) are not the worker's business.
    if (/^(TAP|_TAPJS|BENCH_|TEST_)/.test(k) || k === 'NODE_OPTIONS' || k === 'DATABASE_URL') continue;
    env[k] = v;
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'linkyard-worker-'));
  const keys = testConfig();
  // `node --import tsx` (or the compiled entry point under `npm test`) rather than the tsx binary, which runs the
  // server in a child process of its own: the signals (SIGKILL above all) must reach the worker itself.
  const entry = options.productionBuild ? ['dist/server/src/main.js'] : entryArgs('server/src/main.ts');
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...entry, '--role', 'worker'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...env,
      NODE_ENV: 'test',
      DATABASE_URL: options.databaseUrl,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      ALLOW_PRIVATE_NETWORK_TARGETS: 'true',
      MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'warn',
      JWT_SECRET: keys.jwtSecret,
      ENCRYPTION_KEY: keys.encryptionKey,
      ...options.set,
    },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const worker: WorkerProcess = {
    child,
    output: () => out,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  let onOutput: (() => void) | undefined;
  try {
    await Promise.race([
      new Promise<void>((resolve) => {
        onOutput = () => {
          if (out.includes('Linkyard worker is running')) resolve();
        };
        child.stdout!.on('data', onOutput);
        child.stderr!.on('data', onOutput);
        onOutput();
      }),
      exited.then((code) => {
        throw new Error(`worker exited with ${code}:\n${out}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`worker did not start in ${timeoutMs / 1000} s:\n${out}`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    await worker.stop();
    throw err;
  } finally {
    clearTimeout(timer);
    if (onOutput) {
      child.stdout!.off('data', onOutput);
      child.stderr!.off('data', onOutput);
    }
  }
  return worker;
}
