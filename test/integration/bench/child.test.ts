/**
 * The benchmarks' child processes (test/bench/lib/child.ts): stopping one asks it to shut down and waits; stopping one
 * that has already gone (killed by a signal: the OOM killer, a crash, a SIGKILL on purpose) returns at once instead of
 * throwing on its closed IPC channel, so a benchmark's clean-up does not hide the real failure behind
 * ERR_IPC_CHANNEL_CLOSED.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { startChild } from '../../bench/lib/child.js';
import { root } from '../../helpers/entry-point.js';
import { waitUntil } from '../../helpers/wait-until.js';

const dir = mkdtempSync(path.join(tmpdir(), 'linkyard-bench-child-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, 'child.mjs');
writeFileSync(
  file,
  `process.send({ type: 'ready', pid: process.pid });
process.on('message', (msg) => {
  if (msg.type === 'stop') process.send({ type: 'stopped' }, () => process.exit(0));
  else process.send({ type: 'echo', got: msg });
});
`,
);

t.test('a running child answers calls and stops when asked', async (t) => {
  const child = await startChild<{ pid: number }>(file, { cwd: root });
  t.equal(child.ready.pid, child.process.pid, 'ready carries what the child sent');
  t.same(await child.call({ type: 'ping', n: 1 }), { type: 'echo', got: { type: 'ping', n: 1 } });
  t.same(await child.stop(), { type: 'stopped' }, "stop resolves with the child's last message");
  t.equal(child.process.exitCode, 0);
});

t.test('stopping a child that a signal has ended returns instead of throwing', async (t) => {
  const child = await startChild<{ pid: number }>(file, { cwd: root });
  child.process.kill('SIGKILL');
  await waitUntil(() => child.process.signalCode !== null, 'the child to be killed');
  t.equal(await child.stop(), undefined, 'nothing to stop');
});
