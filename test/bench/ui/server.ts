/**
 * The UI benchmark's server process (started by ./index.ts over IPC): the real application with the
 * production build of the admin UI, on its own event loop. Sends { type: 'ready', port } once listening;
 * answers { type: 'mark' } with its CPU time since the last mark; { type: 'stop' } closes and exits.
 */
import { openDb } from '../../../db/client.js';
import { buildApp } from '../../../server/src/app.js';
import { loadConfig } from '../../../server/src/config.js';

const send = (msg: unknown) => new Promise<void>((resolve) => process.send!(msg, () => resolve()));

async function main() {
  const config = loadConfig(process.env);
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const app = await buildApp({ config, db, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  let lastCpu = process.cpuUsage();
  process.on('message', async (msg: { type: string }) => {
    if (msg.type === 'mark') {
      const cpu = process.cpuUsage(lastCpu);
      lastCpu = process.cpuUsage();
      await send({ type: 'mark', cpuMs: (cpu.user + cpu.system) / 1000 });
    } else if (msg.type === 'stop') {
      await app.close();
      await db.close();
      await send({ type: 'stopped' });
      process.exit(0);
    }
  });
  await send({ type: 'ready', port: (app.server.address() as { port: number }).port });
}

main().catch(async (err) => {
  await send({ type: 'error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
