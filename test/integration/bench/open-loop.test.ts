/**
 * The soak benchmark's open-loop generator (test/bench/lib/open-loop.ts) against a local HTTP server that holds every
 * answer until the whole schedule has arrived: an open-loop generator sends each request when it is due whether or
 * not earlier ones were answered, so the server receives them all; a closed-loop one (one request per connection at a
 * time, as autocannon) would wait for answers that never come before the last request. Counted per kind: requests
 * sent, answers by status, timeouts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { runOpenLoop, type OpenLoopKind } from '../../bench/lib/open-loop.js';

t.test('sends every request on schedule without waiting for answers, and counts answers and timeouts per kind', async (t) => {
  const seconds = 0.5;
  const kinds: OpenLoopKind[] = [
    { name: 'ok', rate: 80, next: (n) => ({ method: 'GET', path: `/ok/${n}`, headers: {} }) },
    { name: 'busy', rate: 40, next: (n) => ({ method: 'POST', path: `/busy/${n}`, headers: {}, body: `request ${n}` }) },
    { name: 'silent', rate: 4, next: (n) => ({ method: 'GET', path: `/silent/${n}`, headers: {} }) },
  ];
  const expected = kinds.map((k) => Math.floor(k.rate * seconds));
  const answerable = expected[0] + expected[1];
  const held: { path: string; res: http.ServerResponse }[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      if (req.url!.startsWith('/silent/')) return; // never answered: the generator's timeout ends it
      held.push({ path: req.url!, res });
      if (held.length < answerable) return;
      for (const h of held) {
        h.res.statusCode = h.path.startsWith('/busy/') ? 503 : 200;
        h.res.end('answer');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });

  const result = await runOpenLoop(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, kinds, seconds, {
    maxSockets: 256,
    timeoutMs: 2000, // longer than the schedule, for which the answerable requests wait
  });

  t.same(
    kinds.map((k) => result[k.name].sent),
    expected,
    'rate × duration requests of each kind',
  );
  t.same(result.ok.statusCodes, { 200: expected[0] });
  t.same(result.busy.statusCodes, { 503: expected[1] });
  t.same([result.ok.timeouts, result.busy.timeouts], [0, 0]);
  t.equal(result.silent.timeouts, expected[2], 'the unanswered requests time out');
  t.same(result.silent.statusCodes, {});
  // null, not NaN: results cross IPC as JSON, where NaN would arrive as null anyway and break whoever formats it.
  t.same([result.silent.p50, result.silent.p99, result.silent.max], [null, null, null], 'no latency without an answer');
  t.same(
    held
      .map((h) => h.path)
      .filter((p) => p.startsWith('/ok/'))
      .sort(),
    Array.from({ length: expected[0] }, (_, n) => `/ok/${n}`).sort(),
    'each request built from its own sequence number',
  );
  t.ok(result.ok.p99! >= result.ok.p50!, 'percentiles from every answer');
});
