/**
 * The soak benchmark's load generator (started by ./index.ts with IPC), a process of its own so that neither its CPU
 * time nor its event loop is the server's or the benchmark's: it sends the request mix of ./workload.ts open-loop
 * (lib/open-loop.ts) to the production server.
 *
 * IPC: sends { type: 'ready', pid }; { type: 'run', baseUrl, targets, rate, seconds } sends the mix for `seconds` and
 * answers { type: 'result', kinds } (lib/open-loop.ts' KindResult per kind) once every request is answered or timed
 * out; { type: 'stop' } exits.
 */
import { runOpenLoop } from '../lib/open-loop.js';
import { openLoopKinds, type WorkloadTargets } from './workload.js';

/** More sockets than 2,000 req/s ever needs at a few ms each: a slow server gets requests queued in the agent, never refused. */
const MAX_SOCKETS = 256;
const TIMEOUT_MS = 10_000;

const send = (msg: unknown) => new Promise<void>((resolve) => process.send!(msg, () => resolve()));

process.on('message', async (msg: { type: string; baseUrl?: string; targets?: WorkloadTargets; rate?: number; seconds?: number }) => {
  if (msg.type === 'run') {
    const kinds = await runOpenLoop(msg.baseUrl!, openLoopKinds(msg.targets!, msg.rate!), msg.seconds!, {
      maxSockets: MAX_SOCKETS,
      timeoutMs: TIMEOUT_MS,
    });
    await send({ type: 'result', kinds });
  } else if (msg.type === 'stop') {
    await send({ type: 'stopped' });
    process.exit(0);
  }
});
await send({ type: 'ready', pid: process.pid });
