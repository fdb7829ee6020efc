/**
 * The push benchmark's fake Stripe (started by ./index.ts with IPC): test/fixtures/providers' fake Stripe API with the
 * benchmark's customers, pre-warmed (every record serialised once), no request log kept, in a process of its own, so
 * the writes Linkyard sends and the bare loop's requests are answered by the same server and its CPU is nobody
 * else's. Stripe's rate limit is not simulated (the fake never answers 429 unless told to): the benchmark measures
 * Linkyard's cost per write, not the provider's budget.
 *
 * IPC: sends { type: 'ready', apiBaseUrl, token, pid } once listening; { type: 'counters' } answers the requests
 * answered since the last reset, by method and status; { type: 'reset' } zeroes them; { type: 'record', id } answers
 * the customer as the fake now holds it; { type: 'stop' } closes it and exits.
 */
import { startFakeProvider } from '../../fixtures/providers/index.js';

const send = (msg: unknown) => new Promise<void>((resolve) => process.send!(msg, () => resolve()));

async function main() {
  const records = Number(process.env.BENCH_PUSH_FAKE_RECORDS);
  const fake = await startFakeProvider('stripe', { records, warm: true, recordRequests: false, token: 'sk_test_bench_push' });
  process.on('message', async (msg: { type: string; id?: string }) => {
    if (msg.type === 'counters') {
      await send({ type: 'counters', requests: fake.counters.requests, byStatus: fake.counters.byStatus });
    } else if (msg.type === 'reset') {
      fake.resetRequests();
      await send({ type: 'reset' });
    } else if (msg.type === 'record') {
      await send({ type: 'record', record: fake.record(msg.id!)?.data ?? null });
    } else if (msg.type === 'stop') {
      await fake.close();
      await send({ type: 'stopped' });
      process.exit(0);
    }
  });
  await send({ type: 'ready', apiBaseUrl: fake.apiBaseUrl, token: fake.token, pid: process.pid, ids: fake.ids() });
}

main().catch(async (err) => {
  await send({ type: 'error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
