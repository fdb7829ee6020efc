import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time by where the code lives: a package, a file of ours, Node internals, GC, idle. */
  byOwner: { owner: string; selfMs: number; pct: number }[];
  /** Self time by function. */
  topSelf: { fn: string; selfMs: number; pct: number }[];
  /** Inclusive time of functions whose name matches the `watch` list. */
  inclusive: { fn: string; totalMs: number; pct: number }[];
}

function owner(frame: CallFrame, root: string): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native/V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node core';
  const path = url.replace(/^file:\/\//, '');
  return path.startsWith(root) ? path.slice(root.length + 1) : path;
}

const fnKey = (frame: CallFrame, root: string) => `${frame.functionName || '(anonymous)'} ${owner(frame, root)}:${frame.lineNumber + 1}`;

/** Self and inclusive time from a V8 .cpuprofile; `watch` names functions to report inclusively. */
export function summariseProfile(file: string, root: string, watch: RegExp): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const selfByOwner = new Map<string, number>();
  const selfByFn = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000; // the delta to the next sample is this sample's time
    const node = byId.get(profile.samples[i])!;
    total += dt;
    const o = owner(node.callFrame, root);
    selfByOwner.set(o, (selfByOwner.get(o) ?? 0) + dt);
    const k = fnKey(node.callFrame, root);
    selfByFn.set(k, (selfByFn.get(k) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      if (!watch.test(frame.functionName)) continue;
      const key = fnKey(frame, root);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
    }
  }
  const pct = (ms: number) => Math.round((ms / total) * 1000) / 10;
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: total,
    byOwner: sorted(selfByOwner).map(([o, ms]) => ({ owner: o, selfMs: ms, pct: pct(ms) })),
    topSelf: sorted(selfByFn)
      .slice(0, 40)
      .map(([fn, ms]) => ({ fn, selfMs: ms, pct: pct(ms) })),
    inclusive: sorted(inclusive).map(([fn, ms]) => ({ fn, totalMs: ms, pct: pct(ms) })),
  };
}

/** Summarise from the command line: `npx tsx test/bench/lib/cpuprofile.ts <file.cpuprofile> [watch-regexp]`. */
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [file, watch] = process.argv.slice(2);
  const s = summariseProfile(file, process.cwd(), new RegExp(watch ?? '^$'));
  console.log(`total sampled: ${s.totalMs.toFixed(0)} ms\n\nself time by owner:`);
  for (const r of s.byOwner.slice(0, 30))
    console.log(`  ${r.pct.toFixed(1).padStart(5)}%  ${r.selfMs.toFixed(0).padStart(7)} ms  ${r.owner}`);
  console.log('\ntop functions (self):');
  for (const r of s.topSelf) console.log(`  ${r.pct.toFixed(1).padStart(5)}%  ${r.selfMs.toFixed(0).padStart(7)} ms  ${r.fn}`);
  if (s.inclusive.length) {
    console.log('\ninclusive:');
    for (const r of s.inclusive) console.log(`  ${r.pct.toFixed(1).padStart(5)}%  ${r.totalMs.toFixed(0).padStart(7)} ms  ${r.fn}`);
  }
}
