import t, { type Test } from 'tap';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BlockedDestinationError,
  InvalidJsonError,
  InvalidUrlError,
  NetworkError,
  RequestAbortedError,
  RequestTimeoutError,
  ResponseTooLargeError,
  TooManyRedirectsError,
  createGuardedLookup,
  createSafeHttpClient,
  publicAddressesOnly,
  systemResolver,
  withRetries,
  type AddressPolicy,
  type Resolver,
  type RetryInfo,
  type SafeHttpClient,
  type SafeHttpClientOptions,
} from '../../../../server/src/lib/safe-http/index.js';

// ---------------------------------------------------------------------------------------------------------
// helpers

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface TestServer {
  port: number;
  /** TCP connections accepted — a refused destination must leave this at 0, not just `requests`. */
  connections: number;
  requests: Seen[];
  close(): Promise<void>;
}

async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void = (_req, res) => res.end('ok'),
  host = '127.0.0.1',
): Promise<TestServer> {
  const state = { connections: 0, requests: [] as Seen[] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      state.requests.push(seen);
      handler(req, res, seen);
    });
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return state.connections;
    },
    requests: state.requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function client(t: Test, options: Partial<SafeHttpClientOptions> = {}): SafeHttpClient {
  const c = createSafeHttpClient({ allowPrivateNetworkTargets: false, requireHttps: false, ...options });
  t.teardown(() => c.close());
  return c;
}

/** Test DNS: the listed names resolve to the given address; everything else goes to the system resolver. */
function fakeDns(map: Record<string, string | string[]>, calls: string[] = []): Resolver {
  return async (hostname) => {
    calls.push(hostname);
    const entry = map[hostname];
    if (entry === undefined) return systemResolver(hostname);
    return (Array.isArray(entry) ? entry : [entry]).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

/**
 * The production policy plus exactly the listed (host name, address) pairs. The client code is unchanged:
 * the policy is data it consults at its one checkpoint, so this exercises the real check, not a bypass.
 */
function allowingOnly(pairs: [hostname: string, address: string][]): AddressPolicy {
  return (target) =>
    pairs.some(([h, a]) => h === target.hostname && a === target.address) ? { allowed: true } : publicAddressesOnly(target);
}

async function ipv6Available(): Promise<boolean> {
  try {
    const s = await startServer(undefined, '::1');
    await s.close();
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------
// refusals

t.test('internal destinations are refused before anything reaches them', async (t) => {
  const server = await startServer();
  t.teardown(() => server.close());
  const has6 = await ipv6Available();
  const server6 = has6 ? await startServer(undefined, '::1') : null;
  t.teardown(() => server6?.close());
  const p = server.port;
  const http = client(t);

  const cases: [url: string, host: RegExp, reason: RegExp][] = [
    [`http://127.0.0.1:${p}/`, /127\.0\.0\.1/, /loopback/],
    [`http://[::1]:${server6?.port ?? p}/`, /::1/, /loopback/],
    ['http://169.254.169.254/latest/meta-data', /169\.254\.169\.254/, /metadata/],
    [`http://2130706433:${p}/`, /127\.0\.0\.1/, /loopback/],
    [`http://0x7f000001:${p}/`, /127\.0\.0\.1/, /loopback/],
    [`http://017700000001:${p}/`, /127\.0\.0\.1/, /loopback/],
    [`http://127.1:${p}/`, /127\.0\.0\.1/, /loopback/],
    [`http://0177.0.0.1:${p}/`, /127\.0\.0\.1/, /loopback/],
    [`http://localhost:${p}/`, /localhost/, /loopback/],
    [`http://[::ffff:127.0.0.1]:${p}/`, /::ffff:7f00:1/, /IPv4-mapped/],
    [`http://0.0.0.0:${p}/`, /0\.0\.0\.0/, /unspecified/],
    [`http://[::]:${p}/`, /::/, /unspecified/],
    ['http://10.0.0.1/', /10\.0\.0\.1/, /private/],
    ['http://192.168.0.1/', /192\.168\.0\.1/, /private/],
    ['http://[fd00:ec2::254]/latest/meta-data', /fd00:ec2::254/, /metadata/],
    ['http://100.64.0.1/', /100\.64\.0\.1/, /carrier-grade NAT/],
    ['http://224.0.0.1/', /224\.0\.0\.1/, /multicast/],
  ];
  for (const [url, host, reason] of cases) {
    const err = await http.request({ method: 'GET', url }).then(
      () => null,
      (e: unknown) => e,
    );
    t.type(err, BlockedDestinationError, `${url} is refused`);
    const e = err as BlockedDestinationError;
    t.match(e.message, host, `${url}: message names the host`);
    t.match(e.message, reason, `${url}: message says why`);
    t.equal(e.code, 'BLOCKED_DESTINATION');
  }
  t.equal(server.connections, 0, 'the IPv4 server never saw a connection');
  t.equal(server.requests.length, 0, 'the IPv4 server never saw a request');
  if (server6) t.equal(server6.connections, 0, 'the IPv6 server never saw a connection');
});

t.test('a host name is judged on the address it resolves to, inside the socket lookup', async (t) => {
  const server = await startServer();
  t.teardown(() => server.close());

  // localhost through the real system resolver: refused at DNS time, with the address named.
  const real = await client(t)
    .request({ url: `http://localhost:${server.port}/` })
    .catch((e: unknown) => e);
  t.type(real, BlockedDestinationError);
  t.match((real as BlockedDestinationError).address, /^(127\.0\.0\.1|::1)$/, 'the resolved address was checked');
  t.match((real as BlockedDestinationError).message, /localhost \(resolved to (127\.0\.0\.1|::1)\): loopback address/);

  // A public-looking name whose DNS answer is internal (DNS rebinding / attacker-controlled DNS).
  const calls: string[] = [];
  const http = client(t, {
    resolve: fakeDns({ 'rebind.test': '127.0.0.1', 'meta.test': '169.254.169.254', 'mixed.test': ['8.8.8.8', '10.0.0.7'] }, calls),
  });
  for (const [name, reason] of [
    ['rebind.test', /loopback/],
    ['meta.test', /metadata/],
    ['mixed.test', /private/],
  ] as const) {
    const err = await http.request({ url: `http://${name}:${server.port}/?access_token=SECRET123` }).catch((e: unknown) => e);
    t.type(err, BlockedDestinationError, `${name} is refused`);
    const e = err as BlockedDestinationError;
    t.match(e.message, new RegExp(`^Refused to send a request to ${name.replace('.', '\\.')} \\(resolved to `));
    t.match(e.message, reason);
    t.notMatch(e.message, /SECRET123/, 'no query secret in the message');
    t.equal(e.url, `http://${name}:${server.port}/?access_token=[redacted]`, 'the error carries the redacted URL for logging');
    t.equal(e.method, 'GET');
    t.type(e.durationMs, 'number');
  }
  t.same(calls, ['rebind.test', 'meta.test', 'mixed.test'], 'one resolution per connection: the answer checked is the answer used');
  t.equal(server.connections, 0, 'no connection was made for a refused answer (mixed answers are refused, not filtered)');
});

t.test('the guarded lookup hands the socket exactly the addresses it checked', async (t) => {
  // A rebinding resolver: a different answer every time it is asked.
  let n = 0;
  const flipping: Resolver = async () => [{ address: n++ % 2 === 0 ? '8.8.8.8' : '127.0.0.1', family: 4 }];
  const lookup = createGuardedLookup(flipping, publicAddressesOnly);
  const ask = (all: boolean) =>
    new Promise<{ err: unknown; address: unknown; family?: number }>((resolve) =>
      lookup('rebind.test', { all }, ((err: unknown, address: unknown, family?: number) => resolve({ err, address, family })) as never),
    );
  t.same(
    await ask(true),
    { err: null, address: [{ address: '8.8.8.8', family: 4 }], family: undefined },
    'first answer: allowed, and it is what the socket gets',
  );
  const second = await ask(false);
  t.type(second.err, BlockedDestinationError, 'second answer: the loopback address is refused, not connected to');
  t.same(await ask(false), { err: null, address: '8.8.8.8', family: 4 });
});

t.test('scheme and HTTPS rules', async (t) => {
  const strict = client(t, { requireHttps: undefined }); // production default
  const e1 = await strict.request({ url: 'http://api.example.com/v1' }).catch((e: unknown) => e);
  t.type(e1, BlockedDestinationError);
  t.match((e1 as Error).message, /api\.example\.com: plain http:\/\/ is not allowed; use https:\/\//);
  for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'gopher://example.com/']) {
    const e = await strict.request({ url }).catch((err: unknown) => err);
    t.type(e, BlockedDestinationError, `${url} is refused`);
    t.match((e as Error).message, /scheme is not allowed/);
  }
  t.type(await strict.request({ url: 'not a url' }).catch((e: unknown) => e), InvalidUrlError);
  const creds = await strict.request({ url: 'https://user:pw@example.com/' }).catch((e: unknown) => e);
  t.type(creds, InvalidUrlError);
  t.notMatch((creds as Error).message, /pw/);
});

// ---------------------------------------------------------------------------------------------------------
// development mode

t.test('with allowPrivateNetworkTargets the same local requests succeed', async (t) => {
  const server = await startServer((req, res) => res.end(JSON.stringify({ path: req.url })));
  t.teardown(() => server.close());
  const server6 = (await ipv6Available()) ? await startServer((req, res) => res.end(JSON.stringify({ path: req.url })), '::1') : null;
  t.teardown(() => server6?.close());
  const http = client(t, { allowPrivateNetworkTargets: true });
  const p = server.port;
  const urls = [
    `http://127.0.0.1:${p}/a`,
    `http://2130706433:${p}/b`,
    `http://0x7f000001:${p}/c`,
    `http://localhost:${p}/d`,
    `http://[::ffff:127.0.0.1]:${p}/e`,
  ];
  for (const url of urls) {
    // localhost may resolve to ::1 first; the v4 server only listens on 127.0.0.1, so only assert success.
    const res = await http.request({ method: 'GET', url });
    t.equal(res.status, 200, url);
    t.same(res.json(), { path: new URL(url).pathname }, `${url} body`);
    t.equal(res.url, new URL(url).href, 'final URL');
    t.type(res.durationMs, 'number');
  }
  if (server6) {
    const res = await http.request({ url: `http://[::1]:${server6.port}/f` });
    t.same(res.json(), { path: '/f' }, 'http://[::1] reaches the IPv6 server');
  }
  t.ok(server.requests.length >= urls.length);
});

// ---------------------------------------------------------------------------------------------------------
// redirects

t.test('a redirect from an allowed origin to an internal address is refused', async (t) => {
  const internal = await startServer();
  t.teardown(() => internal.close());
  const targets = [
    `http://localhost:${internal.port}/secret`,
    `http://127.0.0.1:${internal.port}/secret`,
    `http://2130706433:${internal.port}/secret`,
    `http://[::ffff:127.0.0.1]:${internal.port}/secret`,
    `http://evil.test:${internal.port}/secret`,
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
  ];
  const allowed = await startServer((req, res) => {
    const i = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('to'));
    res.writeHead(302, { location: targets[i] }).end();
  });
  t.teardown(() => allowed.close());

  // allowed.test → 127.0.0.1 is the one permitted target; evil.test also resolves to 127.0.0.1 but is not.
  const http = client(t, {
    resolve: fakeDns({ 'allowed.test': '127.0.0.1', 'evil.test': '127.0.0.1' }),
    addressPolicy: allowingOnly([['allowed.test', '127.0.0.1']]),
  });
  for (let i = 0; i < targets.length; i++) {
    const err = await http
      .request({ url: `http://allowed.test:${allowed.port}/start?to=${i}`, headers: { authorization: 'Bearer X' } })
      .catch((e: unknown) => e);
    t.type(err, BlockedDestinationError, `redirect to ${targets[i]} is refused`);
    t.match(
      (err as Error).message,
      new RegExp(new URL(targets[i]).hostname === 'evil.test' ? 'evil\\.test' : 'loopback|metadata|IPv4-mapped'),
    );
  }
  t.equal(allowed.requests.length, targets.length, 'the allowed first hop was really sent');
  t.equal(internal.connections, 0, 'the internal server never saw a connection');
});

t.test('credentials are stripped when a redirect changes origin, kept on the same origin', async (t) => {
  const other = await startServer((req, res) => res.end('other'));
  t.teardown(() => other.close());
  const first = await startServer((req, res) => {
    if (req.url === '/same') return res.writeHead(301, { location: '/landed' }).end();
    if (req.url === '/landed') return res.end('same');
    if (req.url === '/cross') return res.writeHead(307, { location: `http://b.test:${other.port}/there?x=1` }).end();
    res.statusCode = 404;
    res.end();
  });
  t.teardown(() => first.close());

  const http = client(t, {
    resolve: fakeDns({ 'a.test': '127.0.0.1', 'b.test': '127.0.0.1' }),
    addressPolicy: allowingOnly([
      ['a.test', '127.0.0.1'],
      ['b.test', '127.0.0.1'],
    ]),
    sensitiveHeaders: ['X-Api-Key'],
  });
  const headers = { authorization: 'Bearer s3cr3t', cookie: 'sid=1', 'x-api-key': 'k', 'x-trace': 't' };

  const same = await http.request({ url: `http://a.test:${first.port}/same`, headers });
  t.equal(same.text(), 'same');
  t.equal(same.redirectCount, 1);
  t.equal(first.requests.at(-1)?.headers.authorization, 'Bearer s3cr3t', 'same-origin redirect keeps Authorization');

  const cross = await http.request({ method: 'PUT', url: `http://a.test:${first.port}/cross`, headers, body: 'payload' });
  t.equal(cross.text(), 'other');
  t.equal(cross.url, `http://b.test:${other.port}/there?x=1`, 'final URL after the redirect');
  const seen = other.requests[0];
  t.equal(seen.headers.authorization, undefined, 'Authorization stripped');
  t.equal(seen.headers.cookie, undefined, 'Cookie stripped');
  t.equal(seen.headers['x-api-key'], undefined, 'configured sensitive header stripped');
  t.equal(seen.headers['x-trace'], 't', 'other headers kept');
  t.equal(seen.method, 'PUT', '307 keeps the method');
  t.equal(seen.body, 'payload', '307 keeps the body');
});

t.test('303 and POST-after-302 continue as a bodiless GET', async (t) => {
  const server = await startServer((req, res) => {
    if (req.url === '/see-other') return res.writeHead(303, { location: '/result' }).end();
    if (req.url === '/found') return res.writeHead(302, { location: '/result' }).end();
    res.end('done');
  });
  t.teardown(() => server.close());
  const http = client(t, { allowPrivateNetworkTargets: true });
  for (const path of ['/see-other', '/found']) {
    const res = await http.request({
      method: 'POST',
      url: `http://127.0.0.1:${server.port}${path}`,
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    t.equal(res.method, 'GET');
    const last = server.requests.at(-1)!;
    t.equal(last.method, 'GET', `${path}: followed with GET`);
    t.equal(last.body, '', `${path}: without the body`);
    t.equal(last.headers['content-type'], undefined, `${path}: without body headers`);
  }
});

t.test('redirects are limited', async (t) => {
  const server = await startServer((req, res) => {
    const n = Number((req.url ?? '/0').slice(1));
    res.writeHead(302, { location: `/${n + 1}` }).end();
  });
  t.teardown(() => server.close());
  const http = client(t, { allowPrivateNetworkTargets: true, maxRedirects: 3 });
  const err = await http.request({ url: `http://127.0.0.1:${server.port}/0` }).catch((e: unknown) => e);
  t.type(err, TooManyRedirectsError);
  t.match((err as Error).message, /redirected more than 3 times/);
  t.equal(server.requests.length, 4, 'the first request and 3 redirects, then it stopped');

  const manual = await http.request({ url: `http://127.0.0.1:${server.port}/0`, redirect: 'manual' });
  t.equal(manual.status, 302, "redirect: 'manual' returns the 3xx");
  t.equal(manual.headers.location, '/1');
});

// ---------------------------------------------------------------------------------------------------------
// deadlines, abort, size

t.test('timeouts and abort', async (t) => {
  const server = await startServer((req, res) => {
    if (req.url === '/drip') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first chunk'); // then never ends
    }
    // '/hang': never responds
  });
  t.teardown(() => server.close());
  const http = client(t, { allowPrivateNetworkTargets: true, timeoutMs: 5_000 });

  // Which deadline fired is read from the error (the request's 150 ms, not the client's 5 s), not from a clock.
  const hang = await http.request({ url: `http://127.0.0.1:${server.port}/hang`, timeoutMs: 150 }).catch((e: unknown) => e);
  t.type(hang, RequestTimeoutError, 'no response: the overall deadline fires');
  t.equal((hang as RequestTimeoutError).phase, 'request');
  t.equal((hang as RequestTimeoutError).code, 'REQUEST_TIMEOUT');
  t.equal((hang as RequestTimeoutError).timeoutMs, 150, "the request's own deadline, not the client's default");

  const drip = await http.request({ url: `http://127.0.0.1:${server.port}/drip`, timeoutMs: 150 }).catch((e: unknown) => e);
  t.type(drip, RequestTimeoutError, 'a body that never ends: the same deadline fires');
  t.equal((drip as RequestTimeoutError).timeoutMs, 150);

  // DNS that never answers: the connect deadline (DNS + TCP + TLS) fires before the overall one.
  const stuck = client(t, {
    resolve: () => new Promise(() => {}),
    addressPolicy: () => ({ allowed: true }),
    connectTimeoutMs: 100,
    timeoutMs: 5_000,
  });
  const conn = await stuck.request({ url: 'http://never.test/' }).catch((e: unknown) => e);
  t.type(conn, RequestTimeoutError);
  t.equal((conn as RequestTimeoutError).phase, 'connect');
  t.equal((conn as RequestTimeoutError).timeoutMs, 100, 'the connect deadline');

  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('shutting down')), 50);
  const aborted = await http.request({ url: `http://127.0.0.1:${server.port}/hang`, signal: controller.signal }).catch((e: unknown) => e);
  t.type(aborted, RequestAbortedError);
  t.match(((aborted as Error).cause as Error).message, 'shutting down');

  const pre = AbortSignal.abort();
  t.type(await http.request({ url: `http://127.0.0.1:${server.port}/hang`, signal: pre }).catch((e: unknown) => e), RequestAbortedError);

  const refused = await http.request({ url: 'http://127.0.0.1:1/' }).catch((e: unknown) => e);
  t.type(refused, NetworkError, 'connection refused is a NetworkError');
  t.equal((refused as NetworkError).causeCode, 'ECONNREFUSED');
});

t.test('response size is capped', async (t) => {
  const big = 'x'.repeat(2_000);
  const server = await startServer((req, res) => {
    if (req.url === '/declared') return res.end(big); // with content-length
    if (req.url === '/chunked') {
      res.write(big.slice(0, 600));
      setTimeout(() => res.end(big.slice(600)), 10);
      return;
    }
    res.end('x'.repeat(1_000));
  });
  t.teardown(() => server.close());
  const http = client(t, { allowPrivateNetworkTargets: true, maxResponseBytes: 1_000 });
  const declared = await http.request({ url: `http://127.0.0.1:${server.port}/declared` }).catch((e: unknown) => e);
  t.type(declared, ResponseTooLargeError, 'refused from Content-Length');
  t.match((declared as Error).message, /larger than the 1000-byte limit/);
  t.type(
    await http.request({ url: `http://127.0.0.1:${server.port}/chunked` }).catch((e: unknown) => e),
    ResponseTooLargeError,
    'refused while streaming',
  );
  const exact = await http.request({ url: `http://127.0.0.1:${server.port}/exact` });
  t.equal(exact.body.length, 1_000, 'a body exactly at the limit is fine');
  t.type(
    await http.request({ url: `http://127.0.0.1:${server.port}/exact`, maxResponseBytes: 10 }).catch((e: unknown) => e),
    ResponseTooLargeError,
    'per-request cap',
  );
});

t.test('bodies, JSON and the fetch adapter', async (t) => {
  const server = await startServer((req, res, seen) => {
    if (req.url?.startsWith('/html')) return res.end('<html>token=abc</html>');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: seen.method, body: seen.body, type: seen.headers['content-type'], ua: seen.headers['user-agent'] }));
  });
  t.teardown(() => server.close());
  const http = client(t, { allowPrivateNetworkTargets: true, userAgent: 'linkyard-test' });
  const res = await http.request({
    method: 'post',
    url: `http://127.0.0.1:${server.port}/echo`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ a: '1', b: 'two' }),
  });
  t.same(res.json(), { method: 'POST', body: 'a=1&b=two', type: 'application/x-www-form-urlencoded', ua: 'linkyard-test' });

  const html = await http.request({ url: `http://127.0.0.1:${server.port}/html?code=XYZ` });
  const err = (() => {
    try {
      html.json();
    } catch (e) {
      return e;
    }
  })();
  t.type(err, InvalidJsonError);
  t.notMatch((err as Error).message, /token=abc|XYZ/, 'neither the body nor query secrets are quoted');
  t.equal((err as InvalidJsonError).url, `http://127.0.0.1:${server.port}/html?code=[redacted]`);

  const fetched = await http.fetch(`http://127.0.0.1:${server.port}/f`, {
    method: 'POST',
    headers: new Headers({ 'content-type': 'text/plain' }),
    body: 'hi',
  });
  t.equal(fetched.status, 200);
  t.same(await fetched.json(), { method: 'POST', body: 'hi', type: 'text/plain', ua: 'linkyard-test' });
  t.equal(fetched.url, `http://127.0.0.1:${server.port}/f`);

  const strict = client(t);
  t.type(
    await strict.fetch(`http://127.0.0.1:${server.port}/f`).catch((e: unknown) => e),
    BlockedDestinationError,
    'the fetch adapter is guarded too',
  );
});

// ---------------------------------------------------------------------------------------------------------
// retries (withRetries itself: test/unit/lib/safe-http/retry.test.ts)

function recorder() {
  const delays: number[] = [];
  const infos: RetryInfo[] = [];
  return { delays, infos, sleep: async (ms: number) => void delays.push(ms), onRetry: (i: RetryInfo) => void infos.push(i) };
}

t.test('withRetries around the real client', async (t) => {
  let n = 0;
  const server = await startServer((_req, res) => {
    n++;
    if (n === 1) return res.writeHead(429, { 'retry-after': '1' }).end('slow down');
    if (n === 2) return res.writeHead(502).end();
    res.end('{"ok":true}');
  });
  t.teardown(() => server.close());
  const http = client(t, { allowPrivateNetworkTargets: true });
  const r = recorder();
  const res = await withRetries(() => http.request({ url: `http://127.0.0.1:${server.port}/items?api_key=K` }), {
    maxAttempts: 4,
    baseDelayMs: 200,
    maxDelayMs: 2_000,
    sleep: r.sleep,
    onRetry: r.onRetry,
    random: () => 0.25,
  });
  t.same(res.json(), { ok: true });
  t.same(r.delays, [1_000, 100]);
  t.same(
    r.infos.map((i) => i.status),
    [429, 502],
  );
  t.equal(res.redactedUrl, `http://127.0.0.1:${server.port}/items?api_key=[redacted]`, 'loggable URL');
  t.equal(res.method, 'GET');
});
