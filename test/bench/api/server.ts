/**
 * The API benchmark's server process (started by ./index.ts with IPC): the real application from
 * buildApp on one port and the bare reference route on another, in one process, so both are served
 * by the same single Node thread the production API would use — and never by the load generator's.
 *
 * IPC: sends { type: 'ready', appPort, barePort, bareSql } once listening; answers { type: 'mark' }
 * with the server's CPU time, event-loop utilization and (BENCH_TIMINGS=1) timings since the last
 * mark; { type: 'profile-start' } and { type: 'profile-stop', file } run the V8 CPU profiler over
 * one measured window (BENCH_PROFILE=1); { type: 'stop' } closes everything and exits.
 */
import { performance } from 'node:perf_hooks';
import { openDb } from '../../../db/client.js';
import { buildApp } from '../../../server/src/app.js';
import { loadConfig } from '../../../server/src/config.js';
import { buildBareApp } from './bare.js';
import { instrumentHandlers, instrumentHttp, instrumentPg, Timings } from './instrument.js';
import { WindowProfiler } from '../lib/profiler.js';

const send = (msg: unknown) => new Promise<void>((resolve) => process.send!(msg, () => resolve()));

async function main() {
  const timings = process.env.BENCH_TIMINGS === '1' ? new Timings() : null;
  if (timings) {
    instrumentPg(timings);
    instrumentHandlers(timings);
  }

  // Configuration comes from the environment exactly as in production (see ./index.ts for the values).
  const config = loadConfig(process.env);
  const poolSize = Number(process.env.BENCH_POOL_SIZE);
  const pageSize = Number(process.env.BENCH_PAGE_SIZE);
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const app = await buildApp({ config, db });
  await app.listen({ host: '127.0.0.1', port: 0 });

  const bare = await buildBareApp({ databaseUrl: config.databaseUrl!, poolSize, pageSize });
  await bare.app.listen({ host: '127.0.0.1', port: 0 });

  if (timings) {
    instrumentHttp(timings, 'authenticated', app.server);
    instrumentHttp(timings, 'bare', bare.app.server);
  }

  let lastElu = performance.eventLoopUtilization();
  let lastCpu = process.cpuUsage();
  const profiler = process.env.BENCH_PROFILE === '1' ? new WindowProfiler() : null;
  process.on('message', async (msg: { type: string; file?: string }) => {
    if (msg.type === 'mark') {
      const elu = performance.eventLoopUtilization(lastElu);
      const cpu = process.cpuUsage(lastCpu);
      lastElu = performance.eventLoopUtilization();
      lastCpu = process.cpuUsage();
      await send({
        type: 'mark',
        eventLoopUtilization: elu.utilization,
        cpuMs: (cpu.user + cpu.system) / 1000,
        timings: timings?.take() ?? null,
      });
    } else if (msg.type === 'profile-start') {
      await profiler?.start();
      await send({ type: 'profiling' });
    } else if (msg.type === 'profile-stop') {
      await send({ type: 'profiled', file: profiler ? await profiler.stop(msg.file!) : null });
    } else if (msg.type === 'stop') {
      await app.close();
      await bare.app.close();
      await db.close();
      await send({ type: 'stopped' });
      process.exit(0);
    }
  });

  const port = (s: typeof app.server) => (s.address() as { port: number }).port;
  await send({ type: 'ready', appPort: port(app.server), barePort: port(bare.app.server), bareSql: bare.sql });
}

main().catch(async (err) => {
  await send({ type: 'error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
