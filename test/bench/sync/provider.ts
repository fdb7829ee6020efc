/**
 * The sync benchmark's fake provider process (started by ./index.ts with IPC): the fake Salesforce of
 * test/fixtures/providers with the benchmark's dataset, pre-warmed (every record serialised once, so a page
 * is a string join), in its own process so its CPU time is never counted against the engine's.
 *
 * IPC: sends { type: 'ready', apiBaseUrl, token, records, warmMs } once listening; { type: 'counters' } →
 * { type: 'counters', requests, byStatus }; { type: 'stop' } closes it and exits.
 */
import { performance } from 'node:perf_hooks';
import { startFakeProvider } from '../../fixtures/providers/index.js';
import { PAGE_SIZE, PROVIDER, RECORDS } from './workload.js';

const send = (msg: unknown) => new Promise<void>((resolve) => process.send!(msg, () => resolve()));

async function main() {
  const started = performance.now();
  const fake = await startFakeProvider(PROVIDER, {
    records: RECORDS,
    defaultPageSize: PAGE_SIZE,
    maxPageSize: PAGE_SIZE,
    warm: true,
    recordRequests: false,
  });
  const warmMs = performance.now() - started;
  process.on('message', async (msg: { type: string }) => {
    if (msg.type === 'counters') {
      await send({ type: 'counters', requests: fake.counters.requests, byStatus: fake.counters.byStatus });
    } else if (msg.type === 'stop') {
      await fake.close();
      await send({ type: 'stopped' });
      process.exit(0);
    }
  });
  await send({ type: 'ready', apiBaseUrl: fake.apiBaseUrl, token: fake.token, records: RECORDS, warmMs });
}

main().catch(async (err) => {
  await send({ type: 'error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
