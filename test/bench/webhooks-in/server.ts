/**
 * The webhooks-in benchmark's API process (started by ./index.ts with IPC): the real application (buildApp, role
 * `api`: it stores events and answers, the workers act on them) on one port, and two references on others, in the
 * same process, so all are served by the same single Node thread:
 * - bare: a Fastify route that reads the body as bytes, like the real endpoint, and answers 202 `{ received: true }`;
 * - stored: the same, but it first stores the event as the least a durable receiver must — reads the event id from the
 *   JSON, inserts (id, event id, payload) into a table with a unique event-id index on a plain pg pool of the app's
 *   size, one autocommitted INSERT per request — with no lookup, verification, hooks, RLS or NOTIFY.
 *
 * IPC: sends { type: 'ready', appPort, barePort, storedPort }; answers { type: 'mark' } with CPU time and event-loop
 * utilization since the last mark; with BENCH_PROFILE=1, { type: 'profile-start' } and { type: 'profile-stop', file }
 * write a V8 CPU profile of exactly one measured window; { type: 'stop' } closes everything and exits.
 */
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';
import { openDb } from '../../../db/client.js';
import { buildApp } from '../../../server/src/app.js';
import { loadConfig } from '../../../server/src/config.js';
import { WindowProfiler } from '../lib/profiler.js';

const send = (msg: unknown) => new Promise<void>((resolve) => process.send!(msg, () => resolve()));

async function main() {
  const config = loadConfig(process.env);
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const app = await buildApp({ config, db });
  await app.listen({ host: '127.0.0.1', port: 0 });

  const bare = Fastify({ logger: false });
  bare.removeAllContentTypeParsers();
  bare.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1_048_576 }, (_req, body, done) => done(null, body));
  bare.post('/bare/webhooks/:integrationId', async (_request, reply) => reply.code(202).send({ received: true }));
  await bare.listen({ host: '127.0.0.1', port: 0 });

  const pool = new pg.Pool({ connectionString: config.databaseUrl!, max: 10 });
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_stored_events (
    id uuid PRIMARY KEY, provider_event_id text NOT NULL UNIQUE, payload jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now())`);
  const stored = Fastify({ logger: false });
  stored.removeAllContentTypeParsers();
  stored.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1_048_576 }, (_req, body, done) => done(null, body));
  stored.post('/stored/webhooks/:integrationId', async (request, reply) => {
    const text = (request.body as Buffer).toString('utf8');
    const eventId = (JSON.parse(text) as { id: string }).id;
    await pool.query({
      name: 'store-event',
      text: 'INSERT INTO bench_stored_events (id, provider_event_id, payload) VALUES ($1, $2, $3)',
      values: [randomUUID(), eventId, text],
    });
    return reply.code(202).send({ received: true });
  });
  await stored.listen({ host: '127.0.0.1', port: 0 });

  let lastElu = performance.eventLoopUtilization();
  let lastCpu = process.cpuUsage();
  const profiler = process.env.BENCH_PROFILE === '1' ? new WindowProfiler() : null;
  process.on('message', async (msg: { type: string; file?: string }) => {
    if (msg.type === 'mark') {
      const elu = performance.eventLoopUtilization(lastElu);
      const cpu = process.cpuUsage(lastCpu);
      lastElu = performance.eventLoopUtilization();
      lastCpu = process.cpuUsage();
      await send({ type: 'mark', eventLoopUtilization: elu.utilization, cpuMs: (cpu.user + cpu.system) / 1000 });
    } else if (msg.type === 'profile-start') {
      await profiler?.start();
      await send({ type: 'profiling' });
    } else if (msg.type === 'profile-stop') {
      await send({ type: 'profiled', file: profiler ? await profiler.stop(msg.file!) : null });
    } else if (msg.type === 'stop') {
      await app.close();
      await bare.close();
      await stored.close();
      await pool.end();
      await db.close();
      await send({ type: 'stopped' });
      process.exit(0);
    }
  });

  const port = (s: typeof app.server) => (s.address() as { port: number }).port;
  await send({ type: 'ready', appPort: port(app.server), barePort: port(bare.server), storedPort: port(stored.server) });
}

main().catch(async (err) => {
  await send({ type: 'error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
