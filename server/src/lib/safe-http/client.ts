import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { allowAllAddresses, publicAddressesOnly, type AddressPolicy } from './address-policy.js';
import {
  BlockedDestinationError,
  InvalidJsonError,
  InvalidUrlError,
  NetworkError,
  RequestAbortedError,
  RequestTimeoutError,
  ResponseTooLargeError,
  SafeHttpError,
  TooManyRedirectsError,
} from './errors.js';
import { createGuardedLookup, systemResolver, type Resolver } from './guarded-lookup.js';
import { redactUrl } from './redact.js';

export interface SafeHttpClientOptions {
  /**
   * Development and tests only (`ALLOW_PRIVATE_NETWORK_TARGETS`): when true, any address may be reached.
   * When false, only public unicast addresses (see `publicAddressesOnly`).
   */
  allowPrivateNetworkTargets: boolean;
  /** Refuse plain `http://` URLs, including redirect targets. Default true; pass false in development/tests. */
  requireHttps?: boolean;
  /** Overall deadline of one `request()`: every redirect hop, DNS, connect, TLS and reading the body. Default 30 s. */
  timeoutMs?: number;
  /** Deadline for DNS + TCP connect + TLS handshake of each hop (a reused keep-alive socket skips it). Default 10 s. */
  connectTimeoutMs?: number;
  /** Redirects followed per request before TooManyRedirectsError. Default 5. */
  maxRedirects?: number;
  /** Largest response body accepted, in bytes. Default 16 MiB. */
  maxResponseBytes?: number;
  /** Default User-Agent header. */
  userAgent?: string;
  /**
   * Extra request headers that carry credentials (e.g. `x-api-key`, `x-shopify-access-token`). Like
   * Authorization, Proxy-Authorization and Cookie, they are dropped when a redirect changes origin.
   */
  sensitiveHeaders?: readonly string[];
  /**
   * Host name → addresses. Default: the system resolver (`dns.lookup`). Only name resolution is swappable;
   * whatever it returns is still judged by the address policy.
   */
  resolve?: Resolver;
  /**
   * Overrides which addresses may be reached (default: `allowAllAddresses` when allowPrivateNetworkTargets,
   * else `publicAddressesOnly`). Compose with `publicAddressesOnly` to allow a specific extra target.
   */
  addressPolicy?: AddressPolicy;
  /** Reuse connections (default true). Pooled sockets were connected through the guarded lookup. */
  keepAlive?: boolean;
}

export type SafeHttpBody = string | Uint8Array | URLSearchParams;

export interface SafeHttpRequest {
  /** Default GET. */
  method?: string;
  url: string | URL;
  headers?: Record<string, string | number | readonly string[] | undefined>;
  body?: SafeHttpBody;
  /** Overrides the client's overall deadline for this request. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** `'manual'` returns 3xx responses as they are (e.g. an OAuth redirect you want to inspect). Default follow. */
  redirect?: 'follow' | 'manual';
  /** Overrides the client's response size cap for this request. */
  maxResponseBytes?: number;
}

export interface SafeHttpResponse {
  status: number;
  statusText: string;
  /** Lower-case header names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Final URL after redirects. May contain query credentials: log `redactedUrl` instead. */
  url: string;
  /** `url` with query/fragment credentials masked — safe to log. */
  redactedUrl: string;
  /** Method of the final hop (a 303 turns POST into GET). */
  method: string;
  redirectCount: number;
  /** From the start of `request()` to the last body byte. */
  durationMs: number;
  text(): string;
  /** Parses the body; a non-JSON body throws InvalidJsonError (without quoting the body). */
  json<T = unknown>(): T;
}

/** What `fetch` callers (e.g. oauth4webapi's `customFetch`) pass. */
export interface SafeFetchInit {
  method?: string;
  headers?: Headers | Record<string, string> | [string, string][];
  body?: SafeHttpBody | null;
  signal?: AbortSignal | null;
  redirect?: 'follow' | 'manual';
}

export interface SafeHttpClient {
  request(req: SafeHttpRequest): Promise<SafeHttpResponse>;
  /** The same client as a `fetch`-shaped function returning a WHATWG Response (for oauth4webapi's `customFetch`). */
  fetch(url: string | URL, init?: SafeFetchInit): Promise<Response>;
  /** Closes pooled keep-alive connections. */
  close(): void;
}

export const DEFAULTS = Object.freeze({
  requireHttps: true,
  timeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  maxRedirects: 5,
  maxResponseBytes: 16 * 1024 * 1024,
  userAgent: 'Linkyard/0.1',
});

/** Always dropped when a redirect leaves the original origin. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];
/** Dropped when a redirect turns the request into a bodiless GET. */
const BODY_HEADERS = ['content-type', 'content-encoding', 'content-language', 'content-location'];
/** Computed by the client; callers cannot set them. */
const CLIENT_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection']);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

interface HopResult {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The client's options with their defaults applied. */
interface ClientSettings {
  requireHttps: boolean;
  timeoutMs: number;
  connectTimeoutMs: number;
  maxRedirects: number;
  maxResponseBytes: number;
  userAgent: string;
  policy: AddressPolicy;
  /** Header names (lower case) dropped when a redirect changes origin. */
  sensitive: Set<string>;
}

/** How sockets are opened: every one resolves its host through the guarded lookup. */
interface Transport {
  lookup: LookupFunction;
  agents: { 'http:': http.Agent; 'https:': https.Agent };
}

interface HopContext {
  transport: Transport;
  deadline: Deadline;
  connectTimeoutMs: number;
  maxResponseBytes: number;
}

/** Host as used in messages and by sockets: IPv6 literals without brackets. */
function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * The body as sent. A string stays a string (its byte length computed, not copied into a Buffer): node:http then
 * writes the headers and a string body as one chunk, where a Buffer body goes out as a second one (writev).
 */
function bodyOf(body: SafeHttpBody | undefined | null): Buffer | string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

export function createSafeHttpClient(options: SafeHttpClientOptions): SafeHttpClient {
  const settings = settingsOf(options);
  // The one place names become addresses: every socket the agents open resolves through this.
  const lookup: LookupFunction = createGuardedLookup(options.resolve ?? systemResolver, settings.policy);
  const keepAlive = options.keepAlive ?? true;
  const transport: Transport = {
    lookup,
    agents: {
      'http:': new http.Agent({ keepAlive, lookup }),
      'https:': new https.Agent({ keepAlive, lookup }),
    },
  };
  const request = (input: SafeHttpRequest) => requestFollowingRedirects(input, settings, transport);

  return {
    request,
    fetch: (url, init) => fetchThrough(request, url, init),
    close() {
      transport.agents['http:'].destroy();
      transport.agents['https:'].destroy();
    },
  };
}

function settingsOf(options: SafeHttpClientOptions): ClientSettings {
  return {
    requireHttps: options.requireHttps ?? DEFAULTS.requireHttps,
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    maxRedirects: options.maxRedirects ?? DEFAULTS.maxRedirects,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
    userAgent: options.userAgent ?? DEFAULTS.userAgent,
    policy: options.addressPolicy ?? (options.allowPrivateNetworkTargets ? allowAllAddresses : publicAddressesOnly),
    sensitive: new Set([...CREDENTIAL_HEADERS, ...(options.sensitiveHeaders ?? []).map((h) => h.toLowerCase())]),
  };
}

/**
 * One `request()`: every hop is checked and sent in turn until a response that is not a redirect to follow.
 * Any failure is thrown as a SafeHttpError carrying the method, redacted URL and duration of the hop it ended on.
 */
async function requestFollowingRedirects(
  input: SafeHttpRequest,
  settings: ClientSettings,
  transport: Transport,
): Promise<SafeHttpResponse> {
  const started = performance.now();
  const timeoutMs = input.timeoutMs ?? settings.timeoutMs;
  let method = (input.method ?? 'GET').toUpperCase();
  let current = parseUrl(input.url);
  const headers = requestHeaders(input, settings.userAgent);
  let body = bodyOf(input.body);

  const deadline = callDeadline(input.signal, timeoutMs, () => hostOf(current));
  const ctx: HopContext = {
    transport,
    deadline,
    connectTimeoutMs: Math.min(settings.connectTimeoutMs, timeoutMs),
    maxResponseBytes: input.maxResponseBytes ?? settings.maxResponseBytes,
  };
  try {
    for (let redirects = 0; ; redirects++) {
      checkDestination(current, settings);
      // The headers are this call's own object (node:http copies them into the request), so each hop sets its length.
      if (body === undefined) delete headers['content-length'];
      else headers['content-length'] = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
      const hop = await sendHop(current, method, headers, body, ctx);
      const location = hop.headers.location;
      if (input.redirect === 'manual' || !REDIRECT_STATUSES.has(hop.status) || !location) {
        return buildResponse(hop, current, method, redirects, performance.now() - started);
      }
      if (redirects >= settings.maxRedirects) throw new TooManyRedirectsError(settings.maxRedirects, hostOf(current));

      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw new InvalidUrlError(`${hostOf(current)} redirected to an invalid Location`);
      }
      // Fetch semantics: 303 (and 301/302 after POST) continue as a bodiless GET; 307/308 keep method and body.
      if ((hop.status === 303 && method !== 'HEAD') || ((hop.status === 301 || hop.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        for (const h of BODY_HEADERS) delete headers[h];
      }
      if (next.origin !== current.origin) for (const h of settings.sensitive) delete headers[h];
      current = next;
    }
  } catch (err) {
    const e = err instanceof SafeHttpError ? err : new NetworkError(hostOf(current), err);
    e.method ??= method;
    e.url ??= redactUrl(current);
    e.durationMs ??= Math.round(performance.now() - started);
    throw e;
  } finally {
    deadline.dispose();
  }
}

function parseUrl(url: string | URL): URL {
  try {
    return new URL(String(url));
  } catch {
    throw new InvalidUrlError('The URL is not a valid absolute URL');
  }
}

/** The caller's headers in lower case, over the client's defaults; the headers the client computes are dropped. */
function requestHeaders(input: SafeHttpRequest, userAgent: string): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { 'user-agent': userAgent, 'accept-encoding': 'identity' };
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    const key = name.toLowerCase();
    if (value !== undefined && !CLIENT_HEADERS.has(key)) headers[key] = value as string | number | string[];
  }
  return headers;
}

/**
 * One call's end: its deadline passed or the caller's signal aborted. A plain object rather than an AbortController
 * (whose signal is an EventTarget: an object, a listener list and its events per request); the hop in flight is the
 * one listener.
 */
interface Deadline {
  /** Why the call ended (RequestTimeoutError, RequestAbortedError); undefined while it has not. */
  reason: unknown;
  /** The hop in flight's abort (one at a time); null between hops. */
  onEnd: ((reason: unknown) => void) | null;
  dispose(): void;
}

/**
 * One deadline for the whole call; the caller's signal and the deadline both abort the current hop. `currentHost`
 * names the host of the hop in flight when either fires.
 */
function callDeadline(callerSignal: AbortSignal | undefined, timeoutMs: number, currentHost: () => string): Deadline {
  const end = (reason: unknown) => {
    if (deadline.reason !== undefined) return;
    deadline.reason = reason;
    deadline.onEnd?.(reason);
  };
  const timer = setTimeout(() => end(new RequestTimeoutError('request', timeoutMs, currentHost())), timeoutMs);
  const onCallerAbort = () => end(new RequestAbortedError(currentHost(), callerSignal?.reason));
  const deadline: Deadline = {
    reason: undefined,
    onEnd: null,
    dispose() {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  return deadline;
}

/** Scheme and IP-literal checks; host names are checked by the guarded lookup on the addresses actually used. */
function checkDestination(url: URL, { requireHttps, policy }: Pick<ClientSettings, 'requireHttps' | 'policy'>): void {
  const host = hostOf(url);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BlockedDestinationError(host || url.protocol, `the ${url.protocol.slice(0, -1)}: scheme is not allowed; use https://`);
  }
  if (requireHttps && url.protocol === 'http:') {
    throw new BlockedDestinationError(host, 'plain http:// is not allowed; use https://');
  }
  if (url.username || url.password) {
    throw new InvalidUrlError(`URLs with embedded credentials are not accepted (host ${host}); send credentials in headers`);
  }
  // The WHATWG parser already turned 2130706433, 0x7f000001, 017700000001 and 127.1 into 127.0.0.1 and
  // [::ffff:127.0.0.1] into ::ffff:7f00:1. Node's net.connect skips `lookup` for IP literals, so they are
  // judged here, with the very string the socket will connect to.
  const family = isIP(host);
  if (family !== 0) {
    const verdict = policy({ hostname: host, address: host, family: family as 4 | 6 });
    if (!verdict.allowed) throw new BlockedDestinationError(host, verdict.reason);
  }
}

/** One request and its whole response body, within the connect deadline, the size cap and the call's signal. */
function sendHop(
  url: URL,
  method: string,
  headers: OutgoingHttpHeaders,
  body: Buffer | string | undefined,
  ctx: HopContext,
): Promise<HopResult> {
  const host = hostOf(url);
  return new Promise<HopResult>((resolve, reject) => {
    if (ctx.deadline.reason !== undefined) return reject(ctx.deadline.reason);
    let settled = false;
    // Started when a new socket is assigned (a reused keep-alive socket, the common case, needs no timer).
    let connectTimer: NodeJS.Timeout | undefined;
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request({
      protocol: url.protocol,
      hostname: host,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method,
      headers,
      agent: ctx.transport.agents[url.protocol as 'http:' | 'https:'],
      lookup: ctx.transport.lookup,
    });

    const cleanup = () => {
      clearTimeout(connectTimer);
      ctx.deadline.onEnd = null;
    };
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(err instanceof SafeHttpError ? err : new NetworkError(host, err));
      req.destroy();
    };
    req.on('error', fail); // first: destroying the request below emits 'error'
    ctx.deadline.onEnd = fail;

    req.on('socket', (socket: Socket) => {
      if (!socket.connecting || settled) return; // reused keep-alive socket
      connectTimer = setTimeout(() => fail(new RequestTimeoutError('connect', ctx.connectTimeoutMs, host)), ctx.connectTimeoutMs);
      socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
    });

    req.on('response', (res: IncomingMessage) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > ctx.maxResponseBytes) {
        return fail(new ResponseTooLargeError(ctx.maxResponseBytes, host));
      }
      const chunks: Buffer[] = [];
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > ctx.maxResponseBytes) return fail(new ResponseTooLargeError(ctx.maxResponseBytes, host));
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('aborted', () => fail(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        cleanup();
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: res.headers,
          body: Buffer.concat(chunks, received),
        });
      });
    });

    req.end(body);
  });
}

/** `request` behind a `fetch`-shaped signature, answering a WHATWG Response. */
async function fetchThrough(
  request: (input: SafeHttpRequest) => Promise<SafeHttpResponse>,
  url: string | URL,
  init: SafeFetchInit = {},
): Promise<Response> {
  const headers: Record<string, string> = {};
  new Headers(init.headers as ConstructorParameters<typeof Headers>[0]).forEach((value, name) => (headers[name] = value));
  const res = await request({
    url,
    method: init.method,
    headers,
    body: init.body ?? undefined,
    signal: init.signal ?? undefined,
    redirect: init.redirect,
  });
  const out = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const v of value) out.append(name, v);
    else if (value !== undefined) out.set(name, value);
  }
  const nullBody = [101, 103, 204, 205, 304].includes(res.status) || res.method === 'HEAD';
  const response = new Response(nullBody ? null : new Uint8Array(res.body), {
    status: res.status,
    statusText: res.statusText,
    headers: out,
  });
  Object.defineProperty(response, 'url', { value: res.url });
  return response;
}

function buildResponse(hop: HopResult, url: URL, method: string, redirectCount: number, durationMs: number): SafeHttpResponse {
  const host = hostOf(url);
  return {
    status: hop.status,
    statusText: hop.statusText,
    headers: hop.headers,
    body: hop.body,
    url: url.href,
    redactedUrl: redactUrl(url),
    method,
    redirectCount,
    durationMs: Math.round(durationMs),
    text: () => hop.body.toString('utf8'),
    json<T = unknown>(): T {
      try {
        return JSON.parse(hop.body.toString('utf8')) as T;
      } catch {
        const err = new InvalidJsonError(hop.status, host, hop.body.length);
        err.method = method;
        err.url = redactUrl(url);
        throw err;
      }
    },
  };
}
