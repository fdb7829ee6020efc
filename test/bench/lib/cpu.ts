import { readFileSync } from 'node:fs';

/**
 * CPU time (ms, user + system) read from /proc, so a benchmark can say what each process costs per
 * request and how busy the rest of the machine was meanwhile. On a small machine the load generator,
 * the Node server and Postgres share the cores (and other work may run too), so these figures explain
 * the throughput better than wall-clock time alone. Functions return null off Linux.
 */
const TICK_MS = 10; // USER_HZ is 100 on Linux

export function procCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime
  } catch {
    return null; // the process has ended
  }
}

/** Busy and total CPU time of the whole machine (all cores), ms. */
export function machineCpuMs(): { busy: number; total: number; steal: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return { busy: (total - idle - iowait - steal) * TICK_MS, total: total * TICK_MS, steal: steal * TICK_MS };
}

export interface CpuSnapshot {
  server: number;
  /** The Postgres backends serving the benchmark's database (not other databases' backends). */
  postgres: Map<number, number>;
  loadGenerator: number;
  machine: { busy: number; total: number; steal: number };
}

export function cpuSnapshot(serverPid: number, postgresPids: number[]): CpuSnapshot | null {
  try {
    const self = process.cpuUsage();
    const postgres = new Map<number, number>();
    for (const pid of postgresPids) {
      const ms = procCpuMs(pid);
      if (ms !== null) postgres.set(pid, ms);
    }
    return { server: procCpuMs(serverPid) ?? 0, postgres, loadGenerator: (self.user + self.system) / 1000, machine: machineCpuMs() };
  } catch {
    return null;
  }
}

export interface CpuUse {
  server: number;
  postgres: number;
  loadGenerator: number;
  /** Everything else that ran on the machine meanwhile (other programs, other databases' backends). */
  other: number;
  /** Wall time × cores. */
  capacity: number;
  steal: number;
}

export function cpuDelta(a: CpuSnapshot | null, b: CpuSnapshot | null): CpuUse | null {
  if (!a || !b) return null;
  let postgres = 0;
  for (const [pid, ms] of b.postgres) postgres += ms - (a.postgres.get(pid) ?? 0); // a backend started meanwhile counts whole
  const server = b.server - a.server;
  const loadGenerator = b.loadGenerator - a.loadGenerator;
  const busy = b.machine.busy - a.machine.busy;
  return {
    server,
    postgres,
    loadGenerator,
    other: Math.max(0, busy - server - postgres - loadGenerator),
    capacity: b.machine.total - a.machine.total,
    steal: b.machine.steal - a.machine.steal,
  };
}

/** Share (0–1) of the whole machine's CPU that was busy over `ms`. */
export async function machineBusy(ms: number): Promise<number | null> {
  try {
    const a = machineCpuMs();
    await new Promise((r) => setTimeout(r, ms));
    const b = machineCpuMs();
    return (b.busy - a.busy) / (b.total - a.total);
  } catch {
    return null;
  }
}

/**
 * Waits (up to `maxSeconds`) until the machine is mostly idle before a measurement starts, since other
 * work on a small machine moves the figures a lot. Returns the last busy share seen and the time waited.
 */
export async function waitForQuiet(maxSeconds: number, threshold: number, log: (line: string) => void) {
  const start = Date.now();
  let busy = await machineBusy(2000);
  if (busy !== null && busy > threshold) {
    log(
      `machine is ${Math.round(busy * 100)}% busy with other work; waiting for it to drop below ${Math.round(threshold * 100)}% (up to ${maxSeconds} s, BENCH_QUIET_WAIT)`,
    );
  }
  while (busy !== null && busy > threshold && Date.now() - start < maxSeconds * 1000) busy = await machineBusy(3000);
  return { busy, waitedSeconds: Math.round((Date.now() - start) / 1000) };
}
