import { fork, type ChildProcess } from 'node:child_process';

/**
 * A TypeScript module started in its own Node process (its own event loop and CPU time), talking
 * to the parent over IPC. Benchmarks run the system under test this way, away from the load generator.
 */
export interface Child<Ready> {
  process: ChildProcess;
  ready: Ready;
  /** Sends a message and resolves with the child's next message (one call at a time). */
  call<T>(message: Record<string, unknown>): Promise<T>;
  /** Asks the child to shut down cleanly (so a --cpu-prof profile is written) and waits for it. */
  stop(): Promise<unknown>;
}

export async function startChild<Ready>(
  file: string,
  options: { env?: Record<string, string>; execArgv?: string[]; cwd: string; startTimeoutMs?: number },
): Promise<Child<Ready>> {
  const child = fork(file, [], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    execArgv: ['--import', 'tsx', ...(options.execArgv ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running (holding its database and ports) once the benchmark has given up on it.
      child.kill();
      reject(new Error(`${file} did not report ready within ${options.startTimeoutMs ?? 60_000} ms`));
    }, options.startTimeoutMs ?? 60_000);
    child.once('message', (msg: { type: string; error?: string } & Ready) => {
      clearTimeout(timer);
      if (msg.type === 'ready') resolve(msg);
      else reject(new Error(msg.error ?? `unexpected message from ${file}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with code ${code} before it was ready`));
    });
  });

  return {
    process: child,
    ready,
    call<T>(message: Record<string, unknown>) {
      return new Promise<T>((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`${file} exited with code ${code}`));
        child.once('exit', onExit);
        child.once('message', (reply) => {
          child.off('exit', onExit);
          resolve(reply as T);
        });
        child.send(message);
      });
    },
    async stop() {
      // Gone already: exited, or ended by a signal (exitCode stays null then), its IPC channel closed.
      if (child.exitCode !== null || child.signalCode !== null || !child.connected) return undefined;
      const reply = new Promise<unknown>((resolve) => child.once('message', resolve));
      child.send({ type: 'stop' });
      const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const [message] = await Promise.all([Promise.race([reply, exited]), exited]);
      clearTimeout(force);
      return message;
    },
  };
}
