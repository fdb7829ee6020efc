import t from 'tap';
import {
  BlockedDestinationError,
  NetworkError,
  ResponseTooLargeError,
  RequestTimeoutError,
  parseRetryAfter,
  withRetries,
  type RetryInfo,
} from '../../../../server/src/lib/safe-http/index.js';

interface Fake {
  status: number;
  headers: Record<string, string>;
}
const reply = (status: number, headers: Record<string, string> = {}): Fake => ({ status, headers });

function script(...steps: (Fake | Error)[]) {
  let i = 0;
  const fn = async (attempt: number) => {
    const step = steps[Math.min(i++, steps.length - 1)];
    if (step instanceof Error) throw step;
    return { ...step, attempt };
  };
  return { fn, calls: () => i };
}

function recorder() {
  const delays: number[] = [];
  const infos: RetryInfo[] = [];
  return { delays, infos, sleep: async (ms: number) => void delays.push(ms), onRetry: (i: RetryInfo) => void infos.push(i) };
}

t.test('withRetries honours Retry-After on 429 and 503', async (t) => {
  const r = recorder();
  const s = script(reply(429, { 'retry-after': '2' }), reply(503, { 'Retry-After': 'Wed, 01 Jan 2025 00:00:05 GMT' }), reply(200));
  const res = await withRetries(s.fn, {
    maxAttempts: 5,
    baseDelayMs: 100,
    maxDelayMs: 10_000,
    sleep: r.sleep,
    onRetry: r.onRetry,
    now: () => Date.parse('Wed, 01 Jan 2025 00:00:00 GMT'),
    random: () => 0.999,
  });
  t.equal(res.status, 200);
  t.same(r.delays, [2_000, 5_000], 'waited exactly what Retry-After said (seconds, then HTTP date)');
  t.same(
    r.infos.map((i) => [i.attempt, i.status, i.retryAfterMs]),
    [
      [1, 429, 2_000],
      [2, 503, 5_000],
    ],
  );

  t.equal(parseRetryAfter('0'), 0);
  t.equal(parseRetryAfter(' 7 '), 7_000);
  t.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:00 GMT', Date.parse('Wed, 01 Jan 2025 00:01:00 GMT')), 0, 'a past date means now');
  t.equal(parseRetryAfter('soon'), undefined);
  t.equal(parseRetryAfter(undefined), undefined);
});

t.test('withRetries backs off exponentially with full jitter, bounded', async (t) => {
  const r = recorder();
  const s = script(reply(500));
  const res = await withRetries(s.fn, {
    maxAttempts: 5,
    baseDelayMs: 100,
    maxDelayMs: 500,
    sleep: r.sleep,
    onRetry: r.onRetry,
    random: () => 0.5,
  });
  t.equal(res.status, 500, 'after the last attempt the last response is returned to the caller');
  t.equal(s.calls(), 5, 'exactly maxAttempts attempts');
  t.same(r.delays, [50, 100, 200, 250], 'random × min(max, base·2^(n-1)): 100, 200, 400, then capped at 500');

  const top = recorder();
  await withRetries(script(reply(502), reply(200)).fn, {
    maxAttempts: 3,
    baseDelayMs: 100,
    maxDelayMs: 500,
    sleep: top.sleep,
    random: () => 0.999999,
  });
  t.ok(top.delays[0] < 100 && top.delays[0] >= 99, 'full jitter stays below the cap');

  const zero = recorder();
  await withRetries(script(reply(429), reply(200)).fn, {
    maxAttempts: 3,
    baseDelayMs: 100,
    maxDelayMs: 500,
    sleep: zero.sleep,
    random: () => 0,
  });
  t.same(zero.delays, [0], '429 without Retry-After backs off too (jitter may pick 0)');

  const r500 = recorder();
  await withRetries(script(reply(500, { 'retry-after': '60' }), reply(200)).fn, {
    maxAttempts: 2,
    baseDelayMs: 100,
    maxDelayMs: 500,
    sleep: r500.sleep,
    random: () => 0.5,
  });
  t.same(r500.delays, [50], 'Retry-After is only honoured on 429/503; a 500 uses backoff');
});

t.test('withRetries never retries other 4xx, and gives up on a Retry-After it will not wait for', async (t) => {
  for (const status of [400, 401, 403, 404, 409, 422]) {
    const r = recorder();
    const s = script(reply(status), reply(200));
    const res = await withRetries(s.fn, { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 100, sleep: r.sleep });
    t.equal(res.status, status, `${status} returned to the caller`);
    t.equal(s.calls(), 1, `${status} not retried`);
  }
  const r = recorder();
  const s = script(reply(429, { 'retry-after': '3600' }), reply(200));
  const res = await withRetries(s.fn, { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 1_000, maxRetryAfterMs: 60_000, sleep: r.sleep });
  t.equal(res.status, 429, 'an hour-long Retry-After is handed back (the caller reschedules)');
  t.same(r.delays, []);
});

t.test('withRetries and thrown errors', async (t) => {
  const reset = new NetworkError('api.example.com', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
  const r = recorder();
  const s = script(reset, new RequestTimeoutError('request', 100, 'api.example.com'), reply(200));
  const res = await withRetries(s.fn, {
    maxAttempts: 3,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    sleep: r.sleep,
    onRetry: r.onRetry,
    random: () => 1,
  });
  t.equal(res.status, 200);
  t.same(r.delays, [100, 200], 'network errors and timeouts are retried with backoff');
  t.equal(r.infos[0].error, reset);

  const exhausted = script(reset);
  const err = await withRetries(exhausted.fn, { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {} }).catch(
    (e: unknown) => e,
  );
  t.equal(err, reset, 'the last error is rethrown when attempts run out');
  t.equal(exhausted.calls(), 3);

  for (const fatal of [
    new BlockedDestinationError('localhost', 'loopback address', '127.0.0.1'),
    new ResponseTooLargeError(10, 'x'),
    new NetworkError('nope.example', Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })),
    new TypeError('bug'),
  ]) {
    const f = script(fatal, reply(200));
    t.equal(
      await withRetries(f.fn, { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {} }).catch((e: unknown) => e),
      fatal,
      `${fatal.constructor.name} is not retried`,
    );
    t.equal(f.calls(), 1);
  }

  // An error that carries a status (a caller's own HTTP error type) is judged by the status.
  const withStatus = Object.assign(new Error('rate limited'), { status: 429, headers: { 'retry-after': '1' } });
  const ws = recorder();
  await withRetries(script(withStatus, reply(200)).fn, { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5_000, sleep: ws.sleep });
  t.same(ws.delays, [1_000]);

  const controller = new AbortController();
  controller.abort(new Error('stop'));
  t.match(
    await withRetries(script(reply(500)).fn, { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, signal: controller.signal }).catch(
      (e: unknown) => e,
    ),
    { message: 'stop' },
  );
  t.rejects(
    withRetries(async () => 1, { maxAttempts: 0, baseDelayMs: 1, maxDelayMs: 1 }),
    RangeError,
  );
});
