/**
 * The production server as operators run it, for the benchmarks that measure it whole (memory, soak): `npm start`'s own
 * entry (`node scripts/start.mjs`) with NODE_ENV=production, i.e. the compiled build (dist/, lib/server-build.ts) on plain
 * node, in a process of its own, and the kernel's view of that process's memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** VmRSS and VmHWM of a process, in KiB. */
export function memoryOf(pid: number): { rssKb: number; hwmKb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}

/** A TCP port nobody listens on right now, for a server that must be told its PORT. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Started {
  child: ChildProcess;
  /** The URL the process printed: the app, or the worker's health endpoint. */
  url: string;
}

/**
 * `node scripts/start.mjs` (what `npm start` runs) with only PATH and `env` as its environment; resolves once it prints
 * where it listens. Production mode is the caller's NODE_ENV=production.
 */
export function startProduction(root: string, env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [path.join(root, 'scripts/start.mjs')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within 60 s:\n${output}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const url = /running at (http:\/\/\S+)|\(health: (http:\/\/[^)\s]+)/.exec(output);
      if (url) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve({ child, url: url[1] ?? url[2]! });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening:\n${output}`));
    });
  });
}

/** SIGTERM (a clean shutdown), SIGKILL if it has not exited 15 s later. */
export async function stopProduction(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000).then(() => child.kill('SIGKILL'))]);
}
