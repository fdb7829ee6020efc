/**
 * The push benchmark's API process (started by ./index.ts with IPC): the real application (buildApp, role `api`) on
 * one port, configured from the environment exactly as in production. It answers `POST …/syncs/:syncId/records` by
 * storing the writes and queuing the push run; the worker process executes the run.
 *
 * IPC: sends { type: 'ready', port, pid }; { type: 'stop' } closes everything and exits.
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
