/**
 * An open-loop load generator: each kind of request is sent at its own fixed rate, on a schedule that never waits
 * for answers (a slow server gets more requests in flight, not fewer requests), and each latency is measured from
 * the moment the request was due, not from when it could finally be written, so time spent queued behind a slow
 * server counts (no coordinated omission). autocannon's `overallRate` is a per-connection quota that refills each
 * second — every connection sends its quota back to back at the start of the second, then waits — which measures
 * bursts and hides queueing; hence this generator for soak-style runs.
 *
 * Requests go over keep-alive connections of one node:http agent (up to `maxSockets`; beyond that they queue in the
 * agent, and their latency shows it). A request not answered `timeoutMs` after it was due — in flight or still queued —
 * is aborted and counted as a timeout, so a server that cannot keep up makes timeouts, not an ever longer queue, and a
 * run ends at most `timeoutMs` after its schedule.
 */
import http from 'node:http';
import { percentile } from './load.js';

export interface OpenLoopRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface OpenLoopKind {
  name: string;
  /** Requests per second, evenly spaced. */
  rate: number;
  /** The next request of this kind (called once per request, when it is due). */
  next(sequence: number): OpenLoopRequest;
}

export interface KindResult {
  /** Requests sent (due within the run). */
  sent: number;
  /** Answers by HTTP status. */
  statusCodes: Record<string, number>;
  /** Connection errors by code (ECONNRESET…), timeouts not included. */
  errors: Record<string, number>;
  timeouts: number;
  /** Latency from when the request was due to its last response byte, ms; null when no request was answered. */
  p50: number | null;
  p99: number | null;
  max: number | null;
}

const TICK_MS = 2;

/** Sends every kind at its rate for `seconds`, then waits for the answers (or timeouts) of all it sent. */
export async function runOpenLoop(
  baseUrl: string,
  kinds: OpenLoopKind[],
  seconds: number,
  options: { maxSockets: number; timeoutMs: number },
): Promise<Record<string, KindResult>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets });
  const { hostname, port } = new URL(baseUrl);
  const state = kinds.map((kind) => ({
    kind,
    sent: 0,
    latencies: [] as number[],
    statusCodes: {} as Record<string, number>,
    errors: {} as Record<string, number>,
    timeouts: 0,
  }));
  const pending = new Set<Promise<void>>();
  const start = performance.now();
  const endAt = start + seconds * 1000;

  const send = (s: (typeof state)[number], dueAt: number) => {
    const req = s.kind.next(s.sent);
    const done = new Promise<void>((resolve) => {
      let settled = false; // the first outcome counts (an abort can follow a response that ended)
      const finish = (outcome: { status?: number; error?: string; timeout?: boolean }) => {
        if (settled) return;
        settled = true;
        if (outcome.status !== undefined) {
          count(s.statusCodes, String(outcome.status));
          s.latencies.push(performance.now() - dueAt);
        } else if (outcome.timeout) s.timeouts++;
        else count(s.errors, outcome.error ?? 'error');
        resolve();
      };
      const deadline = AbortSignal.timeout(Math.max(1, Math.round(dueAt + options.timeoutMs - performance.now())));
      const failed = (err: NodeJS.ErrnoException) => finish(deadline.aborted ? { timeout: true } : { error: err.code ?? err.message });
      const r = http.request(
        { agent, hostname, port, method: req.method, path: req.path, headers: req.headers, signal: deadline },
        (res) => {
          res.resume();
          res.once('end', () => finish({ status: res.statusCode }));
          res.once('error', failed);
        },
      );
      r.once('error', failed);
      r.end(req.body);
    });
    pending.add(done);
    void done.then(() => pending.delete(done));
    s.sent++;
  };

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = Math.min(performance.now(), endAt);
      for (const s of state) {
        // Every request due by now (the i-th at start + i / rate) that has not been sent yet.
        const due = Math.floor(((now - start) / 1000) * s.kind.rate);
        while (s.sent < due) send(s, start + (s.sent / s.kind.rate) * 1000);
      }
      if (now >= endAt) resolve();
      else setTimeout(tick, TICK_MS);
    };
    tick();
  });
  while (pending.size) await Promise.all(pending);
  agent.destroy();

  return Object.fromEntries(
    state.map((s) => {
      const latencies = Float64Array.from(s.latencies);
      return [
        s.kind.name,
        {
          sent: s.sent,
          statusCodes: s.statusCodes,
          errors: s.errors,
          timeouts: s.timeouts,
          p50: latencies.length ? percentile(latencies, 50) : null,
          p99: latencies.length ? percentile(latencies, 99) : null,
          max: latencies.length ? latencies.reduce((m, x) => Math.max(m, x), 0) : null,
        },
      ];
    }),
  );
}

function count(counts: Record<string, number>, key: string) {
  counts[key] = (counts[key] ?? 0) + 1;
}
