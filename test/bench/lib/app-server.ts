/**
 * A benchmark's server process (started with IPC by startChild, lib/child.ts): the real application from buildApp,
 * configured from the environment exactly as in production, listening on a port of its own, so its CPU and memory
 * are its own and never the load generator's. Used by the export, change-feed and push benchmarks.
 *
 * IPC: sends { type: 'ready', port, pid } once listening; { type: 'stop' } closes the app and the database and exits.
 */
import { openDb } from '../../../db/client.js';
import { buildApp } from '../../../server/src/app.js';
import { loadConfig } from '../../../server/src/config.js';

const send = (msg: unknown) => new Promise<void>((resolve) => process.send!(msg, () => resolve()));

async function main() {
  const config = loadConfig(process.env);
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const app = await buildApp({ config, db });
  await app.listen({ host: '127.0.0.1', port: 0 });
  process.on('message', async (msg: { type: string }) => {
    if (msg.type === 'stop') {
      await app.close();
      await db.close();
      await send({ type: 'stopped' });
      process.exit(0);
    }
  });
  await send({ type: 'ready', port: (app.server.address() as { port: number }).port, pid: process.pid });
}

main().catch(async (err) => {
  await send({ type: 'error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
