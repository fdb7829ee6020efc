import diagnostics from 'node:diagnostics_channel';
import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

/**
 * Optional wall-clock breakdown for the API benchmark's server process (BENCH_TIMINGS=1): time per
 * SQL statement (client round trip), waiting for a pooled connection, and per request the time
 * before the route handler (hooks: JWT, actor, rate limits, CASL), in the handler (service + SQL),
 * and after it (serialization, onSend, write). It wraps library prototypes, so it costs a little;
 * the headline figures come from runs without it.
 */
export interface Stat {
  count: number;
  totalMs: number;
  maxMs: number;
}

export class Timings {
  private stats = new Map<string, Stat>();

  record(key: string, ms: number) {
    const s = this.stats.get(key);
    if (s) {
      s.count++;
      s.totalMs += ms;
      if (ms > s.maxMs) s.maxMs = ms;
    } else {
      this.stats.set(key, { count: 1, totalMs: ms, maxMs: ms });
    }
  }

  /** Everything recorded since the last call. */
  take(): Record<string, Stat> {
    const out = Object.fromEntries(this.stats);
    this.stats = new Map();
    return out;
  }
}

const label = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 90 ? `${flat.slice(0, 87)}...` : flat;
};

export function instrumentPg(timings: Timings) {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const originalQuery = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const config = args[0] as string | { text?: string } | undefined;
    const text = typeof config === 'string' ? config : (config?.text ?? '(query object)');
    const key = `sql  ${label(text)}`;
    const start = performance.now();
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const cb = args[last] as (...a: unknown[]) => void;
      args[last] = (...a: unknown[]) => {
        timings.record(key, performance.now() - start);
        cb(...a);
      };
      return originalQuery.apply(this, args);
    }
    const result = originalQuery.apply(this, args) as Promise<unknown> | undefined;
    result?.then?.(
      () => timings.record(key, performance.now() - start),
      () => {},
    );
    return result;
  };

  const poolProto = pg.Pool.prototype as unknown as { connect: (...args: unknown[]) => unknown };
  const originalConnect = poolProto.connect;
  poolProto.connect = function (this: unknown, ...args: unknown[]) {
    const start = performance.now();
    const cb = args[0];
    if (typeof cb === 'function') {
      return originalConnect.call(this, (...a: unknown[]) => {
        timings.record('pool wait for a connection', performance.now() - start);
        (cb as (...x: unknown[]) => void)(...a);
      });
    }
    const result = originalConnect.call(this) as Promise<unknown>;
    result.then(
      () => timings.record('pool wait for a connection', performance.now() - start),
      () => {},
    );
    return result;
  };
}

/** Whole request time on one HTTP server (from the request event to the response's finish). */
export function instrumentHttp(timings: Timings, name: string, server: Server) {
  server.on('request', (req, res) => {
    const t0 = performance.now();
    requestStart.set(req, t0);
    res.once('finish', () => timings.record(`${name}: whole request, server side`, performance.now() - t0));
  });
}

const requestStart = new WeakMap<object, number>();

/**
 * Fastify's handler tracing channel: time before the handler (onRequest + preHandler hooks: JWT,
 * actor query, rate limits, CASL), and in the handler until its promise settles (service + SQL).
 * What is left of the whole request is serialization, onSend hooks and the socket write.
 */
export function instrumentHandlers(timings: Timings) {
  type Store = { request: { raw: object }; route: { url: string } };
  const handlerStart = new WeakMap<object, number>();
  diagnostics.tracingChannel('fastify.request.handler').subscribe({
    start(ctx) {
      const store = ctx as Store;
      const now = performance.now();
      handlerStart.set(store, now);
      const t0 = requestStart.get(store.request.raw);
      if (t0 !== undefined) timings.record(`${store.route.url}: before handler (hooks)`, now - t0);
    },
    asyncStart(ctx) {
      const store = ctx as Store;
      const t = handlerStart.get(store);
      if (t !== undefined) timings.record(`${store.route.url}: handler until its promise settles`, performance.now() - t);
    },
    end() {},
    asyncEnd() {},
    error() {},
  });
}
