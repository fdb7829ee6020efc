import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  cpus: number;
  cpuModel: string;
  ramGiB: string;
  node: string;
  os: string;
}

/** The facts a reader needs to compare a result with their own machine. */
export function describeMachine(): Machine {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpuModel = line.split(':').slice(1).join(':').trim();
  } catch {
    // not Linux: os.cpus() is the next best source
  }
  return {
    cpus: os.availableParallelism(),
    cpuModel,
    ramGiB: (os.totalmem() / 1024 ** 3).toFixed(1),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

export function machineMarkdown(m: Machine, extra: Record<string, string> = {}): string {
  const rows: [string, string][] = [
    ['CPUs (nproc)', String(m.cpus)],
    ['CPU model', m.cpuModel],
    ['RAM', `${m.ramGiB} GiB`],
    ['Node', m.node],
    ['OS', m.os],
    ...Object.entries(extra),
  ];
  return ['| Machine | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}
